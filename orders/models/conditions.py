"""Conditions of the order's transitions (SPEC §2: e.g. no shipment without an invoice
and a delivery note): pure predicates on the order, named in the transitions and turned
into messages by `orders.services.transitions.CONDITION_MESSAGES`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone


def has_customer(order: Any) -> bool:
    return order.customer_id is not None


def has_goods(order: Any) -> bool:
    return bool(order.goods_amount > 0)


def has_invoice_title(order: Any) -> bool:
    return bool(order.invoice_title.strip())


def has_sales_order(order: Any) -> bool:
    return bool(order.sales_order_number)


def has_delivery_note(order: Any) -> bool:
    return bool(order.delivery_note_number) and order.delivery_note_at is not None


def has_invoice(order: Any) -> bool:
    return bool(order.invoice_number) and order.invoiced_at is not None


def has_tracking(order: Any) -> bool:
    return bool(order.tracking_number)


def has_receipt(order: Any) -> bool:
    return order.delivered_at is not None


def return_window_passed(order: Any) -> bool:
    """The return window (SPEC §5: 5 calendar days after receipt) is over."""
    days = getattr(settings, "ORDER_RETURN_WINDOW_DAYS", 5)
    return order.delivered_at is not None and (
        timezone.now() >= order.delivered_at + dt.timedelta(days=days)
    )
