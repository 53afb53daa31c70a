"""Display helpers for the history tables: state and action codes as words."""

from __future__ import annotations

from typing import Any

from django import template

from core import audit_labels

from ..models import Order

register = template.Library()


@register.filter
def action_label(code: str) -> Any:
    return audit_labels.action_label(code)


@register.filter
def breached_at(order: Order, now: Any) -> bool:
    """`{% if order|breached_at:now %}`: the row predicate at the view's clock, so a row
    is marked exactly when the view's "breached" filter would list it."""
    return order.is_breached(now)


@register.filter
def status_label(code: str) -> Any:
    return dict(Order.Status.choices).get(code, code) if code else ""


LINE_FIELD_ORDER = {"quantity": 0, "unit_price": 1, "amount": 2}


def _change(value: Any) -> str:
    return audit_labels.shown_value(value)


@register.filter
def history_details(data: Any) -> list[str]:
    """A history row's data as short texts: `freight: 10.00 → 12.00`, and one text per
    corrected line (`#1 SKU-A quantity: 2 → 3, amount: 200.00 → 300.00`)."""
    if not isinstance(data, dict):
        return [str(data)] if data else []
    texts = []
    for key, value in data.items():
        if key == "lines" and isinstance(value, list):
            for line in value:
                # fixed order: PostgreSQL's jsonb does not keep the keys' order
                names = sorted(
                    (name for name in line if name not in ("position", "sku")),
                    key=lambda name: (LINE_FIELD_ORDER.get(name, 9), name),
                )
                changes = ", ".join(f"{name}: {_change(line[name])}" for name in names)
                texts.append(f"#{line.get('position')} {line.get('sku')} {changes}")
        else:
            texts.extend(audit_labels.details({key: value}))
    return texts
