"""Corrections of an order's lines when the rep confirms the sales order (SPEC §2: the rep
confirms lines, prices, freight and invoice title). The product of a line never changes;
quantity and unit price may, and every change is kept with its old and new value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .. import validators
from ..exceptions import OrderError
from ..models import Order, OrderLine

CENT = Decimal("0.01")
MIN_UNIT_PRICE = CENT


@dataclass(frozen=True)
class LineCorrection:
    """The confirmed quantity and unit price of the line at `position`."""

    position: int
    quantity: int
    unit_price: Decimal


@dataclass
class CorrectedLines:
    changed: list[OrderLine]
    history: list[dict[str, Any]]  # one entry per changed line, old and new values
    goods_amount: Decimal


def order_lines_correct(*, order: Order, corrections: Iterable[LineCorrection]) -> CorrectedLines:
    """Apply the corrections to the order's (locked) lines in memory; the caller saves
    `changed`. Refuses unknown or repeated positions, quantities below 1 and unit
    prices below 0.01."""
    lines = {
        line.position: line
        for line in OrderLine.objects.select_for_update().filter(order=order).order_by("position")
    }
    seen: set[int] = set()
    result = CorrectedLines([], [], Decimal("0.00"))
    for correction in corrections:
        line = lines.get(correction.position)
        if line is None or correction.position in seen:
            raise OrderError(
                _("Order %(number)s has no line %(position)s to correct.")
                % {"number": order.number, "position": correction.position}
            )
        seen.add(correction.position)
        entry = _correct(line, correction)
        if entry:
            result.changed.append(line)
            result.history.append(entry)
    result.goods_amount = sum((line.amount for line in lines.values()), Decimal("0.00"))
    if not validators.amount_fits(result.goods_amount):
        raise OrderError(
            _("The order's total exceeds the largest amount the portal keeps (9,999,999,999.99).")
        )
    return result


def _correct(line: OrderLine, correction: LineCorrection) -> dict[str, Any]:
    try:
        quantity = validators.clean_quantity(correction.quantity)
    except validators.RuleViolation as violation:
        raise OrderError(_line_message(line, violation.message)) from violation
    price = Decimal(correction.unit_price).quantize(CENT)
    if price < MIN_UNIT_PRICE:
        raise OrderError(_line_message(line, _("The unit price must be at least 0.01.")))
    entry: dict[str, Any] = {}
    if quantity != line.quantity:
        entry["quantity"] = {"old": line.quantity, "new": quantity}
    if price != line.unit_price:
        entry["unit_price"] = {"old": str(line.unit_price), "new": str(price)}
    if not entry:
        return {}
    amount = (price * quantity).quantize(CENT)
    if not validators.amount_fits(amount):
        raise OrderError(
            _line_message(
                line, _("Quantity × unit price exceeds the largest amount (9,999,999,999.99).")
            )
        )
    entry["amount"] = {"old": str(line.amount), "new": str(amount)}
    line.quantity, line.unit_price, line.amount = quantity, price, amount
    return {"position": line.position, "sku": line.sku, **entry}


def _line_message(line: OrderLine, message: str) -> str:
    return _("Line %(position)s (%(sku)s): %(message)s") % {
        "position": line.position,
        "sku": line.sku,
        "message": message,
    }
