"""The customer's receipt confirmation as the platform reports it (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from .. import validators
from ..exceptions import FieldError, ReceiptInvalid
from ..models import Order
from .transitions import order_mark_delivered


@transaction.atomic
def order_receipt_record(
    *, order: Order, received_at: str | dt.datetime | None, by: Any = None, note: str = ""
) -> Order:
    """shipped → delivered at `received_at` (ISO 8601 with offset; now when omitted).

    Idempotent: an order whose receipt is already recorded comes back unchanged, whatever
    time is sent again. A badly written or impossible time raises ReceiptInvalid; an
    order that is not shipped raises TransitionNotAllowed.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.delivered_at is not None:
        return order
    at = None
    if received_at:
        try:
            at = validators.parse_aware_datetime(received_at)
        except validators.RuleViolation as violation:
            raise ReceiptInvalid(
                [FieldError("received_at", violation.rule, violation.message)]
            ) from violation
    return order_mark_delivered(order=order, by=by, at=at, note=note)
