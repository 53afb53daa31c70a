"""Once the three have signed, the period is locked through core.periods: every service
that writes a dated document refuses inside it (an order transition, a delivery note, its
invoice record, a shipment, a stock move, an inbound receipt, a stock-take posting), and
a correction dated after the 25th lands in the next period."""

# ruff: noqa: F811 - the fixtures are imported from test_settlement and the fulfilment conftest

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing.models import Settlement
from core.periods import PeriodLocked, period_assert_open, period_locked
from fulfilment.models import DeliveryNote, InboundReceipt, StockLevel, StockMove, StockTake
from fulfilment.services import (
    delivery_note_create,
    delivery_note_mark_invoiced,
    shipment_create,
    stock_levels_lock,
    stock_move_post,
)
from fulfilment.services.receipts import inbound_receipt_book
from fulfilment.services.stock_take import (
    stock_take_approve,
    stock_take_count,
    stock_take_open,
    stock_take_submit,
)
from orders.exceptions import OrderPeriodLocked
from orders.models import Order
from orders.services import order_mark_delivered
from tests.billing.test_settlement import (  # noqa: F401 - fixtures
    carrier,
    computed_settlement,
    lock_source,
    moment,
    periods,
    ship,
    sign_all,
    signers,
)
from tests.fulfilment.conftest import confirmed, level_of, stock  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lock_source")]

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def previous() -> tuple[dt.date, dt.date]:
    return periods()["previous"]


@pytest.fixture
def lock(division: Any, signers: dict[str, Any]) -> Any:
    """lock(day) → the division's period holding `day`, computed and signed by all three."""

    def do(day: dt.date) -> Settlement:
        settlement = sign_all(computed_settlement(division, day), signers)
        assert settlement.status == Settlement.Status.LOCKED
        return settlement

    return do


def last_moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BEIJING)


# --- the seam ---------------------------------------------------------------------------------
def test_the_locked_period_is_found_by_beijing_date_and_division(
    lock: Any, previous: Any, division: Any, other_division: Any
) -> None:
    lock(previous[0])
    first, last = previous
    assert period_locked(division=division, at=moment(first, "00:00")) is not None
    assert period_locked(division=division, at=last_moment(last)) is not None
    assert period_locked(division=division, at=last_moment(last) + dt.timedelta(seconds=1)) is None
    # 16:00 UTC on the 25th is the 26th 00:00 in Beijing: the next, open period
    utc_26th = dt.datetime.combine(last, dt.time(16, 0), tzinfo=dt.UTC)
    assert period_locked(division=division, at=utc_26th) is None
    assert period_locked(division=division, at=utc_26th - dt.timedelta(seconds=1)) is not None
    assert period_locked(division=other_division, at=moment(first)) is None
    with pytest.raises(PeriodLocked):
        period_assert_open(division=division, at=last)


def test_an_unsigned_or_partly_signed_period_is_open(
    division: Any, previous: Any, signers: dict[str, Any]
) -> None:
    from billing.services.settlement import settlement_sign

    settlement = computed_settlement(division, previous[0])
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    settlement_sign(settlement=settlement, by=signers["hq_finance"], role="hq_finance")
    period_assert_open(division=division, at=moment(previous[0]))  # no refusal


# --- per document type ------------------------------------------------------------------------
def test_an_order_transition_dated_in_the_period_is_refused(
    ship: Any, lock: Any, previous: Any
) -> None:
    order = ship(at=moment(previous[0], "09:00"))
    lock(previous[0])
    with pytest.raises(OrderPeriodLocked) as refused:
        order_mark_delivered(order=order, at=moment(previous[1], "10:00"))
    assert isinstance(refused.value.__cause__, PeriodLocked)
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED and order.delivered_at is None
    # the correction is dated now: it lands in the next, open period
    order_mark_delivered(order=order, at=timezone.now())
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED


def test_a_delivery_note_dated_in_the_period_is_refused_and_the_26th_is_accepted(
    stock: Any,
    confirmed: Any,
    product: Any,
    warehouses: Any,
    lock: Any,
    previous: Any,
) -> None:
    lock(previous[0])
    stock(product, 2)
    order = confirmed(quantity=2)
    with pytest.raises(PeriodLocked):
        delivery_note_create(order=order, by=None, at=last_moment(previous[1]))
    assert not DeliveryNote.objects.exists()
    assert level_of(product, warehouses["main"]).reserved == 0
    [note] = delivery_note_create(
        order=order, by=None, at=moment(previous[1] + dt.timedelta(1), "00:00")
    )
    assert note.status == DeliveryNote.Status.RESERVED


def test_an_invoice_record_dated_in_the_period_is_refused(
    stock: Any,
    confirmed: Any,
    product: Any,
    lock: Any,
    previous: Any,
) -> None:
    stock(product, 2)
    [note] = delivery_note_create(order=confirmed(quantity=2), by=None)
    lock(previous[0])
    with pytest.raises(PeriodLocked):
        delivery_note_mark_invoiced(
            note=note, by=None, invoice_number="12345", at=moment(previous[1])
        )
    assert DeliveryNote.objects.get(pk=note.pk).status == DeliveryNote.Status.RESERVED
    delivery_note_mark_invoiced(note=note, by=None, invoice_number="12345")
    assert DeliveryNote.objects.get(pk=note.pk).status == DeliveryNote.Status.INVOICED


def test_a_shipment_dated_in_the_period_is_refused_and_stock_stays(
    stock: Any,
    confirmed: Any,
    product: Any,
    warehouses: Any,
    carrier: Any,
    lock: Any,
    previous: Any,
) -> None:
    stock(product, 2)
    [note] = delivery_note_create(order=confirmed(quantity=2), by=None)
    delivery_note_mark_invoiced(note=note, by=None, invoice_number="12345")
    lock(previous[0])
    handover = {
        "note": note,
        "by": None,
        "carrier": carrier,
        "parcels": 1,
        "weight_kg": "1",
    }
    with pytest.raises(PeriodLocked):
        shipment_create(**handover, tracking_number="SF100000001", at=moment(previous[1]))
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (2, 2)
    assert not StockMove.objects.filter(kind=StockMove.Kind.SHIPMENT).exists()
    shipment = shipment_create(**handover, tracking_number="SF100000002", at=timezone.now())
    assert shipment.shipped_at > last_moment(previous[1])


def test_a_stock_move_dated_in_the_period_is_refused(
    product: Any, warehouses: Any, lock: Any, previous: Any
) -> None:
    from django.db import transaction

    lock(previous[0])

    def post(at: dt.datetime) -> StockMove:
        with transaction.atomic():
            level = stock_levels_lock(warehouse=warehouses["main"], product_ids=[product.pk])
            return stock_move_post(
                level[product.pk], kind=StockMove.Kind.RECEIPT, quantity=3, by=None, at=at
            )

    with pytest.raises(PeriodLocked):
        post(moment(previous[1]))
    assert not StockMove.objects.exists()
    assert not StockLevel.objects.filter(product=product, on_hand__gt=0).exists()
    move = post(moment(previous[1] + dt.timedelta(days=1), "00:00"))
    assert move.quantity == 3 and level_of(product, warehouses["main"]).on_hand == 3


def test_a_stock_take_posting_dated_in_the_period_is_refused(
    stock: Any,
    product: Any,
    warehouses: Any,
    lock: Any,
    previous: Any,
) -> None:
    stock(product, 5)
    sheet = stock_take_open(warehouse=warehouses["main"])
    stock_take_count(stock_take=sheet, by=None, counts={sheet.lines.get().pk: 4})
    sheet = stock_take_submit(stock_take=sheet, by=None)
    lock(previous[0])
    with pytest.raises(PeriodLocked):
        stock_take_approve(stock_take=sheet, by=None, at=moment(previous[1]))
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.SUBMITTED
    assert level_of(product, warehouses["main"]).on_hand == 5
    stock_take_approve(stock_take=sheet, by=None)
    assert level_of(product, warehouses["main"]).on_hand == 4


def test_an_inbound_receipt_in_a_locked_period_is_refused(
    product: Any, warehouses: Any, lock: Any
) -> None:
    """Goods are booked the day they arrive, so this locks the period holding today."""
    lock(timezone.localdate())
    with pytest.raises(PeriodLocked) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"], by=None, supplier="上海五金", lines=[(product, 5)]
        )
    assert refused.value.field == "received_on"
    assert not InboundReceipt.objects.exists() and not StockMove.objects.exists()


def test_another_divisions_documents_are_not_locked(
    lock: Any, previous: Any, other_division: Any
) -> None:
    lock(previous[0])
    period_assert_open(division=other_division, at=moment(previous[1]))
