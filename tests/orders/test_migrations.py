"""Data migrations of the seams: the number counters move from orders to core with their
keys and values, so no number is issued twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("orders", "0007_routes_hong_kong_macao_taiwan"), ("core", "0002_roles_and_calendar")]


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_schema() -> Iterator[Any]:
    """The database as it stood before the move; migrated forward again afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    _migrate_to_latest()


def test_the_counters_move_to_core_and_continue(old_schema: Any, division: Any) -> None:
    old = old_schema.get_model("orders", "NumberSequence")
    old.objects.bulk_create(
        [
            old(key="ORDER-GQ-20260315", last_value=17),
            old(key="SO-GQ-2026", last_value=41),
            old(key="CUSTOMER", last_value=9),
        ]
    )

    _migrate_to_latest()

    from core.models import DocumentSequence
    from orders.services.numbers import (
        customer_number_next,
        order_number_next,
        sales_order_number_next,
    )

    assert sorted(DocumentSequence.objects.values_list("key", "last_value")) == [
        ("CUSTOMER", 9),
        ("ORDER-GQ-20260315", 17),
        ("SO-GQ-2026", 41),
    ]
    with transaction.atomic():
        assert order_number_next(division=division, day=dt.date(2026, 3, 15)) == "GQ-20260315-0018"
        assert sales_order_number_next(division=division, year=2026) == "SO-GQ-2026-000042"
        assert customer_number_next() == "C0000010"
    assert "orders_numbersequence" not in connection.introspection.table_names()
