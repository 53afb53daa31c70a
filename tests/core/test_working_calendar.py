import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.models import SpecialDay
from core.working_calendar import (
    add_business_minutes,
    business_minutes_between,
    is_working_day,
    next_working_day,
    ship_by,
    year_has_official_schedule,
)

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
pytestmark = pytest.mark.django_db


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def sh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-19", True),  # ordinary Saturday
        ("2026-09-20", True),  # Sunday, make-up working day for National Day
        ("2026-09-21", True),  # Monday
        ("2026-09-27", False),  # Sunday inside Mid-autumn holiday
        ("2026-09-26", False),  # Saturday inside Mid-autumn holiday
        ("2026-09-13", False),  # ordinary Sunday
        ("2026-10-01", False),
        ("2026-10-03", False),  # Saturday inside National Day: off
        ("2026-10-07", False),
        ("2026-10-08", True),
        ("2026-10-10", True),  # Saturday, make-up working day
        ("2026-10-11", False),  # ordinary Sunday
        ("2026-01-04", True),  # Sunday make-up day
    ],
)
def test_is_working_day_2026(day: str, working: bool) -> None:
    assert is_working_day(d(day)) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-30", "2026-10-08"),
        ("2026-09-19", "2026-09-20"),  # Saturday → make-up Sunday
        ("2026-10-10", "2026-10-12"),  # Saturday → skip Sunday
        ("2026-10-12", "2026-10-13"),
    ],
)
def test_next_working_day(day: str, expected: str) -> None:
    assert next_working_day(d(day)) == d(expected)


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        (sh("2026-09-30T14:59:59"), "2026-09-30"),
        (sh("2026-09-30T15:00:00"), "2026-10-08"),
        (sh("2026-09-30T08:00:00"), "2026-09-30"),  # before opening still ships that day
        (sh("2026-10-01T10:00:00"), "2026-10-08"),  # holiday
        (sh("2026-09-19T14:00:00"), "2026-09-19"),  # ordinary Saturday
        (sh("2026-09-20T14:00:00"), "2026-09-20"),  # make-up Sunday
        (sh("2026-09-13T10:00:00"), "2026-09-14"),  # ordinary Sunday
        (sh("2026-10-10T15:00:00"), "2026-10-12"),  # make-up Saturday after cut-off
        # given in UTC: 06:59:59Z is 14:59:59 in Beijing, 07:00Z is 15:00
        (dt.datetime(2026, 9, 30, 6, 59, 59, tzinfo=UTC), "2026-09-30"),
        (dt.datetime(2026, 9, 30, 7, 0, 0, tzinfo=UTC), "2026-10-08"),
        # 2026-09-29T20:00Z is already 04:00 on 30 Sep in Beijing
        (dt.datetime(2026, 9, 29, 20, 0, tzinfo=UTC), "2026-09-30"),
    ],
)
def test_ship_by(received_at: dt.datetime, expected: str) -> None:
    assert ship_by(received_at) == d(expected)


def test_ship_by_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ship_by(dt.datetime(2026, 9, 30, 10, 0))


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (sh("2026-09-21T09:00"), 15, sh("2026-09-21T09:15")),
        (sh("2026-09-21T17:20"), 15, sh("2026-09-22T08:35")),  # crosses the evening
        (sh("2026-09-21T07:00"), 30, sh("2026-09-21T09:00")),  # counts from opening
        (sh("2026-09-21T18:00"), 30, sh("2026-09-22T09:00")),
        (sh("2026-09-30T17:00"), 60, sh("2026-10-08T09:00")),  # over National Day
        (sh("2026-09-19T17:00"), 60, sh("2026-09-20T09:00")),  # Sat → make-up Sunday
        (sh("2026-09-21T08:30"), 540, sh("2026-09-21T17:30")),  # a whole business day
        (sh("2026-09-21T08:30"), 541, sh("2026-09-22T08:31")),
        (dt.datetime(2026, 9, 21, 1, 0, tzinfo=UTC), 15, sh("2026-09-21T09:15")),
    ],
)
def test_add_business_minutes(start: dt.datetime, minutes: int, expected: dt.datetime) -> None:
    assert add_business_minutes(start, minutes) == expected


def test_business_minutes_between_is_inverse_of_add() -> None:
    start = sh("2026-09-30T16:45")
    end = add_business_minutes(start, 200)
    assert business_minutes_between(start, end) == 200
    assert business_minutes_between(end, start) == -200


def test_admin_exception_changes_the_calendar() -> None:
    assert is_working_day(d("2026-11-28")) is True  # a Saturday
    SpecialDay.objects.create(date=d("2026-11-28"), kind=SpecialDay.Kind.HOLIDAY, name="停电检修")
    assert is_working_day(d("2026-11-28")) is False
    assert ship_by(sh("2026-11-27T15:00")) == d("2026-11-30")


def test_an_edit_in_another_process_is_seen_within_the_check_interval(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared version is read at most once per CALENDAR_VERSION_CHECK_SECONDS: an edit
    saved by another process (its rows and a new version, nothing in this process's memory)
    counts here once the interval has passed; an edit saved here counts at once."""
    from django.core.cache import cache

    from core import working_calendar

    settings.CALENDAR_VERSION_CHECK_SECONDS = 60
    day = d("2026-07-01")  # a Wednesday
    assert is_working_day(day)
    # another process: a bulk insert sends no signal here; it bumps the shared version
    SpecialDay.objects.bulk_create([SpecialDay(date=day, kind=SpecialDay.Kind.SHUTDOWN)])
    cache.incr(working_calendar._VERSION_KEY)
    assert is_working_day(day)  # not read again within the interval

    later = working_calendar.time.monotonic() + 61
    monkeypatch.setattr(working_calendar.time, "monotonic", lambda: later)
    assert not is_working_day(day)

    # an edit saved in this process (post_save) counts at once
    next_day = d("2026-07-02")
    SpecialDay.objects.create(date=next_day, kind=SpecialDay.Kind.HOLIDAY)
    assert not is_working_day(next_day)


@pytest.mark.parametrize(
    ("day", "source", "expected"),
    [
        ("2031-01-01", "official", True),  # the year's first day
        ("2031-12-31", "official", True),  # and its last
        ("2031-06-15", "manual", False),  # an administrator's day is not the schedule
        ("2030-12-31", "official", False),  # the years either side
        ("2032-01-01", "official", False),
    ],
)
def test_the_official_schedule_of_a_year_is_its_official_days(
    day: str, source: str, expected: bool
) -> None:
    SpecialDay.objects.filter(date__year__in=[2030, 2031, 2032]).delete()
    SpecialDay.objects.create(date=d(day), kind=SpecialDay.Kind.HOLIDAY, source=source)
    assert year_has_official_schedule(2031) is expected
    assert expected == SpecialDay.objects.filter(date__year=2031, source="official").exists()
