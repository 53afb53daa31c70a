"""Gap-free numbers: order, sales order and customer numbers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.models import Division

from ..models import NumberSequence


@transaction.atomic
def sequence_next(*, key: str) -> int:
    """The next value of a counter; the row lock holds until the caller's transaction ends,
    so a rolled-back caller leaves no gap."""
    NumberSequence.objects.get_or_create(key=key)
    sequence = NumberSequence.objects.select_for_update().get(key=key)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


def order_number_next(*, division: Division, day: dt.date) -> str:
    """`GQ-20260315-0001`: division, day of receipt (Beijing time), serial of that day."""
    value = sequence_next(key=f"ORDER-{division.code}-{day:%Y%m%d}")
    return f"{division.code}-{day:%Y%m%d}-{value:04d}"


def sales_order_number_next(*, division: Division, year: int) -> str:
    """`SO-GQ-2026-000001`: gap-free per division and year."""
    value = sequence_next(key=f"SO-{division.code}-{year}")
    return f"SO-{division.code}-{year}-{value:06d}"


def customer_number_next() -> str:
    return f"C{sequence_next(key='CUSTOMER'):07d}"
