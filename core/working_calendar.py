"""The working calendar (SPEC §2): working days, cut-off, ship-by date, business minutes.

Monday to Saturday are working days unless the special-day table marks a statutory
holiday; a Sunday works only when the table marks it a make-up working day. The table
(`SpecialDay`) is the truth; it is seeded from chinese-calendar and edited by admins.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from . import rawsql
from .models import SpecialDay

SUNDAY = 6
_VERSION_KEY = "core:working-calendar-version"


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_clock(value: str) -> dt.time:
    """A clock time from the settings (`15:00`)."""
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def business_day_start() -> dt.time:
    return parse_clock(settings.BUSINESS_DAY_START)


def business_day_end() -> dt.time:
    return parse_clock(settings.BUSINESS_DAY_END)


def same_day_cutoff() -> dt.time:
    return parse_clock(settings.SHIP_SAME_DAY_CUTOFF)


@dataclass(frozen=True)
class _SpecialDays:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


def calendar_changed() -> None:
    """Invalidate every process's cached copy of the special-day table (this process at
    once, the others within CALENDAR_VERSION_CHECK_SECONDS)."""
    global _version_seen
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)
    _version_seen = None
    _load_special_days.cache_clear()


# (when it was read, the version): the shared version is asked for at most once per
# CALENDAR_VERSION_CHECK_SECONDS and process, not at every date an intake's clocks test
# (a dozen per order, each a Redis round trip in production).
_version_seen: tuple[float, int] | None = None


def _special_days() -> _SpecialDays:
    global _version_seen
    now = time.monotonic()
    seen = _version_seen
    if seen is not None and now - seen[0] < settings.CALENDAR_VERSION_CHECK_SECONDS:
        return _load_special_days(seen[1])
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY, 1)
    _version_seen = (now, version)
    return _load_special_days(version)


@lru_cache(maxsize=4)
def _load_special_days(version: int) -> _SpecialDays:
    rows = SpecialDay.objects.values_list("date", "kind")
    # a company shutdown is a day off like a statutory holiday
    holidays = frozenset(day for day, kind in rows if kind in SpecialDay.NON_WORKING)
    workdays = frozenset(day for day, kind in rows if kind == SpecialDay.Kind.WORKDAY)
    return _SpecialDays(holidays=holidays, workdays=workdays)


def to_local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("Only timezone-aware datetimes are accepted.")
    return moment.astimezone(local_zone())


def is_working_day(day: dt.date) -> bool:
    special = _special_days()
    if day in special.workdays:
        return True
    if day in special.holidays:
        return False
    return day.weekday() != SUNDAY


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    candidate = day + dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day strictly before `day`."""
    candidate = day - dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= dt.timedelta(days=1)
    return candidate


def ship_by(received_at: dt.datetime) -> dt.date:
    """Ship that day if placed on a working day strictly before the cut-off, else next one."""
    local = to_local(received_at)
    if is_working_day(local.date()) and local.time() < same_day_cutoff():
        return local.date()
    return next_working_day(local.date())


def at_local(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=local_zone())


def add_business_minutes(start: dt.datetime, minutes: int) -> dt.datetime:
    """The moment `minutes` business minutes after `start` (result in local time).

    Time outside business hours or on non-working days does not count; a start outside
    business hours begins counting at the next opening.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    current = to_local(start)
    remaining = dt.timedelta(minutes=minutes)
    opening, closing = business_day_start(), business_day_end()
    while True:
        day = current.date()
        if not is_working_day(day) or current.time() >= closing:
            current = at_local(next_working_day(day), opening)
            continue
        if current.time() < opening:
            current = at_local(day, opening)
        left_today = at_local(day, closing) - current
        if remaining <= left_today:
            return current + remaining
        remaining -= left_today
        current = at_local(next_working_day(day), opening)


def business_minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole business minutes from `start` to `end` (negative when `end` is earlier)."""
    if end < start:
        return -business_minutes_between(end, start)
    opening, closing = business_day_start(), business_day_end()
    total = dt.timedelta()
    start_local, end_local = to_local(start), to_local(end)
    day = start_local.date()
    while day <= end_local.date():
        if is_working_day(day):
            window_start = max(at_local(day, opening), start_local)
            window_end = min(at_local(day, closing), end_local)
            if window_end > window_start:
                total += window_end - window_start
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)


def end_of_business(day: dt.date) -> dt.datetime:
    return at_local(day, business_day_end())


def year_has_official_schedule(year: int) -> bool:
    """Whether the State Council's schedule for `year` is in the table (the admin's home
    page asks on every visit: a fixed statement, core.rawsql)."""
    ops = connection.ops
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    params = [ops.adapt_datefield_value(first), ops.adapt_datefield_value(last)]
    return bool(rawsql.fetch(_official_sql(), [*params, SpecialDay.Source.OFFICIAL.value]))


@lru_cache(maxsize=1)
def _official_sql() -> str:
    day, source = rawsql.column(SpecialDay, "date"), rawsql.column(SpecialDay, "source")
    return (
        f"SELECT 1 FROM {rawsql.table(SpecialDay)} "  # noqa: S608 (the model's names)
        f"WHERE {day} >= %s AND {day} <= %s AND {source} = %s LIMIT 1"
    )
