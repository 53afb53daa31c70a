"""One POST view per step of a return (core.actions.PostActionView): load (404 for missing
or not yours), check the permission the service checks, bind the form, call the one
service, message, redirect to the return's page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _

from core.actions import PostActionView

from .. import selectors, services
from ..forms import (
    AcceptForm,
    ApproveForm,
    FeedbackForm,
    InspectForm,
    InvoiceForm,
    PayForm,
    RejectForm,
    ResolutionForm,
    ReviewForm,
)
from ..models import Refund, ReturnRequest


class _ReturnAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> ReturnRequest:
        return selectors.return_get_for_user(user=request.user, pk=pk)

    def redirect_to(self, obj: ReturnRequest) -> HttpResponse:
        return redirect("returns:detail", obj.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("returns:detail", pk)


class _RefundAction(_ReturnAction):
    """The refund of the return at `pk` (404 when it has none)."""

    def refund(self, request: ReturnRequest) -> Refund:
        refund = Refund.objects.filter(request=request).first()
        if refund is None:
            raise Http404("This return has no refund.")
        return refund


class ReturnAcceptView(_ReturnAction):
    action_permission = "returns.review_returnrequest"
    form_class = AcceptForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        data = form.cleaned_data
        request = services.return_accept(
            request=request,
            by=self.request.user,
            kind=data["kind"],
            note=data["note"],
            refund_amount=data.get("refund_total"),
            return_freight=data["return_freight"] or "0",
        )
        return _("Return %(number)s accepted as %(kind)s.") % {
            "number": request.number,
            "kind": request.get_kind_display(),
        }


class ReturnRejectView(_ReturnAction):
    action_permission = "returns.review_returnrequest"
    form_class = RejectForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        services.return_reject(
            request=request, by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("Return %(number)s rejected; the customer is told why.") % {
            "number": request.number
        }


class ReturnFeedbackView(_ReturnAction):
    form_class = FeedbackForm

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        # the permission depends on the part (parts support or the warehouse lead)
        part = request.POST.get("part", "")
        self.action_permission = (
            f"returns.feedback_{'warehouse' if part == 'warehouse' else 'parts'}_returnrequest"
        )
        return super().post(request, pk, **kwargs)

    def perform(self, request: ReturnRequest, form: Any) -> str:
        request = services.return_feedback(
            request=request,
            by=self.request.user,
            part=form.cleaned_data["part"],
            note=form.cleaned_data["note"],
        )
        if request.return_order_number:
            return _("Feedback complete: return order %(number)s written.") % {
                "number": request.return_order_number
            }
        return _("Your part of the feedback is recorded.")


class ReturnInspectView(_ReturnAction):
    action_permission = "returns.inspect_returnrequest"
    form_class = InspectForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        accepted = form.cleaned_data["outcome"] == "accept"
        request = services.return_inspect(
            request=request, by=self.request.user, accepted=accepted, note=form.cleaned_data["note"]
        )
        if accepted:
            return _("Goods of %(number)s received and booked into stock.") % {
                "number": request.number
            }
        return _("Goods of %(number)s refused; the sales representative is told.") % {
            "number": request.number
        }


class ReturnResolveView(_ReturnAction):
    action_permission = "returns.resolve_returnrequest"
    form_class = ResolutionForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        services.return_resolve(request=request, by=self.request.user, **form.cleaned_data)
        return _("Three-way resolution of %(number)s recorded.") % {"number": request.number}


class ReturnInvoiceView(_ReturnAction):
    action_permission = "returns.handle_invoice_returnrequest"
    form_class = InvoiceForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        request = services.return_invoice_record(
            request=request,
            by=self.request.user,
            handling=form.cleaned_data["handling"],
            note=form.cleaned_data["note"],
        )
        credits = ", ".join(
            request.credit_notes.order_by("number").values_list("number", flat=True)
        )
        if credits:
            return _("Credit note %(numbers)s issued for return %(number)s.") % {
                "numbers": credits,
                "number": request.number,
            }
        return _("Recovered invoice of return %(number)s recorded.") % {"number": request.number}


class ReturnReplacementView(_ReturnAction):
    action_permission = "returns.replace_returnrequest"

    def perform(self, request: ReturnRequest, form: Any) -> str:
        request = services.return_replacement_create(request=request, by=self.request.user)
        note = request.replacement_note
        return _("Replacement delivery note %(note)s written.") % {
            "note": note.number if note else ""
        }


class RefundApproveView(_RefundAction):
    action_permission = "returns.approve_refund"
    form_class = ApproveForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        refund = services.refund_approve(
            refund=self.refund(request), by=self.request.user, note=form.cleaned_data["note"]
        )
        if refund.status == Refund.Status.APPROVED:
            return _("Refund %(number)s approved; division finance reviews it next.") % {
                "number": refund.number
            }
        return _("Your approval of refund %(number)s is recorded.") % {"number": refund.number}


class RefundReviewView(_RefundAction):
    action_permission = "returns.review_refund"
    form_class = ReviewForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        refund = services.refund_review(
            refund=self.refund(request),
            by=self.request.user,
            note=form.cleaned_data["note"],
            return_freight=form.cleaned_data["return_freight"],
        )
        return _("Refund %(number)s of %(amount)s CNY reviewed; head-office finance pays it.") % {
            "number": refund.number,
            "amount": refund.amount,
        }


class RefundPayView(_RefundAction):
    action_permission = "returns.pay_refund"
    form_class = PayForm

    def perform(self, request: ReturnRequest, form: Any) -> str:
        refund = services.refund_pay(
            refund=self.refund(request),
            by=self.request.user,
            reference=form.cleaned_data["reference"],
        )
        return _("Refund %(number)s paid (%(reference)s).") % {
            "number": refund.number,
            "reference": refund.payment_reference,
        }


urlpatterns = [
    path("<int:pk>/accept/", ReturnAcceptView.as_view(), name="accept"),
    path("<int:pk>/reject/", ReturnRejectView.as_view(), name="reject"),
    path("<int:pk>/feedback/", ReturnFeedbackView.as_view(), name="feedback"),
    path("<int:pk>/inspect/", ReturnInspectView.as_view(), name="inspect"),
    path("<int:pk>/resolve/", ReturnResolveView.as_view(), name="resolve"),
    path("<int:pk>/invoice/", ReturnInvoiceView.as_view(), name="invoice"),
    path("<int:pk>/replacement/", ReturnReplacementView.as_view(), name="replacement"),
    path("<int:pk>/refund/approve/", RefundApproveView.as_view(), name="refund-approve"),
    path("<int:pk>/refund/review/", RefundReviewView.as_view(), name="refund-review"),
    path("<int:pk>/refund/pay/", RefundPayView.as_view(), name="refund-pay"),
]
