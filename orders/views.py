"""Pages of the orders app: thin views over selectors and services (one per operation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.audit import audit_history
from core.roles import Role, user_has_role
from core.views import RoleRequiredMixin

from . import reports, selectors, services
from .exceptions import CustomerConflict, IntakeConflict, IntakeInvalid, OrderError
from .forms import (
    CustomerForm,
    CustomerMergeForm,
    OrderCancelForm,
    OrderConfirmForm,
    OrderDeliverForm,
    OrderFilterForm,
    OrderKeyInForm,
    OrderLineFormSet,
    SlaReportForm,
)
from .models import Customer, Order

VIEWERS = (
    Role.SALES_REP,
    Role.SALES_LEAD,
    Role.PARTS_SUPPORT,
    Role.DIVISION_FINANCE,
    Role.WAREHOUSE,
    Role.LOGISTICS_LEAD,
    Role.HQ_FINANCE,
    Role.SALES_HEAD,
    Role.ECOM_LEADER,
)
REPS = (Role.SALES_REP, Role.SALES_LEAD)
SLA_VIEWERS = (
    Role.SALES_REP,
    Role.SALES_LEAD,
    Role.LOGISTICS_LEAD,
    Role.HQ_FINANCE,
    Role.SALES_HEAD,
    Role.ECOM_LEADER,
)
REP_QUEUE = [Order.Status.RECEIVED, Order.Status.IDENTIFIED]


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- triage and detail ----------------------------------------------------------------------
class OrderListView(RoleRequiredMixin, ListView):
    """The triage queue: most urgent due time first, with filters and search."""

    required_roles = VIEWERS
    template_name = "orders/order_list.html"
    context_object_name = "orders"
    paginate_by = 25

    def get_queryset(self) -> Any:
        data = self.request.GET.copy()
        if not data and user_has_role(self.request.user, *REPS):
            data.setlist("status", REP_QUEUE)
        self.form = OrderFilterForm(data, user=self.request.user)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return selectors.order_list_for_user(user=self.request.user, filters=filters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            query_string=_query_string(self.request),
            now=timezone.now(),
            statuses=Order.Status,
        )
        return context


class OrderDetailView(RoleRequiredMixin, TemplateView):
    required_roles = VIEWERS
    template_name = "orders/order_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        order = selectors.order_get_for_user(user=user, pk=kwargs["pk"])
        allowed = {
            name: services.transition_allowed(order=order, name=name, user=user)
            for name in ("identify", "confirm", "deliver", "close", "cancel")
        }
        context.update(
            order=order,
            lines=selectors.order_lines(order=order),
            history=audit_history(order),
            allowed=allowed,
            now=timezone.now(),
            steps=_steps(order),
            can_reveal_id=user.has_perm("orders.reveal_id_number"),
            can_reveal_phone=user.has_perm("orders.reveal_phone"),
        )
        if order.status == Order.Status.RECEIVED and user.has_perm("orders.identify_order"):
            context["candidates"] = selectors.customer_candidates(order=order, user=user)
            context["can_identify"] = True
        if allowed["confirm"]:
            context["confirm_form"] = OrderConfirmForm(initial=_confirm_initial(order))
        if allowed["cancel"]:
            context["cancel_form"] = OrderCancelForm()
        if allowed["deliver"]:
            context["deliver_form"] = OrderDeliverForm()
        return context


def _steps(order: Order) -> list[dict[str, Any]]:
    from .clocks import STEP_FIELDS
    from .models import Step

    rows = []
    for step, (due, done, by) in STEP_FIELDS.items():
        rows.append(
            {
                "label": Step(step).label,
                "due": getattr(order, due),
                "done": getattr(order, done),
                "by": getattr(order, by),
                "current": order.next_step == step,
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


class OrderCreateView(RoleRequiredMixin, View):
    """An order keyed in by a sales rep; the same rules as the intake API."""

    required_roles = REPS
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


# --- identification -------------------------------------------------------------------------
class _OrderCustomerFormView(RoleRequiredMixin, View):
    required_roles = REPS
    template_name = "orders/order_customer_form.html"

    def _order(self, pk: int) -> Order:
        order = selectors.order_get_for_user(user=self.request.user, pk=pk)
        if order.status != Order.Status.RECEIVED:
            raise Http404("The order is already identified.")
        return order

    def _render(self, order: Order, form: CustomerForm, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"order": order, "form": form, **extra})


class OrderCreateCustomerView(_OrderCustomerFormView):
    """Create a customer from the order's buyer data (edited if needed) and identify."""

    def _form(self, order: Order, data: Any = None) -> CustomerForm:
        initial = {
            "name": order.buyer_name,
            "org_code": order.buyer_org_code,
            "contact_name": order.buyer_contact_name,
            "province": order.ship_province,
            "city": order.ship_city,
            "district": order.ship_district,
            "street": order.ship_street,
            "postcode": order.ship_postcode,
        }
        return CustomerForm(
            data,
            initial=initial,
            kind=order.buyer_kind,
            has_id_number=bool(order.buyer_id_number),
            has_phone=bool(order.buyer_phone),
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        return self._render(order, self._form(order), creating=True)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        form = self._form(order, request.POST)
        if not form.is_valid():
            return self._render(order, form, creating=True)
        data = {
            "id_number": order.buyer_id_number,
            "phone": order.buyer_phone,
            **form.master_data(),
        }
        try:
            order = services.order_create_customer(order=order, by=request.user, data=data)
        except OrderError as error:
            form.add_error(None, str(error))
            return self._render(order, form, creating=True)
        assert order.customer is not None
        messages.success(
            request,
            _("Customer %(customer)s created; order %(number)s is identified.")
            % {"customer": order.customer.number, "number": order.number},
        )
        return redirect("orders:order-detail", pk=order.pk)


class OrderLinkCustomerView(_OrderCustomerFormView):
    """Link the order to an existing customer, correcting the master data if needed."""

    def _customer(self, pk: int) -> Customer:
        customer = selectors.customer_get_for_user(user=self.request.user, pk=pk)
        if not customer.is_active:
            raise Http404("Merged customer.")
        return customer

    def _form(self, customer: Customer, data: Any = None) -> CustomerForm:
        initial = {
            name: getattr(customer, name)
            for name in (
                "name",
                "org_code",
                "contact_name",
                "province",
                "city",
                "district",
                "street",
                "postcode",
            )
        }
        return CustomerForm(
            data, initial=initial, kind=customer.kind, has_id_number=True, has_phone=True
        )

    def get(self, request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
        order, customer = self._order(pk), self._customer(customer_pk)
        return self._render(order, self._form(customer), customer=customer)

    def post(self, request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
        order, customer = self._order(pk), self._customer(customer_pk)
        form = self._form(customer, request.POST)
        if not form.is_valid():
            return self._render(order, form, customer=customer)
        try:
            order = services.order_link_customer(
                order=order,
                customer=customer,
                by=request.user,
                corrections=form.master_data(),
                note=form.cleaned_data.get("note", ""),
            )
        except OrderError as error:
            form.add_error(None, str(error))
            return self._render(order, form, customer=customer)
        messages.success(
            request,
            _("Order %(number)s linked to customer %(customer)s.")
            % {"number": order.number, "customer": customer.number},
        )
        return redirect("orders:order-detail", pk=order.pk)


# --- transitions (POST only, Post/Redirect/Get) -------------------------------------------------
class _OrderActionView(RoleRequiredMixin, View):
    required_roles = VIEWERS
    form_class: Any = None

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = selectors.order_get_for_user(user=request.user, pk=pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("orders:order-detail", pk=order.pk)
        try:
            message = self.act(order, form.cleaned_data if form else {})
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect("orders:order-detail", pk=order.pk)

    def act(self, order: Order, data: dict[str, Any]) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class OrderConfirmView(_OrderActionView):
    form_class = OrderConfirmForm

    def act(self, order: Order, data: dict[str, Any]) -> str:
        order = services.order_confirm(
            order=order,
            by=self.request.user,
            invoice_title=data["invoice_title"],
            invoice_tax_number=data["invoice_tax_number"],
            freight=data["freight"],
            note=data["note"],
        )
        return _("Sales order %(number)s confirmed.") % {"number": order.sales_order_number}


class OrderCancelView(_OrderActionView):
    form_class = OrderCancelForm

    def act(self, order: Order, data: dict[str, Any]) -> str:
        services.order_cancel(order=order, by=self.request.user, reason=data["reason"])
        return _("Order %(number)s cancelled.") % {"number": order.number}


class OrderDeliverView(_OrderActionView):
    form_class = OrderDeliverForm

    def act(self, order: Order, data: dict[str, Any]) -> str:
        services.order_mark_delivered(
            order=order, by=self.request.user, at=data["received_at"], note=data["note"]
        )
        return _("Receipt of order %(number)s recorded.") % {"number": order.number}


class OrderCloseView(_OrderActionView):
    def act(self, order: Order, data: dict[str, Any]) -> str:
        services.order_close(order=order, by=self.request.user)
        return _("Order %(number)s closed.") % {"number": order.number}


# --- personal data ----------------------------------------------------------------------------
class _RevealView(RoleRequiredMixin, View):
    """POST: the full value, audited. JSON for the page's script, else a small page."""

    required_roles = VIEWERS

    def reveal(self, request: HttpRequest, obj: Customer | Order, field: str) -> HttpResponse:
        try:
            value = services.personal_data_reveal(obj=obj, field=field, by=request.user)
        except OrderError as error:
            if request.headers.get("Accept") == "application/json":
                return JsonResponse({"error": str(error)}, status=403)
            messages.error(request, str(error))
            return redirect(obj_url(obj))
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"value": value})
        return render(
            request, "orders/reveal.html", {"object": obj, "value": value, "back": obj_url(obj)}
        )


def obj_url(obj: Customer | Order) -> str:
    name = "orders:customer-detail" if isinstance(obj, Customer) else "orders:order-detail"
    return reverse(name, args=[obj.pk])


class OrderRevealView(_RevealView):
    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        return self.reveal(request, selectors.order_get_for_user(user=request.user, pk=pk), field)


class CustomerRevealView(_RevealView):
    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        return self.reveal(
            request, selectors.customer_get_for_user(user=request.user, pk=pk), field
        )


# --- customer master ----------------------------------------------------------------------------
class CustomerListView(RoleRequiredMixin, ListView):
    required_roles = REPS
    template_name = "orders/customer_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return selectors.customer_list_for_user(
            user=self.request.user, query=self.request.GET.get("q", "")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(q=self.request.GET.get("q", ""), query_string=_query_string(self.request))
        return context


class CustomerDetailView(RoleRequiredMixin, TemplateView):
    required_roles = REPS
    template_name = "orders/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        customer = selectors.customer_get_for_user(user=user, pk=kwargs["pk"])
        history = [
            row
            for obj in selectors.customer_history_objects(customer=customer)
            for row in audit_history(obj)
        ]
        context.update(
            customer=customer,
            orders=selectors.customer_orders(customer=customer)[:50],
            history=sorted(history, key=lambda r: (r.at, r.pk)),
            merge_form=CustomerMergeForm(),
            can_merge=user.has_perm("orders.merge_customer") and customer.is_active,
            can_reveal_id=user.has_perm("orders.reveal_id_number"),
            can_reveal_phone=user.has_perm("orders.reveal_phone"),
        )
        return context


class CustomerUpdateView(RoleRequiredMixin, View):
    """Correct master data; each change is kept in the history."""

    required_roles = REPS
    template_name = "orders/customer_form.html"

    def _form(self, customer: Customer, data: Any = None) -> CustomerForm:
        initial = {
            name: getattr(customer, name)
            for name in (
                "name",
                "org_code",
                "contact_name",
                "province",
                "city",
                "district",
                "street",
                "postcode",
            )
        }
        return CustomerForm(
            data, initial=initial, kind=customer.kind, has_id_number=True, has_phone=True
        )

    def _customer(self, pk: int) -> Customer:
        customer = selectors.customer_get_for_user(user=self.request.user, pk=pk)
        if not customer.is_active:
            raise Http404("Merged customer.")
        return customer

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = self._customer(pk)
        return render(
            request, self.template_name, {"customer": customer, "form": self._form(customer)}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = self._customer(pk)
        form = self._form(customer, request.POST)
        if form.is_valid():
            try:
                changed = services.customer_update(
                    customer=customer,
                    by=request.user,
                    changes=form.master_data(),
                    note=form.cleaned_data["note"],
                )
            except CustomerConflict as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("%(count)d fields corrected.") % {"count": len(changed)}
                )
                return redirect("orders:customer-detail", pk=customer.pk)
        return render(request, self.template_name, {"customer": customer, "form": form})


class CustomerMergeView(RoleRequiredMixin, View):
    """POST: merge the duplicate named in the form into this customer."""

    required_roles = REPS

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = selectors.customer_get_for_user(user=request.user, pk=pk)
        form = CustomerMergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the customer number of the duplicate."))
            return redirect("orders:customer-detail", pk=target.pk)
        duplicate = (
            selectors.customer_queryset_for_user(user=request.user)
            .filter(number__iexact=form.cleaned_data["duplicate"].strip())
            .first()
        )
        if duplicate is None:
            messages.error(request, _("No customer of yours has this number."))
            return redirect("orders:customer-detail", pk=target.pk)
        try:
            result = services.customer_merge(
                source=duplicate, target=target, by=request.user, note=form.cleaned_data["note"]
            )
        except OrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(duplicate)s merged into %(target)s; %(count)d orders moved.")
                % {
                    "duplicate": duplicate.number,
                    "target": target.number,
                    "count": len(result.moved_order_ids),
                },
            )
        return redirect("orders:customer-detail", pk=target.pk)


# --- SLA report ---------------------------------------------------------------------------------
class SlaReportView(RoleRequiredMixin, TemplateView):
    required_roles = SLA_VIEWERS
    template_name = "orders/sla_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SlaReportForm(self.request.GET or None, user=self.request.user)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - dt.timedelta(days=6)
        rows = reports.sla_report(
            user=self.request.user,
            date_from=date_from,
            date_to=date_to,
            division=data.get("division"),
            step=data.get("step", ""),
        )
        context.update(
            form=form,
            rows=rows,
            totals=reports.sla_totals(rows),
            date_from=date_from,
            date_to=date_to,
        )
        return context
