"""The stock pages: levels with the low badge and filters, the ledger, the receipt list;
scoped to the user's divisions, with query-count guards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from catalog.models import ProductBin
from fulfilment.models import StockMove
from fulfilment.services import stock_levels_lock, stock_move_post
from fulfilment.services.receipts import inbound_receipt_book
from tests.factories import WarehouseFactory
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


def _ship(product: Any, warehouse: Any, quantity: int, days_ago: int = 1) -> None:
    with transaction.atomic():
        level = stock_levels_lock(warehouse=warehouse, product_ids=[product.pk])[product.pk]
        stock_move_post(
            level,
            kind=StockMove.Kind.SHIPMENT,
            quantity=-quantity,
            by=None,
            at=timezone.now() - dt.timedelta(days=days_ago),
            document="DN-X",
        )


@pytest.fixture
def foreign(other_division: Any, stock: Any) -> dict[str, Any]:
    """Stock of division DQ, which a GQ user must not see."""
    warehouse = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    product = ListedProductFactory(sku="DQ-SECRET", division=other_division)
    stock(product, 9, warehouse=warehouse)
    return {"warehouse": warehouse, "product": product}


def test_stock_list_for_the_warehouse_role_is_scoped_and_flags_low_stock(
    client: Any,
    product: Any,
    second_product: Any,
    stock: Any,
    warehouses: Any,
    foreign: Any,
    make_user: Any,
) -> None:
    stock(product, 10)
    _ship(product, warehouses["main"], 8)  # 2 available < 8 shipped: low
    stock(second_product, 5, warehouse=warehouses["central"])
    ProductBin.objects.create(product=product, warehouse=warehouses["main"], bin_code="A-01-03")
    client.force_login(make_user("warehouse"))

    response = client.get(reverse("fulfilment:stock-list"))

    assert response.status_code == 200
    rows = {
        (level.product.sku, level.warehouse.code): level for level in response.context["levels"]
    }
    assert set(rows) == {("SKU-A", "GQ-MAIN"), ("SKU-B", "GQ-CENTRAL")}
    low = rows[("SKU-A", "GQ-MAIN")]
    assert (low.on_hand, low.reserved, low.available_units) == (2, 0, 2)
    assert (low.shipped_last_week, low.is_low, low.bin_code) == (8, True, "A-01-03")
    assert rows[("SKU-B", "GQ-CENTRAL")].is_low is False
    text = response.content.decode()
    assert "DQ-SECRET" not in text
    assert text.count('data-testid="low-badge"') == 1

    low_only = client.get(reverse("fulfilment:stock-list"), {"low_only": "on"})
    assert [lv.product.sku for lv in low_only.context["levels"]] == ["SKU-A"]
    searched = client.get(reverse("fulfilment:stock-list"), {"q": "sku-b"})
    assert [lv.product.sku for lv in searched.context["levels"]] == ["SKU-B"]
    by_warehouse = client.get(
        reverse("fulfilment:stock-list"), {"warehouse": warehouses["central"].pk}
    )
    assert [lv.product.sku for lv in by_warehouse.context["levels"]] == ["SKU-B"]
    refused = client.get(reverse("fulfilment:stock-list"), {"warehouse": foreign["warehouse"].pk})
    assert "DQ-SECRET" not in refused.content.decode()


def test_stock_list_queries_do_not_grow_with_rows(
    client: Any,
    division: Any,
    stock: Any,
    warehouses: Any,
    make_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):
        item = ListedProductFactory(sku=f"ROW-{n:02d}", division=division)
        stock(item, 5)
        _ship(item, warehouses["main"], 1)
    client.force_login(make_user("warehouse"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fulfilment:stock-list"))
    assert len(response.context["levels"]) == 15


def test_move_list_filters_and_is_scoped(
    client: Any, product: Any, stock: Any, warehouses: Any, foreign: Any, make_user: Any
) -> None:
    stock(product, 10)
    _ship(product, warehouses["main"], 3)
    client.force_login(make_user("parts_support"))
    url = reverse("fulfilment:move-list")
    moves = client.get(url).context["moves"]
    assert sorted((m.kind, m.quantity) for m in moves) == [("receipt", 10), ("shipment", -3)]
    shipped = client.get(url, {"kind": "shipment", "sku": "SKU-A"}).context["moves"]
    assert [(m.kind, m.on_hand_after) for m in shipped] == [("shipment", 7)]
    today = timezone.localdate().isoformat()
    assert [m.kind for m in client.get(url, {"date_from": today}).context["moves"]] == ["receipt"]
    assert "DQ-SECRET" not in client.get(url).content.decode()


def test_pages_need_their_permission(client: Any, make_user: Any, warehouses: Any) -> None:
    client.force_login(make_user("sales_rep"))
    for name in ("stock-list", "move-list", "receipt-create", "replenishment-list"):
        assert client.get(reverse(f"fulfilment:{name}")).status_code == 403
    client.force_login(make_user("warehouse_receiver"))
    assert client.get(reverse("fulfilment:stock-list")).status_code == 200
    assert client.get(reverse("fulfilment:receipt-create")).status_code == 403


def test_receipt_list_and_detail_are_scoped(
    client: Any,
    product: Any,
    warehouses: Any,
    foreign: Any,
    other_division: Any,
    make_user: Any,
) -> None:
    mine = inbound_receipt_book(
        warehouse=warehouses["main"], by=None, supplier="Mine Ltd", lines=[(product, 2)]
    )
    theirs = inbound_receipt_book(
        warehouse=foreign["warehouse"],
        by=None,
        supplier="Theirs Ltd",
        lines=[(foreign["product"], 1)],
    )
    client.force_login(make_user("warehouse"))
    response = client.get(reverse("fulfilment:receipt-list"))
    assert response.status_code == 200
    assert list(response.context["receipts"]) == [mine]
    assert response.context["receipts"][0].units == 2
    detail = client.get(reverse("fulfilment:receipt-detail", args=[mine.pk]))
    assert detail.status_code == 200
    assert "Mine Ltd" in detail.content.decode()
    assert client.get(reverse("fulfilment:receipt-detail", args=[theirs.pk])).status_code == 404
