"""The daily close: which days a run closes (weekend and holiday catch-up, first run,
idempotency, a concurrent run), the Beijing day boundary, the figures against a hand sum,
reconciling by both sides, discrepancies, the .xlsx files, the task and its beat entry."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import DailyClose, Discrepancy, Invoice
from billing.services import daily_close as services
from billing.services.daily_close import (
    DailyCloseError,
    daily_close_figures,
    daily_close_reconcile,
    daily_close_run,
    daily_close_xlsx,
    discrepancy_record,
    discrepancy_resolve,
    reconciliation_rows,
    sales_ledger_rows,
)
from billing.services.daily_close import run as close_run
from core.models import AuditRecord, Notification
from core.working_calendar import at_local
from orders.models import Order
from tests.fulfilment import conftest as fulfilment_fixtures
from tests.orders.factories import ListedProductFactory, order_in_state, receive

pytestmark = pytest.mark.django_db
# The fulfilment fixtures this module needs (tests/billing/conftest.py is not ours).
stock = fulfilment_fixtures.stock
confirmed = fulfilment_fixtures.confirmed

_invoice_serial = count(1)


def local(day: str, clock: str = "08:00") -> dt.datetime:
    """A Beijing time: local("2026-11-23", "08:00")."""
    return at_local(dt.date.fromisoformat(day), dt.time.fromisoformat(clock))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def closed_days(division: Any) -> list[str]:
    return [
        day.isoformat()
        for day in DailyClose.objects.filter(division=division)
        .order_by("day")
        .values_list("day", flat=True)
    ]


def place(platform: Any, at: str, *, qty: int = 1, price: str = "100.00", **changes: Any) -> Any:
    """An order received with `placed_at` = the ISO string `at`."""
    changes.setdefault("lines", [{"sku": "SKU-A", "quantity": qty, "unit_price": price}])
    return receive(platform, placed_at=at, **changes)


def close_of(division: Any, day: str, **figures: Any) -> DailyClose:
    return DailyClose.objects.create(division=division, day=d(day), **figures)


@pytest.fixture
def gq_setup(division: Any, product: Any, platform: Any) -> Any:
    return division


# --- which days a run closes -----------------------------------------------------------------
def test_first_run_closes_yesterday_only(gq_setup: Any) -> None:
    created = daily_close_run(now=local("2026-11-20"))

    assert [c.day.isoformat() for c in created] == ["2026-11-19"]
    assert closed_days(gq_setup) == ["2026-11-19"]


def test_monday_run_closes_saturday_and_sunday_not_monday(gq_setup: Any) -> None:
    daily_close_run(now=local("2026-11-21"))  # Saturday: closes Friday
    assert daily_close_run(now=local("2026-11-22")) == []  # Sunday: no run

    created = daily_close_run(now=local("2026-11-23"))  # Monday 08:00

    assert [c.day.isoformat() for c in created] == ["2026-11-21", "2026-11-22"]
    assert closed_days(gq_setup) == ["2026-11-20", "2026-11-21", "2026-11-22"]


def test_run_after_national_day_closes_every_day_since_the_last_close(gq_setup: Any) -> None:
    daily_close_run(now=local("2026-09-30"))  # closes 29 September
    for holiday in ("2026-10-01", "2026-10-03", "2026-10-07"):
        assert daily_close_run(now=local(holiday)) == []

    created = daily_close_run(now=local("2026-10-08"))

    assert [c.day.isoformat() for c in created] == [
        "2026-09-30",
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-04",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
    ]


def test_running_twice_creates_nothing_twice(gq_setup: Any, platform: Any, make_user: Any) -> None:
    make_user("hq_finance")
    place(platform, "2026-11-21T10:00:00+08:00")
    daily_close_run(now=local("2026-11-21"))
    first = daily_close_run(now=local("2026-11-23"))
    messages = Notification.objects.count()
    audits = AuditRecord.objects.filter(object_type="billing.dailyclose").count()

    again = daily_close_run(now=local("2026-11-23"))
    later_same_day = daily_close_run(now=local("2026-11-23", "17:00"))

    assert len(first) == 2
    assert again == [] and later_same_day == []
    assert DailyClose.objects.count() == 3
    assert Notification.objects.count() == messages
    assert AuditRecord.objects.filter(object_type="billing.dailyclose").count() == audits


def test_a_concurrent_runs_row_is_skipped_not_an_error(
    gq_setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run stored the 21st between this run's reading and its insert."""
    close_of(gq_setup, "2026-11-20")
    real_days_due = close_run._days_due

    def days_due_then_race(*, divisions: Any, yesterday: dt.date) -> Any:
        due = real_days_due(divisions=divisions, yesterday=yesterday)
        close_of(gq_setup, "2026-11-21")  # the concurrent run's row
        return due

    monkeypatch.setattr(close_run, "_days_due", days_due_then_race)

    created = daily_close_run(now=local("2026-11-23"))

    assert [c.day.isoformat() for c in created] == ["2026-11-22"]
    assert closed_days(gq_setup) == ["2026-11-20", "2026-11-21", "2026-11-22"]


def test_each_active_division_is_closed_and_an_inactive_one_is_not(
    gq_setup: Any, other_division: Any
) -> None:
    from tests.factories import DivisionFactory

    DivisionFactory(code="OLD", name="停用事业部", is_active=False)
    close_of(other_division, "2026-11-18")

    daily_close_run(now=local("2026-11-20"))

    assert closed_days(gq_setup) == ["2026-11-19"]
    assert closed_days(other_division) == ["2026-11-18", "2026-11-19"]
    assert not DailyClose.objects.filter(division__code="OLD").exists()


# --- figures -------------------------------------------------------------------------------
def test_day_boundary_is_beijing_midnight(gq_setup: Any, platform: Any) -> None:
    late = place(platform, "2026-11-21T23:59:59+08:00", price="100.00")
    utc_next_day = place(platform, "2026-11-21T16:00:00Z", price="7.00")  # 22nd 00:00 Beijing
    close_of(gq_setup, "2026-11-20")

    daily_close_run(now=local("2026-11-23"))

    saturday = DailyClose.objects.get(division=gq_setup, day=d("2026-11-21"))
    sunday = DailyClose.objects.get(division=gq_setup, day=d("2026-11-22"))
    assert (saturday.order_count, saturday.goods_amount) == (1, Decimal("100.00"))
    assert (sunday.order_count, sunday.goods_amount) == (1, Decimal("7.00"))
    assert [r.number for r in sales_ledger_rows(saturday)] == [late.number]
    assert [r.number for r in sales_ledger_rows(sunday)] == [utc_next_day.number]


@pytest.fixture
def day_of_business(
    division: Any, other_division: Any, platform: Any, product: Any, stock: Any, confirmed: Any
) -> dict[str, Any]:
    """Saturday 21 November in GQ: four live orders, one cancelled, one invoice and one
    credit note issued, one older order shipped; DQ has an order of its own that day."""
    ListedProductFactory(sku="SKU-D", division=other_division)
    at = "2026-11-21T{}+08:00"
    place(platform, at.format("09:00:00"), qty=2, price="100.00", freight="10.00", paid=True)
    place(platform, at.format("10:30:00"), qty=3, price="33.33", freight="0.00", paid=True)
    place(platform, at.format("11:00:00"), qty=1, price="0.01", freight="5.55", paid=False)
    cancelled = place(platform, at.format("12:00:00"), qty=9, price="50.00", paid=True)
    Order.objects.filter(pk=cancelled.pk).update(status=Order.Status.CANCELLED)
    invoiced_order = confirmed(quantity=4, placed_at=at.format("13:00:00"), freight="20.00")
    place(
        platform,
        at.format("14:00:00"),
        division="DQ",
        lines=[{"sku": "SKU-D", "quantity": 1, "unit_price": "999.00"}],
    )
    # An invoice for the 13:00 order (4 × 100 + 20 freight) and a credit note of 120.00
    # against another invoice, both issued on the 21st; an invoice of the 20th not counted.
    stock(product, 20)
    invoice = _invoice(invoiced_order, Decimal("420.00"), at=local("2026-11-21", "15:00"))
    old_order = confirmed(quantity=1, placed_at="2026-11-19T10:00:00+08:00", freight="20.00")
    old_invoice = _invoice(old_order, Decimal("120.00"), at=local("2026-11-20", "15:00"))
    _invoice(old_order, Decimal("-120.00"), at=local("2026-11-21", "16:00"), original=old_invoice)
    # The older order ships on the 21st (its goods count as shipped that day).
    Order.objects.filter(pk=old_order.pk).update(shipped_at=local("2026-11-21", "17:00"))
    return {"invoice": invoice, "invoiced_order": invoiced_order, "cancelled": cancelled}


def _invoice(
    order: Any, total: Decimal, *, at: dt.datetime, original: Invoice | None = None
) -> Invoice:
    from fulfilment.models import DeliveryNote
    from fulfilment.services import delivery_note_create

    if original is None:
        [note] = delivery_note_create(order=order, by=None)
    else:
        note = DeliveryNote.objects.get(pk=original.delivery_note_id)
    return Invoice.objects.create(
        number=f"INV-T{next(_invoice_serial):05d}",
        kind=Invoice.Kind.CREDIT_NOTE if original else Invoice.Kind.INVOICE,
        original=original,
        division=order.division,
        order=order,
        delivery_note=note,
        buyer_title="测试",
        issued_at=at,
        net_amount=total,
        tax_amount=Decimal("0.00"),
        total_amount=total,
    )


def test_figures_equal_a_hand_computed_sum(
    division: Any, other_division: Any, day_of_business: Any
) -> None:
    close_of(division, "2026-11-20")
    close_of(other_division, "2026-11-20")

    daily_close_run(now=local("2026-11-23"))

    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))
    # live orders: 200+10, 99.99+0, 0.01+5.55, 400+20 (paid flag: True, True, False, True)
    assert close.order_count == 4
    assert close.goods_amount == Decimal("700.00")  # 200 + 99.99 + 0.01 + 400
    assert close.freight_amount == Decimal("35.55")
    assert close.total_amount == Decimal("735.55")
    assert close.paid_amount == Decimal("729.99")  # 210 + 99.99 + 420
    assert close.unpaid_count == 1
    assert close.invoiced_amount == Decimal("300.00")  # 420 − 120 (the 20th's not counted)
    assert close.shipped_amount == Decimal("100.00")
    dq = DailyClose.objects.get(division__code="DQ", day=d("2026-11-21"))
    assert (dq.order_count, dq.goods_amount) == (1, Decimal("999.00"))


def test_figures_take_three_queries_for_any_number_of_divisions(
    division: Any, day_of_business: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        figures = daily_close_figures(day=d("2026-11-21"))

    assert set(figures) == {division.pk, Order.objects.get(division__code="DQ").division_id}
    assert figures[division.pk].cancelled_count == 1
    assert figures[division.pk].cancelled_amount == Decimal("460.00")  # 450 + 10 freight


def test_cancelled_orders_are_in_the_ledger_marked_and_out_of_the_figures(
    division: Any, day_of_business: Any
) -> None:
    close_of(division, "2026-11-20")
    daily_close_run(now=local("2026-11-23"))
    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))

    rows = sales_ledger_rows(close)
    statement = {row.key: row for row in reconciliation_rows(close)}

    assert len(rows) == 5
    assert [r.is_cancelled for r in rows] == [False, False, False, True, False]
    assert statement["cancelled_count"].now == 1
    assert statement["order_count"].at_close == statement["order_count"].now == 4
    invoiced = {r.number: r.invoiced for r in rows}
    assert invoiced[day_of_business["invoiced_order"].number] == Decimal("420.00")
    assert [r.is_paid for r in rows][:3] == [True, True, False]


def test_statement_shows_a_change_since_the_close(
    division: Any, platform: Any, product: Any
) -> None:
    order = place(platform, "2026-11-21T09:00:00+08:00", price="80.00", freight="0.00")
    close_of(division, "2026-11-20")
    daily_close_run(now=local("2026-11-23"))
    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))

    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)

    statement = {row.key: row for row in reconciliation_rows(close)}
    assert statement["goods_amount"].at_close == Decimal("80.00")
    assert statement["goods_amount"].now == Decimal("0.00")
    assert statement["goods_amount"].differs
    assert not statement["freight_amount"].differs


# --- notifications ---------------------------------------------------------------------------
def test_finance_is_told_once_per_division_and_run(
    gq_setup: Any, other_division: Any, make_user: Any
) -> None:
    hq = make_user("hq_finance", divisions=[other_division])
    gq_finance = make_user("division_finance")
    dq_finance = make_user("division_finance", divisions=[other_division])
    close_of(gq_setup, "2026-11-21")
    close_of(other_division, "2026-11-20")

    daily_close_run(now=local("2026-11-23"))

    gq_close = DailyClose.objects.get(division=gq_setup, day=d("2026-11-22"))
    [gq_message] = Notification.objects.filter(recipient=gq_finance)
    assert gq_message.topic == "daily_close"
    assert gq_message.link == reverse("billing:close-detail", args=[gq_close.pk])
    assert Notification.objects.filter(recipient=hq, topic="daily_close").count() == 2
    [dq_message] = Notification.objects.filter(recipient=dq_finance)
    assert "?division=" in dq_message.link and "date_from=2026-11-21" in dq_message.link


# --- reconciling ---------------------------------------------------------------------------
@pytest.fixture
def close(division: Any) -> DailyClose:
    return close_of(division, "2026-11-21", order_count=3)


def test_reconciled_only_when_both_sides_have_marked(close: DailyClose, make_user: Any) -> None:
    division_side, hq_side = make_user("division_finance"), make_user("hq_finance")

    after_one = daily_close_reconcile(close=close, by=division_side)
    assert after_one.status == DailyClose.Status.OPEN
    assert after_one.division_reconciled_by == division_side
    assert after_one.hq_reconciled_at is None

    after_both = daily_close_reconcile(close=close, by=hq_side)
    assert after_both.status == DailyClose.Status.RECONCILED
    assert after_both.hq_reconciled_by == hq_side
    actions = list(
        AuditRecord.objects.filter(object_type="billing.dailyclose", object_id=str(close.pk))
        .order_by("id")
        .values_list("action", "to_state")
    )
    assert actions == [("reconciled_division", "open"), ("reconciled_hq", "reconciled")]


def test_a_side_marks_once(close: DailyClose, make_user: Any, english: Any) -> None:
    finance = make_user("division_finance")
    daily_close_reconcile(close=close, by=finance)

    with pytest.raises(DailyCloseError, match="already marked"):
        daily_close_reconcile(close=close, by=make_user("division_finance"))


def test_reconcile_refused_while_a_discrepancy_is_open(
    close: DailyClose, make_user: Any, english: Any
) -> None:
    finance, hq = make_user("division_finance"), make_user("hq_finance")
    first = discrepancy_record(close=close, by=hq, description="平台到账少 10 元", amount="10")
    discrepancy_record(close=close, by=hq, description="订单缺失")

    with pytest.raises(DailyCloseError, match="2 discrepancies are still open"):
        daily_close_reconcile(close=close, by=finance)
    close.refresh_from_db()
    assert close.division_reconciled_at is None

    discrepancy_resolve(discrepancy=first, by=finance, resolution="平台补款")
    with pytest.raises(DailyCloseError, match="1 discrepancy is still open"):
        daily_close_reconcile(close=close, by=finance)

    discrepancy_resolve(discrepancy=Discrepancy.objects.last(), by=hq, resolution="已补录")
    assert daily_close_reconcile(close=close, by=finance).division_reconciled_by == finance


def test_a_discrepancy_reopens_a_reconciled_day(close: DailyClose, make_user: Any) -> None:
    finance, hq = make_user("division_finance"), make_user("hq_finance")
    daily_close_reconcile(close=close, by=finance)
    daily_close_reconcile(close=close, by=hq)

    discrepancy = discrepancy_record(close=close, by=hq, description="发票金额不符")

    close.refresh_from_db()
    assert close.status == DailyClose.Status.OPEN
    assert close.division_reconciled_at is None and close.hq_reconciled_at is None
    assert close.division_reconciled_by is None and close.hq_reconciled_by is None
    assert discrepancy.raised_by == hq and discrepancy.resolved_at is None
    reopened = AuditRecord.objects.get(object_type="billing.dailyclose", action="reopened")
    assert (reopened.from_state, reopened.to_state, reopened.actor) == ("reconciled", "open", hq)
    assert AuditRecord.objects.filter(object_type="billing.discrepancy", action="recorded").exists()


def test_a_discrepancy_clears_a_single_mark_too(close: DailyClose, make_user: Any) -> None:
    finance, hq = make_user("division_finance"), make_user("hq_finance")
    daily_close_reconcile(close=close, by=finance)

    discrepancy_record(close=close, by=hq, description="差 1 元", amount=Decimal("1"))

    close.refresh_from_db()
    assert close.division_reconciled_at is None


def test_resolution_is_required_and_resolving_twice_is_refused(
    close: DailyClose, make_user: Any, english: Any
) -> None:
    finance = make_user("division_finance")
    discrepancy = discrepancy_record(close=close, by=finance, description="差额")

    with pytest.raises(DailyCloseError) as blank:
        discrepancy_resolve(discrepancy=discrepancy, by=finance, resolution="  ")
    assert blank.value.field == "resolution"
    discrepancy.refresh_from_db()
    assert discrepancy.resolved_at is None

    discrepancy_resolve(discrepancy=discrepancy, by=finance, resolution="已核实")
    with pytest.raises(DailyCloseError, match="already resolved"):
        discrepancy_resolve(discrepancy=discrepancy, by=finance, resolution="again")
    audit = AuditRecord.objects.get(object_type="billing.discrepancy", action="resolved")
    assert audit.note == "已核实"


def test_description_is_required(close: DailyClose, make_user: Any) -> None:
    with pytest.raises(DailyCloseError) as refusal:
        discrepancy_record(close=close, by=make_user("hq_finance"), description="")
    assert refusal.value.field == "description"
    assert not Discrepancy.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("division_finance", True), ("hq_finance", True), ("warehouse", False), ("sales_lead", False)],
)
def test_who_may_reconcile(close: DailyClose, make_user: Any, role: str, allowed: bool) -> None:
    user = make_user(role)
    if allowed:
        daily_close_reconcile(close=close, by=user)
        return
    with pytest.raises(services.CloseNotPermitted):
        daily_close_reconcile(close=close, by=user)
    with pytest.raises(services.CloseNotPermitted):
        discrepancy_record(close=close, by=user, description="x")
    close.refresh_from_db()
    assert close.division_reconciled_at is None and close.hq_reconciled_at is None


def test_another_divisions_finance_may_not_reconcile(
    close: DailyClose, make_user: Any, other_division: Any
) -> None:
    with pytest.raises(services.CloseNotPermitted):
        daily_close_reconcile(
            close=close, by=make_user("division_finance", divisions=[other_division])
        )


# --- the .xlsx files -------------------------------------------------------------------------
def test_ledger_xlsx_has_chinese_headers_a_row_per_order_and_formats(
    division: Any, day_of_business: Any
) -> None:
    close_of(division, "2026-11-20")
    daily_close_run(now=local("2026-11-23"))
    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))

    sheet = load_workbook(io.BytesIO(daily_close_xlsx(close, kind="ledger"))).active

    assert sheet.title == "销售台帐"
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["订单号", "平台订单号", "下单时间"] and "已开票金额" in headers
    assert sheet.max_row == 1 + 5
    first = [cell.value for cell in sheet[2]]
    assert first[2] == dt.datetime(2026, 11, 21, 9, 0, 0)
    assert first[6] == 200 and first[8] == 210 and first[9] == "已付"
    assert sheet.cell(row=2, column=7).number_format == "¥#,##0.00"
    assert sheet.cell(row=2, column=3).is_date
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K6"
    assert sheet.cell(row=5, column=6).value == "已取消"


def test_statement_xlsx_lists_the_figures(division: Any, day_of_business: Any) -> None:
    close_of(division, "2026-11-20")
    daily_close_run(now=local("2026-11-23"))
    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))

    sheet = load_workbook(io.BytesIO(daily_close_xlsx(close, kind="statement"))).active

    assert sheet.title == "内部对账单"
    assert sheet["B2"].value == dt.datetime(2026, 11, 21) and sheet["B2"].is_date
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=9, values_only=True)}
    assert rows["订单数"] == (4, 4, 0)
    assert rows["合计"][0] == Decimal("735.55") or rows["合计"][0] == 735.55
    assert rows["未解决差异"][1] == 0
    money_row = next(r for r in sheet.iter_rows(min_row=9) if r[0].value == "合计")
    assert money_row[1].number_format == "¥#,##0.00"


# --- the task and the beat entry --------------------------------------------------------------
def test_task_runs_the_close_and_the_beat_runs_it_at_eight(
    gq_setup: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from billing.tasks import daily_close_task

    monkeypatch.setattr(timezone, "now", lambda: local("2026-11-23", "08:00"))
    close_of(gq_setup, "2026-11-20")

    assert daily_close_task.delay().get() == 2
    entry = settings.CELERY_BEAT_SCHEDULE["billing-daily-close"]
    assert entry["task"] == "billing.tasks.daily_close_task"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}


def test_open_discrepancy_count_on_statement(close: DailyClose, make_user: Any) -> None:
    discrepancy_record(close=close, by=make_user("hq_finance"), description="差额")

    statement = {row.key: row for row in reconciliation_rows(close)}

    assert statement["open_discrepancies"].now == 1


def test_order_in_state_orders_count_on_their_placed_day(
    division: Any, platform: Any, product: Any
) -> None:
    shipped = order_in_state(
        "shipped", platform=platform, division=division, placed_at="2026-11-21T10:00:00+08:00"
    )
    close_of(division, "2026-11-20")

    daily_close_run(now=local("2026-11-23"))

    close = DailyClose.objects.get(division=division, day=d("2026-11-21"))
    assert close.order_count == 1
    assert close.total_amount == shipped.goods_amount + shipped.freight
