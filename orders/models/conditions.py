"""Conditions of the order's transitions (SPEC §2: e.g. no shipment without an invoice
and a delivery note): pure predicates on the order, named in the transitions and turned
into messages by `orders.services.transitions.CONDITION_MESSAGES`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.working_calendar import at_local, to_local


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


def return_window_ends_at(delivered_at: dt.datetime) -> dt.datetime:
    """The end (exclusive) of the return window: SPEC §5 "within 5 calendar days after
    receipt confirmation", counted in Beijing calendar days — the receipt's day is day 0,
    day 5 is open until 23:59:59, day 6 00:00 is too late."""
    days = getattr(settings, "ORDER_RETURN_WINDOW_DAYS", 5)
    last_day = to_local(delivered_at).date() + dt.timedelta(days=days)
    return at_local(last_day + dt.timedelta(days=1), dt.time(0, 0))


def return_window_open(order: Any, at: dt.datetime | None = None) -> bool:
    """A return may be asked for at `at` (default now)."""
    at = at or timezone.now()
    return order.delivered_at is not None and at < return_window_ends_at(order.delivered_at)


def return_window_passed(order: Any) -> bool:
    """The return window (SPEC §5: 5 calendar days after receipt) is over."""
    return order.delivered_at is not None and not return_window_open(order)
