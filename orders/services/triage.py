"""The sales rep's identification work on an order that intake could not identify."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import OrderError
from ..models import Customer, Order
from .customers import customer_create, customer_update
from .transitions import order_identify


@transaction.atomic
def order_link_customer(
    *,
    order: Order,
    customer: Customer,
    by: Any,
    corrections: dict[str, str] | None = None,
    note: str = "",
) -> Order:
    """Link the order to an existing customer after confirming with the buyer; corrected
    master data is saved with its history first."""
    if customer.kind != order.buyer_kind:
        raise OrderError(_("The customer's kind differs from the buyer's."))
    if corrections:
        customer_update(
            customer=customer, by=by, changes=corrections, note=note or f"order {order.number}"
        )
        customer.refresh_from_db()
    return order_identify(order=order, customer=customer, by=by, method=Order.IdentifiedBy.LINKED)


@transaction.atomic
def order_create_customer(*, order: Order, by: Any, data: dict[str, str]) -> Order:
    """Create a customer record from the (checked, possibly edited) buyer data and
    identify the order with it."""
    customer = customer_create(kind=order.buyer_kind, division=order.division, by=by, data=data)
    return order_identify(order=order, customer=customer, by=by, method=Order.IdentifiedBy.CREATED)
