"""The stock row's CHECK constraints hold below the ORM (SQLite and PostgreSQL alike): a
raw UPDATE cannot reserve more than is on hand, nor make on hand or reserved negative."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from fulfilment.models import StockLevel

pytestmark = pytest.mark.django_db


def _raw_update(level: StockLevel, assignment: str) -> None:
    table = connection.ops.quote_name(StockLevel._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignment} WHERE id = %s", [level.pk])  # noqa: S608


@pytest.mark.parametrize(
    "assignment",
    ["reserved = on_hand + 1", "on_hand = -1, reserved = 0", "reserved = -1"],
    ids=["reserved-above-on-hand", "on-hand-negative", "reserved-negative"],
)
def test_a_raw_update_breaking_the_stock_rules_is_refused_by_the_database(
    assignment: str, stock: Any, product: Any
) -> None:
    level = stock(product, 5)

    with pytest.raises(IntegrityError):
        _raw_update(level, assignment)

    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (5, 0)


def test_a_raw_update_within_the_rules_goes_through(stock: Any, product: Any) -> None:
    level = stock(product, 5)

    _raw_update(level, "reserved = on_hand")

    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (5, 5)
