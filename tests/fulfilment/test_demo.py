"""seed_demo: the fulfilment part of the demo contract, idempotent and consistent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Sum

from fulfilment.models import (
    DeliveryNote,
    InboundReceipt,
    LowStockEpisode,
    PickList,
    ReplenishmentRequest,
    Shipment,
    StockLevel,
    StockMove,
    StockTake,
)
from fulfilment.services import progress_of
from orders.models import Order

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_every_note_state_stock_in_both_warehouses_and_a_partial_delivery() -> None:
    _seed()
    counts = (DeliveryNote.objects.count(), Shipment.objects.count(), StockMove.objects.count())
    _seed()
    assert (
        DeliveryNote.objects.count(),
        Shipment.objects.count(),
        StockMove.objects.count(),
    ) == counts
    states = Counter(DeliveryNote.objects.values_list("status", flat=True))
    assert set(states) == set(DeliveryNote.Status.values)
    for code in ("GQ-MAIN", "GQ-CENTRAL"):
        assert StockLevel.objects.filter(warehouse__code=code, on_hand__gt=0).count() >= 15
    held = Order.objects.get(platform_order_no="DEMO-MALL-0006")
    assert held.status == Order.Status.ON_HOLD
    assert held.delivery_notes.get().status == DeliveryNote.Status.WAITING
    partial = Order.objects.get(platform_order_no="DEMO-MALL-0014")
    progress = progress_of(partial)
    assert progress.partially_shipped and progress.waiting == 3
    kinds = set(partial.delivery_notes.values_list("kind", "status"))
    assert kinds == {("partial", "shipped"), ("back_order", "waiting")}
    assert Order.objects.get(platform_order_no="DEMO-MALL-0015").status == Order.Status.SHIPPED
    requests = set(ReplenishmentRequest.objects.values_list("status", flat=True))
    assert requests == set(ReplenishmentRequest.Status.values)
    receipt = InboundReceipt.objects.get()
    assert receipt.request is not None and receipt.request.status == "received"
    assert PickList.objects.get().delivery_notes.exists()
    assert LowStockEpisode.objects.filter(closed_at__isnull=True).exists()
    assert set(StockTake.objects.values_list("status", flat=True)) == set(StockTake.Status.values)
    assert StockMove.objects.filter(kind="stock_take").count() >= 1
    for level in StockLevel.objects.all():
        moved = StockMove.objects.filter(
            product=level.product_id, warehouse=level.warehouse_id
        ).aggregate(total=Sum("quantity"))["total"]
        assert moved == level.on_hand
        reserved = (
            DeliveryNote.objects.filter(
                warehouse=level.warehouse_id,
                status__in=["reserved", "invoiced"],
                lines__product=level.product_id,
            ).aggregate(total=Sum("lines__quantity"))["total"]
            or 0
        )
        assert reserved == level.reserved
