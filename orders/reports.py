"""The SLA report (SPEC §2): per step, per day of the due time, per user who did the step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.scoping import scope_to_user_divisions
from core.working_calendar import at_local, local_zone

from .clocks import STEP_FIELDS
from .models import Order, Step
from .models.querysets import breached_condition


@dataclass
class SlaRow:
    step: str
    day: dt.date
    user: str
    total: int
    on_time: int
    late: int
    overdue: int
    pending: int

    @property
    def step_label(self) -> str:
        return str(Step(self.step).label)

    @property
    def compliance(self) -> float | None:
        finished = self.on_time + self.late + self.overdue
        return round(100 * self.on_time / finished, 1) if finished else None


def sla_report(
    *,
    user: Any,
    date_from: dt.date,
    date_to: dt.date,
    division: Any = None,
    step: str = "",
    now: dt.datetime | None = None,
) -> list[SlaRow]:
    """One row per step, day and user; cancelled orders do not count. `overdue` = the
    running step of a breached order (`Order.objects.breached`); `pending` = not done and
    not breached (not yet due, or waiting for an earlier step). One query per step."""
    now = now or timezone.now()
    start = at_local(date_from, dt.time(0, 0))
    end = at_local(date_to + dt.timedelta(days=1), dt.time(0, 0))
    orders = scope_to_user_divisions(Order.objects.all(), user=user).exclude(
        status=Order.Status.CANCELLED
    )
    if division is not None:
        orders = orders.filter(division=division)
    rows: list[SlaRow] = []
    for name, (due, done, by) in STEP_FIELDS.items():
        if step and step != name:
            continue
        # overdue = this step is the running one and the order is breached (the one
        # definition, as on the home page and the triage list)
        breached = Q(next_step=name) & breached_condition(now)
        grouped = (
            orders.filter(**{f"{due}__gte": start, f"{due}__lt": end})
            .annotate(day=TruncDate(due, tzinfo=local_zone()))
            .values("day", f"{by}__username")
            .annotate(
                total=Count("pk"),
                on_time=Count("pk", filter=Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})),
                late=Count("pk", filter=Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})),
                overdue=Count("pk", filter=Q(**{f"{done}__isnull": True}) & breached),
                pending=Count("pk", filter=Q(**{f"{done}__isnull": True}) & ~breached),
            )
            .order_by("day", f"{by}__username")
        )
        rows.extend(
            SlaRow(
                str(name),
                r["day"],
                r[f"{by}__username"] or "",
                r["total"],
                r["on_time"],
                r["late"],
                r["overdue"],
                r["pending"],
            )
            for r in grouped
        )
    order_of_steps = list(Step.values)
    return sorted(rows, key=lambda r: (-r.day.toordinal(), order_of_steps.index(r.step), r.user))


def sla_totals(rows: list[SlaRow]) -> list[SlaRow]:
    """The rows summed per step (all days, all users)."""
    totals: dict[str, SlaRow] = {}
    for row in rows:
        total = totals.setdefault(row.step, SlaRow(row.step, row.day, "", 0, 0, 0, 0, 0))
        total.total += row.total
        total.on_time += row.on_time
        total.late += row.late
        total.overdue += row.overdue
        total.pending += row.pending
    return [totals[s] for s in Step.values if s in totals]
