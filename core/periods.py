"""The period-lock check every service that writes a dated business document calls.

Billing locks a settlement period (the 26th of one month through the 25th of the next)
once its three sign-offs are in; from then on no document dated in it may change, and
later corrections land in the next period (SPEC §4). Core knows no billing: billing
registers a *lock source* at start-up, and services only ask `period_assert_open`.

    from core.periods import register_period_lock_source
    # settlement_locked_period(*, division, day) -> LockedPeriod | None
    register_period_lock_source(settlement_locked_period)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .exceptions import DomainError
from .working_calendar import to_local


@dataclass(frozen=True)
class LockedPeriod:
    first_day: dt.date
    last_day: dt.date
    locked_at: dt.datetime | None = None

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"


class PeriodLocked(DomainError):
    """A document dated in a settled, locked period cannot be written or changed."""

    def __init__(self, period: LockedPeriod, *, field: str = "at") -> None:
        self.period = period
        message = _(
            "The settlement period %(period)s is signed off and locked; nothing dated in it "
            "can change. Corrections go into the next open period."
        ) % {"period": period}
        super().__init__(message, field=field)


LockSource = Callable[..., "LockedPeriod | None"]
_sources: list[LockSource] = []


def register_period_lock_source(source: LockSource) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_period_lock_source(source: LockSource) -> None:
    if source in _sources:
        _sources.remove(source)


def period_locked(*, division: Any, at: dt.datetime | dt.date) -> LockedPeriod | None:
    """The locked period that contains `at` for `division`, or None while it is open."""
    day = to_local(at).date() if isinstance(at, dt.datetime) else at
    for source in _sources:
        period = source(division=division, day=day)
        if period is not None:
            return period
    return None


def period_assert_open(*, division: Any, at: dt.datetime | dt.date, field: str = "at") -> None:
    """Raise PeriodLocked when `at` lies in a locked period of `division`."""
    period = period_locked(division=division, at=at)
    if period is not None:
        raise PeriodLocked(period, field=field)
