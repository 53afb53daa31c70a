"""Display filters for money and rates: exact Decimal, grouped thousands, two places."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()
FEN = Decimal("0.01")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def amount(value: Any) -> str:
    """1234.5 → '1,234.50'; None → '—'."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number.quantize(FEN, rounding=ROUND_HALF_UP):,}"


@register.filter
def cny(value: Any) -> str:
    """1234.5 → '¥1,234.50'; negative → '-¥12.00'; None → '—'."""
    number = _decimal(value)
    if number is None:
        return "—"
    sign = "-" if number < 0 else ""
    return f"{sign}¥{amount(abs(number))}"


@register.filter
def percent(value: Any) -> str:
    """A rate as a percentage: 0.130 → '13%', 0.065 → '6.5%'."""
    number = _decimal(value)
    if number is None:
        return "—"
    shown = (number * 100).quantize(Decimal("0.01")).normalize()
    return f"{shown:f}%"
