"""Triage list, order detail, keyed-in orders and the transitions a user may run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.actions import PostActionView
from core.audit import audit_rows
from core.pagination import CappedPaginator
from core.roles import user_has_role
from core.views import PermissionGateMixin

from .. import selectors, services
from ..clocks import STEP_FIELDS
from ..exceptions import IntakeConflict, IntakeInvalid, OrderError, TransitionNotAllowed
from ..flags import flag_texts
from ..forms import (
    OrderCancelForm,
    OrderConfirmForm,
    OrderDeliverForm,
    OrderFilterForm,
    OrderKeyInForm,
    OrderLineCorrectionFormSet,
    OrderLineFormSet,
)
from ..hooks import order_sections
from ..models import Order, Step
from ._common import REP_QUEUE, REPS, order_moved_on_message


# --- triage and detail ----------------------------------------------------------------------
class OrderListView(PermissionGateMixin, ListView):
    """The triage queue: most urgent due time first, with filters and search."""

    permission_required = "orders.view_order"
    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = 25

    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        data = self.request.GET.copy()
        # the rep's queue is the default with no filter at all; a page number alone is
        # still the queue (its "next" link), not "all orders"
        if not (data.keys() - {self.page_kwarg}) and user_has_role(self.request.user, *REPS):
            data.setlist("status", REP_QUEUE)
        self.filter_data = data
        self.form = OrderFilterForm(data, user=self.request.user)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        # one clock for the "breached" filter and the rows it marks
        self.now = timezone.now()
        return selectors.order_list_for_user(user=self.request.user, filters=filters, now=self.now)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            query_string=_without_page(self.filter_data),
            now=self.now,
            statuses=Order.Status,
        )
        return context


def _without_page(data: Any) -> str:
    """The filters the list applied (the default queue's statuses included), for the
    pagination links: every page of a list shows the same orders."""
    query = data.copy()
    query.pop("page", None)
    return str(query.urlencode())


class OrderDetailView(PermissionGateMixin, TemplateView):
    permission_required = "orders.view_order"
    template_name = "orders/order_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        order = selectors.order_get_for_user(user=self.request.user, pk=kwargs["pk"])
        context.update(order_detail_context(self.request, order))
        return context


def order_detail_context(
    request: HttpRequest,
    order: Order,
    *,
    confirm_form: OrderConfirmForm | None = None,
    confirm_lines: Any = None,
) -> dict[str, Any]:
    """What the order page shows; a refused confirmation passes its bound forms back in so
    that the rep's input and the errors at the fields are shown (nothing is lost)."""
    user = request.user
    allowed = {
        name: services.transition_allowed(order=order, name=name, user=user)
        for name in ("identify", "confirm", "deliver", "close", "cancel")
    }
    lines = selectors.order_line_rows(order=order)
    now = timezone.now()
    context: dict[str, Any] = {
        "order": order,
        "lines": lines,
        "history": audit_rows(order),
        "allowed": allowed,
        "now": now,
        "steps": _steps(order, now),
        "can_reveal_id": user.has_perm("orders.reveal_id_number"),
        "can_reveal_phone": user.has_perm("orders.reveal_phone"),
        "can_reveal_ship_phone": user.has_perm("orders.reveal_ship_phone"),
        "sections": order_sections(request, order),
        "flags": flag_texts(order.review_flags),
    }
    if order.status == Order.Status.RECEIVED and user.has_perm("orders.identify_order"):
        context["candidates"] = selectors.customer_candidates(order=order, user=user)
        context["can_identify"] = True
    if allowed["confirm"] or confirm_form is not None:
        if confirm_form is None:
            confirm_form = OrderConfirmForm(initial=_confirm_initial(order))
        if confirm_lines is None:
            confirm_lines = OrderLineCorrectionFormSet(
                prefix="lines",
                initial=[
                    {
                        "position": line.position,
                        "quantity": line.quantity,
                        "unit_price": line.unit_price,
                    }
                    for line in lines
                ],
            )
        by_position = {line.position: line for line in lines}
        rows = []
        for index, form in enumerate(confirm_lines.forms):
            position = form["position"].value()
            try:
                line = by_position.get(int(position)) if position is not None else None
            except (TypeError, ValueError):
                line = None
            rows.append((line or (lines[index] if index < len(lines) else None), form))
        context.update(confirm_form=confirm_form, confirm_lines=confirm_lines, confirm_rows=rows)
    if allowed["cancel"]:
        context["cancel_form"] = OrderCancelForm()
    if allowed["deliver"]:
        context["deliver_form"] = OrderDeliverForm()
    return context


def _steps(order: Order, now: dt.datetime) -> list[dict[str, Any]]:
    """One row per step; marked when it was done late, or it is the running step of a
    breached order (`Order.is_breached`, as the triage list)."""
    breached = order.is_breached(now)
    rows = []
    for step, (due, done, by) in STEP_FIELDS.items():
        due_at, done_at = getattr(order, due), getattr(order, done)
        current = order.next_step == step
        rows.append(
            {
                "label": Step(step).label,
                "due": due_at,
                "done": done_at,
                "by": getattr(order, by),
                "current": current,
                "late": bool(done_at and due_at and done_at > due_at),
                "breached": current and breached,
            }
        )
    return rows


def _confirm_initial(order: Order) -> dict[str, Any]:
    customer = order.customer
    return {
        "invoice_title": order.invoice_title or (customer.name if customer else order.buyer_name),
        "invoice_tax_number": order.invoice_tax_number
        or (customer.org_code if customer and customer.is_corporate else ""),
        "freight": order.freight,
    }


class OrderCreateView(PermissionGateMixin, View):
    """An order keyed in by a sales rep; the same rules as the intake API."""

    permission_required = "orders.add_order"
    template_name = "orders/order_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(OrderKeyInForm(user=request.user), OrderLineFormSet(prefix="lines"))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrderKeyInForm(request.POST, user=request.user)
        lines = OrderLineFormSet(request.POST, prefix="lines")
        if not (form.is_valid() and lines.is_valid()):
            return self._render(form, lines)
        filled = [f for f in lines.forms if f.cleaned_data]
        data = form.to_input([f.cleaned_data for f in filled], placed_at=timezone.now())
        try:
            result = services.order_receive(
                platform=form.cleaned_data["platform"],
                data=data,
                source=Order.Source.KEYED_IN,
                by=request.user,
            )
        except IntakeInvalid as invalid:
            form.add_intake_errors(invalid.errors, filled)
            return self._render(form, lines)
        except IntakeConflict as conflict:
            form.add_error(
                "platform_order_no",
                _("Order %(number)s already has this platform order number.")
                % {"number": conflict.order.number},
            )
            return self._render(form, lines)
        messages.success(request, _("Order %(number)s created.") % {"number": result.order.number})
        return redirect("orders:order-detail", pk=result.order.pk)

    def _render(self, form: OrderKeyInForm, lines: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "lines": lines})


# --- transitions (POST only, Post/Redirect/Get) -------------------------------------------------
class _OrderActionView(PermissionGateMixin, PostActionView):
    """A step on an order from its page; a refused step whose order another rep (or a
    job) moved on also says who did it and when."""

    permission_required = "orders.view_order"

    def load(self, request: HttpRequest, pk: int) -> Order:
        return selectors.order_get_for_user(user=request.user, pk=pk)

    def redirect_to(self, obj: Order) -> HttpResponse:
        return redirect("orders:order-detail", pk=obj.pk)

    def refused(self, request: HttpRequest, obj: Order, error: Exception) -> None:
        if isinstance(error, TransitionNotAllowed):
            current = selectors.order_get_for_user(user=request.user, pk=obj.pk)
            if current.identified_at or current.cancelled_at:
                messages.warning(request, order_moved_on_message(current, input_kept=False))


class OrderConfirmView(PermissionGateMixin, View):
    """The sales order as the rep confirms it: invoice title, freight and each line's
    quantity and unit price (the products stay).

    Not Post/Redirect/Get on failure: a refused confirmation re-renders the order page
    with the rep's input and each error at its field (422), or, when another rep was
    first, with who confirmed it and when (409)."""

    permission_required = "orders.confirm_order"
    template_name = "orders/order_detail.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = selectors.order_get_for_user(user=request.user, pk=pk)
        form = OrderConfirmForm(request.POST)
        lines = OrderLineCorrectionFormSet(request.POST, prefix="lines")
        if order.status != Order.Status.IDENTIFIED:
            form.is_valid()
            lines.is_valid()
            form.add_error(None, order_moved_on_message(order))
            return self._render(order, form, lines, status=409, moved_on=True)
        if not (form.is_valid() and lines.is_valid()):
            return self._render(order, form, lines, status=422)
        posted = sorted(line.cleaned_data["position"] for line in lines.forms)
        if posted != [line.position for line in selectors.order_lines(order=order)]:
            # every line is confirmed, none twice; a stale page is sent back
            form.add_error(None, _("The lines of the order do not match the page; reload it."))
            return self._render(order, form, lines, status=422)
        data = form.cleaned_data
        try:
            order = services.order_confirm(
                order=order,
                by=request.user,
                invoice_title=data["invoice_title"],
                invoice_tax_number=data["invoice_tax_number"],
                freight=data["freight"],
                lines=[services.LineCorrection(**line.cleaned_data) for line in lines.forms],
                note=data["note"],
            )
        except OrderError as error:
            order = selectors.order_get_for_user(user=request.user, pk=pk)
            if order.status != Order.Status.IDENTIFIED:
                form.add_error(None, order_moved_on_message(order))
                return self._render(order, form, lines, status=409, moved_on=True)
            form.add_error(_refused_field(error), str(error))
            return self._render(order, form, lines, status=422)
        messages.success(
            request,
            _("Sales order %(number)s confirmed.") % {"number": order.sales_order_number},
        )
        return redirect("orders:order-detail", pk=order.pk)

    def _render(
        self, order: Order, form: Any, lines: Any, *, status: int, moved_on: bool = False
    ) -> HttpResponse:
        context = order_detail_context(self.request, order, confirm_form=form, confirm_lines=lines)
        context["confirm_moved_on"] = moved_on  # shown for the record, not to send again
        return render(self.request, self.template_name, context, status=status)


def _refused_field(error: OrderError) -> str | None:
    """The confirmation field a service refusal is about, if it names one."""
    field = getattr(error, "field", None)
    return field if field in OrderConfirmForm.base_fields else None


class OrderCancelView(_OrderActionView):
    form_class = OrderCancelForm

    def perform(self, order: Order, form: Any) -> str:
        data = form.cleaned_data
        services.order_cancel(order=order, by=self.request.user, reason=data["reason"])
        return _("Order %(number)s cancelled.") % {"number": order.number}


class OrderDeliverView(_OrderActionView):
    form_class = OrderDeliverForm

    def perform(self, order: Order, form: Any) -> str:
        data = form.cleaned_data
        services.order_mark_delivered(
            order=order, by=self.request.user, at=data["received_at"], note=data["note"]
        )
        return _("Receipt of order %(number)s recorded.") % {"number": order.number}


class OrderCloseView(_OrderActionView):
    def perform(self, order: Order, form: Any) -> str:
        services.order_close(order=order, by=self.request.user)
        return _("Order %(number)s closed.") % {"number": order.number}
