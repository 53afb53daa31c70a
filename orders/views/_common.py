"""Roles and helpers shared by the pages of the orders app."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.roles import Role

from ..models import Order

# The rep's own queue is the default view of the order list for these roles (a default,
# not a gate: access is the permission `orders.view_order`).
REPS = (Role.SALES_REP, Role.SALES_LEAD)
REP_QUEUE = [Order.Status.RECEIVED, Order.Status.IDENTIFIED]


def beijing_time(at: Any) -> str:
    """A stored (aware) time as the portal writes it: Beijing time, `2026-11-28 14:05`."""
    return date_format(timezone.localtime(at), "Y-m-d H:i") if at else "—"


def order_moved_on_message(order: Order, *, input_kept: bool = True) -> str:
    """Why the step a user started on an order is no longer possible: who moved the order
    on and when (Beijing time), so a second rep learns what happened instead of a 404."""
    if order.status == Order.Status.CANCELLED:
        who, at = order.cancelled_by, order.cancelled_at
    elif order.confirmed_at:
        who, at = order.confirmed_by, order.confirmed_at
    elif order.identified_at:
        who, at = order.identified_by, order.identified_at
    else:
        who, at = None, None
    name = (who.get_full_name() or who.username) if who else _("the system")
    values = {
        "number": order.number,
        "status": order.get_status_display(),
        "who": name,
        "at": beijing_time(at),
    }
    if not input_kept:
        return (
            _(
                "Order %(number)s is already “%(status)s”: %(who)s did this at %(at)s "
                "(Beijing time)."
            )
            % values
        )
    return (
        _(
            "Order %(number)s is already “%(status)s”: %(who)s did this at %(at)s (Beijing "
            "time). Your input is kept below; nothing was saved."
        )
        % values
    )
