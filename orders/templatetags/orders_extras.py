"""Display helpers for the history tables: state and action codes as words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Order

register = template.Library()

ACTION_LABELS: dict[str, Any] = {
    "received": _("received"),
    "identified": _("customer identified"),
    "confirmed": _("sales order confirmed"),
    "put_on_hold": _("put on hold"),
    "allocated": _("allocated"),
    "invoiced": _("invoiced"),
    "shipped": _("shipped"),
    "delivered": _("receipt confirmed"),
    "closed": _("closed"),
    "cancelled": _("cancelled"),
    "sla_breached": _("SLA breached"),
    "customer_merged": _("customers merged"),
    "customer_merged_into": _("merged into another customer"),
    "customer_created": _("customer created"),
    "customer_corrected": _("master data corrected"),
    "personal_data_revealed": _("personal data viewed"),
}


@register.filter
def action_label(code: str) -> Any:
    return ACTION_LABELS.get(code, code)


@register.filter
def status_label(code: str) -> Any:
    return dict(Order.Status.choices).get(code, code) if code else ""
