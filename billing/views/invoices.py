"""Division finance's invoice pages: the notes to invoice (breached first), issuing from a
delivery note, the invoices with their filters, one invoice with its lines, history and
red-letter credit note, and its PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.db.models import BooleanField, Case, F, Model, Q, QuerySet, Value, When
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.actions import PostActionView, query_string_without_page
from core.audit import audit_history
from core.forms import CleanTextForm
from core.pagination import CappedPaginator, KeptRows
from core.scoping import division_scope, scope_to_divisions, scope_to_user_divisions
from core.views import PermissionGateMixin
from core.working_calendar import at_local
from fulfilment.models import DeliveryNote
from orders.models import Order

from ..models import Invoice
from ..money import amount_in_chinese
from ..pdf import invoice_pdf
from ..services.invoices import invoice_credit, invoice_issue

M = TypeVar("M", bound=Model)


def get_scoped(queryset: QuerySet[M], *, user: Any, pk: int) -> M:
    """The same 404 for "does not exist" and "not yours"."""
    return get_object_or_404(scope_to_user_divisions(queryset, user=user), pk=pk)


# --- selectors -------------------------------------------------------------------------------
def notes_to_invoice(*, user: Any, now: dt.datetime | None = None) -> QuerySet[DeliveryNote]:
    """Delivery notes with reserved stock (their invoice is due) in the user's divisions,
    breached first, then by the order's invoice due time."""
    return _notes_due(division_scope(user), now or timezone.now())


def _reserved(divisions: tuple[int, ...] | None) -> QuerySet[DeliveryNote]:
    notes = scope_to_divisions(DeliveryNote.objects.all(), divisions)
    return notes.filter(status=DeliveryNote.Status.RESERVED)


def _notes_due(divisions: tuple[int, ...] | None, now: dt.datetime) -> QuerySet[DeliveryNote]:
    return (
        _reserved(divisions)
        .select_related("order", "warehouse")
        # what the list and the panel show, the state machines' states included — not the
        # order's seventy columns (its personal numbers decrypted for every row)
        .only(
            "number",
            "status",
            "ship_by",
            "division",
            "order__number",
            "order__invoice_title",
            "order__status",
            "warehouse__code",
        )
        .annotate(
            due_at=F("order__invoice_due_at"),
            breached=Case(
                When(order__invoice_due_at__lt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-breached", F("order__invoice_due_at").asc(nulls_last=True), "ship_by", "pk")
    )


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=64)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(Invoice.Kind.choices),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(Invoice.Status.choices),
    )
    issued_from = forms.DateField(label=gettext_lazy("Issued from"), required=False)
    issued_to = forms.DateField(label=gettext_lazy("Issued through"), required=False)


# What a row of the invoice list shows: not the order's seventy columns (its personal
# numbers decrypted for every row) nor the delivery note's, only their numbers.
LIST_FIELDS = (
    "number",
    "kind",
    "status",
    "issued_at",
    "buyer_title",
    "tax_amount",
    "total_amount",
    "order__number",
    "order__status",  # (a state machine's field: read when the row is built)
    "delivery_note__number",
    "delivery_note__status",
    "division__code",
    "division__name",
)


def invoice_list_for_user(*, user: Any, filters: dict[str, Any]) -> QuerySet[Invoice]:
    invoices = (
        scope_to_user_divisions(Invoice.objects.all(), user=user)
        .select_related("order", "delivery_note", "division")
        .only(*LIST_FIELDS)
    )
    if filters.get("q"):
        invoices = _search(invoices, filters["q"])
    if filters.get("kind"):
        invoices = invoices.filter(kind=filters["kind"])
    if filters.get("status"):
        invoices = invoices.filter(status=filters["status"])
    if filters.get("issued_from"):  # Beijing days
        invoices = invoices.filter(issued_at__gte=at_local(filters["issued_from"], dt.time()))
    if filters.get("issued_to"):
        next_day = filters["issued_to"] + dt.timedelta(days=1)
        invoices = invoices.filter(issued_at__lt=at_local(next_day, dt.time()))
    return invoices.order_by("-issued_at", "-pk")


# The orders and notes a search looks among (a number shared by more is not a search).
SEARCH_DOCUMENT_LIMIT = 100


def _search(invoices: QuerySet[Invoice], text: str) -> QuerySet[Invoice]:
    """The invoice's number or title containing the text (3 characters and more; a shorter
    one must be whole), or the exact number of its order, platform order or delivery note.
    Each branch is indexed (trigram indexes on the invoice's number and title, the
    documents' numbers read first and their invoices found by id), so a search reads what
    it finds, not every invoice with its order and note."""
    text = text.strip()
    if not text:
        return invoices
    exact = {text, text.upper()}
    order_ids = list(
        Order.objects.filter(Q(number__in=exact) | Q(platform_order_no=text))
        .order_by()
        .values_list("pk", flat=True)[:SEARCH_DOCUMENT_LIMIT]
    )
    note_ids = list(
        DeliveryNote.objects.filter(number__in=exact)
        .order_by()
        .values_list("pk", flat=True)[:SEARCH_DOCUMENT_LIMIT]
    )
    lookup = "icontains" if len(text) >= 3 else "iexact"
    return invoices.filter(
        Q(**{f"number__{lookup}": text})
        | Q(**{f"buyer_title__{lookup}": text})
        | Q(order_id__in=order_ids)
        | Q(delivery_note_id__in=note_ids)
    )


# --- pages -----------------------------------------------------------------------------------
class InvoiceListView(PermissionGateMixin, ListView):
    permission_required = "billing.view_invoice"
    template_name = "billing/invoice_list.html"
    context_object_name = "invoices"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        self.form = InvoiceFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return invoice_list_for_user(user=self.request.user, filters=filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


class InvoiceDueView(PermissionGateMixin, ListView):
    permission_required = "billing.issue_invoice"
    template_name = "billing/invoice_due.html"
    context_object_name = "notes"
    paginate_by = 100

    def get_queryset(self) -> Any:
        # the list's statements compiled once per process (its count and first page)
        scope = division_scope(self.request.user)
        return KeptRows(_notes_due, scope, timezone.now(), counted=(_reserved, (scope,)))


class CreditForm(CleanTextForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the credit note"), max_length=200)


class InvoiceDetailView(PermissionGateMixin, TemplateView):
    permission_required = "billing.view_invoice"
    template_name = "billing/invoice_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        invoice = get_scoped(
            Invoice.objects.select_related(
                "order", "delivery_note", "division", "issued_by", "original"
            ),
            user=user,
            pk=kwargs["pk"],
        )
        can_credit = (
            user.has_perm("billing.credit_invoice")
            and invoice.kind == Invoice.Kind.INVOICE
            and invoice.status == Invoice.Status.ISSUED
        )
        context.update(
            invoice=invoice,
            lines=list(invoice.lines.order_by("position")),
            credit_notes=list(Invoice.objects.filter(original=invoice).order_by("issued_at", "pk")),
            total_in_words=amount_in_chinese(invoice.total_amount),
            history=audit_history(invoice),
            credit_form=CreditForm() if can_credit else None,
        )
        return context


class InvoicePdfView(PermissionGateMixin, View):
    permission_required = "billing.view_invoice"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = get_scoped(
            Invoice.objects.select_related(
                "order", "delivery_note", "division", "issued_by", "original"
            ),
            user=request.user,
            pk=pk,
        )
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- actions ---------------------------------------------------------------------------------
class InvoiceIssueView(PostActionView):
    """POST from the delivery-note page: issue its invoice, then show the invoice."""

    action_permission = "billing.issue_invoice"
    issued: Invoice | None = None

    def load(self, request: HttpRequest, pk: int) -> DeliveryNote:
        return get_scoped(DeliveryNote.objects.select_related("order"), user=request.user, pk=pk)

    def perform(self, note: DeliveryNote, form: Form | None) -> str:
        self.issued = invoice_issue(note=note, by=self.request.user)
        return _("Invoice %(invoice)s issued for %(note)s; the warehouse may hand it over.") % {
            "invoice": self.issued.number,
            "note": note.number,
        }

    def redirect_to(self, note: DeliveryNote) -> HttpResponse:
        if self.issued is not None:
            return redirect("billing:invoice-detail", self.issued.pk)
        return redirect("fulfilment:note-detail", note.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("fulfilment:note-detail", pk)


class InvoiceCreditView(PostActionView):
    """POST: the red-letter credit note of an invoice, then show the credit note."""

    action_permission = "billing.credit_invoice"
    form_class = CreditForm
    credit: Invoice | None = None

    def load(self, request: HttpRequest, pk: int) -> Invoice:
        return get_scoped(Invoice.objects.all(), user=request.user, pk=pk)

    def perform(self, invoice: Invoice, form: Form | None) -> str:
        assert form is not None
        self.credit = invoice_credit(
            invoice=invoice, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Credit note %(credit)s issued against invoice %(invoice)s.") % {
            "credit": self.credit.number,
            "invoice": invoice.number,
        }

    def redirect_to(self, invoice: Invoice) -> HttpResponse:
        return redirect("billing:invoice-detail", (self.credit or invoice).pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("billing:invoice-detail", pk)


urlpatterns = [
    path("invoices/", InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/due/", InvoiceDueView.as_view(), name="invoice-due"),
    path("invoices/<int:pk>/", InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/pdf/", InvoicePdfView.as_view(), name="invoice-pdf"),
    path("invoices/issue/<int:pk>/", InvoiceIssueView.as_view(), name="invoice-issue"),
    path("invoices/<int:pk>/credit/", InvoiceCreditView.as_view(), name="invoice-credit"),
]
