"""Display helpers: state and action codes as words for the history tables, and the due-time
countdown of the lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from core import audit_labels

from ..models import Order
from ..models.sla import Step

register = template.Library()


@register.filter
def action_label(code: str) -> Any:
    return audit_labels.action_label(code)


@register.filter
def breached_at(order: Order, now: Any) -> bool:
    """`{% if order|breached_at:now %}`: the row predicate at the view's clock, so a row
    is marked exactly when the view's "breached" filter would list it."""
    return order.is_breached(now)


@register.simple_tag
def due_countdown(due: dt.datetime | None) -> SafeString:
    """`{% due_countdown order.next_due_at %}`: a due time as the countdown the pages' script
    updates ("03:12" → "overdue"), with its clock in Beijing time. A tag, not an include
    with filters: the lists show it on every row."""
    if not due:
        return mark_safe('<span class="muted">—</span>')  # noqa: S308 (a constant)
    local = timezone.localtime(due)
    clock = local.strftime("%m-%d %H:%M")
    return format_html(
        '<span class="due"><span class="countdown" data-due="{}" data-late-label="{}" '
        'data-days-label="{}" title="{}">{}</span> <small class="due-at" '
        'data-testid="due-at">{}</small></span>',
        local.isoformat(),
        gettext("overdue"),
        pgettext("days", "d"),
        local.strftime("%Y-%m-%d %H:%M"),
        clock,
        gettext("until %(clock)s") % {"clock": clock},
    )


# `{{ order.status|status_label }}` is `get_status_display` without rebuilding (and making
# hashable) the choices on every call — the lists call it on every row
_STATUS_LABELS = dict(Order.Status.choices)
_STEP_LABELS = dict(Step.choices)


@register.filter
def status_label(code: str) -> Any:
    return _STATUS_LABELS.get(code, code) if code else ""


@register.filter
def step_label(code: str) -> Any:
    """`{{ order.next_step|step_label }}`, as `get_next_step_display`."""
    return _STEP_LABELS.get(code, code) if code else ""


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
