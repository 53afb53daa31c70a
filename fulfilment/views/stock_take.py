"""The weekly stock take: the sheets of the user's warehouses, opening this week's sheet,
the tablet count entry, and the steps submit / approve / send back / cancel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core import working_calendar as calendar
from core.actions import PostActionView, query_string_without_page, run_service
from core.audit import audit_history
from core.exceptions import DomainError
from core.forms import CleanTextForm
from core.models import Warehouse
from core.views import PermissionGateMixin

from ..models import StockTake, StockTakeLine
from ..services import stock_take as services
from ._common import get_scoped, scoped

DIVISION = "warehouse__division"


class ReopenForm(CleanTextForm):
    note = forms.CharField(label=gettext_lazy("What to recount"), max_length=200)


class CancelForm(CleanTextForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


def _load(request: HttpRequest, pk: int) -> StockTake:
    return get_scoped(
        StockTake.objects.select_related("warehouse__division", "submitted_by", "approved_by"),
        user=request.user,
        pk=pk,
        division_field=DIVISION,
    )


# --- list and opening -------------------------------------------------------------------------
class StockTakeListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_stocktake"
    template_name = "fulfilment/stock_take_list.html"
    context_object_name = "stock_takes"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return (
            scoped(StockTake.objects.all(), user=self.request.user, division_field=DIVISION)
            .select_related("warehouse")
            .annotate(
                line_count=Count("lines"),
                counted_count=Count("lines", filter=Q(lines__counted__isnull=False)),
            )
            .order_by("-week", "warehouse__code", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        week = services.week_of(calendar.to_local(timezone.now()).date())
        warehouses = list(
            scoped(Warehouse.objects.filter(is_active=True), user=self.request.user)
            .select_related("division")
            .order_by("code")
        )
        this_week = {
            take.warehouse_id: take
            for take in StockTake.objects.filter(week=week, warehouse__in=warehouses).exclude(
                status=StockTake.Status.CANCELLED
            )
        }
        context.update(
            week=week,
            warehouse_rows=[(w, this_week.get(w.pk)) for w in warehouses],
            can_open=self.request.user.has_perm("fulfilment.add_stocktake"),
            query_string=query_string_without_page(self.request),
        )
        return context


class StockTakeOpenView(PermissionGateMixin, View):
    """POST `warehouse` (pk): open this week's sheet for it."""

    permission_required = "fulfilment.add_stocktake"
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("warehouse", "")
        warehouses = scoped(Warehouse.objects.filter(is_active=True), user=request.user)
        warehouse = get_object_or_404(warehouses, pk=int(raw) if raw.isdigit() else 0)
        created: list[StockTake] = []

        def call() -> str:
            created.append(services.stock_take_open(warehouse=warehouse, by=request.user))
            return _("Stock take %(number)s opened for %(warehouse)s.") % {
                "number": created[0].number,
                "warehouse": warehouse.code,
            }

        if run_service(request, call):
            return redirect("fulfilment:stock-take-detail", created[0].pk)
        return redirect("fulfilment:stock-take-list")


# --- the count sheet --------------------------------------------------------------------------
def _sorted_lines(stock_take: StockTake) -> list[StockTakeLine]:
    """By bin location (lines without one last), then SKU: the order of the walk."""
    lines = StockTakeLine.objects.filter(stock_take=stock_take).select_related("product")
    return sorted(lines, key=lambda ln: (ln.bin_code == "", ln.bin_code, ln.product.sku))


class StockTakeDetailView(PermissionGateMixin, View):
    """GET: the sheet; counting on a tablet while it is open. POST: save the counts
    (`count_<line pk>`; blank clears); refusals at their rows, entries kept (422)."""

    permission_required = "fulfilment.view_stocktake"

    def _render(
        self,
        request: HttpRequest,
        stock_take: StockTake,
        *,
        entered: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user = request.user
        lines = _sorted_lines(stock_take)
        rows = []
        for line in lines:
            field = f"count_{line.pk}"
            saved = "" if line.counted is None else str(line.counted)
            rows.append(
                {
                    "line": line,
                    "field": field,
                    "value": (entered or {}).get(field, saved),
                    "error": (errors or {}).get(field, ""),
                }
            )
        is_open = stock_take.status == StockTake.Status.OPEN
        is_submitted = stock_take.status == StockTake.Status.SUBMITTED
        may_change = user.has_perm("fulfilment.change_stocktake")
        may_approve = user.has_perm("fulfilment.approve_stocktake")
        counted = [ln for ln in lines if ln.counted is not None]
        context = {
            "st": stock_take,
            "rows": rows,
            "errors": errors or {},
            "line_count": len(lines),
            "counted_count": len(counted),
            "variance_count": sum(1 for ln in counted if ln.variance),
            "can_count": is_open and may_change,
            "can_submit": is_open and may_change,
            "can_approve": is_submitted and may_approve,
            "reopen_form": ReopenForm() if is_submitted and may_approve else None,
            "cancel_form": CancelForm()
            if stock_take.status in (StockTake.Status.OPEN, StockTake.Status.SUBMITTED)
            and (may_change or may_approve)
            else None,
            "history": audit_history(stock_take),
        }
        return render(request, "fulfilment/stock_take_detail.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _load(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stock_take = _load(request, pk)
        if not request.user.has_perm("fulfilment.change_stocktake"):
            messages.error(request, _("Your role does not allow this action."))
            return self._render(request, stock_take, status=403)
        entered = {
            key: value.strip()
            for key, value in request.POST.items()
            if key.startswith("count_") and isinstance(value, str)
        }
        counts: dict[int, str | None] = {}
        errors: dict[str, str] = {}
        for key, value in entered.items():
            suffix = key.removeprefix("count_")
            if suffix.isdigit():
                counts[int(suffix)] = value or None
            else:
                errors[key] = _("This line is not on the sheet.")
        try:
            if errors:
                raise services.StockTakeCountErrors(errors)
            changed = services.stock_take_count(
                stock_take=stock_take, by=request.user, counts=counts
            )
        except services.StockTakeCountErrors as refusal:
            messages.error(request, _("Some counts were not saved: see the marked rows."))
            return self._render(
                request, stock_take, entered=entered, errors=refusal.errors, status=422
            )
        except DomainError as refusal:
            messages.error(request, str(refusal))
            return self._render(request, stock_take, entered=entered, status=422)
        messages.success(
            request, _("Counts saved (%(changed)s lines changed).") % {"changed": changed}
        )
        return redirect("fulfilment:stock-take-detail", stock_take.pk)


# --- steps ------------------------------------------------------------------------------------
class _StockTakeAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> StockTake:
        return _load(request, pk)

    def redirect_to(self, stock_take: StockTake) -> HttpResponse:
        return redirect("fulfilment:stock-take-detail", stock_take.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("fulfilment:stock-take-detail", pk)


class StockTakeSubmitView(_StockTakeAction):
    action_permission = "fulfilment.change_stocktake"

    def perform(self, stock_take: StockTake, form: Any) -> str:
        services.stock_take_submit(stock_take=stock_take, by=self.request.user)
        return _("Stock take %(number)s submitted for approval.") % {"number": stock_take.number}


class StockTakeApproveView(_StockTakeAction):
    action_permission = "fulfilment.approve_stocktake"

    def perform(self, stock_take: StockTake, form: Any) -> str:
        moves = services.stock_take_approve(stock_take=stock_take, by=self.request.user)
        return _("Stock take %(number)s approved; %(moves)s variance moves posted.") % {
            "number": stock_take.number,
            "moves": len(moves),
        }


class StockTakeReopenView(_StockTakeAction):
    action_permission = "fulfilment.approve_stocktake"
    form_class = ReopenForm

    def perform(self, stock_take: StockTake, form: Any) -> str:
        services.stock_take_reopen(
            stock_take=stock_take, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("Stock take %(number)s sent back for recounting.") % {"number": stock_take.number}


class StockTakeCancelView(_StockTakeAction):
    form_class = CancelForm  # the warehouse or the approver: the service checks either

    def perform(self, stock_take: StockTake, form: Any) -> str:
        services.stock_take_cancel(
            stock_take=stock_take, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Stock take %(number)s cancelled.") % {"number": stock_take.number}


urlpatterns = [
    path("stock-takes/", StockTakeListView.as_view(), name="stock-take-list"),
    path("stock-takes/open/", StockTakeOpenView.as_view(), name="stock-take-open"),
    path("stock-takes/<int:pk>/", StockTakeDetailView.as_view(), name="stock-take-detail"),
    path("stock-takes/<int:pk>/submit/", StockTakeSubmitView.as_view(), name="stock-take-submit"),
    path(
        "stock-takes/<int:pk>/approve/", StockTakeApproveView.as_view(), name="stock-take-approve"
    ),
    path("stock-takes/<int:pk>/reopen/", StockTakeReopenView.as_view(), name="stock-take-reopen"),
    path("stock-takes/<int:pk>/cancel/", StockTakeCancelView.as_view(), name="stock-take-cancel"),
]
