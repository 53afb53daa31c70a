"""The 08:00 job: a close for every division and day not closed yet."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record_many, audit_row
from core.models import Division
from core.notifications import notify
from core.roles import Role
from core.working_calendar import is_working_day, to_local

from ...models import DailyClose
from .figures import Figures, daily_close_figures


def daily_close_run(*, now: dt.datetime | None = None) -> list[DailyClose]:
    """The 08:00 job: on a working day, close every day not closed yet, for each active
    division, through yesterday. Nothing on a non-working day (the next run catches up);
    nothing twice (the unique (division, day) row; a concurrent run's row is skipped)."""
    now = now or timezone.now()
    today = to_local(now).date()
    if not is_working_day(today):
        return []
    divisions = list(Division.objects.filter(is_active=True).order_by("code"))
    due = _days_due(divisions=divisions, yesterday=today - dt.timedelta(days=1))
    figures: dict[tuple[int, dt.date], Figures] = {}
    for day, division_ids in sorted(due.items()):
        # every division's figures at once: the GROUP BY needs no list of divisions
        per_division = daily_close_figures(day=day)
        for division_id in division_ids:
            figures[division_id, day] = per_division.get(division_id, Figures())
    return _closes_create(divisions, figures, now)


def _days_due(*, divisions: list[Division], yesterday: dt.date) -> dict[dt.date, list[int]]:
    """Day → the divisions that have no close for it yet (since their last one)."""
    last = dict(
        DailyClose.objects.order_by()
        .values("division_id")
        .annotate(last=Max("day"))
        .values_list("division_id", "last")
    )
    due: dict[dt.date, list[int]] = defaultdict(list)
    for division in divisions:
        previous = last.get(division.pk)
        day = previous + dt.timedelta(days=1) if previous else yesterday
        while day <= yesterday:
            due[day].append(division.pk)
            day += dt.timedelta(days=1)
    return due


@transaction.atomic
def _closes_create(
    divisions: list[Division], figures: dict[tuple[int, dt.date], Figures], now: dt.datetime
) -> list[DailyClose]:
    """The run's closes, audit rows and messages in one transaction, in a few statements
    whatever the number of days: one INSERT of every close (ON CONFLICT DO NOTHING — a row a
    concurrent run stored first is skipped, not fatal), one read of the rows this run
    stored (by their `created_at`, the run's clock), one INSERT of their audit rows, and one
    message per division."""
    if not figures:
        return []
    DailyClose.objects.bulk_create(
        [
            DailyClose(division_id=division_id, day=day, created_at=now, **numbers.stored())
            for (division_id, day), numbers in sorted(figures.items(), key=lambda item: item[0])
        ],
        ignore_conflicts=True,
    )
    keys = set(figures)
    created = [
        close
        for close in DailyClose.objects.filter(
            created_at=now, day__in={day for _division, day in keys}
        ).order_by("division__code", "day")
        if (close.division_id, close.day) in keys
    ]
    audit_record_many(
        [
            audit_row(
                obj=close,
                action="closed",
                to_state=close.status,
                data={
                    **{
                        name: str(value)
                        for name, value in figures[close.division_id, close.day].stored().items()
                    },
                    "cancelled_count": figures[close.division_id, close.day].cancelled_count,
                },
            )
            for close in created
        ]
    )
    by_division = {division.pk: division for division in divisions}
    for division_id in sorted({close.division_id for close in created}):
        _closes_notify(
            by_division[division_id], [c for c in created if c.division_id == division_id]
        )
    return created


def _closes_notify(division: Division, closes: list[DailyClose]) -> None:
    """One message per division and run: the close page of a single day, else the list."""
    first, last = closes[0].day, closes[-1].day
    if len(closes) == 1:
        link = reverse("billing:close-detail", args=[closes[0].pk])
        days = first.isoformat()
    else:
        link = (
            f"{reverse('billing:close-list')}?division={division.pk}"
            f"&date_from={first.isoformat()}&date_to={last.isoformat()}"
        )
        days = f"{first.isoformat()} – {last.isoformat()}"
    notify(
        subject=lambda: (
            _("Daily close %(division)s %(days)s: sales ledger and statement ready")
            % {"division": division.code, "days": days}
        ),
        body=lambda: "\n".join(
            _("%(day)s: %(count)s orders, total %(total)s, paid %(paid)s")
            % {
                "day": close.day.isoformat(),
                "count": close.order_count,
                "total": close.total_amount,
                "paid": close.paid_amount,
            }
            for close in closes
        ),
        link=link,
        topic="daily_close",
        roles=[Role.HQ_FINANCE, Role.DIVISION_FINANCE],
        division=division,
    )
