"""The monthly settlement pages: the list per division and period, one settlement with
its figures, the progress bar while the Celery task computes, the sign-offs, the exports.

Scoped to the user's divisions (head-office roles see every division); the same 404 for
"does not exist" and "not yours"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core.actions import PostActionView, query_string_without_page, run_service
from core.audit import audit_rows
from core.pagination import KeptRows
from core.queries import compiled, padded_keys
from core.roles import ROLE_LABELS, user_has_role
from core.scoping import (
    division_scope,
    divisions_and_warehouses,
    divisions_for_user,
    scope_to_divisions,
)
from core.views import PermissionGateMixin

from ..models import Settlement, SettlementSignature
from ..services import settlement as services

VIEW = "billing.view_settlement"
COMPUTE = "billing.add_settlement"
SIGN = "billing.sign_settlement"
FIGURES = (
    ("shipped_sales", gettext_lazy("Shipped sales")),
    ("freight", gettext_lazy("Freight")),
    ("credit_notes", gettext_lazy("Red-letter credit notes")),
    ("returns", gettext_lazy("Returns")),
    ("refunds", gettext_lazy("Refunds")),
)


def _settlement_list(divisions: tuple[int, ...] | None, status: str | None) -> Any:
    settlements = scope_to_divisions(Settlement.objects.all(), divisions)
    if status is not None:
        settlements = settlements.filter(status=status)
    return settlements.select_related("division").order_by("-first_day", "division__code")


def _live_roles(settlement_ids: tuple[int, ...]) -> Any:
    """The roles signed (and not withdrawn) on these settlements: (settlement, role)."""
    live = SettlementSignature.objects.filter(
        settlement_id__in=settlement_ids, withdrawn_at__isnull=True
    )
    return live.order_by().values_list("settlement_id", "role")


def _load(request: HttpRequest, pk: int) -> Settlement:
    """The settlement of one of the user's divisions (its statement compiled once), or 404."""
    found = compiled(_settlement, division_scope(request.user), pk)
    if not found:
        raise Http404("No such settlement.")
    return found[0]


def _settlement(divisions: tuple[int, ...] | None, pk: int) -> QuerySet[Settlement]:
    settlements = scope_to_divisions(Settlement.objects.all(), divisions)
    return settlements.filter(pk=pk).select_related("division").order_by()[:1]


def _signatures(settlement_id: int) -> QuerySet[SettlementSignature]:
    signatures = SettlementSignature.objects.filter(settlement_id=settlement_id)
    return signatures.select_related("signed_by").order_by("signed_at")


class SignForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=SettlementSignature.Role.choices)


class OpenForm(forms.Form):
    division = forms.IntegerField()
    day = forms.DateField(
        label=gettext_lazy("A day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )


# --- reading -------------------------------------------------------------------------------
class SettlementListView(PermissionGateMixin, ListView):
    permission_required = VIEW
    template_name = "billing/settlement_list.html"
    context_object_name = "settlements"
    paginate_by = 50

    def get_queryset(self) -> Any:
        status = self.request.GET.get("status", "")
        chosen = status if status in Settlement.Status.values else None
        # the list's statements compiled once per process (count, page, signatures)
        return KeptRows(_settlement_list, division_scope(self.request.user), chosen)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        settlements = context["settlements"]
        # the page's ids, as many as a page holds (0: no settlement) — one statement kept
        ids = padded_keys([settlement.pk for settlement in settlements], self.paginate_by)
        signed: dict[int, set[str]] = {}
        for settlement_id, role in compiled(_live_roles, ids) if settlements else ():
            signed.setdefault(settlement_id, set()).add(role)
        for settlement in settlements:
            roles = signed.get(settlement.pk, set())
            settlement.role_rows = [
                (role, ROLE_LABELS[role], role in roles) for role in services.SIGNING_ROLES
            ]
        today = timezone.localdate()
        can_open = self.request.user.has_perm(COMPUTE)
        context.update(
            can_open=can_open,
            # the form's divisions (active, in reach, by code), read only for who may open one
            divisions=divisions_and_warehouses(self.request.user)[0] if can_open else [],
            today=today,
            current_period=services.period_of(today),
            statuses=Settlement.Status.choices,
            status=self.request.GET.get("status", ""),
            query_string=query_string_without_page(self.request),
        )
        return context


class SettlementDetailView(PermissionGateMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        settlement = _load(request, pk)
        context = detail_context(request, settlement)
        return render(request, "billing/settlement_detail.html", context)


def detail_context(request: HttpRequest, settlement: Settlement) -> dict[str, Any]:
    user = request.user
    signatures: list[SettlementSignature] = compiled(_signatures, settlement.pk)
    live = {s.role: s for s in signatures if s.withdrawn_at is None}
    own = next((s for s in live.values() if s.signed_by_id == user.pk), None)
    status = settlement.status
    is_computed = status == Settlement.Status.COMPUTED
    is_locked = status == Settlement.Status.LOCKED
    may_sign = user.has_perm(SIGN) and is_computed and own is None
    sign_roles = [
        (role, ROLE_LABELS[role])
        for role in services.SIGNING_ROLES
        if may_sign and role not in live and user_has_role(user, role)
    ]
    return {
        "settlement": settlement,
        "figures": [(label, getattr(settlement, name)) for name, label in FIGURES],
        "role_rows": [(role, ROLE_LABELS[role], live.get(role)) for role in services.SIGNING_ROLES],
        "withdrawn": [s for s in signatures if s.withdrawn_at is not None],
        "is_computing": status == Settlement.Status.COMPUTING,
        "is_locked": is_locked,
        "has_figures": status in (Settlement.Status.COMPUTED, Settlement.Status.LOCKED),
        "can_compute": user.has_perm(COMPUTE) and not is_locked and not live,
        "sign_roles": sign_roles,
        "can_withdraw": own is not None and not is_locked,
        "own_signature": own,
        "history": audit_rows(settlement),
    }


class SettlementProgressView(PermissionGateMixin, View):
    """JSON for the progress bar: {status, progress}."""

    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        settlement = _load(request, pk)
        response = JsonResponse({"status": settlement.status, "progress": settlement.progress})
        response["Cache-Control"] = "no-store"
        return response


class SettlementXlsxView(PermissionGateMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        settlement = _load(request, pk)
        response = HttpResponse(
            services.settlement_xlsx(settlement), content_type=services.XLSX_CONTENT_TYPE
        )
        name = services.settlement_number(settlement)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


class SettlementPdfView(PermissionGateMixin, View):
    permission_required = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        settlement = _load(request, pk)
        response = HttpResponse(services.settlement_pdf(settlement), content_type="application/pdf")
        name = services.settlement_number(settlement)
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response


# --- writing -------------------------------------------------------------------------------
class SettlementOpenView(PermissionGateMixin, View):
    """POST `division` (pk) and `day`: the settlement of the period holding that day."""

    permission_required = COMPUTE
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OpenForm(request.POST)
        if not form.is_valid():
            return redirect("billing:settlement-list")
        division = get_object_or_404(
            divisions_for_user(request.user), pk=form.cleaned_data["division"]
        )
        opened: list[Settlement] = []

        def call() -> None:
            opened.append(
                services.settlement_open(
                    division=division, day=form.cleaned_data["day"], by=request.user
                )
            )

        if run_service(request, call):
            return redirect("billing:settlement-detail", opened[0].pk)
        return redirect("billing:settlement-list")


class _SettlementAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> Settlement:
        return _load(request, pk)

    def redirect_to(self, settlement: Settlement) -> HttpResponse:
        return redirect("billing:settlement-detail", settlement.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("billing:settlement-detail", pk)


class SettlementComputeView(_SettlementAction):
    action_permission = COMPUTE

    def perform(self, settlement: Settlement, form: Any) -> str:
        services.settlement_compute_queue(settlement=settlement, by=self.request.user)
        return _("The settlement %(period)s is being computed.") % {
            "period": services.period_label(settlement)
        }


class SettlementSignView(_SettlementAction):
    action_permission = SIGN
    form_class = SignForm

    def perform(self, settlement: Settlement, form: Any) -> str:
        signature = services.settlement_sign(
            settlement=settlement, by=self.request.user, role=form.cleaned_data["role"]
        )
        settlement.refresh_from_db(fields=["status"])
        if settlement.status == Settlement.Status.LOCKED:
            return _("Signed. All three have signed: the period %(period)s is locked.") % {
                "period": services.period_label(settlement)
            }
        return _("Signed as %(role)s.") % {"role": signature.get_role_display()}


class SettlementWithdrawView(_SettlementAction):
    action_permission = SIGN

    def perform(self, settlement: Settlement, form: Any) -> str:
        signature = services.settlement_withdraw(settlement=settlement, by=self.request.user)
        return _("Your signature as %(role)s is withdrawn.") % {
            "role": signature.get_role_display()
        }


urlpatterns = [
    path("settlements/", SettlementListView.as_view(), name="settlement-list"),
    path("settlements/open/", SettlementOpenView.as_view(), name="settlement-open"),
    path("settlements/<int:pk>/", SettlementDetailView.as_view(), name="settlement-detail"),
    path(
        "settlements/<int:pk>/compute/",
        SettlementComputeView.as_view(),
        name="settlement-compute",
    ),
    path(
        "settlements/<int:pk>/progress/",
        SettlementProgressView.as_view(),
        name="settlement-progress",
    ),
    path("settlements/<int:pk>/sign/", SettlementSignView.as_view(), name="settlement-sign"),
    path(
        "settlements/<int:pk>/withdraw/",
        SettlementWithdrawView.as_view(),
        name="settlement-withdraw",
    ),
    path("settlements/<int:pk>/xlsx/", SettlementXlsxView.as_view(), name="settlement-xlsx"),
    path("settlements/<int:pk>/pdf/", SettlementPdfView.as_view(), name="settlement-pdf"),
]
