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
def test_long_statements_are_converted_once_and_bound_afresh_each_time() -> None:
    """Past psycopg's own limits (50 parameters): the conversion is kept, the values are
    not — each run binds its own."""
    sql = "SELECT " + " + ".join(["%s::int"] * 60) + " AS total -- conversion kept"
    for start in (0, 1, 5):
        assert rawsql.fetch(sql, list(range(start, start + 60))) == [
            (sum(range(start, start + 60)),)
        ]
    assert any(key[0] == sql for key in rawsql._CONVERSIONS)


def test_database_errors_of_a_hot_statement_are_djangos() -> None:
    """Whether through Django's cursor or past it, a failing statement raises Django's
    exception classes (the intake catches IntegrityError), and the connection is usable."""
    from django.db import DataError, IntegrityError, transaction

    if connection.vendor == "postgresql":  # SQLite divides by zero into NULL
        with pytest.raises(DataError), transaction.atomic():
            rawsql.fetch("SELECT CAST(%s AS integer) / 0", ["1"])
    row = _audit("twice")
    rawsql.insert([row])
    with pytest.raises(IntegrityError), transaction.atomic():
        rawsql.fetch(
            f"INSERT INTO {rawsql.table(AuditRecord)} (id, at, object_type, object_id, "  # noqa: S608
            "object_repr, action, from_state, to_state, note, data) "
            "SELECT id, at, object_type, object_id, object_repr, action, from_state, to_state, "
            f"note, data FROM {rawsql.table(AuditRecord)} WHERE id = %s RETURNING id",
            [row.pk],
        )
    assert rawsql.fetch("SELECT %s", [7])[0][0] in (7, "7")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_prepared_statements_can_be_turned_off(settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    sql = f"SELECT count(*) + 41 FROM {rawsql.table(Order)}"
    assert rawsql.fetch(sql, []) == [(41,)]

    prepared = rawsql.fetch("SELECT statement FROM pg_prepared_statements", [])
    assert not any("+ 41" in row[0] for row in prepared)


def _prepared_as_the_orm(model: Any, name: str, value: Any) -> None:
    """The value insert() sends for `value` in column `name` is get_db_prep_save's."""
    for field, _get, same_type, prepare, _plain in rawsql._insert_columns(model):
        if field.name != name:
            continue
        assert type(value) is same_type, (name, same_type)
        sent = prepare(field, value, connection) if prepare is not None else value
        expected = field.get_db_prep_save(value, connection)
        assert sent == expected and type(sent) is type(expected), (name, sent, expected)
        return
    raise AssertionError(f"no column {name}")


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (AuditRecord, "object_id", "7"),
        (AuditRecord, "note", "中文 O'Brien"),
        (Order, "goods_amount", Decimal("9999999999.99")),
        (Order, "freight", Decimal("0")),
        (Order, "placed_at", timezone.now()),
        (
            Order,
            "placed_at",
            dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        ),
        (Order, "is_paid", True),
        (Order, "division", 3),
    ],
)
def test_insert_prepares_plain_values_as_the_orm_does(model: Any, name: str, value: Any) -> None:
    _prepared_as_the_orm(model, name, value)


def test_insert_prepares_every_column_of_the_hot_models_as_the_orm_does(gq: Division) -> None:
    """Every column with a shortcut, for each hot model: integers keep the backend's
    typed wrapper (PostgreSQL), SQLite gets its strings for decimals and datetimes."""
    samples = {
        str: "x",
        bool: False,
        int: 2**40,
        Decimal: Decimal("12.30"),
        dt.datetime: timezone.now(),
        dt.date: dt.date(2026, 2, 28),
    }
    from orders.models import Customer, OrderLine

    seen = 0
    for model in (Order, OrderLine, AuditRecord, Customer):
        for field, _get, same_type, _prepare, _plain in rawsql._insert_columns(model):
            if same_type is None:
                continue
            value = samples[same_type]
            if same_type is int and field.get_internal_type().startswith(
                ("Small", "PositiveSmall")
            ):
                value = 7
            _prepared_as_the_orm(model, field.name, value)
            seen += 1
    assert seen > 40  # the shortcut covers most of the order's columns


def test_values_the_shortcut_does_not_take_go_through_the_field() -> None:
    """A naive datetime or an infinite decimal is left to get_db_prep_save (its warning,
    its refusal), exactly as bulk_create does."""
    from django.core.exceptions import ValidationError

    columns = {f.name: (f, p) for f, _g, _t, p, _n in rawsql._insert_columns(Order)}
    field, prepare = columns["goods_amount"]
    with pytest.raises(ValidationError):
        prepare(field, Decimal("Infinity"), connection)
    field, prepare = columns["placed_at"]
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        prepare(field, dt.datetime(2026, 3, 1, 8, 0), connection)
    # a field whose pre_save does more than read (auto_now_add) is asked, not read
    at = {f.name: g for f, g, _t, _p, _n in rawsql._insert_columns(AuditRecord)}
    assert at["at"] is None and at["action"] is not None


def test_insert_family_stores_the_parent_and_gives_each_child_its_key(gq: Division) -> None:
    """The order's lines and audit rows read the order's new key (as a number and as
    text); on PostgreSQL in the same statement as the order, elsewhere one per model."""
    from orders.models import OrderLine
    from tests.orders.factories import PlatformFactory, receive

    product = ListedProductFactory(division=gq, sku="SKU-A")
    template = receive(PlatformFactory())
    order = Order(
        **{
            f.attname: getattr(template, f.attname)
            for f in Order._meta.concrete_fields
            if f.attname not in ("id", "number", "platform_order_no")
        },
        number="GQ-FAMILY-1",
        platform_order_no="FAMILY-1",
    )
    lines = [
        OrderLine(
            position=n,
            product=product,
            sku=product.sku,
            name=product.name,
            unit=product.unit,
            quantity=n,
            unit_price=Decimal("1.10"),
            vat_rate=product.vat_rate,
            amount=Decimal("1.10") * n,
        )
        for n in (1, 2, 3)
    ]
    rows = [_audit("first"), _audit("second", note="n")]

    with CaptureQueriesContext(connection) as queries:
        rawsql.insert_family(
            order, [(lines, {"order_id": rawsql.KEY}), (rows, {"object_id": rawsql.KEY_TEXT})]
        )

    inserts = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    assert order.pk is not None and not order._state.adding
    stored = Order.objects.get(pk=order.pk)
    assert stored.number == "GQ-FAMILY-1" and stored.status == order.status
    assert [(line.position, line.quantity) for line in stored.lines.order_by("id")] == [
        (1, 1),
        (2, 2),
        (3, 3),
    ]
    # each instance got its own key (in the order given) and its parent's
    assert [line.pk for line in lines] == list(
        stored.lines.order_by("id").values_list("id", flat=True)
    )
    assert all(line.order_id == order.pk for line in lines)
    assert [
        r.action for r in AuditRecord.objects.filter(pk__in=[r.pk for r in rows]).order_by("id")
    ] == ["first", "second"]
    assert set(
        AuditRecord.objects.filter(pk__in=[r.pk for r in rows]).values_list("object_id", flat=True)
    ) == {str(order.pk)}
    assert all(r.object_id == str(order.pk) for r in rows)
    stored.save()  # the fsm concurrency guard knows the stored state


def test_insert_family_without_children_is_an_insert(gq: Division) -> None:
    row = _audit("alone")
    rawsql.insert_family(row, [([], {"object_id": rawsql.KEY_TEXT})])
    assert AuditRecord.objects.get(pk=row.pk).action == "alone"
