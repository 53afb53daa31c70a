"""Ship-by dates and SLA due times, driven by the working calendar (SPEC §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.working_calendar import is_working_day, to_local
from orders import clocks

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def local(text: str) -> str:
    return to_local(at(text) if isinstance(text, str) else text).isoformat()


def test_the_2026_calendar_is_the_official_one() -> None:
    assert not any(is_working_day(dt.date(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(dt.date(2026, 9, 20))  # Sunday, make-up working day
    assert is_working_day(dt.date(2026, 10, 10))  # Saturday
    assert not is_working_day(dt.date(2026, 3, 8))  # ordinary Sunday


@pytest.mark.parametrize(
    ("placed_at", "ship_by"),
    [
        ("2026-03-02T14:59:59+08:00", "2026-03-02"),  # Monday, before the cut-off
        ("2026-03-02T15:00:00+08:00", "2026-03-03"),  # at the cut-off: next working day
        ("2026-03-02T06:59:59+00:00", "2026-03-02"),  # UTC input = 14:59:59 Beijing
        ("2026-03-02T07:00:00Z", "2026-03-03"),  # UTC input = 15:00:00 Beijing
        ("2026-03-02T01:59:59-05:00", "2026-03-02"),  # other offsets too
        ("2026-03-01T23:30:00Z", "2026-03-02"),  # Sunday in UTC, Monday 07:30 in Beijing
        ("2026-03-02T00:10:00+08:00", "2026-03-02"),  # before opening still ships that day
        ("2026-03-07T10:00:00+08:00", "2026-03-07"),  # Saturday is a working day
        ("2026-03-07T15:00:00+08:00", "2026-03-09"),  # Saturday after cut-off → Monday
        ("2026-03-08T10:00:00+08:00", "2026-03-09"),  # Sunday → Monday
        ("2026-09-20T10:00:00+08:00", "2026-09-20"),  # make-up Sunday works
        ("2026-09-30T14:59:59+08:00", "2026-09-30"),  # eve of National Day, before cut-off
        ("2026-09-30T15:00:00+08:00", "2026-10-08"),  # after cut-off: past the holiday
        ("2026-10-03T10:00:00+08:00", "2026-10-08"),  # Saturday inside the holiday
        ("2026-10-09T16:00:00+08:00", "2026-10-10"),  # Friday late → make-up Saturday
    ],
)
def test_ship_by(placed_at: str, ship_by: str) -> None:
    assert clocks.ship_by(at(placed_at)).isoformat() == ship_by


@pytest.mark.parametrize(
    ("placed_at", "due"),
    [
        ("2026-03-02T10:00:00+08:00", "2026-03-02T10:15:00+08:00"),
        ("2026-03-02T02:00:00+00:00", "2026-03-02T10:15:00+08:00"),  # UTC input
        ("2026-03-02T17:20:00+08:00", "2026-03-03T08:35:00+08:00"),  # 10 min today, 5 tomorrow
        ("2026-03-02T07:00:00+08:00", "2026-03-02T08:45:00+08:00"),  # before opening
        ("2026-03-08T10:00:00+08:00", "2026-03-09T08:45:00+08:00"),  # Sunday
        ("2026-09-30T17:25:00+08:00", "2026-10-08T08:40:00+08:00"),  # across National Day
    ],
)
def test_identify_due_is_15_business_minutes_after_placing(placed_at: str, due: str) -> None:
    assert local(clocks.identify_due(at(placed_at))) == due


@pytest.mark.parametrize(
    ("identified_at", "due"),
    [
        ("2026-03-02T10:15:00+08:00", "2026-03-02T10:45:00+08:00"),
        ("2026-03-02T17:10:00+08:00", "2026-03-03T08:40:00+08:00"),  # 20 min + 10 min
    ],
)
def test_sales_order_due_is_30_business_minutes_after_identification(
    identified_at: str, due: str
) -> None:
    assert local(clocks.sales_order_due(at(identified_at))) == due


@pytest.mark.parametrize(
    ("confirmed_at", "window", "due"),
    [
        # 60 business minutes, well inside the 12:00 window
        ("2026-03-02T09:00:00+08:00", "2026-03-02T12:00:00+08:00", "2026-03-02T10:00:00+08:00"),
        # the window deadline comes first: by 12:00, not 12:30
        ("2026-03-02T11:30:00+08:00", "2026-03-02T12:00:00+08:00", "2026-03-02T12:00:00+08:00"),
        # the sales order came after the window closed: the 60 minutes alone
        ("2026-03-02T12:10:00+08:00", "2026-03-02T12:00:00+08:00", "2026-03-02T13:10:00+08:00"),
        # confirmed exactly at the deadline: nothing left of the window, the 60 minutes count
        ("2026-03-02T15:00:00+08:00", "2026-03-02T15:00:00+08:00", "2026-03-02T16:00:00+08:00"),
        # over a holiday the business minutes resume after it, within the next window
        ("2026-09-30T17:00:00+08:00", "2026-10-08T12:00:00+08:00", "2026-10-08T09:00:00+08:00"),
    ],
)
def test_delivery_note_due_is_60_business_minutes_capped_by_the_window(
    confirmed_at: str, window: str, due: str
) -> None:
    assert local(clocks.delivery_note_due(at(confirmed_at), at(window))) == due


@pytest.mark.parametrize(
    ("ship_by", "delivery_note_at", "due"),
    [
        ("2026-03-02", None, "2026-03-02T15:00:00+08:00"),  # before any delivery note
        ("2026-03-02", "2026-03-02T10:00:00+08:00", "2026-03-02T15:00:00+08:00"),  # 15:00 later
        ("2026-03-02", "2026-03-02T14:00:00+08:00", "2026-03-02T15:00:00+08:00"),  # equal
        ("2026-03-02", "2026-03-02T14:30:00+08:00", "2026-03-02T15:30:00+08:00"),  # 60 min later
        ("2026-03-02", "2026-03-02T17:00:00+08:00", "2026-03-03T09:00:00+08:00"),  # over night
        ("2026-10-08", "2026-09-30T16:45:00+08:00", "2026-10-08T15:00:00+08:00"),
    ],
)
def test_invoice_due(ship_by: str, delivery_note_at: str | None, due: str) -> None:
    note = at(delivery_note_at) if delivery_note_at else None
    assert local(clocks.invoice_due(dt.date.fromisoformat(ship_by), note)) == due


@pytest.mark.parametrize(
    ("ship_by", "due"),
    [("2026-03-02", "2026-03-02T17:30:00+08:00"), ("2026-10-08", "2026-10-08T17:30:00+08:00")],
)
def test_handover_due_is_end_of_business_on_the_ship_by_day(ship_by: str, due: str) -> None:
    assert local(clocks.handover_due(dt.date.fromisoformat(ship_by))) == due


def test_breach_recipients_are_the_step_role_and_its_lead() -> None:
    assert clocks.step_roles("identify") == ("sales_rep", "sales_lead")
    assert clocks.step_roles("delivery_note") == ("parts_support", "sales_lead")
    assert clocks.step_roles("invoice") == ("division_finance", "hq_finance")
    assert clocks.step_roles("handover") == ("warehouse", "logistics_lead")


@pytest.mark.parametrize(
    ("placed_at", "deadline"),
    [
        ("2026-03-02T09:00:00+08:00", "2026-03-02T12:00:00+08:00"),
        ("2026-03-02T11:59:59+08:00", "2026-03-02T12:00:00+08:00"),
        ("2026-03-02T12:00:00+08:00", "2026-03-02T15:00:00+08:00"),
        ("2026-03-02T14:59:59+08:00", "2026-03-02T15:00:00+08:00"),
        ("2026-03-02T15:00:00+08:00", "2026-03-03T12:00:00+08:00"),
        ("2026-03-07T16:00:00+08:00", "2026-03-09T12:00:00+08:00"),  # Saturday late → Monday
        ("2026-03-08T10:00:00+08:00", "2026-03-09T12:00:00+08:00"),  # Sunday
        ("2026-09-30T15:30:00+08:00", "2026-10-08T12:00:00+08:00"),  # National Day
    ],
)
def test_delivery_note_windows_of_the_policy(placed_at: str, deadline: str) -> None:
    assert local(clocks.delivery_note_window(at(placed_at))) == deadline
