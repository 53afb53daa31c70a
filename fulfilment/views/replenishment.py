"""Replenishment requests (采购申请): the list, one request with its decision buttons, a
request by hand, and the POST actions submit / approve / reject / cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from catalog.models import Product
from catalog.rules import normalise_sku
from core.actions import PostActionView, form_error_from, query_string_without_page
from core.exceptions import DomainError
from core.views import PermissionGateMixin

from ..forms_stock import DecisionForm, RejectForm, ReplenishmentFilterForm, ReplenishmentForm
from ..models import ReplenishmentRequest
from ..services import replenishment as service
from ._common import get_scoped, scoped
from .stock import history_rows

Status = ReplenishmentRequest.Status
DIVISION = "warehouse__division"


def requests_for(user: Any) -> Any:
    return scoped(
        ReplenishmentRequest.objects.select_related("product", "warehouse", "created_by"),
        user=user,
        division_field=DIVISION,
    )


class ReplenishmentListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_replenishmentrequest"
    template_name = "fulfilment/replenishment_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.form = ReplenishmentFilterForm(self.request.GET or None)
        requests = requests_for(self.request.user)
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                q = data["q"].strip()
                requests = requests.filter(Q(number__icontains=q) | Q(product__sku__icontains=q))
            if data["status"]:
                requests = requests.filter(status=data["status"])
        return requests.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            query_string=query_string_without_page(self.request),
            threshold=service.approval_threshold(),
        )
        return context


class ReplenishmentDetailView(PermissionGateMixin, TemplateView):
    permission_required = "fulfilment.view_replenishmentrequest"
    template_name = "fulfilment/replenishment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        request = get_scoped(
            ReplenishmentRequest.objects.select_related(
                "product", "warehouse__division", "created_by", "decided_by", "episode"
            ),
            user=user,
            pk=kwargs["pk"],
            division_field=DIVISION,
        )
        may_change = user.has_perm("fulfilment.change_replenishmentrequest")
        may_decide = user.has_perm("fulfilment.approve_replenishmentrequest")
        context.update(
            replenishment=request,
            needs_approval=service.needs_approval(request),
            threshold=service.approval_threshold(),
            history=history_rows(request),
            receipts=request.receipts.order_by("booked_at"),
            can_submit=may_change and request.status == Status.PROPOSED,
            can_decide=may_decide and request.status == Status.SUBMITTED,
            can_cancel=may_change and request.status in (Status.PROPOSED, Status.SUBMITTED),
            can_receive=user.has_perm("fulfilment.add_inboundreceipt")
            and request.status == Status.APPROVED,
            decision_form=DecisionForm(),
            reject_form=RejectForm(),
        )
        return context


class ReplenishmentCreateView(PermissionGateMixin, View):
    permission_required = "fulfilment.add_replenishmentrequest"

    def _render(self, request: HttpRequest, form: ReplenishmentForm, status: int = 200) -> Any:
        return render(request, "fulfilment/replenishment_form.html", {"form": form}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ReplenishmentForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReplenishmentForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=422)
        data = form.cleaned_data
        product = Product.objects.filter(sku=normalise_sku(data["product"])).first()
        if product is None:
            form.add_error("product", _("No product has this SKU."))
            return self._render(request, form, status=422)
        try:
            created = service.replenishment_create(
                product=product,
                warehouse=data["warehouse"],
                quantity=data["quantity"],
                unit_cost=data["unit_cost"],
                by=request.user,
            )
        except DomainError as error:
            form_error_from(form, error)
            return self._render(request, form, status=422)
        messages.success(
            request,
            _("Replenishment request %(number)s created; submit it when it is complete.")
            % {"number": created.number},
        )
        return redirect("fulfilment:replenishment-detail", created.pk)


# --- POST actions --------------------------------------------------------------------------
class _RequestAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> ReplenishmentRequest:
        return get_scoped(
            ReplenishmentRequest.objects.all(), user=request.user, pk=pk, division_field=DIVISION
        )

    def redirect_to(self, obj: ReplenishmentRequest) -> HttpResponse:
        return redirect("fulfilment:replenishment-detail", obj.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("fulfilment:replenishment-detail", pk)


class ReplenishmentSubmitView(_RequestAction):
    action_permission = "fulfilment.change_replenishmentrequest"

    def perform(self, obj: ReplenishmentRequest, form: Any) -> str:
        request = service.replenishment_submit(request=obj, by=self.request.user)
        if request.status == Status.APPROVED:
            return _("%(number)s submitted and approved (at or below %(threshold)s CNY).") % {
                "number": request.number,
                "threshold": service.approval_threshold(),
            }
        return _("%(number)s submitted; it awaits approval.") % {"number": request.number}


class ReplenishmentApproveView(_RequestAction):
    action_permission = "fulfilment.approve_replenishmentrequest"
    form_class = DecisionForm

    def perform(self, obj: ReplenishmentRequest, form: Any) -> str:
        service.replenishment_approve(
            request=obj, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("%(number)s approved.") % {"number": obj.number}


class ReplenishmentRejectView(_RequestAction):
    action_permission = "fulfilment.approve_replenishmentrequest"
    form_class = RejectForm

    def perform(self, obj: ReplenishmentRequest, form: Any) -> str:
        service.replenishment_reject(
            request=obj, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("%(number)s rejected.") % {"number": obj.number}


class ReplenishmentCancelView(_RequestAction):
    action_permission = "fulfilment.change_replenishmentrequest"
    form_class = DecisionForm

    def perform(self, obj: ReplenishmentRequest, form: Any) -> str:
        service.replenishment_cancel(
            request=obj, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("%(number)s cancelled.") % {"number": obj.number}


urlpatterns = [
    path("replenishment/", ReplenishmentListView.as_view(), name="replenishment-list"),
    path("replenishment/new/", ReplenishmentCreateView.as_view(), name="replenishment-create"),
    path("replenishment/<int:pk>/", ReplenishmentDetailView.as_view(), name="replenishment-detail"),
    path(
        "replenishment/<int:pk>/submit/",
        ReplenishmentSubmitView.as_view(),
        name="replenishment-submit",
    ),
    path(
        "replenishment/<int:pk>/approve/",
        ReplenishmentApproveView.as_view(),
        name="replenishment-approve",
    ),
    path(
        "replenishment/<int:pk>/reject/",
        ReplenishmentRejectView.as_view(),
        name="replenishment-reject",
    ),
    path(
        "replenishment/<int:pk>/cancel/",
        ReplenishmentCancelView.as_view(),
        name="replenishment-cancel",
    ),
]
