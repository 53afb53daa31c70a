"""Identifying the customer of an order: link to a candidate or create a new customer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.views import PermissionGateMixin

from .. import selectors, services
from ..exceptions import OrderError
from ..forms import (
    CustomerForm,
)
from ..models import Customer, Order
from ._common import order_moved_on_message


# --- identification -------------------------------------------------------------------------
class _OrderCustomerFormView(PermissionGateMixin, View):
    permission_required = "orders.identify_order"
    template_name = "orders/order_customer_form.html"

    def _order(self, pk: int) -> Order:
        return selectors.order_get_for_user(user=self.request.user, pk=pk)

    @staticmethod
    def _moved_on(order: Order) -> bool:
        """Another rep (or the intake) identified or cancelled the order meanwhile."""
        return order.status != Order.Status.RECEIVED

    def _to_order(self, order: Order) -> HttpResponse:
        messages.warning(self.request, order_moved_on_message(order))
        return redirect("orders:order-detail", pk=order.pk)

    def _render(
        self, order: Order, form: CustomerForm, *, status: int = 200, **extra: Any
    ) -> HttpResponse:
        if self._moved_on(order):
            # Keep what the rep typed, say who was first, and offer no second submit.
            form.add_error(None, order_moved_on_message(order))
            extra["moved_on"] = True
            status = 409
        context = {"order": order, "form": form, **extra}
        return render(self.request, self.template_name, context, status=status)


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
        if self._moved_on(order):
            return self._to_order(order)
        return self._render(order, self._form(order), creating=True)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(pk)
        form = self._form(order, request.POST)
        if not form.is_valid() or self._moved_on(order):
            return self._render(order, form, creating=True, status=422)
        data = {
            "id_number": order.buyer_id_number,
            "phone": order.buyer_phone,
            **form.master_data(),
        }
        try:
            order = services.order_create_customer(order=order, by=request.user, data=data)
        except OrderError as error:
            order = self._order(pk)
            if not self._moved_on(order):
                form.add_error(None, str(error))
            return self._render(order, form, creating=True, status=422)
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
        return CustomerForm.for_customer(customer, data)

    def get(self, request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
        order, customer = self._order(pk), self._customer(customer_pk)
        if self._moved_on(order):
            return self._to_order(order)
        return self._render(order, self._form(customer), customer=customer)

    def post(self, request: HttpRequest, pk: int, customer_pk: int) -> HttpResponse:
        order, customer = self._order(pk), self._customer(customer_pk)
        form = self._form(customer, request.POST)
        if not form.is_valid() or self._moved_on(order):
            return self._render(order, form, customer=customer, status=422)
        try:
            order = services.order_link_customer(
                order=order,
                customer=customer,
                by=request.user,
                corrections=form.master_data(),
                note=form.cleaned_data.get("note", ""),
            )
        except OrderError as error:
            order = self._order(pk)
            if not self._moved_on(order):
                form.add_error(None, str(error))
            return self._render(order, form, customer=customer, status=422)
        messages.success(
            request,
            _("Order %(number)s linked to customer %(customer)s.")
            % {"number": order.number, "customer": customer.number},
        )
        return redirect("orders:order-detail", pk=order.pk)
