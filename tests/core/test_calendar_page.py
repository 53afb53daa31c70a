"""Admins keep the working calendar in the portal: year view, add/change/remove an
exception with its kind (including a company shutdown) and a note, audited; the
calendar's answers change at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from core.models import AuditRecord, SpecialDay
from core.working_calendar import is_working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("admin", language="en"))
    return client


def test_year_view_shows_twelve_months_and_the_exceptions(admin_client: Any) -> None:
    page = admin_client.get("/calendar/?year=2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<table class="month">') == 12
    assert 'data-date="2026-10-01"' in text and 'class="day holiday"' in text


def test_a_company_shutdown_is_a_day_off_and_audited(
    admin_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    day = dt.date(2026, 12, 31)  # a Thursday
    assert is_working_day(day)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/calendar/",
            {
                "action": "set",
                "date": "2026-12-31",
                "kind": "shutdown",
                "name": "年终盘点",
                "note": "全厂年终盘点停工",
            },
        )
    assert response.status_code == 302 and response["Location"].endswith("?year=2026")
    assert SpecialDay.objects.get(date=day).kind == "shutdown"
    assert not is_working_day(day)
    record = AuditRecord.objects.get(action="calendar_added")
    assert record.data["new"]["kind"] == "shutdown" and record.note == "全厂年终盘点停工"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/calendar/", {"action": "remove", "date": "2026-12-31", "reason": "取消停工"}
        )
    assert not SpecialDay.objects.filter(date=day).exists()
    assert is_working_day(day)
    assert AuditRecord.objects.filter(action="calendar_removed", note="取消停工").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2026-12-30", "kind": "workday"}, "kind", "make-up working day is a Sunday"),
        ({"date": "2026-12-27", "kind": "holiday"}, "kind", "Sunday is a day off already"),
        ({"date": "2026-12-30", "kind": "shutdown", "note": ""}, "note", "Say why"),
        ({"date": "2026-12-30", "kind": "holiday", "name": "x" * 101}, "name", "100"),
        ({"date": "2026-12-30", "kind": "holiday", "name": "bad\x00name"}, "name", ""),
    ],
)
def test_a_refused_exception_keeps_the_input_and_names_the_field(
    admin_client: Any, data: dict[str, str], field: str, message: str
) -> None:
    response = admin_client.post("/calendar/", {"action": "set", "name": "", "note": "", **data})
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        form = response.context["set_form"]
        assert field in form.errors and message in " ".join(form.errors[field])
        assert f'value="{data["date"]}"' in response.content.decode()
    assert not SpecialDay.objects.filter(date=data["date"]).exists()


def test_only_admins_change_the_calendar(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("sales_rep"))
    client.post("/calendar/", {"action": "set", "date": "2026-12-30", "kind": "holiday"})
    assert not SpecialDay.objects.filter(date="2026-12-30").exists()
