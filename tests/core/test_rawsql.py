"""core.rawsql, the hand-written statements of the intake's hot path: what they store and
read back must be exactly what the ORM stores and reads, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Settlement
from catalog.models import Product
from core import rawsql
from core.models import AuditRecord, Division
from orders.models import Order
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gq(db: Any) -> Division:
    return Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})[0]


def _audit(action: str, **extra: Any) -> AuditRecord:
    return AuditRecord(object_type="test.thing", object_id="7", action=action, **extra)


def test_insert_stores_what_bulk_create_stores_and_sets_the_keys() -> None:
    rows = [
        _audit("a", note="", data={"k": "v", "n": [1, 2]}, to_state="x"),
        _audit("b", note="ünïcode 中文", from_state="", object_repr="O'Brien; --"),
    ]
    twins = [
        _audit("a", note="", data={"k": "v", "n": [1, 2]}, to_state="x"),
        _audit("b", note="ünïcode 中文", from_state="", object_repr="O'Brien; --"),
    ]

    rawsql.insert(rows)
    AuditRecord.objects.bulk_create(twins)

    assert all(row.pk is not None and not row._state.adding for row in rows)
    assert rows[0].pk < rows[1].pk  # in the given order
    for row, twin in zip(rows, twins, strict=True):
        stored = AuditRecord.objects.get(pk=row.pk)
        other = AuditRecord.objects.get(pk=twin.pk)
        fields = ("object_type", "object_id", "object_repr", "action", "from_state", "to_state")
        for name in (*fields, "note", "data", "actor_id"):
            assert getattr(stored, name) == getattr(other, name), name
        assert stored.at is not None and abs(stored.at - row.at) < dt.timedelta(seconds=1)


def test_insert_writes_empty_values_as_literals_and_keeps_the_rest_as_parameters() -> None:
    with CaptureQueriesContext(connection) as queries:
        rawsql.insert([_audit("a"), _audit("b", note="n")])

    (sql,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert "NULL" in sql and "''" in sql  # actor and the empty texts
    assert AuditRecord.objects.filter(action__in=["a", "b"], actor=None).count() == 2
    assert AuditRecord.objects.get(action="b").note == "n"
    assert AuditRecord.objects.get(action="a").note == ""


def test_insert_of_many_rows_is_batched_like_bulk_create() -> None:
    rows = [_audit(f"r{n}") for n in range(600)]  # 600 × 10 parameters: past SQLite's limit

    rawsql.insert(rows)

    assert len({row.pk for row in rows}) == 600
    assert AuditRecord.objects.filter(action__startswith="r").count() == 600


def test_an_inserted_state_machine_can_be_saved_again(gq: Division) -> None:
    """django_fsm's concurrency guard compares the stored state with the one loaded: after
    the raw INSERT the instance must know the state it was stored in."""
    product = ListedProductFactory.build(division=gq, sku="RAW-1", category=None)
    product.category = ListedProductFactory(division=gq, sku="RAW-0").category
    rawsql.insert([product])

    product.name = "renamed"
    product.save()

    assert Product.objects.get(pk=product.pk).name == "renamed"


def test_insert_falls_back_to_the_orm_for_instances_with_a_key() -> None:
    row = _audit("keyed")
    row.pk = 10**9
    rawsql.insert([row])
    assert AuditRecord.objects.get(pk=10**9).action == "keyed"


def test_load_converts_like_the_orm_whatever_the_column_order(gq: Division) -> None:
    day = dt.date(2026, 3, 25)
    locked = timezone.now().replace(microsecond=0)
    settlement = Settlement.objects.create(
        division=gq,
        first_day=dt.date(2026, 2, 26),
        last_day=day,
        status=Settlement.Status.LOCKED,
        locked_at=locked,
    )
    fields = ("locked_at", "last_day", "id", "first_day", "status")  # not the model's order
    rows = rawsql.fetch(
        f"SELECT {rawsql.columns(Settlement, fields)} FROM {rawsql.table(Settlement)}",  # noqa: S608
        [],
    )

    (found,) = rawsql.load(Settlement, fields, rows)

    assert found.pk == settlement.pk
    assert found.first_day == dt.date(2026, 2, 26) and isinstance(found.first_day, dt.date)
    assert found.last_day == day
    assert found.locked_at == locked and found.locked_at.tzinfo is not None


def test_load_gives_decimals_on_every_database(gq: Division) -> None:
    product = ListedProductFactory(division=gq, sku="RAW-DEC", selling_price=Decimal("12.30"))
    fields = ("id", "selling_price", "vat_rate", "is_slow_mover")
    rows = rawsql.fetch(
        f"SELECT {rawsql.columns(Product, fields)} FROM {rawsql.table(Product)} "  # noqa: S608
        f"WHERE {rawsql.column(Product, 'id')} = %s",
        [product.pk],
    )

    (found,) = rawsql.load(Product, fields, rows)

    assert found.selling_price == Decimal("12.30") and isinstance(found.selling_price, Decimal)
    assert isinstance(found.vat_rate, Decimal) and found.vat_rate == product.vat_rate
    assert found.is_slow_mover is False


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_hot_statements_are_prepared_once_per_session_on_postgresql() -> None:
    sql = f"SELECT count(*) FROM {rawsql.table(Order)} WHERE {rawsql.column(Order, 'id')} = %s"
    for value in (1, 2, 3):
        assert rawsql.fetch(sql, [value]) == [(0,)]

    prepared = rawsql.fetch(
        "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%orders_order%"]
    )
    assert len([row for row in prepared if "count(*)" in row[0]]) == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_prepared_statements_can_be_turned_off(settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    sql = f"SELECT count(*) + 41 FROM {rawsql.table(Order)}"
    assert rawsql.fetch(sql, []) == [(41,)]

    prepared = rawsql.fetch("SELECT statement FROM pg_prepared_statements", [])
    assert not any("+ 41" in row[0] for row in prepared)
