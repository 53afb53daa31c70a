"""The daily close pages: who sees them (finance 200, warehouse 403, another division's
close 404), the filters, the .xlsx downloads, reconciling and discrepancies through the
forms (redirect, message, new state), the home panel and a query-count guard."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import DailyClose, Discrepancy
from billing.panels_close import daily_close_panel
from billing.services.daily_close import (
    XLSX_CONTENT_TYPE,
    daily_close_reconcile,
    daily_close_run,
    discrepancy_record,
)
from core.working_calendar import at_local
from tests.orders.factories import receive

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def close_of(division: Any, day: str, **figures: Any) -> DailyClose:
    return DailyClose.objects.create(division=division, day=dt.date.fromisoformat(day), **figures)


def place_orders(platform: Any, count: int, day: str = "2026-11-21") -> None:
    for index in range(count):
        receive(
            platform,
            placed_at=f"{day}T{8 + index % 12:02d}:{index % 60:02d}:00+08:00",
            lines=[{"sku": "SKU-A", "quantity": 1, "unit_price": f"{10 + index}.00"}],
        )


@pytest.fixture
def finance(make_user: Any) -> Any:
    return make_user("division_finance", language="en")


@pytest.fixture
def hq(make_user: Any, other_division: Any) -> Any:
    return make_user("hq_finance", language="en", divisions=[other_division])


@pytest.fixture
def closed_day(division: Any, platform: Any, product: Any) -> DailyClose:
    """Saturday 21 November of GQ, closed by the Monday run, with three orders."""
    place_orders(platform, 3)
    close_of(division, "2026-11-20")
    daily_close_run(now=at_local(dt.date(2026, 11, 23), dt.time(8)))
    return DailyClose.objects.get(division=division, day=dt.date(2026, 11, 21))


# --- who sees what ---------------------------------------------------------------------------
def test_finance_sees_the_list_and_the_close(finance: Any, closed_day: DailyClose) -> None:
    client = client_for(finance)

    listing = client.get(reverse("billing:close-list"))
    detail = client.get(reverse("billing:close-detail", args=[closed_day.pk]))

    assert listing.status_code == 200
    assert "close-GQ-2026-11-21" in listing.content.decode()
    assert detail.status_code == 200
    body = detail.content.decode()
    assert body.count('data-testid="ledger-GQ-') == 3
    assert "Internal reconciliation statement" in body
    assert 'data-testid="reconcile"' in body
    assert "Mark reconciled for division finance" in body


def test_hq_finance_sees_every_division(hq: Any, closed_day: DailyClose) -> None:
    response = client_for(hq).get(reverse("billing:close-detail", args=[closed_day.pk]))

    assert response.status_code == 200
    assert "Mark reconciled for HQ finance" in response.content.decode()


def test_warehouse_is_refused(make_user: Any, closed_day: DailyClose) -> None:
    client = client_for(make_user("warehouse", language="en"))

    for url in (
        reverse("billing:close-list"),
        reverse("billing:close-detail", args=[closed_day.pk]),
        reverse("billing:close-ledger-xlsx", args=[closed_day.pk]),
    ):
        assert client.get(url).status_code == 403


def test_another_divisions_close_is_not_found(
    make_user: Any, other_division: Any, closed_day: DailyClose
) -> None:
    outsider = make_user("division_finance", divisions=[other_division], language="en")
    client = client_for(outsider)

    assert client.get(reverse("billing:close-detail", args=[closed_day.pk])).status_code == 404
    assert (
        client.get(reverse("billing:close-statement-xlsx", args=[closed_day.pk])).status_code == 404
    )
    response = client.post(reverse("billing:close-reconcile", args=[closed_day.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("billing:close-list")).content.decode()
    assert "close-GQ-" not in listing


def test_list_filters_by_status_and_date(finance: Any, division: Any) -> None:
    close_of(division, "2026-11-19", status=DailyClose.Status.RECONCILED)
    close_of(division, "2026-11-20")
    close_of(division, "2026-11-21")
    client = client_for(finance)

    open_days = client.get(reverse("billing:close-list"), {"status": "open"}).content.decode()
    from_20 = client.get(
        reverse("billing:close-list"), {"date_from": "2026-11-20", "date_to": "2026-11-20"}
    ).content.decode()

    assert "close-GQ-2026-11-19" not in open_days and "close-GQ-2026-11-21" in open_days
    assert "close-GQ-2026-11-20" in from_20
    assert "close-GQ-2026-11-19" not in from_20 and "close-GQ-2026-11-21" not in from_20


def test_the_lists_filters_read_what_the_orm_reads_by_kept_statements(
    finance: Any, division: Any, other_division: Any
) -> None:
    """Every choice of filters (division, status, from, to) reads the rows and count the
    ORM's filtered list reads; each is a statement kept per process on PostgreSQL (SQLite's
    dates are texts the ORM writes: its path every time)."""
    from billing.views.daily_close import _close_list, closes_for_user
    from core.queries import _COUNT, _compile, _Count, _Statement

    reconciled = close_of(division, "2026-11-19", status=DailyClose.Status.RECONCILED)
    close_of(division, "2026-11-20")
    close_of(division, "2026-11-21")
    close_of(other_division, "2026-11-20")
    client = client_for(finance)
    day_20, day_21 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
    cases = [
        ({}, [None, None, None, None]),
        ({"status": "open"}, [None, "open", None, None]),
        ({"division": division.pk}, [division.pk, None, None, None]),
        ({"date_from": "2026-11-20"}, [None, None, day_20, None]),
        ({"date_to": "2026-11-20", "status": "reconciled"}, [None, "reconciled", None, day_20]),
        ({"date_from": "2026-11-20", "date_to": "2026-11-21"}, [None, None, day_20, day_21]),
    ]
    for params, chosen in cases:
        page = client.get(reverse("billing:close-list"), params)
        expected = list(_close_list((division.pk,), *chosen))
        assert [c.pk for c in page.context["closes"]] == [c.pk for c in expected], params
        assert page.context["paginator"].count == len(expected)
        kept = _compile(_close_list, ((division.pk,), *chosen))
        dated = chosen[2] is not None or chosen[3] is not None
        assert isinstance(kept, _Statement) == (connection.vendor == "postgresql" or not dated)
        counted = _compile(_close_list, ((division.pk,), *chosen), _COUNT)
        assert isinstance(counted, _Count) == (connection.vendor == "postgresql" or not dated)
    everything = list(closes_for_user(finance).order_by("-day", "division__code"))
    assert [c.pk for c in everything] == [c.pk for c in _close_list((division.pk,), *[None] * 4)]
    assert everything[-1] == reconciled and len(everything) == 3


def test_the_xlsx_downloads(finance: Any, closed_day: DailyClose) -> None:
    client = client_for(finance)

    ledger = client.get(reverse("billing:close-ledger-xlsx", args=[closed_day.pk]))
    statement = client.get(reverse("billing:close-statement-xlsx", args=[closed_day.pk]))

    assert ledger["Content-Type"] == XLSX_CONTENT_TYPE
    assert "sales-ledger-GQ-2026-11-21.xlsx" in ledger["Content-Disposition"]
    assert load_workbook(io.BytesIO(ledger.content)).active.max_row == 4
    assert load_workbook(io.BytesIO(statement.content)).active.title == "内部对账单"


# --- writes through the pages ----------------------------------------------------------------
def test_reconcile_through_the_page(finance: Any, hq: Any, closed_day: DailyClose) -> None:
    url = reverse("billing:close-reconcile", args=[closed_day.pk])

    first = client_for(finance).post(url)
    second = client_for(hq).post(url)

    assert first.status_code == 302
    assert first["Location"] == reverse("billing:close-detail", args=[closed_day.pk])
    assert messages_of(first) == ["Your side of 2026-11-21 is marked reconciled."]
    assert messages_of(second) == ["2026-11-21 is reconciled by both sides."]
    closed_day.refresh_from_db()
    assert closed_day.status == DailyClose.Status.RECONCILED


def test_discrepancy_recorded_then_resolved_through_the_page(
    finance: Any, hq: Any, closed_day: DailyClose
) -> None:
    client = client_for(hq)
    order_number = closed_day.division.orders.order_by("pk").first().number

    added = client.post(
        reverse("billing:discrepancy-add", args=[closed_day.pk]),
        {"description": "平台到账少 10 元", "amount": "10.00", "order_number": order_number},
    )
    discrepancy = Discrepancy.objects.get()
    refused = client_for(finance).post(reverse("billing:close-reconcile", args=[closed_day.pk]))
    page = client.get(reverse("billing:close-detail", args=[closed_day.pk])).content.decode()
    resolved = client.post(
        reverse("billing:discrepancy-resolve", args=[discrepancy.pk]), {"resolution": "平台补款"}
    )

    assert added.status_code == 302
    assert discrepancy.order.number == order_number and str(discrepancy.amount) == "10.00"
    assert messages_of(refused) == ["1 discrepancy is still open: resolve it before reconciling."]
    assert f'data-testid="resolve-{discrepancy.pk}"' in page
    assert resolved["Location"] == reverse("billing:close-detail", args=[closed_day.pk])
    discrepancy.refresh_from_db()
    assert discrepancy.resolution == "平台补款" and discrepancy.resolved_by == hq


def test_discrepancy_form_refuses_an_unknown_order(hq: Any, closed_day: DailyClose) -> None:
    response = client_for(hq).post(
        reverse("billing:discrepancy-add", args=[closed_day.pk]),
        {"description": "差额", "order_number": "NOPE-1"},
    )

    assert messages_of(response) == ["No order NOPE-1 in this division."]
    assert not Discrepancy.objects.exists()


def test_warehouse_cannot_post(make_user: Any, closed_day: DailyClose) -> None:
    client = client_for(make_user("warehouse", language="en"))

    response = client.post(reverse("billing:close-reconcile", args=[closed_day.pk]))

    assert messages_of(response) == ["Your role does not allow this action."]
    closed_day.refresh_from_db()
    assert closed_day.division_reconciled_at is None


# --- the home panel ----------------------------------------------------------------------------
def test_panel_shows_the_days_of_the_users_side(
    finance: Any, hq: Any, make_user: Any, division: Any
) -> None:
    first = close_of(division, "2026-11-20")
    second = close_of(division, "2026-11-21")
    daily_close_reconcile(close=first, by=finance)
    discrepancy_record(close=second, by=hq, description="差额")

    mine = daily_close_panel(finance)
    theirs = daily_close_panel(hq)

    assert mine is not None and theirs is not None
    assert mine.context["count"] == 1 and mine.context["closes"] == [second]
    assert theirs.context["count"] == 2
    assert mine.context["open_discrepancies"] == theirs.context["open_discrepancies"] == 1
    assert daily_close_panel(make_user("warehouse")) is None
    home = client_for(finance).get(reverse("core:home"))
    assert home.status_code == 200


# --- query-count guard --------------------------------------------------------------------------
def test_close_page_queries_do_not_grow_with_its_orders(
    finance: Any, division: Any, platform: Any, product: Any
) -> None:
    place_orders(platform, 1, day="2026-11-20")
    place_orders(platform, 30, day="2026-11-21")
    close_of(division, "2026-11-19")
    daily_close_run(now=at_local(dt.date(2026, 11, 23), dt.time(8)))
    small = DailyClose.objects.get(division=division, day=dt.date(2026, 11, 20))
    large = DailyClose.objects.get(division=division, day=dt.date(2026, 11, 21))
    assert (small.order_count, large.order_count) == (1, 30)
    client = client_for(finance)
    client.get(reverse("billing:close-detail", args=[small.pk]))  # warm the caches

    counts = []
    for close in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("billing:close-detail", args=[close.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert response.content.decode().count('data-testid="ledger-GQ-') == 30
