"""Delivery notes: reservation, hold and release, partial delivery with back-order, the
order state derived from the notes, cancellation freeing stock."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from core.models import AuditRecord
from fulfilment.exceptions import FulfilmentError, StockShort
from fulfilment.models import Carrier, DeliveryNote, StockMove
from fulfilment.services import (
    delivery_note_cancel,
    delivery_note_create,
    delivery_note_mark_invoiced,
    progress_of,
    shipment_create,
    waiting_notes_release,
)
from orders.exceptions import CancellationRefused
from orders.models import Order
from orders.services import order_cancel
from tests.fulfilment.conftest import level_of

pytestmark = pytest.mark.django_db


def _refresh(order: Any) -> Any:
    return Order.objects.get(pk=order.pk)


def test_in_stock_one_note_reserves_and_allocates_the_order(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    stock(product, 5)
    parts = make_user("parts_support")
    order = confirmed(quantity=2)
    [note] = delivery_note_create(order=order, by=parts)
    assert note.status == DeliveryNote.Status.RESERVED
    assert note.kind == DeliveryNote.Kind.FULL
    assert note.number.startswith("DN-GQ-")
    assert [(ln.product_id, ln.quantity) for ln in note.lines.all()] == [(product.pk, 2)]
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (5, 2)
    order = _refresh(order)
    assert order.status == Order.Status.ALLOCATED
    assert order.delivery_note_number == note.number
    assert order.delivery_note_by == parts
    assert (
        AuditRecord.objects.filter(object_type="fulfilment.deliverynote", action="created").count()
        == 1
    )


def test_no_stock_waits_and_holds_then_receipt_releases_oldest_first(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    parts = make_user("parts_support")
    older, younger = confirmed(quantity=3), confirmed(quantity=1)
    [first] = delivery_note_create(order=older, by=parts)
    [second] = delivery_note_create(order=younger, by=parts)
    assert first.status == second.status == DeliveryNote.Status.WAITING
    assert _refresh(older).status == _refresh(younger).status == Order.Status.ON_HOLD
    stock(product, 2)  # not enough for the oldest: the younger must not jump the queue
    assert waiting_notes_release(warehouse=warehouses["main"]) == []
    stock(product, 1)
    released = waiting_notes_release(warehouse=warehouses["main"])
    assert [n.pk for n in released] == [first.pk]
    assert _refresh(older).status == Order.Status.ALLOCATED
    assert _refresh(younger).status == Order.Status.ON_HOLD
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (3, 3)
    stock(product, 1)
    assert [n.pk for n in waiting_notes_release(warehouse=warehouses["main"])] == [second.pk]
    assert _refresh(younger).status == Order.Status.ALLOCATED


def test_more_than_available_is_refused_naming_the_line(
    confirmed: Any, stock: Any, product: Any, make_user: Any, english: Any
) -> None:
    stock(product, 1)
    order = confirmed(quantity=2)
    line = order.lines.get()
    with pytest.raises(StockShort) as refused:
        delivery_note_create(order=order, by=make_user("parts_support"), quantities={line.pk: 2})
    assert refused.value.field == f"line_{line.pk}"
    assert "only 1 available" in str(refused.value)
    assert not DeliveryNote.objects.exists()


def test_partial_delivery_needs_agreement_and_leaves_a_back_order(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    parts, finance, keeper = (
        make_user("parts_support"),
        make_user("division_finance"),
        make_user("warehouse"),
    )
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    stock(product, 3)
    order = confirmed(quantity=5)
    line = order.lines.get()
    with pytest.raises(FulfilmentError) as refused:
        delivery_note_create(order=order, by=parts, quantities={line.pk: 3})
    assert refused.value.field == "partial_agreed_with"
    partial, back_order = delivery_note_create(
        order=order, by=parts, quantities={line.pk: 3}, partial_agreed_with="王芳 (sales rep)"
    )
    assert (partial.kind, partial.status) == ("partial", "reserved")
    assert (back_order.kind, back_order.status) == ("back_order", "waiting")
    assert back_order.lines.get().quantity == 2
    assert _refresh(order).status == Order.Status.ALLOCATED

    delivery_note_mark_invoiced(note=partial, by=finance, invoice_number="12345678")
    shipment_create(
        note=partial,
        by=keeper,
        carrier=carrier,
        tracking_number="SF100000000001",
        parcels=1,
        weight_kg="3.5",
    )
    order = _refresh(order)
    progress = progress_of(order)
    assert order.status == Order.Status.INVOICED and progress.partially_shipped
    assert (progress.shipped, progress.waiting) == (3, 2)
    # the order page's section passes the notes it read (with their units): the same figures
    read = list(DeliveryNote.objects.filter(order=order).annotate(units=Sum("lines__quantity")))
    assert progress_of(order, notes=read) == progress

    stock(product, 2)
    [released] = waiting_notes_release(warehouse=warehouses["main"])
    assert released.pk == back_order.pk
    delivery_note_mark_invoiced(note=released, by=finance, invoice_number="12345679")
    shipment_create(
        note=released,
        by=keeper,
        carrier=carrier,
        tracking_number="SF100000000002",
        parcels=1,
        weight_kg="2",
    )
    order = _refresh(order)
    assert order.status == Order.Status.SHIPPED and not progress_of(order).partially_shipped
    assert order.tracking_number == "SF100000000002"
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (0, 0)
    moves = StockMove.objects.filter(product=product, warehouse=warehouses["main"])
    assert moves.aggregate(total=Sum("quantity"))["total"] == level.on_hand


def test_hand_over_refused_without_invoice_and_tracking_reuse_refused(
    confirmed: Any, stock: Any, product: Any, make_user: Any, english: Any
) -> None:
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    keeper, finance = make_user("warehouse"), make_user("division_finance")
    stock(product, 4)
    [note] = delivery_note_create(order=confirmed(quantity=2), by=make_user("parts_support"))
    with pytest.raises(FulfilmentError, match="invoice"):
        shipment_create(
            note=note,
            by=keeper,
            carrier=carrier,
            tracking_number="SF1234567",
            parcels=1,
            weight_kg="1",
        )
    delivery_note_mark_invoiced(note=note, by=finance, invoice_number="INV-1")
    shipment_create(
        note=note, by=keeper, carrier=carrier, tracking_number="SF1234567", parcels=1, weight_kg="1"
    )
    [other] = delivery_note_create(order=confirmed(quantity=1), by=make_user("parts_support"))
    delivery_note_mark_invoiced(note=other, by=finance, invoice_number="INV-2")
    with pytest.raises(FulfilmentError) as refused:
        shipment_create(
            note=other,
            by=keeper,
            carrier=carrier,
            tracking_number="sf1234567",
            parcels=1,
            weight_kg="1",
        )
    assert refused.value.field == "tracking_number"


def test_cancelling_the_order_frees_reserved_stock(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    stock(product, 2)
    order = confirmed(quantity=2)
    [note] = delivery_note_create(order=order, by=make_user("parts_support"))
    order_cancel(order=order, by=None, reason="customer changed mind")
    note.refresh_from_db()
    assert note.status == DeliveryNote.Status.CANCELLED
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (2, 0)


def test_cancelling_a_partly_shipped_order_is_refused_and_back_order_can_be_cancelled(
    confirmed: Any, stock: Any, product: Any, make_user: Any
) -> None:
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    parts = make_user("parts_support")
    stock(product, 1)
    order = confirmed(quantity=3)
    partial, back_order = delivery_note_create(
        order=order, by=parts, quantities={order.lines.get().pk: 1}, partial_agreed_with="rep"
    )
    delivery_note_mark_invoiced(note=partial, by=None, invoice_number="INV-9")
    shipment_create(
        note=partial, by=None, carrier=carrier, tracking_number="SF000111", parcels=1, weight_kg="1"
    )
    with pytest.raises(CancellationRefused):
        order_cancel(order=_refresh(order), by=None, reason="rest not needed")
    delivery_note_cancel(note=back_order, by=parts, reason="customer no longer needs the rest")
    assert _refresh(order).status == Order.Status.SHIPPED
