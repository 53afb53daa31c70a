"""Stock pages (levels and the ledger) and inbound receipts (入库单): the warehouse books
what arrived today; held orders are released after the booking commits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from catalog.models import Product, ProductBin
from catalog.rules import normalise_sku
from core import audit_labels
from core.actions import form_error_from, query_string_without_page
from core.audit import audit_history
from core.exceptions import DomainError
from core.views import PermissionGateMixin

from ..forms_stock import (
    MoveFilterForm,
    ReceiptFilterForm,
    ReceiptForm,
    ReceiptLineFormSet,
    StockFilterForm,
)
from ..models import InboundReceipt, InboundReceiptLine, StockLevel, StockMove
from ..services.receipts import inbound_receipt_book
from ..services.replenishment import cover_since
from ._common import get_scoped, scoped


def history_rows(obj: Any) -> list[dict[str, Any]]:
    """The audit rows of `obj` ready to show: actions, states and data in words and Beijing
    time, as everywhere else (core.audit_labels)."""
    return [
        {
            "at": record.at,
            "actor": record.actor,
            "action": audit_labels.action_label(record.action),
            "from_state": audit_labels.state_label(record.object_type, record.from_state),
            "to_state": audit_labels.state_label(record.object_type, record.to_state),
            "note": record.note,
            "details": audit_labels.details(record.data),
        }
        for record in audit_history(obj)
    ]


# --- stock levels --------------------------------------------------------------------------
def stock_levels_for(user: Any) -> QuerySet[StockLevel]:
    """The stock rows of the user's divisions with bin, available, last week's shipments
    and the low flag, in one query."""
    shipped = (
        StockMove.objects.filter(
            product=OuterRef("product_id"),
            warehouse=OuterRef("warehouse_id"),
            kind=StockMove.Kind.SHIPMENT,
            at__gte=cover_since(timezone.now()),
        )
        .order_by()
        .values("product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    bins = ProductBin.objects.filter(
        product=OuterRef("product_id"), warehouse=OuterRef("warehouse_id")
    ).values("bin_code")[:1]
    levels = scoped(
        StockLevel.objects.select_related("product", "warehouse"),
        user=user,
        division_field="warehouse__division",
    )
    return levels.annotate(
        available_units=F("on_hand") - F("reserved"),
        shipped_last_week=Value(0)
        - Coalesce(Subquery(shipped, output_field=IntegerField()), Value(0)),
        bin_code=Subquery(bins),
        is_low=Case(
            When(
                Q(shipped_last_week__gt=0) & Q(available_units__lt=F("shipped_last_week")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


class StockListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_stocklevel"
    template_name = "fulfilment/stock_list.html"
    context_object_name = "levels"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.form = StockFilterForm(self.request.GET or None, user=self.request.user)
        levels = stock_levels_for(self.request.user)
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["warehouse"]:
                levels = levels.filter(warehouse=data["warehouse"])
            if data["q"]:
                q = data["q"].strip()
                levels = levels.filter(Q(product__sku__icontains=q) | Q(product__name__icontains=q))
            if data["low_only"]:
                levels = levels.filter(is_low=True)  # type: ignore[misc]  # an annotation
        return levels.order_by("warehouse__code", "product__sku")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


# --- the ledger ------------------------------------------------------------------------------
class MoveListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_stockmove"
    template_name = "fulfilment/move_list.html"
    context_object_name = "moves"
    paginate_by = 100

    def get_queryset(self) -> Any:
        self.form = MoveFilterForm(self.request.GET or None, user=self.request.user)
        moves = scoped(
            StockMove.objects.select_related("product", "warehouse", "by"),
            user=self.request.user,
            division_field="warehouse__division",
        )
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["sku"]:
                moves = moves.filter(product__sku__icontains=data["sku"].strip())
            if data["warehouse"]:
                moves = moves.filter(warehouse=data["warehouse"])
            if data["kind"]:
                moves = moves.filter(kind=data["kind"])
            if data["date_from"]:
                moves = moves.filter(at__date__gte=data["date_from"])
            if data["date_to"]:
                moves = moves.filter(at__date__lte=data["date_to"])
        return moves.order_by("-at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


# --- inbound receipts -------------------------------------------------------------------------
class ReceiptListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_inboundreceipt"
    template_name = "fulfilment/receipt_list.html"
    context_object_name = "receipts"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.form = ReceiptFilterForm(self.request.GET or None, user=self.request.user)
        receipts = scoped(
            InboundReceipt.objects.select_related("warehouse", "request", "booked_by"),
            user=self.request.user,
            division_field="warehouse__division",
        ).annotate(line_count=Count("lines"), units=Sum("lines__quantity"))
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                q = data["q"].strip()
                receipts = receipts.filter(
                    Q(number__icontains=q)
                    | Q(supplier__icontains=q)
                    | Q(supplier_document__icontains=q)
                )
            if data["warehouse"]:
                receipts = receipts.filter(warehouse=data["warehouse"])
        return receipts.order_by("-booked_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


def _lines_entered(lines: Any) -> tuple[list[tuple[Product | None, Any]], list[int]]:
    """The filled rows of the line formset as (product or None, quantity), and the row
    index of each (the service names the n-th line; the page shows the row)."""
    rows = [
        (index, form.cleaned_data)
        for index, form in enumerate(lines.forms)
        if form.cleaned_data.get("product")
    ]
    skus = {normalise_sku(data["product"]) for _index, data in rows}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    entered = [
        (products.get(normalise_sku(data["product"])), data["quantity"]) for _i, data in rows
    ]
    return entered, [index for index, _data in rows]


class ReceiptCreateView(PermissionGateMixin, View):
    """GET: an empty receipt with five line rows. POST: book it, or show it again with the
    refusal at its field and every entry kept (422)."""

    permission_required = "fulfilment.add_inboundreceipt"

    def _render(
        self, request: HttpRequest, form: ReceiptForm, lines: Any, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "fulfilment/receipt_form.html",
            {"form": form, "lines": lines, "today": timezone.localdate()},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        request_pk = request.GET.get("request", "")
        if request_pk.isdigit():
            initial["request"] = int(request_pk)
        form = ReceiptForm(user=request.user, initial=initial)
        return self._render(request, form, ReceiptLineFormSet(prefix="lines"))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReceiptForm(request.POST, user=request.user)
        lines = ReceiptLineFormSet(request.POST, prefix="lines")
        if not (form.is_valid() and lines.is_valid()):
            return self._render(request, form, lines, status=422)
        entered, rows = _lines_entered(lines)
        unknown = [index for index, (product, _q) in enumerate(entered) if product is None]
        for index in unknown:
            lines.forms[rows[index]].add_error("product", _("No product has this SKU."))
        if unknown:
            return self._render(request, form, lines, status=422)
        data = form.cleaned_data
        try:
            receipt = inbound_receipt_book(
                warehouse=data["warehouse"],
                by=request.user,
                supplier=data["supplier"],
                supplier_document=data["supplier_document"],
                request=data["request"],
                note=data["note"],
                lines=entered,
            )
        except DomainError as error:
            self._place_error(form, lines, rows, error)
            return self._render(request, form, lines, status=422)
        messages.success(
            request,
            _("Receipt %(number)s booked; orders waiting for these products are released.")
            % {"number": receipt.number},
        )
        return redirect("fulfilment:receipt-detail", receipt.pk)

    @staticmethod
    def _place_error(form: ReceiptForm, lines: Any, rows: list[int], error: DomainError) -> None:
        parts = (error.field or "").split("-")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(rows) and parts[2] in ("product", "quantity"):
                lines.forms[rows[index]].add_error(parts[2], str(error))
                return
        form_error_from(form, error)


class ReceiptDetailView(PermissionGateMixin, TemplateView):
    permission_required = "fulfilment.view_inboundreceipt"
    template_name = "fulfilment/receipt_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        receipt = get_scoped(
            InboundReceipt.objects.select_related(
                "warehouse__division", "request__product", "booked_by"
            ),
            user=self.request.user,
            pk=kwargs["pk"],
            division_field="warehouse__division",
        )
        lines = list(InboundReceiptLine.objects.filter(receipt=receipt).select_related("product"))
        bins = dict(
            ProductBin.objects.filter(
                warehouse=receipt.warehouse_id, product__in=[ln.product_id for ln in lines]
            ).values_list("product_id", "bin_code")
        )
        for line in lines:
            line.bin = bins.get(line.product_id, "")  # type: ignore[attr-defined]
        context.update(
            receipt=receipt,
            lines=lines,
            units=sum(line.quantity for line in lines),
            history=history_rows(receipt),
        )
        return context


urlpatterns = [
    path("stock/", StockListView.as_view(), name="stock-list"),
    path("stock/moves/", MoveListView.as_view(), name="move-list"),
    path("receipts/", ReceiptListView.as_view(), name="receipt-list"),
    path("receipts/new/", ReceiptCreateView.as_view(), name="receipt-create"),
    path("receipts/<int:pk>/", ReceiptDetailView.as_view(), name="receipt-detail"),
]
