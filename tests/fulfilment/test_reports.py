"""The 09:00 logistics report and the end-of-day shipped list: never twice, never skipped,
caught up after Sundays, holidays and missed runs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.models import Notification
from fulfilment.models import Carrier, LogisticsReport, Shipment, ShippedListRun
from fulfilment.services import (
    delivery_note_create,
    delivery_note_mark_invoiced,
    shipment_create,
)
from fulfilment.services.reports import (
    logistics_report_run,
    logistics_report_xlsx,
    shipped_list_run,
)

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BEIJING)


@pytest.fixture
def ship(confirmed: Any, stock: Any, product: Any) -> Any:
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    stock(product, 500)
    serial = iter(range(1, 10_000))

    def make(moment: dt.datetime) -> Shipment:
        order = confirmed(quantity=1, placed_at="2026-03-02T10:00:00+08:00")
        [note] = delivery_note_create(order=order, by=None, at=moment - dt.timedelta(hours=1))
        delivery_note_mark_invoiced(
            note=note, by=None, invoice_number=f"I{next(serial)}", at=moment
        )
        return shipment_create(
            note=note,
            by=None,
            carrier=carrier,
            tracking_number=f"SF{next(serial):012d}",
            parcels=1,
            weight_kg="1",
            at=moment,
        )

    return make


def reported(shipment: Shipment) -> Any:
    shipment.refresh_from_db()
    return shipment.report


def test_sunday_does_nothing_and_monday_covers_saturday_and_sunday(ship: Any) -> None:
    saturday = ship(at("2026-11-21", "16:00"))
    sunday = ship(at("2026-11-22", "11:00"))
    assert logistics_report_run(now=at("2026-11-22", "08:30")) is None  # Sunday
    report = logistics_report_run(now=at("2026-11-23", "08:30"))  # Monday
    assert report is not None and report.day == dt.date(2026, 11, 23)
    assert reported(saturday) == reported(sunday) == report
    assert report.shipment_count == 2


def test_holiday_week_is_caught_up_by_the_first_working_day(ship: Any) -> None:
    before = ship(at("2026-09-30", "16:00"))
    during = [ship(at(f"2026-10-0{d}", "12:00")) for d in (2, 4, 6)]
    for day in range(1, 8):  # 1–7 October 2026: national holiday
        assert logistics_report_run(now=at(f"2026-10-0{day}", "08:30")) is None
    report = logistics_report_run(now=at("2026-10-08", "08:30"))
    assert report is not None
    assert {s.pk for s in Shipment.objects.filter(report=report)} == {
        before.pk,
        *(s.pk for s in during),
    }


def test_a_missed_run_and_a_second_run_the_same_day(ship: Any) -> None:
    tuesday = ship(at("2026-11-24", "14:00"))
    # Wednesday's 08:30 run never happened (the worker was down)
    wednesday = ship(at("2026-11-25", "14:00"))
    thursday = logistics_report_run(now=at("2026-11-26", "08:30"))
    assert reported(tuesday) == reported(wednesday) == thursday
    late = ship(at("2026-11-26", "08:45"))
    again = logistics_report_run(now=at("2026-11-26", "09:10"))
    assert again == thursday and LogisticsReport.objects.count() == 1
    assert reported(late) is None  # not in today's report: tomorrow's
    friday = logistics_report_run(now=at("2026-11-27", "08:30"))
    assert reported(late) == friday
    assert Shipment.objects.filter(report__isnull=True).count() == 0
    assert sum(LogisticsReport.objects.values_list("shipment_count", flat=True)) == 3


def test_a_working_day_without_shipments_still_reports_zero(ship: Any) -> None:
    report = logistics_report_run(now=at("2026-11-27", "08:30"))
    assert report is not None and report.shipment_count == 0


def test_the_report_is_sent_once_as_xlsx_with_chinese_headers(
    ship: Any,
    settings: Any,
    mailoutbox: Any,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LOGISTICS_REPORT_EMAILS = ["logistics@mall.example"]
    lead = make_user("logistics_lead")
    shipment = ship(at("2026-11-26", "15:00"))
    with django_capture_on_commit_callbacks(execute=True):
        report = logistics_report_run(now=at("2026-11-27", "08:30"))
    with django_capture_on_commit_callbacks(execute=True):
        logistics_report_run(now=at("2026-11-27", "08:40"))
    assert report is not None
    report.refresh_from_db()
    assert report.sent_at is not None
    mails = [m for m in mailoutbox if m.to == ["logistics@mall.example"]]
    assert len(mails) == 1
    name, content, _mime = mails[0].attachments[0]
    assert name == f"{report.number}.xlsx"
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("订单号", "平台订单号", "仓库", "承运商", "运单号", "发货时间", "件数")
    assert rows[1][0] == shipment.order.number and rows[1][4] == shipment.tracking_number
    assert rows[1][5] == dt.datetime(2026, 11, 26, 15, 0)
    assert Notification.objects.filter(recipient=lead, topic="logistics_report").count() == 1
    assert logistics_report_xlsx(report) == logistics_report_xlsx(report)


def test_shipped_list_goes_to_the_divisions_reps_once(
    ship: Any, make_user: Any, other_division: Any
) -> None:
    rep, outsider = make_user("sales_rep"), make_user("sales_rep", divisions=[other_division])
    keeper = make_user("warehouse")
    shipment = ship(at("2026-11-27", "11:00"))
    runs = shipped_list_run(now=at("2026-11-27", "17:00"))
    assert [r.order_count for r in runs] == [1]
    assert shipped_list_run(now=at("2026-11-27", "17:05")) == []
    assert ShippedListRun.objects.count() == 1
    [message] = Notification.objects.filter(recipient=rep, topic="shipped_list")
    assert shipment.order.number in message.body
    assert not Notification.objects.filter(recipient__in=[outsider, keeper], topic="shipped_list")
    assert shipped_list_run(now=at("2026-11-29", "17:00")) == []  # Sunday


def test_report_pages_need_the_permission(ship: Any, make_user: Any) -> None:
    from django.test import Client

    ship(at("2026-11-26", "15:00"))
    report = logistics_report_run(now=at("2026-11-27", "08:30"))
    assert report is not None
    lead, rep = Client(), Client()
    lead.force_login(make_user("logistics_lead"))
    rep.force_login(make_user("sales_rep"))
    assert lead.get(f"/fulfilment/logistics-reports/{report.pk}/").status_code == 200
    download = lead.get(f"/fulfilment/logistics-reports/{report.pk}/xlsx/")
    assert download["Content-Disposition"].endswith(f'{report.number}.xlsx"')
    assert rep.get("/fulfilment/logistics-reports/").status_code == 403
