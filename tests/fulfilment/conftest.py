from __future__ import annotations

from typing import Any

import pytest

from tests.orders.factories import ListedProductFactory, order_in_state


@pytest.fixture
def second_product(division: Any) -> Any:
    return ListedProductFactory(sku="SKU-B", division=division)


@pytest.fixture
def stock(warehouses: Any) -> Any:
    """stock(product, 5) → book 5 units into GQ-MAIN (or `warehouse=`) as a receipt move."""
    from django.db import transaction

    from fulfilment.models import StockMove
    from fulfilment.services import stock_levels_lock, stock_move_post

    def book(product: Any, quantity: int, *, warehouse: Any = None) -> Any:
        warehouse = warehouse or warehouses["main"]
        with transaction.atomic():
            level = stock_levels_lock(warehouse=warehouse, product_ids=[product.pk])[product.pk]
            stock_move_post(level, kind=StockMove.Kind.RECEIPT, quantity=quantity, by=None)
        level.refresh_from_db()
        return level

    return book


@pytest.fixture
def confirmed(platform: Any, division: Any, warehouses: Any, product: Any) -> Any:
    """confirmed(quantity=2, **payload changes) → a confirmed order routed to GQ-MAIN."""

    def build(quantity: int = 2, **changes: Any) -> Any:
        changes.setdefault(
            "lines", [{"sku": product.sku, "quantity": quantity, "unit_price": "100.00"}]
        )
        return order_in_state("confirmed", platform=platform, division=division, **changes)

    return build


def level_of(product: Any, warehouse: Any) -> Any:
    from fulfilment.models import StockLevel

    return StockLevel.objects.get(product=product, warehouse=warehouse)
