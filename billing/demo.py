"""Demo data of billing (SPEC §8): the notes fulfilment's demo wrote are invoiced by
division finance (and then shipped, received, closed by fulfilment's demo); an order
cancelled after its invoice shows a red-letter credit note; the days before today are
closed, one reconciled on both sides, one held open by a discrepancy; the previous
settlement period signed and locked, the current one signed by two of three."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.roles import Role
from core.working_calendar import at_local, previous_working_day
from fulfilment.demo import after_invoice
from orders.demo import STEP_MINUTES, _step_time
from orders.models import Order
from orders.services import order_cancel

from .models import DailyClose, Settlement
from .services.daily_close import daily_close_reconcile, daily_close_run, discrepancy_record
from .services.invoices import invoice_issue
from .services.settlement import (
    period_of,
    settlement_compute,
    settlement_open,
    settlement_sign,
)

CANCELLED_AFTER_INVOICE = "DEMO-MALL-0016"


def seed(context: dict[str, Any]) -> None:
    users = context["users"]
    carrier = context["carriers"]["SF"]
    now = timezone.now()
    for item in context.get("notes_to_invoice", []):
        at = _step_time(item["placed_at"], STEP_MINUTES["invoice"], now)
        invoice_issue(note=item["note"], by=users[Role.DIVISION_FINANCE], at=at)
        if item["note"].order.platform_order_no == CANCELLED_AFTER_INVOICE:
            order_cancel(
                order=Order.objects.get(pk=item["note"].order_id),
                by=users[Role.SALES_REP],
                reason="客户取消，发票已红冲 / cancelled after invoicing; credit note issued",
            )
            continue
        after_invoice(item, users, carrier)


def finish(context: dict[str, Any]) -> None:
    _daily_closes(context)
    _settlements(context)


def _settlements(context: dict[str, Any]) -> None:
    """The previous period signed by all three and locked; the current one computed and
    signed by two (HQ finance still to sign)."""
    if Settlement.objects.exists():
        return
    users, division = context["users"], context["division"]
    first_day, _last = period_of(timezone.localdate())
    signers = (Role.SALES_LEAD, Role.DIVISION_FINANCE, Role.HQ_FINANCE)
    for day, roles in ((first_day - dt.timedelta(days=1), signers), (first_day, signers[:2])):
        settlement = settlement_open(division=division, day=day, by=users[Role.HQ_FINANCE])
        settlement = settlement_compute(settlement=settlement, by=users[Role.HQ_FINANCE])
        for role in roles:
            settlement_sign(settlement=settlement, by=users[role], role=role)
            settlement.refresh_from_db()


def _daily_closes(context: dict[str, Any]) -> None:
    """The daily close as the 08:00 job would have made it, and two days worked on."""
    if DailyClose.objects.exists():
        return
    users = context["users"]
    # the runs of the last working days, as the 08:00 job made them
    today = timezone.localdate()
    days = [today]
    while len(days) < 5:
        days.insert(0, previous_working_day(days[0]))
    for day in days:
        daily_close_run(now=at_local(day, dt.time(8, 0)))
    closes = list(DailyClose.objects.order_by("-day")[:2])
    if len(closes) < 2:
        return
    reconciled, disputed = closes[1], closes[0]
    daily_close_reconcile(close=reconciled, by=users[Role.DIVISION_FINANCE])
    daily_close_reconcile(close=reconciled, by=users[Role.HQ_FINANCE])
    discrepancy_record(
        close=disputed,
        by=users[Role.HQ_FINANCE],
        description="平台回款少 15.00 元，待核实运费 / platform paid 15.00 less: check the freight",
    )
