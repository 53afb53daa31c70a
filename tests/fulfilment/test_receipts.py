"""Inbound receipts (入库单): booked the same day, one receipt move per line, held orders
released oldest first after the commit, refusals at the field they concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditRecord
from fulfilment.exceptions import FulfilmentError, NotPermitted
from fulfilment.models import (
    DeliveryNote,
    InboundReceipt,
    ReplenishmentRequest,
    StockLevel,
    StockMove,
)
from fulfilment.services import delivery_note_create
from fulfilment.services.receipts import inbound_receipt_book
from fulfilment.services.replenishment import (
    replenishment_approve,
    replenishment_create,
    replenishment_submit,
)
from orders.models import Order
from tests.fulfilment.conftest import level_of
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


def _nothing_booked() -> None:
    assert InboundReceipt.objects.count() == 0
    assert StockMove.objects.count() == 0
    assert not StockLevel.objects.filter(on_hand__gt=0).exists()


def test_receipt_books_one_move_per_line_and_on_hand(
    product: Any, second_product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    keeper = make_user("warehouse")
    receipt = inbound_receipt_book(
        warehouse=warehouses["main"],
        by=keeper,
        supplier="  上海五金   供应公司 ",
        supplier_document="SD-778",
        lines=[(product, 7), (second_product, 3)],
    )
    assert receipt.number.startswith("RK-GQ-")
    assert receipt.supplier == "上海五金 供应公司"
    assert receipt.received_on == timezone.localdate()
    assert receipt.booked_by == keeper
    assert sorted((ln.product.sku, ln.quantity) for ln in receipt.lines.all()) == [
        ("SKU-A", 7),
        ("SKU-B", 3),
    ]
    moves = StockMove.objects.filter(document=receipt.number).order_by("product__sku")
    assert [(m.product.sku, m.kind, m.quantity, m.on_hand_after) for m in moves] == [
        ("SKU-A", "receipt", 7, 7),
        ("SKU-B", "receipt", 3, 3),
    ]
    assert level_of(product, warehouses["main"]).on_hand == 7
    assert level_of(second_product, warehouses["main"]).on_hand == 3
    assert AuditRecord.objects.filter(
        object_type="fulfilment.inboundreceipt", object_id=str(receipt.pk), action="booked"
    ).exists()


def test_receipt_releases_three_held_orders_oldest_first_after_commit(
    confirmed: Any,
    product: Any,
    warehouses: Any,
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    parts, keeper = make_user("parts_support"), make_user("warehouse")
    orders = [confirmed(quantity=2) for _ in range(3)]
    notes = [delivery_note_create(order=order, by=parts)[0] for order in orders]
    assert {n.status for n in notes} == {DeliveryNote.Status.WAITING}

    # 5 units: the two oldest (2 + 2) are released, the youngest still waits
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inbound_receipt_book(
            warehouse=warehouses["main"], by=keeper, supplier="Supplier", lines=[(product, 5)]
        )
    # nothing is released inside the receipt's transaction
    assert DeliveryNote.objects.filter(status=DeliveryNote.Status.WAITING).count() == 3
    assert len(callbacks) == 1
    callbacks[0]()
    statuses = [DeliveryNote.objects.get(pk=n.pk).status for n in notes]
    assert statuses == ["reserved", "reserved", "waiting"]
    assert [Order.objects.get(pk=o.pk).status for o in orders] == [
        Order.Status.ALLOCATED,
        Order.Status.ALLOCATED,
        Order.Status.ON_HOLD,
    ]
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (5, 4)

    with django_capture_on_commit_callbacks(execute=True):
        inbound_receipt_book(
            warehouse=warehouses["main"], by=keeper, supplier="Supplier", lines=[(product, 1)]
        )
    assert DeliveryNote.objects.get(pk=notes[2].pk).status == DeliveryNote.Status.RESERVED
    assert Order.objects.get(pk=orders[2].pk).status == Order.Status.ALLOCATED


def test_received_on_yesterday_or_tomorrow_is_refused_at_the_field(
    product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    keeper = make_user("warehouse")
    today = timezone.localdate()
    for day in (today - dt.timedelta(days=1), today + dt.timedelta(days=1)):
        with pytest.raises(FulfilmentError) as refused:
            inbound_receipt_book(
                warehouse=warehouses["main"],
                by=keeper,
                supplier="Supplier",
                lines=[(product, 1)],
                received_on=day,
            )
        assert refused.value.field == "received_on"
        assert "the day they arrive" in str(refused.value)
    _nothing_booked()


def test_duplicate_sku_is_refused_naming_the_line(
    product: Any, second_product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=make_user("warehouse"),
            supplier="Supplier",
            lines=[(product, 1), (second_product, 2), (product, 3)],
        )
    assert refused.value.field == "lines-2-product"
    assert "SKU-A appears twice" in str(refused.value)
    _nothing_booked()


def test_product_of_another_division_is_refused(
    product: Any, warehouses: Any, other_division: Any, make_user: Any, english: Any
) -> None:
    foreign = ListedProductFactory(sku="DQ-1", division=other_division)
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=make_user("warehouse"),
            supplier="Supplier",
            lines=[(product, 1), (foreign, 1)],
        )
    assert refused.value.field == "lines-1-product"
    assert "DQ-1 is not a product of the division" in str(refused.value)
    _nothing_booked()


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001, 2.5, "3"])
def test_quantity_outside_whole_1_to_a_million_is_refused(
    quantity: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=make_user("warehouse"),
            supplier="Supplier",
            lines=[(product, quantity)],
        )
    assert refused.value.field == "lines-0-quantity"
    _nothing_booked()


def test_supplier_and_a_line_are_required_and_role_is_checked(
    product: Any, warehouses: Any, make_user: Any
) -> None:
    keeper = make_user("warehouse")
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"], by=keeper, supplier="   ", lines=[(product, 1)]
        )
    assert refused.value.field == "supplier"
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(warehouse=warehouses["main"], by=keeper, supplier="S", lines=[])
    assert refused.value.field == "lines"
    with pytest.raises(NotPermitted):
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=make_user("sales_rep"),
            supplier="S",
            lines=[(product, 1)],
        )
    _nothing_booked()


def test_linked_request_must_be_approved_and_becomes_received(
    product: Any, second_product: Any, warehouses: Any, make_user: Any
) -> None:
    keeper, leader = make_user("warehouse"), make_user("ecom_leader")
    request = replenishment_create(
        product=product, warehouse=warehouses["main"], quantity=20, unit_cost="100", by=keeper
    )
    with pytest.raises(FulfilmentError) as refused:
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=keeper,
            supplier="S",
            lines=[(product, 20)],
            request=request,
        )
    assert refused.value.field == "request"
    replenishment_submit(request=request, by=keeper)
    replenishment_approve(request=request, by=leader)
    with pytest.raises(FulfilmentError) as refused:  # not the request's product
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=keeper,
            supplier="S",
            lines=[(second_product, 20)],
            request=request,
        )
    assert refused.value.field == "request"
    receipt = inbound_receipt_book(
        warehouse=warehouses["main"],
        by=keeper,
        supplier="S",
        lines=[(product, 20)],
        request=request,
    )
    request.refresh_from_db()
    assert request.status == ReplenishmentRequest.Status.RECEIVED
    assert receipt.request == request
    assert AuditRecord.objects.filter(
        object_type="fulfilment.replenishmentrequest",
        object_id=str(request.pk),
        action="received",
        to_state="received",
    ).exists()


# --- the page -----------------------------------------------------------------------------
def test_receipt_page_keeps_the_input_on_a_refusal(
    client: Any, product: Any, second_product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    client.force_login(make_user("warehouse", language="en"))
    url = reverse("fulfilment:receipt-create")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["lines"].total_form_count() == 5
    data = {
        "warehouse": warehouses["main"].pk,
        "supplier": "宁波精工配件厂",
        "supplier_document": "NB-2231",
        "note": "",
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": "sku-a",
        "lines-0-quantity": "4",
        "lines-1-product": "",
        "lines-1-quantity": "",
        "lines-2-product": "SKU-A",
        "lines-2-quantity": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    text = response.content.decode()
    assert "宁波精工配件厂" in text
    assert "NB-2231" in text
    assert 'value="sku-a"' in text
    lines = response.context["lines"]
    assert "SKU-A appears twice" in str(lines.forms[2].errors["product"])
    assert InboundReceipt.objects.count() == 0

    data["lines-2-product"] = "SKU-B"
    response = client.post(url, data)
    receipt = InboundReceipt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fulfilment:receipt-detail", args=[receipt.pk])
    assert level_of(product, warehouses["main"]).on_hand == 4
    assert level_of(second_product, warehouses["main"]).on_hand == 2
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert receipt.number in detail.content.decode()


def test_receipt_page_unknown_sku_and_missing_supplier_stay_on_the_page(
    client: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    client.force_login(make_user("warehouse"))
    data = {
        "warehouse": warehouses["main"].pk,
        "supplier": "Acme",
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": "NOPE-1",
        "lines-0-quantity": "4",
    }
    response = client.post(reverse("fulfilment:receipt-create"), data)
    assert response.status_code == 422
    assert response.context["lines"].forms[0].errors["product"]
    assert "Acme" in response.content.decode()
    data.update({"supplier": "", "lines-0-product": "SKU-A"})
    response = client.post(reverse("fulfilment:receipt-create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["supplier"]
    assert InboundReceipt.objects.count() == 0


def test_receipt_page_offers_only_the_users_warehouses(
    client: Any, warehouses: Any, other_division: Any, make_user: Any
) -> None:
    from tests.factories import WarehouseFactory

    foreign = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    client.force_login(make_user("warehouse"))
    form = client.get(reverse("fulfilment:receipt-create")).context["form"]
    assert set(form.fields["warehouse"].queryset) == set(warehouses.values())
    assert foreign not in form.fields["warehouse"].queryset
