"""The returns list, a return's page, its evidence files, and the rep's form keying in a
customer's request from the order page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.actions import form_error_from, query_string_without_page
from core.exceptions import DomainError
from core.pagination import CappedPaginator
from core.views import PermissionGateMixin
from orders.selectors import order_get_for_user

from .. import selectors
from ..evidence import evidence_from_upload
from ..forms import (
    AcceptForm,
    ApproveForm,
    FeedbackForm,
    InspectForm,
    InvoiceForm,
    PayForm,
    RejectForm,
    RequestForm,
    ResolutionForm,
    ReturnFilterForm,
    ReviewForm,
)
from ..services import RequestInput, return_request_submit, returnable_by_line


class ReturnListView(PermissionGateMixin, ListView):
    permission_required = "returns.view_returnrequest"
    template_name = "returns/request_list.html"
    context_object_name = "requests"
    paginate_by = 25
    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        self.form = ReturnFilterForm(self.request.GET or None)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.return_list_for_user(user=self.request.user, filters=filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


class ReturnDetailView(PermissionGateMixin, TemplateView):
    permission_required = "returns.view_returnrequest"
    template_name = "returns/request_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        request = selectors.return_people_load(
            selectors.return_get_for_user(user=user, pk=kwargs["pk"])
        )
        refund = selectors.refund_of(request)
        allowed = selectors.actions_for(user, request, refund)
        context.update(
            request_=request,
            order=request.order,
            refund=refund,
            allowed=allowed,
            lines=selectors.return_lines(request),
            evidence=selectors.evidence_of(request) if _sees_evidence(user) else None,
            window_end=selectors.window_end_of(request.order),
            resolution=selectors.resolution_of(request),
            credit_notes=selectors.credit_notes_of(request),
            approvals=selectors.approvals_of(refund),
            sms=selectors.sms_of(request),
            history=selectors.return_history(request, refund),
            forms=step_forms(request, refund, allowed),
            anything_to_do=any(allowed.values()),
        )
        return context


def step_forms(request: Any, refund: Any, allowed: dict[str, bool]) -> dict[str, Any]:
    """The form of each step this user may run now (ids prefixed: one page, many forms)."""
    builders: dict[str, Any] = {
        "accept": lambda: AcceptForm(
            initial={"kind": request.requested_kind, "refund_amount": request.goods_amount},
            auto_id="accept-%s",
        ),
        "reject": lambda: RejectForm(auto_id="reject-%s"),
        "feedback_parts": lambda: FeedbackForm(initial={"part": "parts"}, auto_id="parts-%s"),
        "feedback_warehouse": lambda: FeedbackForm(
            initial={"part": "warehouse"}, auto_id="warehouse-%s"
        ),
        "inspect": lambda: InspectForm(auto_id="inspect-%s"),
        "resolve": lambda: ResolutionForm(auto_id="resolve-%s"),
        "invoice": lambda: InvoiceForm(auto_id="invoice-%s"),
        "approve": lambda: ApproveForm(auto_id="approve-%s"),
        "review": lambda: ReviewForm(
            initial={"return_freight": refund.return_freight}, auto_id="review-%s"
        ),
        "pay": lambda: PayForm(auto_id="pay-%s"),
    }
    return {name: build() if allowed.get(name) else None for name, build in builders.items()}


def _sees_evidence(user: Any) -> bool:
    return bool(user.has_perm("returns.view_evidence_returnrequest"))


class EvidenceView(LoginRequiredMixin, View):
    """Streams a private evidence file with its stored type; the same 404 for a file that
    does not exist, a return the user may not see and a user without the permission."""

    def get(self, request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
        evidence = selectors.evidence_get_for_user(user=request.user, request_pk=pk, pk=evidence_pk)
        response = FileResponse(
            evidence.file.open("rb"),
            content_type=evidence.content_type,
            as_attachment=evidence.content_type == "application/pdf",
            filename=evidence.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


# --- the rep keys in a customer's request ---------------------------------------------------------
class ReturnCreateView(PermissionGateMixin, View):
    """GET /returns/new/?order=<pk>: the order's returnable lines; POST: the request
    (return_request_submit); a refusal shows the form again with the input and the error
    at its field."""

    permission_required = "returns.add_returnrequest"

    def _order(self, request: HttpRequest) -> Any:
        raw = request.GET.get("order", "")
        return order_get_for_user(user=request.user, pk=int(raw) if raw.isdigit() else 0)

    def _rows(self, order: Any, entered: dict[str, str], errors: dict[str, str]) -> list[Any]:
        returnable = returnable_by_line(order)
        rows = []
        for line in order.lines.all().order_by("position"):
            left = returnable.get(line.pk, 0)
            if left <= 0:
                continue
            field = f"line_{line.pk}"
            rows.append(
                {
                    "line": line,
                    "left": left,
                    "field": field,
                    "entered": entered.get(field, ""),
                    "error": errors.get(field, ""),
                }
            )
        return rows

    def _render(
        self,
        request: HttpRequest,
        order: Any,
        form: RequestForm,
        *,
        entered: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        errors = errors or {}
        context = {
            "order": order,
            "form": form,
            "rows": self._rows(order, entered or {}, errors),
            "evidence_error": errors.get("evidence", ""),
            "lines_error": errors.get("lines", ""),
            "window_end": selectors.window_end_of(order),
            "window_open": selectors.order_can_start_return(request.user, order),
        }
        return render(request, "returns/request_form.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        order = self._order(request)
        return self._render(request, order, RequestForm(initial={"kind": "return"}))

    def post(self, request: HttpRequest) -> HttpResponse:
        order = self._order(request)
        form = RequestForm(request.POST)
        entered = {k: str(request.POST.get(k, "")) for k in request.POST if k.startswith("line_")}
        errors: dict[str, str] = {}
        rows = self._rows(order, {}, {})
        quantities: dict[int, int] = {}
        for row in rows:
            raw = entered.get(row["field"], "").strip()
            if not raw:
                continue
            if not raw.isdigit():
                errors[row["field"]] = _("Enter a whole number of 0 or more.")
            elif int(raw) > 0:
                quantities[row["line"].pk] = int(raw)
        files = []
        for upload in request.FILES.getlist("evidence"):
            try:
                files.append(evidence_from_upload(upload))
            except DomainError as error:
                errors["evidence"] = str(error)
        if errors or not form.is_valid():
            return self._render(request, order, form, entered=entered, errors=errors, status=422)
        data = form.cleaned_data
        try:
            created, _created = return_request_submit(
                order=order,
                by=request.user,
                data=RequestInput(
                    kind=data["kind"],
                    reason=data["reason"],
                    reason_text=data["reason_text"],
                    lines=quantities,
                    evidence=files,
                ),
            )
        except DomainError as error:
            field = error.field or ""
            if field.startswith("lines["):
                index = int(field[6 : field.index("]")])
                keys = [f"line_{pk}" for pk in quantities]
                errors[keys[index] if index < len(keys) else "lines"] = str(error)
            elif field in ("lines", "evidence"):
                errors[field] = str(error)
            else:
                form_error_from(form, error)
            return self._render(request, order, form, entered=entered, errors=errors, status=422)
        messages.success(
            request,
            _("Return request %(number)s recorded; the customer is told by SMS.")
            % {"number": created.number},
        )
        return redirect("returns:detail", created.pk)


urlpatterns = [
    path("", ReturnListView.as_view(), name="list"),
    path("new/", ReturnCreateView.as_view(), name="create"),
    path("<int:pk>/", ReturnDetailView.as_view(), name="detail"),
    path("<int:pk>/evidence/<int:evidence_pk>/", EvidenceView.as_view(), name="evidence"),
]
