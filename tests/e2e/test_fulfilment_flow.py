"""Parts support writes a delivery note, finance issues its invoice, the warehouse
prints the wave's pick list and hands the order to the carrier (SPEC §3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from billing.models import Invoice
from fulfilment.models import Carrier, DeliveryNote, PickList, Shipment, StockMove
from fulfilment.services import stock_levels_lock, stock_move_post
from orders.models import Order
from tests.orders.factories import ListedProductFactory, PlatformFactory, order_in_state

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_delivery_note_pick_list_and_hand_over(
    page: Any, login: Any, make_user: Any, division: Any, warehouses: Any
) -> None:
    make_user("parts_support", username="parts_support", first_name="备件")
    make_user("division_finance", username="division_finance")
    make_user("warehouse", username="warehouse", first_name="仓管")
    product = ListedProductFactory(sku="SKU-A", division=division, name="工业除湿机 DH-50")
    Carrier.objects.create(code="SF", name="顺丰速运", tracking_pattern=r"SF\d{12}")
    with transaction.atomic():
        level = stock_levels_lock(warehouse=warehouses["main"], product_ids=[product.pk])
        stock_move_post(level[product.pk], kind=StockMove.Kind.RECEIPT, quantity=5, by=None)
    order = order_in_state("confirmed", platform=PlatformFactory(), division=division)

    login("parts_support")
    page.goto("/fulfilment/queue/")
    page.click(f"[data-testid=queue-window] >> text={order.number}")
    page.goto(f"/fulfilment/orders/{order.pk}/stock-check/")
    expect(page.locator("[data-testid=available]")).to_have_text("5")
    page.click("[data-testid=create-note]")
    expect(page.locator("[data-testid=note-status]")).to_be_visible()
    note = DeliveryNote.objects.get(order=order)
    assert note.status == DeliveryNote.Status.RESERVED
    assert Order.objects.get(pk=order.pk).status == Order.Status.ALLOCATED

    page.context.clear_cookies()
    login("division_finance")
    page.goto(f"/fulfilment/notes/{note.pk}/")
    expect(page.locator("[data-testid=invoice-preview-total]")).to_have_text("¥210.00")
    page.click("[data-testid=issue-invoice]")
    expect(page.locator("[data-testid=invoice-totals]")).to_contain_text("¥210.00")
    invoice = Invoice.objects.get(delivery_note=note)
    expect(page.locator("h1")).to_contain_text(invoice.number)
    page.goto(f"/fulfilment/notes/{note.pk}/")
    expect(page.locator("[data-testid=note-invoice]")).to_contain_text(invoice.number)

    page.context.clear_cookies()
    login("warehouse")
    page.goto("/")
    expect(page.locator("[data-testid=waves-panel]")).to_contain_text("GQ-MAIN")
    page.goto("/fulfilment/waves/")
    page.locator("[data-testid=waves] button.primary").first.click(no_wait_after=True)
    for _ in range(50):  # the PDF answers the click (a download in headless Chromium)
        if PickList.objects.exists():
            break
        page.wait_for_timeout(100)
    pick_list = PickList.objects.get()
    assert list(pick_list.delivery_notes.all()) == [note]
    page = page.context.new_page()  # the first tab shows the PDF
    page.goto(f"/fulfilment/notes/{note.pk}/")
    page.select_option("#id_carrier", label="SF 顺丰速运")
    page.fill("#id_tracking_number", "SF100000000001")
    page.fill("#id_parcels", "1")
    page.fill("#id_weight_kg", "3.2")
    page.click("[data-testid=handover-submit]")
    expect(page.locator("[data-testid=note-shipment]")).to_contain_text("SF100000000001")
    assert Shipment.objects.get().delivery_note == note
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED
