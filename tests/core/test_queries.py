"""`core.queries`: `one` reads the row a unique condition finds without an ORDER BY;
`compiled` runs a statement compiled once per shape, with what the ORM would read."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditRecord, Division, Notification, SpecialDay, Warehouse
from core.queries import MAX_SHAPES, Fixed, compiled, compiled_count, one, rows_by_ids

pytestmark = pytest.mark.django_db


def test_the_row_or_none_and_no_sort(division: Any) -> None:
    with CaptureQueriesContext(connection) as read:
        found = one(Division.objects.filter(pk=division.pk))
        missing = one(Division.objects.filter(pk=division.pk + 1000))

    assert found == division and missing is None
    assert len(read) == 2 and not any("ORDER BY" in q["sql"] for q in read.captured_queries)


# --- compiled: statements compiled once per shape -------------------------------------------
def _history(object_type: str, object_id: str) -> QuerySet[AuditRecord]:
    return (
        AuditRecord.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("at", "id")
    )


def _warehouses(divisions: tuple[int, ...] | None, active: bool | None) -> QuerySet[Warehouse]:
    found = Warehouse.objects.select_related("division").annotate(n=Count("division__warehouses"))
    if divisions is not None:
        found = found.filter(division__in=divisions)
    if active is not None:
        found = found.filter(is_active=active)
    return found.order_by("code")


def _codes(division_id: int) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(division_id=division_id).order_by("code")


def _code_list(division_id: int) -> Any:
    return _codes(division_id).values_list("code", flat=True)


def _pairs(division_id: int) -> Any:
    return _codes(division_id).values_list("pk", "code")


def _containing(text: str) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(name__icontains=text)


def _first_n(division_id: int, n: int) -> QuerySet[Warehouse]:
    return _codes(division_id)[:n]


def _as_dicts(division_id: int) -> Any:
    return _codes(division_id).values("code")


def _fields(objects: list[Any], *names: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(obj, name) for name in names) for obj in objects]


@pytest.fixture
def compile_count() -> Any:
    """How many statements Django compiled (SQLCompiler.as_sql at the top level)."""
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql):
        yield SQLCompiler.as_sql


def test_the_rows_the_orm_reads_models_related_and_converted(division: Any, make_user: Any) -> None:
    actor = make_user("sales_rep", first_name="王", last_name="五")
    audit_record(obj=division, action="created", by=actor, data={"a": [1, "二"]})
    audit_record(obj=division, action="changed", by=None, note="system\x01")
    audit_record(obj=actor, action="other", by=actor)

    got = compiled(_history, "core.division", str(division.pk))
    expected = list(_history("core.division", str(division.pk)))

    assert _fields(got, "pk", "at", "action", "note", "data", "actor_id") == _fields(
        expected, "pk", "at", "action", "note", "data", "actor_id"
    )
    assert got[0].actor == actor and got[0].actor.get_full_name() == actor.get_full_name()
    assert got[1].actor is None and got[0].at.tzinfo is not None
    assert compiled(_history, "core.division", "0") == []


def test_values_lists_flat_and_tuples(warehouses: dict[str, Any], division: Any) -> None:
    assert compiled(_code_list, division.pk) == ["GQ-CENTRAL", "GQ-MAIN"]
    assert compiled(_pairs, division.pk) == list(_pairs(division.pk))


def test_scopes_and_shapes(warehouses: dict[str, Any], division: Any, other_division: Any) -> None:
    there = Warehouse.objects.create(
        code="DQ-MAIN", name="电气总仓", division=other_division, kind="main", is_active=False
    )
    for divisions in (None, (division.pk,), (other_division.pk,), (division.pk, other_division.pk)):
        for active in (None, True, False):
            got = compiled(_warehouses, divisions, active)
            expected = list(_warehouses(divisions, active))
            assert _fields(got, "pk", "code", "n") == _fields(expected, "pk", "code", "n")
            assert [w.division.code for w in got] == [w.division.code for w in expected]
    assert [w.code for w in compiled(_warehouses, (other_division.pk,), None)] == [there.code]
    assert compiled(_warehouses, (), None) == []  # an empty scope: nothing, no statement


def test_compiled_once_per_shape_and_run_every_time(
    warehouses: dict[str, Any], division: Any, other_division: Any, compile_count: Any
) -> None:
    compiled(_codes, division.pk)
    compiles = compile_count.call_count
    assert compiles >= 1  # the stand-ins' two compiles
    with CaptureQueriesContext(connection) as read:
        first = compiled(_codes, division.pk)
        second = compiled(_codes, other_division.pk)
    assert compile_count.call_count == compiles  # nothing compiled again
    assert [w.code for w in first] == ["GQ-CENTRAL", "GQ-MAIN"] and second == []
    assert len(read) == 2  # each run is a statement of its own, logged like the ORM's


def test_what_it_cannot_keep_runs_through_the_orm(
    warehouses: dict[str, Any], division: Any, compile_count: Any
) -> None:
    # icontains wraps the value (%…%), a slice's bound is inlined into the text, values()
    # yields dicts: each compiled the usual way on every call, with the ORM's result
    assert [w.code for w in compiled(_containing, "总")] == ["GQ-MAIN"]
    assert [w.code for w in compiled(_containing, "中心")] == ["GQ-CENTRAL"]
    assert [w.code for w in compiled(_first_n, division.pk, 1)] == ["GQ-CENTRAL"]
    assert [w.code for w in compiled(_first_n, division.pk, 2)] == ["GQ-CENTRAL", "GQ-MAIN"]
    assert compiled(_as_dicts, division.pk) == [{"code": "GQ-CENTRAL"}, {"code": "GQ-MAIN"}]
    before = compile_count.call_count
    compiled(_containing, "仓")
    assert compile_count.call_count > before


def test_closures_and_unknown_values_are_refused(division: Any) -> None:
    captured = division.pk

    def closure(pk: int) -> QuerySet[Warehouse]:
        return Warehouse.objects.filter(division_id=captured, pk=pk)

    with pytest.raises(TypeError, match="closure"):
        compiled(closure, 1)
    with pytest.raises(TypeError, match="unsupported value"):
        compiled(_codes, 1.5)
    with pytest.raises(TypeError, match="unsupported value"):
        compiled(_warehouses, (1, "2"), None)


def test_shapes_kept_are_bounded(division: Any) -> None:
    known = connection.__dict__.setdefault("_compiled_statements", {})
    saved = dict(known)
    try:
        known.clear()
        known.update({("filler", i): "fallback" for i in range(MAX_SHAPES)})
        assert compiled(_code_list, division.pk) == []  # still right, only not kept
        assert len(known) == MAX_SHAPES
    finally:
        known.clear()
        known.update(saved)


def _by_key(pk: int) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(pk=pk)


def _attempted(recipient_id: int, attempts: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=recipient_id, email_attempts=attempts)


def test_a_small_integer_column_and_keys_past_every_column(make_user: Any) -> None:
    """A stand-in must fit a small column (else Django compiles an empty condition, which
    would be kept for every value); a key past 64 bits (an address anyone can type) reads
    nothing through the ORM's own handling, never an overflow in the driver."""
    user = make_user("sales_rep")
    sent = Notification.objects.create(recipient=user, subject="s", email_attempts=2)

    assert compiled(_attempted, user.pk, 2) == [sent]
    assert compiled(_attempted, user.pk, 3) == []
    assert compiled(_by_key, 2**70) == [] and compiled(_by_key, -(2**70)) == []


_ORDERINGS = {"code": ("code",), "newest": ("-pk",)}


def _ordered(divisions: tuple[int, ...] | None, ordering: str) -> QuerySet[Warehouse]:
    found = Warehouse.objects.all()
    if divisions is not None:
        found = found.filter(division__in=divisions)
    return found.order_by(*_ORDERINGS[ordering])


def _first_two(divisions: tuple[int, ...] | None, ordering: str) -> QuerySet[Warehouse]:
    return _ordered(divisions, ordering)[:2]


def _distinct_kinds(division_id: int) -> Any:
    return Warehouse.objects.filter(division_id=division_id).values("kind").distinct()


def test_fixed_values_are_part_of_the_shape(
    warehouses: dict[str, Any], division: Any, compile_count: Any
) -> None:
    """A Fixed value reaches `build` as it is and makes a statement of its own: the two
    orderings are two statements, each compiled once and each with its own rows."""
    by_code = compiled(_ordered, (division.pk,), Fixed("code"))
    newest = compiled(_ordered, (division.pk,), Fixed("newest"))
    assert [w.code for w in by_code] == ["GQ-CENTRAL", "GQ-MAIN"]
    assert [w.pk for w in newest] == sorted((w.pk for w in by_code), reverse=True)
    compiles = compile_count.call_count
    assert compiled(_ordered, None, Fixed("newest"))[0].pk == newest[0].pk
    assert compiled(_ordered, (division.pk,), Fixed("code")) == by_code
    assert compile_count.call_count == compiles + 2  # only the new shape (None) compiled
    with pytest.raises(TypeError):
        Fixed(["a list"])  # unhashable: it is part of the kept statements' key


def test_counts_kept_are_the_orms_counts(
    warehouses: dict[str, Any], division: Any, other_division: Any, compile_count: Any
) -> None:
    Warehouse.objects.create(code="DQ-MAIN", name="电气总仓", division=other_division, kind="main")
    shapes = (None, (division.pk,), (other_division.pk,), (division.pk, other_division.pk))
    for divisions in shapes:
        for ordering in ("code", "newest"):
            for build in (_ordered, _first_two):
                expected = build(divisions, ordering).count()
                assert compiled_count(build, divisions, Fixed(ordering)) == expected
    assert compiled_count(_ordered, None, Fixed("code")) == 3
    assert compiled_count(_first_two, None, Fixed("code")) == 2  # a slice: counted within it
    kinds = _distinct_kinds(division.pk).count()
    assert compiled_count(_distinct_kinds, division.pk) == kinds == 2  # DISTINCT: a subquery
    assert compiled_count(_ordered, (), Fixed("code")) == 0  # empty scope: no statement
    with CaptureQueriesContext(connection) as first:  # a new shape: compiled, run once
        assert compiled_count(_first_two, (other_division.pk,), Fixed("newest")) == 1
    assert len(first) == 1  # the statements caught while compiling were never sent

    compiles = compile_count.call_count
    with CaptureQueriesContext(connection) as read:
        assert compiled_count(_ordered, (other_division.pk,), Fixed("code")) == 1
        assert compiled_count(_first_two, (division.pk,), Fixed("newest")) == 2
        assert compiled_count(_ordered, (), Fixed("code")) == 0
    assert compile_count.call_count == compiles  # every shape above was kept
    assert len(read) == 2 and all("COUNT(" in q["sql"].upper() for q in read.captured_queries)


def test_a_count_that_cannot_be_kept_is_the_orms(warehouses: dict[str, Any]) -> None:
    assert compiled_count(_containing, "总") == 1  # icontains transforms the value
    assert compiled_count(_containing, "仓") == 2
    assert compiled_count(_by_key, 2**70) == 0  # past every column: the ORM's own path
    assert compiled_count(_by_key, warehouses["main"].pk) == 1


def _days_between(first: dt.date, last: dt.date) -> QuerySet[SpecialDay]:
    return SpecialDay.objects.filter(date__gte=first, date__lte=last).order_by("date")


def _recorded_since(at: dt.datetime, types: tuple[str, ...]) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(at__gte=at, object_type__in=types).order_by("pk")


def _of_kind(kind: str) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(kind=kind).order_by("code")


def test_choices_members_are_strings(warehouses: dict[str, Any]) -> None:
    """A choices' member (a str) is a parameter like any text, with the same statement."""
    from core.queries import _compile, _Statement

    kind = Warehouse.Kind(warehouses["main"].kind)
    assert type(kind) is not str and compiled(_of_kind, kind) == [warehouses["main"]]
    assert isinstance(_compile(_of_kind, (kind,)), _Statement)


def test_dates_and_datetimes(division: Any) -> None:
    """Dates and datetimes are parameters: the ORM's rows for each value; kept on
    PostgreSQL (its driver takes them as they are), the ORM's path on SQLite (a text the
    ORM writes from the value)."""
    from core.queries import _compile, _Statement

    for day in ("2099-01-01", "2099-05-01", "2099-10-01"):
        SpecialDay.objects.create(date=dt.date.fromisoformat(day), kind="holiday", name=day)
    before = timezone.now() - dt.timedelta(seconds=1)
    audit_record(obj=division, action="created", by=None)
    after = timezone.now() + dt.timedelta(seconds=1)
    first, last = dt.date(2099, 2, 1), dt.date(2099, 12, 31)

    assert [d.name for d in compiled(_days_between, first, last)] == ["2099-05-01", "2099-10-01"]
    assert compiled(_days_between, last, last) == []
    assert len(compiled(_recorded_since, before, ("core.division",))) == 1
    assert compiled(_recorded_since, after, ("core.division",)) == []
    postgres = connection.vendor == "postgresql"
    assert isinstance(_compile(_days_between, (first, last)), _Statement) == postgres
    kept = _compile(_recorded_since, (before, ("core.division",)))
    assert isinstance(kept, _Statement) == postgres


def test_the_pages_reads_are_kept_compiled(division: Any) -> None:
    """Each read the detail pages run through `compiled` compiles to a kept statement for
    every shape it is called with (a change that made one fall back to the ORM — a
    transformed value, an inlined bound — would cost every page view its compile again)."""
    from core.audit import _history_of
    from core.queries import _compile, _Statement
    from fulfilment.selectors import _notes_of, _shipments_of
    from orders import selectors as orders
    from returns import selectors as returns

    scopes = (None, (division.pk,), (division.pk, division.pk + 1))
    reads: list[tuple[Any, tuple[Any, ...]]] = [
        (_history_of, ("orders.order", "1")),
        (orders._lines_of, (1,)),
        (orders._history_of_customer, (1, "1")),
        (orders._customers_by_pk, ((1, 2, 3),)),
        (_notes_of, (1,)),
        (_shipments_of, (1,)),
        (returns._users, ((1, 2),)),
        (returns._refund_of, (1,)),
        (returns._lines_of_return, (1,)),
        (returns._approvals_of, (1,)),
        (returns._history_of_return, ("1", None)),
        (returns._history_of_return, ("1", "2")),
        (returns._sms_about, ("RR-1",)),
        (returns._evidence_of, (1,)),
        (returns._resolution_of, (1,)),
        (returns._credit_notes_of, (1,)),
    ]
    for scope in scopes:
        reads += [
            (orders._order_for_page, (scope, 1)),
            (orders._customer_for_page, (scope, 1)),
            (orders._orders_of_customer, (scope, 1)),
            (orders._exact_matches, (scope, "corporate", "name", None, None, "core", None)),
            (orders._exact_matches, (scope, "individual", "n", "p", "c", None, "i")),
            (returns._returns_of_order, (scope, 1)),
            (returns._return_for_page, (scope, 1)),
        ]
    for build, values in reads:
        assert isinstance(_compile(build, values), _Statement), build.__qualname__


def _slim(division_id: int) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(division_id=division_id).only("code", "division_id")


def test_partial_rows_are_built_as_the_orm_builds_them(warehouses: dict[str, Any]) -> None:
    division = warehouses["main"].division
    got = compiled(_slim, division.pk)
    expected = list(_slim(division.pk))

    assert [w.get_deferred_fields() for w in got] == [w.get_deferred_fields() for w in expected]
    assert {"name", "kind", "address"} <= got[0].get_deferred_fields()
    assert [(w.pk, w.code, w.division_id) for w in got] == [
        (w.pk, w.code, w.division_id) for w in expected
    ]
    assert got[0].name == expected[0].name  # a deferred column is read when asked, as usual
    assert not got[0]._state.adding and got[0]._state.db == "default"


# --- rows_by_ids: a list's page read by the ids its filters chose ------------------------------
def _page_ids(queryset: QuerySet[Any], limit: int, offset: int) -> tuple[str, tuple[Any, ...]]:
    ids = queryset.values_list("pk", flat=True)
    sql, params = ids.query.get_compiler(ids.db).as_sql()
    return f"{sql} LIMIT {limit} OFFSET {offset}", tuple(params)


def test_a_page_by_ids_is_the_orms_page(division: Any, other_division: Any, make_user: Any) -> None:
    actor = make_user("sales_rep", first_name="赵")
    for i in range(7):
        audit_record(
            obj=division if i % 2 else other_division,
            action=f"a{i}",
            by=actor if i % 3 else None,
            note="100%",
        )
    lists = [
        AuditRecord.objects.select_related("actor").order_by("-at", "-id"),
        AuditRecord.objects.filter(note__contains="%", object_type="core.division")
        .select_related("actor")
        .only("action", "at", "actor__username")
        .order_by("action"),
        AuditRecord.objects.filter(actor__first_name="赵").order_by("id"),  # a filter's join
        Warehouse.objects.filter(division__code__in=["GQ", "DQ"]).select_related("division"),
    ]
    for listed in lists:
        for limit, offset in ((3, 0), (3, 3), (5, 5), (2, 50)):
            sql, params = _page_ids(listed, limit, offset)
            got = rows_by_ids(listed, sql, params)
            expected = list(listed.filter(pk__in=RawSQL(sql, params)))
            assert got is not None
            assert [(r.pk, str(r)) for r in got] == [(r.pk, str(r)) for r in expected]
    first = rows_by_ids(lists[0], *_page_ids(lists[0], 7, 0))
    assert first is not None and {r.actor for r in first} == {actor, None}


def test_a_page_by_ids_is_compiled_once_per_list(division: Any, compile_count: Any) -> None:
    for i in range(3):
        audit_record(obj=division, action=f"a{i}", by=None)
    listed = AuditRecord.objects.select_related("actor").order_by("-at", "-id")
    rows_by_ids(listed, *_page_ids(listed, 2, 0))
    before = compile_count.call_count
    other_filter = listed.filter(action="a1")
    sql, params = "SELECT %s", (0,)  # any ids' statement: the caller compiled it
    assert rows_by_ids(other_filter, sql, params) == []
    assert compile_count.call_count == before


def test_what_a_page_by_ids_cannot_read_is_left_to_the_orm(division: Any) -> None:
    base = Warehouse.objects.all()
    sql, params = _page_ids(base, 5, 0)
    for listed in (
        base.annotate(n=Count("division__warehouses")),
        base.distinct(),
        base.values("code"),
        base.prefetch_related("division"),
        base.extra(select={"one": "1"}),
    ):
        assert rows_by_ids(listed, sql, params) is None
