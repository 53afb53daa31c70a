"""Row locks and the append-only price history on PostgreSQL (skipped on SQLite)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from catalog.exceptions import TransitionRefused
from catalog.models import PriceChange, Product
from catalog.services import PriceSet, product_list_for_sale, product_prices_change

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


def _in_thread(target: Any) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as error:  # the test inspects it
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _selling(product: Product, price: str) -> PriceSet:
    return PriceSet(**{**PriceSet.of(product).__dict__, "selling_price": Decimal(price)})


def test_a_second_price_change_waits_and_sees_the_first(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=Product.Status.LISTED, complete=True)
    stale = Product.objects.get(pk=product.pk)

    with transaction.atomic():
        product_prices_change(
            product=product, by=users["product_group"], prices=_selling(product, "90.00")
        )
        thread, outcome = _in_thread(
            lambda: product_prices_change(
                product=stale, by=users["product_group"], prices=_selling(stale, "95.00")
            )
        )
        time.sleep(0.5)
        assert thread.is_alive()  # blocked on the row lock
    thread.join(timeout=10)

    assert not isinstance(outcome[0], Exception)
    rows = PriceChange.objects.filter(kind="selling_price").order_by("id")
    assert [(r.old_value, r.new_value) for r in rows] == [
        (Decimal("85.00"), Decimal("90.00")),
        (Decimal("90.00"), Decimal("95.00")),
    ]


def test_listing_twice_at_once_lists_once(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=Product.Status.APPROVED, complete=True)
    stale = Product.objects.get(pk=product.pk)

    with transaction.atomic():
        product_list_for_sale(product=product, by=users["product_group"])
        thread, outcome = _in_thread(
            lambda: product_list_for_sale(product=stale, by=users["product_group"])
        )
        time.sleep(0.5)
        assert thread.is_alive()
    thread.join(timeout=10)

    assert isinstance(outcome[0], TransitionRefused)
    product.refresh_from_db()
    assert product.status == Product.Status.LISTED


def test_price_history_rows_cannot_be_changed_below_the_orm(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=Product.Status.LISTED, complete=True)
    product_prices_change(
        product=product, by=users["product_group"], prices=_selling(product, "90.00")
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE catalog_pricechange SET new_value = 1")
    assert PriceChange.objects.get().new_value == Decimal("90.00")
