"""The 08:00 job: a close for every division and day not closed yet."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
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
    """The run's closes, audit rows and messages in one transaction (one commit); each
    close in a savepoint, so a row a concurrent run stored first is skipped, not fatal."""
    created: list[DailyClose] = []
    for division in divisions:
        days = sorted(day for (division_id, day) in figures if division_id == division.pk)
        closes = [
            close
            for day in days
            if (close := _close_create(division, day, figures[division.pk, day], now))
        ]
        if closes:
            _closes_notify(division, closes)
        created += closes
    return created


def _close_create(
    division: Division, day: dt.date, figures: Figures, now: dt.datetime
) -> DailyClose | None:
    try:
        with transaction.atomic():
            close = DailyClose.objects.create(
                division=division, day=day, created_at=now, **figures.stored()
            )
    except IntegrityError:  # a concurrent run closed this day first
        return None
    audit_record(
        obj=close,
        action="closed",
        to_state=close.status,
        data={
            **{name: str(value) for name, value in figures.stored().items()},
            "cancelled_count": figures.cancelled_count,
        },
    )
    return close


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
