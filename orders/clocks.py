"""SLA clocks (SPEC §2): the due time of each step, from the working calendar.

identify ≤ 15 business minutes after the order was placed; sales order ≤ 30 after
identification; delivery note ≤ 60 after the sales order; invoice by 15:00 on the
ship-by day or ≤ 60 after the delivery note, whichever is later; hand-over to the
carrier by the end of business on the ship-by day.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core import working_calendar as calendar
from core.roles import ROLE_LEADS, Role

from .models.sla import Step

IDENTIFY_MINUTES = 15
SALES_ORDER_MINUTES = 30
DELIVERY_NOTE_MINUTES = 60
INVOICE_AFTER_DELIVERY_NOTE_MINUTES = 60

# Whose queue each step sits in; their lead (core.roles.ROLE_LEADS) hears of breaches too.
STEP_ROLES: dict[str, str] = {
    Step.IDENTIFY: Role.SALES_REP,
    Step.SALES_ORDER: Role.SALES_REP,
    Step.DELIVERY_NOTE: Role.PARTS_SUPPORT,
    Step.INVOICE: Role.DIVISION_FINANCE,
    Step.HANDOVER: Role.WAREHOUSE,
}

# step → (due-time field, completion-time field, completed-by field) on Order.
STEP_FIELDS: dict[str, tuple[str, str, str]] = {
    Step.IDENTIFY: ("identify_due_at", "identified_at", "identified_by"),
    Step.SALES_ORDER: ("sales_order_due_at", "confirmed_at", "confirmed_by"),
    Step.DELIVERY_NOTE: ("delivery_note_due_at", "delivery_note_at", "delivery_note_by"),
    Step.INVOICE: ("invoice_due_at", "invoiced_at", "invoiced_by"),
    Step.HANDOVER: ("handover_due_at", "shipped_at", "shipped_by"),
}


def step_roles(step: str) -> tuple[str, ...]:
    """The step's role and its lead, the recipients of a breach notice."""
    role = STEP_ROLES[step]
    lead = ROLE_LEADS.get(role)
    return (role, lead) if lead else (role,)


def invoice_cutoff() -> dt.time:
    return calendar.parse_clock(getattr(settings, "INVOICE_CUTOFF", "15:00"))


def ship_by(placed_at: dt.datetime) -> dt.date:
    return calendar.ship_by(placed_at)


def identify_due(placed_at: dt.datetime) -> dt.datetime:
    return calendar.add_business_minutes(placed_at, IDENTIFY_MINUTES)


def sales_order_due(identified_at: dt.datetime) -> dt.datetime:
    return calendar.add_business_minutes(identified_at, SALES_ORDER_MINUTES)


def delivery_note_due(confirmed_at: dt.datetime, window_at: dt.datetime) -> dt.datetime:
    """The delivery-note rule of SPEC §2 and the policy (在收到订单申请后1小时内生成发货单,
    12:00 / 15:00 windows): 60 business minutes after the sales order, and no later than
    the order's window deadline — unless the sales order itself came after that deadline,
    when the 60 minutes alone count (parts support cannot be late before it could start)."""
    within_an_hour = calendar.add_business_minutes(confirmed_at, DELIVERY_NOTE_MINUTES)
    if window_at <= confirmed_at:
        return within_an_hour
    return min(within_an_hour, window_at)


def invoice_due(ship_by_day: dt.date, delivery_note_at: dt.datetime | None) -> dt.datetime:
    """15:00 on the ship-by day; once the delivery note exists, no earlier than 60
    business minutes after it."""
    cutoff = calendar.at_local(ship_by_day, invoice_cutoff())
    if delivery_note_at is None:
        return cutoff
    return max(
        cutoff,
        calendar.add_business_minutes(delivery_note_at, INVOICE_AFTER_DELIVERY_NOTE_MINUTES),
    )


def handover_due(ship_by_day: dt.date) -> dt.datetime:
    return calendar.end_of_business(ship_by_day)


def delivery_note_window(placed_at: dt.datetime) -> dt.datetime:
    """The policy's delivery-note window of an order (SPEC §2): orders placed after 15:00
    of the previous working day and before 12:00 are due by 12:00; those placed
    12:00–15:00 by 15:00 the same day. Stored on the order at intake
    (`delivery_note_window_at`); the parts_support queue groups by it and
    `delivery_note_due` caps the 60-minute clock with it."""
    local = calendar.to_local(placed_at)
    noon, cutoff = dt.time(12, 0), calendar.same_day_cutoff()
    if calendar.is_working_day(local.date()) and local.time() < cutoff:
        deadline = noon if local.time() < noon else cutoff
        return calendar.at_local(local.date(), deadline)
    return calendar.at_local(calendar.next_working_day(local.date()), noon)
