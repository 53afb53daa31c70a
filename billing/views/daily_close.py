"""The daily close pages: the closes per division and day, one day's statement and sales
ledger with its discrepancies, the two .xlsx files, reconciling and discrepancies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.actions import PostActionView, query_string_without_page
from core.audit import audit_history
from core.form_renderer import RenderingKept
from core.forms import CleanTextForm, InstanceChoiceField
from core.models import Division
from core.pagination import KeptRows
from core.scoping import (
    division_scope,
    divisions_and_warehouses,
    scope_to_divisions,
    scope_to_user_divisions,
)
from core.views import PermissionGateMixin
from orders.models import Order

from ..models import DailyClose, Discrepancy
from ..services import daily_close as services

VIEW_PERMISSION = "billing.view_dailyclose"
LEDGER_PAGE_SIZE = 50


class CloseFilterForm(RenderingKept, forms.Form):
    # each field's label and widget in a <div>; the rendering kept per process for what the
    # fields show and offer (RenderingKept)
    template_name = "includes/_filter_fields.html"

    # its choices read once, by the fixed statement of every list's filters
    division = InstanceChoiceField(
        label=gettext_lazy("Division"), queryset=Division.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", "—"), *DailyClose.Status.choices],
        required=False,
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        divisions, _warehouses = divisions_and_warehouses(user)
        self.fields["division"].set_instances(divisions)  # type: ignore[attr-defined]


class DiscrepancyForm(CleanTextForm):
    description = forms.CharField(
        label=gettext_lazy("Discrepancy"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), max_digits=14, decimal_places=2, required=False
    )
    order_number = forms.CharField(
        label=gettext_lazy("Order number"), max_length=32, required=False
    )


class ResolveForm(CleanTextForm):
    resolution = forms.CharField(label=gettext_lazy("Resolution"), max_length=500)


def closes_for_user(user: Any) -> QuerySet[DailyClose]:
    """The closes of the user's divisions, with their open discrepancies counted per row (a
    join and GROUP BY would count those of every close of the year before the page's
    LIMIT)."""
    return _closes(division_scope(user))


def _closes(divisions: tuple[int, ...] | None) -> QuerySet[DailyClose]:
    open_discrepancies = (
        Discrepancy.objects.filter(close=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("close")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        scope_to_divisions(DailyClose.objects.all(), divisions)
        .select_related("division", "division_reconciled_by", "hq_reconciled_by")
        .annotate(
            open_discrepancies=Coalesce(
                Subquery(open_discrepancies, output_field=IntegerField()), Value(0)
            )
        )
    )


def _close_list(
    divisions: tuple[int, ...] | None,
    division_id: int | None,
    status: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> QuerySet[DailyClose]:
    """The list's closes filtered (None: that filter unused), the newest day first."""
    closes = _closes(divisions)
    if division_id is not None:
        closes = closes.filter(division_id=division_id)
    if status is not None:
        closes = closes.filter(status=status)
    if date_from is not None:
        closes = closes.filter(day__gte=date_from)
    if date_to is not None:
        closes = closes.filter(day__lte=date_to)
    return closes.order_by("-day", "division__code")


def close_get_for_user(user: Any, pk: int) -> DailyClose:
    """The same 404 for "does not exist" and "another division's"."""
    return get_object_or_404(closes_for_user(user), pk=pk)


class CloseListView(PermissionGateMixin, ListView):
    permission_required = VIEW_PERMISSION
    template_name = "billing/close_list.html"
    context_object_name = "closes"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.form = CloseFilterForm(self.request.GET or None, user=self.request.user)
        chosen: list[Any] = [None] * 4
        if self.form.is_valid():
            data = self.form.cleaned_data
            chosen = [
                data["division"].pk if data["division"] else None,
                data["status"] or None,
                data["date_from"],
                data["date_to"],
            ]
        # the list's statements compiled once per process and choice of filters
        return KeptRows(_close_list, division_scope(self.request.user), *chosen)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


class CloseDetailView(PermissionGateMixin, TemplateView):
    permission_required = VIEW_PERMISSION
    template_name = "billing/close_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        close = close_get_for_user(user, kwargs["pk"])
        page = Paginator(services.sales_ledger_orders(close), LEDGER_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        discrepancies = list(
            close.discrepancies.select_related("order", "raised_by", "resolved_by")
        )
        side = services.reconcile_side(user)
        may_reconcile = user.has_perm(services.RECONCILE_PERMISSION) and side is not None
        context.update(
            close=close,
            statement=services.reconciliation_rows(close),
            ledger=[services.sales_ledger_row(order) for order in page.object_list],
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            query_string=query_string_without_page(self.request),
            discrepancies=discrepancies,
            side=side,
            can_reconcile=may_reconcile
            and not close.open_discrepancies  # type: ignore[attr-defined]
            and getattr(close, f"{side}_reconciled_at", None) is None,
            discrepancy_form=DiscrepancyForm()
            if user.has_perm(services.RECORD_PERMISSION)
            else None,
            can_resolve=user.has_perm(services.RESOLVE_PERMISSION),
            resolve_form=ResolveForm(),
            history=audit_history(close),
        )
        return context


class _CloseXlsxView(PermissionGateMixin, View):
    permission_required = VIEW_PERMISSION
    kind = "ledger"
    file_label = "sales-ledger"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        close = close_get_for_user(request.user, pk)
        response = HttpResponse(
            services.daily_close_xlsx(close, kind=self.kind),
            content_type=services.XLSX_CONTENT_TYPE,
        )
        name = f"{self.file_label}-{close.division.code}-{close.day.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CloseLedgerXlsxView(_CloseXlsxView):
    kind, file_label = "ledger", "sales-ledger"


class CloseStatementXlsxView(_CloseXlsxView):
    kind, file_label = "statement", "statement"


# --- writes ---------------------------------------------------------------------------------
class _CloseAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> DailyClose:
        return close_get_for_user(request.user, pk)

    def redirect_to(self, close: DailyClose) -> HttpResponse:
        return redirect("billing:close-detail", close.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("billing:close-detail", pk)


class CloseReconcileView(_CloseAction):
    action_permission = services.RECONCILE_PERMISSION

    def perform(self, close: DailyClose, form: Any) -> str:
        close = services.daily_close_reconcile(close=close, by=self.request.user)
        if close.status == DailyClose.Status.RECONCILED:
            return _("%(day)s is reconciled by both sides.") % {"day": close.day.isoformat()}
        return _("Your side of %(day)s is marked reconciled.") % {"day": close.day.isoformat()}


class DiscrepancyAddView(_CloseAction):
    action_permission = services.RECORD_PERMISSION
    form_class = DiscrepancyForm

    def perform(self, close: DailyClose, form: Any) -> str:
        data = form.cleaned_data
        order = None
        if data["order_number"]:
            order = Order.objects.filter(
                number=data["order_number"].strip(), division_id=close.division_id
            ).first()
            if order is None:
                raise services.DailyCloseError(
                    _("No order %(number)s in this division.") % {"number": data["order_number"]},
                    field="order_number",
                )
        services.discrepancy_record(
            close=close,
            by=self.request.user,
            description=data["description"],
            amount=data["amount"],
            order=order,
        )
        return _("Discrepancy recorded; the day stays open until it is resolved.")


class DiscrepancyResolveView(PostActionView):
    action_permission = services.RESOLVE_PERMISSION
    form_class = ResolveForm

    def load(self, request: HttpRequest, pk: int) -> Discrepancy:
        scoped = scope_to_user_divisions(
            Discrepancy.objects.select_related("close"),
            user=request.user,
            division_field="close__division",
        )
        return get_object_or_404(scoped, pk=pk)

    def redirect_to(self, discrepancy: Discrepancy) -> HttpResponse:
        return redirect("billing:close-detail", discrepancy.close_id)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("billing:close-list")

    def perform(self, discrepancy: Discrepancy, form: Any) -> str:
        services.discrepancy_resolve(
            discrepancy=discrepancy,
            by=self.request.user,
            resolution=form.cleaned_data["resolution"],
        )
        return _("Discrepancy resolved.")


urlpatterns = [
    path("daily-close/", CloseListView.as_view(), name="close-list"),
    path("daily-close/<int:pk>/", CloseDetailView.as_view(), name="close-detail"),
    path(
        "daily-close/<int:pk>/ledger.xlsx",
        CloseLedgerXlsxView.as_view(),
        name="close-ledger-xlsx",
    ),
    path(
        "daily-close/<int:pk>/statement.xlsx",
        CloseStatementXlsxView.as_view(),
        name="close-statement-xlsx",
    ),
    path("daily-close/<int:pk>/reconcile/", CloseReconcileView.as_view(), name="close-reconcile"),
    path(
        "daily-close/<int:pk>/discrepancies/",
        DiscrepancyAddView.as_view(),
        name="discrepancy-add",
    ),
    path(
        "discrepancies/<int:pk>/resolve/",
        DiscrepancyResolveView.as_view(),
        name="discrepancy-resolve",
    ),
]
