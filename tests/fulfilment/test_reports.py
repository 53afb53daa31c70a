"""The scheduled reports of fulfilment: the 09:00 logistics report (working days only, every
shipment in exactly one report, sent once after commit, late and repeated runs catch up
without duplicates) and the end-of-day shipped list for each division's sales reps."""

from __future__ import annotations

import datetime as dt
import io
import smtplib
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditRecord, Notification
from core.working_calendar import at_local, is_working_day
from fulfilment.models import Carrier, LogisticsReport, Shipment, ShippedListRun
from fulfilment.services import (
    delivery_note_create,
    delivery_note_mark_invoiced,
    shipment_create,
)
from fulfilment.services.reports import (
    XLSX_HEADERS,
    logistics_report_run,
    logistics_report_xlsx,
    shipped_list_run,
)
from orders.services import order_confirm, order_identify
from tests.factories import WarehouseFactory
from tests.orders.factories import CustomerFactory, ListedProductFactory, credit_code, receive

pytestmark = pytest.mark.django_db

GROUP_ADDRESS = "logistics@platform.example"
_tracking = count(100001)


def local(day: str, clock: str = "08:30") -> dt.datetime:
    """A Beijing time: local("2026-11-23", "10:00")."""
    return at_local(dt.date.fromisoformat(day), dt.time.fromisoformat(clock))


@pytest.fixture
def carrier(db: Any) -> Carrier:
    return Carrier.objects.create(code="SF", name="顺丰速运")


@pytest.fixture
def ship(
    confirmed: Any, stock: Any, product: Any, make_user: Any, carrier: Carrier
) -> Callable[..., Shipment]:
    """ship(at) → an order confirmed, noted, invoiced and handed to SF at `at`."""
    parts, finance, keeper = (
        make_user("parts_support"),
        make_user("division_finance"),
        make_user("warehouse"),
    )

    def build(at: dt.datetime, *, order: Any = None, parcels: int = 1) -> Shipment:
        stock(product, 1)
        [note] = delivery_note_create(order=order or confirmed(quantity=1), by=parts)
        delivery_note_mark_invoiced(note=note, by=finance, invoice_number=f"INV-{note.pk}")
        return shipment_create(
            note=note,
            by=keeper,
            carrier=carrier,
            tracking_number=f"SF{next(_tracking)}",
            parcels=parcels,
            weight_kg="2.50",
            at=at,
        )

    return build


def reported(report: LogisticsReport | None) -> set[int]:
    assert report is not None
    return set(Shipment.objects.filter(report=report).values_list("pk", flat=True))


# --- the logistics report ---------------------------------------------------------------------
def test_sunday_does_nothing_and_monday_takes_saturday_and_sunday(ship: Any) -> None:
    assert is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not is_working_day(dt.date(2026, 11, 22))  # Sunday
    empty = logistics_report_run(now=local("2026-11-21"))
    saturday = ship(local("2026-11-21", "10:00"))
    sunday = ship(local("2026-11-22", "11:00"))

    assert logistics_report_run(now=local("2026-11-22")) is None
    assert LogisticsReport.objects.count() == 1

    early_monday = ship(local("2026-11-23", "07:45"))
    monday = logistics_report_run(now=local("2026-11-23"))
    late_monday = ship(local("2026-11-23", "10:00"))
    tuesday = logistics_report_run(now=local("2026-11-24"))

    assert empty is not None and empty.shipment_count == 0  # the group hears "nothing"
    assert monday is not None and monday.day == dt.date(2026, 11, 23)
    assert reported(monday) == {saturday.pk, sunday.pk, early_monday.pk}
    assert monday.shipment_count == 3
    assert reported(tuesday) == {late_monday.pk}
    assert [r.number for r in LogisticsReport.objects.order_by("day")] == [
        "LR-2026-0001",
        "LR-2026-0002",
        "LR-2026-0003",
    ]


def test_holiday_week_is_caught_up_by_the_first_working_day(ship: Any) -> None:
    holiday_week = [dt.date(2026, 10, d) for d in range(1, 8)]
    assert not any(is_working_day(day) for day in holiday_week)
    assert is_working_day(dt.date(2026, 10, 8))
    assert is_working_day(dt.date(2026, 10, 10))  # Saturday, make-up working day
    before = ship(local("2026-09-30", "16:00"))
    during = [ship(local("2026-10-02", "09:00")), ship(local("2026-10-05", "14:00"))]

    runs = [logistics_report_run(now=local(day.isoformat())) for day in holiday_week]
    first = logistics_report_run(now=local("2026-10-08"))

    assert runs == [None] * 7
    assert first is not None and first.day == dt.date(2026, 10, 8)
    assert reported(first) == {before.pk, *(s.pk for s in during)}
    assert LogisticsReport.objects.count() == 1
    ship(local("2026-10-09", "10:00"))
    assert logistics_report_run(now=local("2026-10-10")).shipment_count == 1  # type: ignore[union-attr]


def test_a_missed_run_is_caught_up_by_the_next(ship: Any) -> None:
    logistics_report_run(now=local("2026-11-24"))
    tuesday = ship(local("2026-11-24", "10:00"))
    wednesday = ship(local("2026-11-25", "10:00"))
    # no run on Wednesday 25 (worker down)
    thursday = logistics_report_run(now=local("2026-11-26"))
    assert reported(thursday) == {tuesday.pk, wednesday.pk}
    assert not LogisticsReport.objects.filter(day=dt.date(2026, 11, 25)).exists()


def test_running_twice_takes_and_sends_nothing_new(
    ship: Any,
    make_user: Any,
    settings: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LOGISTICS_REPORT_EMAILS = [GROUP_ADDRESS]
    make_user("logistics_lead")
    first_shipment = ship(local("2026-11-25", "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        first = logistics_report_run(now=local("2026-11-26"))
    ship(local("2026-11-26", "08:40"))  # after the first run, before the second
    with django_capture_on_commit_callbacks(execute=True):
        second = logistics_report_run(now=local("2026-11-26", "08:45"))

    assert second == first
    assert reported(first) == {first_shipment.pk}
    assert LogisticsReport.objects.count() == 1
    assert Notification.objects.filter(topic="logistics_report").count() == 1
    assert len([m for m in mailoutbox if m.to == [GROUP_ADDRESS]]) == 1
    assert AuditRecord.objects.filter(object_type="fulfilment.logisticsreport").count() == 2


def test_every_shipment_lands_in_exactly_one_report(ship: Any) -> None:
    """Daily runs (each twice, one day missed) over two weeks, shipments at all hours,
    some exactly at the run's time: the reports partition the shipments."""
    start = dt.date(2026, 11, 9)
    shipments = []
    for offset in range(14):
        day = (start + dt.timedelta(days=offset)).isoformat()
        shipments.append(ship(local(day, "08:30")))  # at the run's instant: next report
        if offset != 4:
            logistics_report_run(now=local(day))
            logistics_report_run(now=local(day, "11:00"))
        shipments += [ship(local(day, "12:00")), ship(local(day, "23:59"))]
    logistics_report_run(now=local("2026-11-23", "08:30:01"))  # Monday: the rest

    in_reports = list(Shipment.objects.filter(report__isnull=False).values_list("pk", flat=True))
    assert sorted(in_reports) == sorted(s.pk for s in shipments)
    assert sum(LogisticsReport.objects.values_list("shipment_count", flat=True)) == len(shipments)
    # Sundays 15 and 22 have no report; day 13 (Friday) was missed
    assert {r.day.day for r in LogisticsReport.objects.all()} == {
        9,
        10,
        11,
        12,
        14,
        16,
        17,
        18,
        19,
        20,
        21,
        23,
    }


def test_report_is_sent_after_commit_by_mail_with_the_file_and_to_the_leads(
    ship: Any,
    make_user: Any,
    settings: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LOGISTICS_REPORT_EMAILS = [GROUP_ADDRESS]
    lead, rep = make_user("logistics_lead"), make_user("sales_rep")
    ship(local("2026-11-25", "10:00"))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = logistics_report_run(now=local("2026-11-26"))
    assert report is not None
    report.refresh_from_db()
    assert report.sent_at is None  # nothing goes before the shipments are committed to it
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    report.refresh_from_db()
    assert report.sent_at == local("2026-11-26")
    [mail] = [m for m in mailoutbox if m.to == [GROUP_ADDRESS]]
    [(filename, content, mimetype)] = mail.attachments
    assert filename == f"{report.number}.xlsx"
    assert mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(content)).active.max_row == 2
    [note] = Notification.objects.filter(topic="logistics_report")
    assert note.recipient == lead
    assert note.link == reverse("fulfilment:logistics-report-detail", args=[report.pk])
    assert not Notification.objects.filter(recipient=rep).exists()


def test_without_addresses_only_the_leads_are_told(
    ship: Any, make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOGISTICS_REPORT_EMAILS = []
    make_user("logistics_lead")
    with django_capture_on_commit_callbacks(execute=True):
        report = logistics_report_run(now=local("2026-11-26"))
    assert report is not None
    report.refresh_from_db()
    assert report.sent_at is not None
    assert Notification.objects.filter(topic="logistics_report").count() == 1


def test_a_failed_sending_is_repeated_by_the_next_run(
    ship: Any,
    settings: Any,
    mailoutbox: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.mail import EmailMessage

    settings.LOGISTICS_REPORT_EMAILS = [GROUP_ADDRESS]
    real_send = EmailMessage.send

    def refuse(self: Any, fail_silently: bool = False) -> int:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        missed = logistics_report_run(now=local("2026-11-25"))
    assert missed is not None
    missed.refresh_from_db()
    assert missed.sent_at is None

    monkeypatch.setattr(EmailMessage, "send", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        logistics_report_run(now=local("2026-11-26"))
    assert not LogisticsReport.objects.filter(sent_at__isnull=True).exists()
    subjects = [m.subject for m in mailoutbox if m.to == [GROUP_ADDRESS]]
    assert len(subjects) == 2 and "LR-2026-0001" in subjects[0]


def test_xlsx_reads_back_with_chinese_headers_and_one_row_per_shipment(ship: Any) -> None:
    later = ship(local("2026-11-25", "16:05"), parcels=3)
    earlier = ship(local("2026-11-25", "09:10"))
    report = logistics_report_run(now=local("2026-11-26"))
    assert report is not None

    workbook = load_workbook(io.BytesIO(logistics_report_xlsx(report)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))

    assert sheet.title == "物流信息"
    assert rows[0] == XLSX_HEADERS
    assert rows[0][:7] == ("订单号", "平台订单号", "仓库", "承运商", "运单号", "发货时间", "件数")
    assert [row[4] for row in rows[1:]] == [earlier.tracking_number, later.tracking_number]
    first = rows[1]
    assert first[0] == earlier.order.number
    assert first[1] == earlier.order.platform_order_no
    assert first[2:4] == ("GQ-MAIN", "顺丰速运")
    assert first[5] == dt.datetime(2026, 11, 25, 9, 10)  # Beijing wall time, a real date
    assert rows[2][6] == 3
    assert float(first[7]) == 2.5
    assert first[8] == earlier.delivery_note.number
    assert sheet["F2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I3"


# --- the pages ----------------------------------------------------------------------------------
def test_pages_list_show_and_download_for_permitted_users_only(
    ship: Any, make_user: Any, client: Any
) -> None:
    shipment = ship(local("2026-11-25", "10:00"))
    report = logistics_report_run(now=local("2026-11-26"))
    assert report is not None
    urls = [
        reverse("fulfilment:logistics-report-list"),
        reverse("fulfilment:logistics-report-detail", args=[report.pk]),
        reverse("fulfilment:logistics-report-xlsx", args=[report.pk]),
    ]

    client.force_login(make_user("sales_rep"))
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]

    client.force_login(make_user("logistics_lead", divisions=[]))
    listing, detail, download = (client.get(url) for url in urls)
    assert report.number in listing.content.decode()
    assert shipment.tracking_number in detail.content.decode()
    assert shipment.order.platform_order_no in detail.content.decode()
    assert download["Content-Disposition"] == f'attachment; filename="{report.number}.xlsx"'
    assert load_workbook(io.BytesIO(download.content)).active.max_row == 2
    assert client.get(reverse("fulfilment:logistics-report-detail", args=[999])).status_code == 404


# --- the shipped list --------------------------------------------------------------------------
@pytest.fixture
def other_division_shipment(
    other_division: Any, platform: Any, stock: Any, make_user: Any, carrier: Carrier
) -> Callable[[dt.datetime], Shipment]:
    main = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    WarehouseFactory(division=other_division, kind="central", code="DQ-CENTRAL")
    product = ListedProductFactory(sku="SKU-D", division=other_division)
    users = {
        role: make_user(role, divisions=[other_division])
        for role in ("parts_support", "division_finance", "warehouse")
    }

    def build(at: dt.datetime) -> Shipment:
        stock(product, 1, warehouse=main)
        order = receive(
            platform,
            division="DQ",
            lines=[{"sku": "SKU-D", "quantity": 1, "unit_price": "100.00"}],
        )
        customer = CustomerFactory(
            division=other_division, org_code=credit_code(f"{next(_tracking):08d}")
        )
        order = order_identify(order=order, customer=customer, by=None, method="linked")
        order = order_confirm(order=order, by=None, invoice_title=customer.name)
        [note] = delivery_note_create(order=order, by=users["parts_support"])
        delivery_note_mark_invoiced(
            note=note, by=users["division_finance"], invoice_number=f"INV-{note.pk}"
        )
        return shipment_create(
            note=note,
            by=users["warehouse"],
            carrier=carrier,
            tracking_number=f"SF{next(_tracking)}",
            parcels=1,
            weight_kg="1",
            at=at,
        )

    return build


def test_shipped_list_goes_to_the_division_sales_reps_once(
    ship: Any, make_user: Any, other_division: Any, english: Any
) -> None:
    rep, other_rep = (
        make_user("sales_rep", language="en"),
        make_user("sales_rep", divisions=[other_division]),
    )
    keeper = make_user("warehouse")
    ship(local("2026-11-26", "15:00"))  # yesterday: not in today's list
    today = [ship(local("2026-11-27", "09:00")), ship(local("2026-11-27", "14:30"))]

    runs = shipped_list_run(now=local("2026-11-27", "17:00"))
    again = shipped_list_run(now=local("2026-11-27", "17:05"))

    assert [(r.division.code, r.day, r.order_count) for r in runs] == [
        ("GQ", dt.date(2026, 11, 27), 2)
    ]
    assert again == []
    [message] = Notification.objects.filter(topic="shipped_list")
    assert message.recipient == rep
    assert message.subject == "Shipped today (2026-11-27): 2 orders"
    assert message.body.splitlines() == [
        f"{s.order.number} · {s.order.platform_order_no} · 顺丰速运 · {s.tracking_number}"
        for s in today
    ]
    assert message.link == reverse("fulfilment:shipment-list") + "?day=2026-11-27"
    assert not Notification.objects.filter(
        recipient__in=[other_rep, keeper], topic="shipped_list"
    ).exists()
    assert ShippedListRun.objects.count() == 1


def test_each_division_gets_its_own_list_and_sundays_nothing(
    ship: Any, other_division_shipment: Any, make_user: Any, other_division: Any
) -> None:
    rep, other_rep = make_user("sales_rep"), make_user("sales_rep", divisions=[other_division])
    ours, theirs = (
        ship(local("2026-11-27", "10:00")),
        other_division_shipment(local("2026-11-27", "11:00")),
    )
    ship(local("2026-11-29", "10:00"))  # Sunday

    assert shipped_list_run(now=local("2026-11-29", "17:00")) == []
    runs = shipped_list_run(now=local("2026-11-27", "17:00"))

    assert sorted(r.division.code for r in runs) == ["DQ", "GQ"]
    mine = Notification.objects.get(recipient=rep, topic="shipped_list")
    other = Notification.objects.get(recipient=other_rep, topic="shipped_list")
    assert ours.tracking_number in mine.body and theirs.tracking_number not in mine.body
    assert theirs.tracking_number in other.body and ours.tracking_number not in other.body


# --- jobs --------------------------------------------------------------------------------------
def test_beat_runs_both_jobs_daily_in_beijing_time(settings: Any) -> None:
    report = settings.CELERY_BEAT_SCHEDULE["fulfilment-logistics-report"]
    shipped = settings.CELERY_BEAT_SCHEDULE["fulfilment-shipped-list"]
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert report["task"] == "fulfilment.tasks.logistics_report_task"
    assert (report["schedule"].hour, report["schedule"].minute) == ({8}, {30})
    assert shipped["task"] == "fulfilment.tasks.shipped_list_task"
    assert (shipped["schedule"].hour, shipped["schedule"].minute) == ({17}, {0})


def test_tasks_run_the_services_now(ship: Any, monkeypatch: Any, make_user: Any) -> None:
    from django.utils import timezone

    from fulfilment.tasks import logistics_report_task, shipped_list_task

    make_user("sales_rep")
    shipment = ship(local("2026-11-27", "09:00"))
    monkeypatch.setattr(timezone, "now", lambda: local("2026-11-27", "17:00"))
    assert shipped_list_task.delay().get() == 1
    assert shipped_list_task.delay().get() == 0
    monkeypatch.setattr(timezone, "now", lambda: local("2026-11-28"))
    report_id = logistics_report_task.delay().get()
    assert reported(LogisticsReport.objects.get(pk=report_id)) == {shipment.pk}
    assert logistics_report_task.delay().get() == report_id


# --- concurrency (PostgreSQL) ------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_runs_at_once_make_one_report_with_every_shipment(ship: Any) -> None:
    import threading
    import time

    from django.db import connections, transaction

    shipments = {ship(local("2026-11-25", "10:00")).pk, ship(local("2026-11-25", "11:00")).pk}
    outcome: list[Any] = []

    def second_run() -> None:
        try:
            outcome.append(logistics_report_run(now=local("2026-11-26")))
        except Exception as error:  # the test inspects it
            outcome.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        first = logistics_report_run(now=local("2026-11-26"))
        thread = threading.Thread(target=second_run)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive()  # waits on the shipment rows the first run holds
    thread.join(timeout=10)

    assert outcome == [first]
    assert LogisticsReport.objects.count() == 1
    assert reported(first) == shipments
    assert LogisticsReport.objects.get().shipment_count == 2


def test_report_page_queries_do_not_grow_with_its_shipments(
    ship: Any, make_user: Any, client: Any
) -> None:
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    ship(local("2026-11-24", "10:00"))
    small = logistics_report_run(now=local("2026-11-25"))
    for hour in range(10, 15):
        ship(local("2026-11-25", f"{hour}:00"))
    large = logistics_report_run(now=local("2026-11-26"))
    assert small is not None and large is not None
    client.force_login(make_user("logistics_lead"))

    counts = []
    for report in (small, large):
        with CaptureQueriesContext(default_connection) as queries:
            assert (
                client.get(
                    reverse("fulfilment:logistics-report-detail", args=[report.pk])
                ).status_code
                == 200
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
