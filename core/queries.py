"""Small query helpers shared by the apps' selectors.

`one` reads the row a unique condition finds. `compiled` runs a queryset whose SQL was
compiled once per process (and connection) and shape: a detail page runs a dozen small
statements, and compiling each (Django's `as_sql`: the joins, the select list of every
related model, the ordering) costs more CPU than PostgreSQL needs to run it — a fifth of
the order page's time on the benchmark machine (issue 12).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.base import DEFERRED
from django.db.models.expressions import RawSQL
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

M = TypeVar("M", bound=Model)


def one(queryset: QuerySet[M]) -> M | None:
    """The row a unique condition (a key, a one-to-one) finds, or None.

    `first()` would order by the model's ordering — an ORDER BY compiled with its joins
    and sorted, for a single row, on every detail page; this reads the row unordered."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None


# --- statements compiled once -------------------------------------------------------------------
# `compiled(build, *values)` is `list(build(*values))`, with the SQL of `build`'s queryset
# compiled once per shape of the values: `build` is called with stand-ins for the values
# (twice, with two different sets), the statement's text must come out the same and the
# stand-ins must be parameters of their own (not inlined, not transformed as `icontains`
# does, not dropped); the real values then take their places in the parameters. Anything
# else — `values()` dicts, named tuples, prefetches, a statement that varies — runs
# through the ORM as usual, so `compiled` is never wrong, at worst not faster.
#
# The shape of the values: an int, a str, a date or a datetime (aware or naive: part of the
# shape) is a parameter; a tuple or list of them is as many parameters (its length is part
# of the shape: `division__in=scope`); None and booleans are part of the shape itself
# (`filter(x=None)` compiles to IS NULL), passed to `build` as they are, and so is any
# hashable value wrapped in `Fixed` (the name of a group of filters, a slice's bound: what
# the statement's text depends on). `build` must be a plain function of its arguments only
# — no closure — or a value it captured would be frozen into the first compile's statement.
#
# `compiled_count(build, *values)` is `build(*values).count()` kept the same way: the
# statement Django sends for the count (its COUNT(*), around a subquery when the queryset
# is sliced or distinct) is caught on its way to the database during the two compiles
# (never sent, never logged).

Build = Callable[..., QuerySet[Any]]


class Fixed:
    """A value of `compiled`'s that is part of the statement's shape, passed to `build` as
    it is (never a stand-in): each distinct value is a statement of its own."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        hash(value)  # part of the key of the statements kept
        self.value = value

    def __repr__(self) -> str:
        return f"Fixed({self.value!r})"


_FALLBACK = "fallback"
_EMPTY = "empty"
# Distinct shapes kept per connection; past it, a shape is compiled as usual (a `build`
# called with tuples of ever-new lengths must not grow the cache without end).
MAX_SHAPES = 512
# Stand-ins for ints: inside every integer column's range, the small ones' too (Django turns
# an out-of-range lookup into an empty or full condition, which would be kept as the
# statement). A constant of the statement equal to a stand-in is seen (it does not change
# with the variant) and the statement is left to the ORM.
_INT_STAND_IN = 30_000
_STAND_INS_PER_VARIANT = 1_000
# what the driver takes as an integer everywhere (SQLite's is 64 bits)
_INT_RANGE = (-(2**63), 2**63 - 1)
# Stand-ins for datetimes and dates: seconds into (days from) a day no row of the portal's
# holds. PostgreSQL's driver takes them as they are (kept); SQLite's is sent a text the ORM
# wrote from the value (transformed: left to the ORM, right if not faster).
_DATETIME_STAND_IN = dt.datetime(1970, 1, 2, tzinfo=dt.UTC)


class _Statement:
    """One compiled shape: its SQL, its parameters with the values' places, and what turns
    a row into what the queryset yields — model instances (ModelIterable's steps, computed
    once), tuples (`values_list`) or single values (`values_list(flat=True)`)."""

    __slots__ = (
        "annotations",
        "build",
        "col_count",
        "compiler",
        "converters",
        "db",
        "init_list",
        "iterable",
        "model",
        "model_slice",
        "params",
        "populators",
        "slots",
        "sql",
    )

    def __init__(
        self, iterable: type, compiler: Any, sql: str, params: Sequence[Any], slots: list[Any]
    ) -> None:
        self.iterable = iterable
        self.compiler = compiler
        self.sql = sql
        self.params = list(params)
        self.slots = slots
        self.db = compiler.using
        self.col_count = compiler.col_count
        select = compiler.select
        self.converters = compiler.get_converters([s[0] for s in select[0 : self.col_count]])
        if iterable is ModelIterable:
            klass_info = compiler.klass_info
            self.annotations = dict(compiler.annotation_col_map or {})
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.model_slice = slice(fields[0], fields[-1] + 1)
            self.init_list = [f[0].target.attname for f in select[self.model_slice]]
            # django-stubs describe a later Django's signature (fetch_mode)
            self.populators = get_related_populators(klass_info, select, self.db)  # type: ignore[call-arg]
            self.build = _instance_builder(self.model, self.init_list, self.db)

    def run(self, cursor: Any, values: Sequence[Any]) -> list[Any]:
        params = list(self.params)
        for position, (index, item) in self.slots:
            params[position] = values[index] if item is None else values[index][item]
        return self.fetch(cursor, self.sql, params)

    def fetch(self, cursor: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        cursor.execute(sql, params)
        rows: Any = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        if self.iterable is ValuesListIterable:
            return [tuple(row[: self.col_count]) for row in rows]
        found = []
        build, model_slice = self.build, self.model_slice
        for row in rows:
            obj = build(row[model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


def _instance_builder(model: Any, init_list: list[str], db: str) -> Callable[[Any], Any]:
    """`model.from_db(db, init_list, values)`, with the places of a partial row's values
    among the model's fields found once: `from_db` looks each of the model's fields up in
    the list of the read ones for every row (an order has ~70; a list page builds 25–50)."""
    if getattr(model.from_db, "__func__", None) is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return lambda values: model.from_db(db, init_list, values)
    concrete = [f.attname for f in model._meta.concrete_fields]
    if init_list == concrete:
        places = None
    else:
        where = {name: i for i, name in enumerate(concrete)}
        places = [where[name] for name in init_list]
    blank = [DEFERRED] * len(concrete)

    def build(values: Any) -> Any:
        if places is None:
            obj = model(*values)
        else:
            full = blank.copy()
            for place, value in zip(places, values, strict=True):
                full[place] = value
            obj = model(*full)
        obj._state.adding = False
        obj._state.db = db
        return obj

    return build


def padded_keys(keys: Sequence[int], size: int) -> tuple[int, ...]:
    """`keys` filled up with 0 (no row's key) to a multiple of `size`: a page's keys for
    `compiled` (`pk__in=keys`) keep one shape whatever the page holds."""
    return (*keys, *[0] * (-len(keys) % size))


# --- a list's page: its rows by the ids its filters chose ---------------------------------------
_PAGE_IDS = "__ecomops_page_ids__"


def rows_by_ids(
    queryset: QuerySet[Any],
    ids_sql: str,
    ids_params: Sequence[Any],
    annotate: Callable[[], dict[str, Any]] | None = None,
) -> list[Any] | None:
    """The rows of `queryset` whose keys `ids_sql` selects — its filters applied there,
    with the page's LIMIT/OFFSET —, joined and ordered as `queryset` says, as one statement.

    The statement around the ids (the select list of the list's related rows, the only()
    columns, the ordering) is the same for every page and every filter of a list, so it is
    compiled once per process and shape; the filters are not compiled a second time for the
    rows (the ids' statement is compiled once per page, core.pagination). None for a
    queryset this cannot read so (annotations, DISTINCT, extra(), values(), prefetches,
    row locks): the caller reads it through the ORM.

    `annotate`: a plain function (no closure) giving the annotations of the rows — a value
    per row that the filters do not need (a note's units) —, part of the statement kept."""
    if getattr(annotate, "__closure__", None):
        raise TypeError("rows_by_ids(): the annotations' function takes no closure")
    query: Any = queryset.query
    if (
        queryset._iterable_class is not ModelIterable
        or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        or queryset._known_related_objects  # type: ignore[attr-defined]
        or queryset.db != DEFAULT_DB_ALIAS
        or query.annotations
        or query.distinct
        or query.extra
        or query.combinator
        or query.select_for_update
        or query.is_sliced
    ):
        return None
    try:
        key = (
            rows_by_ids,
            annotate,
            queryset.model,
            repr(query.select_related),
            query.deferred_loading[0] and frozenset(query.deferred_loading[0]),
            query.deferred_loading[1],
            repr(query.order_by),
            repr(query.extra_order_by),
            query.default_ordering,
            query.standard_ordering,
        )
        hash(key)
    except TypeError:
        return None
    db = connections[DEFAULT_DB_ALIAS]
    known: dict[Any, Any] = db.__dict__.setdefault("_compiled_statements", {})
    entry = known.get(key)
    if entry is None:
        entry = _compile_rows_by_ids(queryset, annotate)
        if len(known) < MAX_SHAPES:
            known[key] = entry
    if entry == _FALLBACK:
        return None
    statement, before, after, at = entry
    params = [*statement.params[:at], *ids_params, *statement.params[at:]]
    with db.cursor() as cursor:
        found: list[Any] = statement.fetch(cursor, f"{before}{ids_sql}{after}", params)
        return found


def _compile_rows_by_ids(
    queryset: QuerySet[Any], annotate: Callable[[], dict[str, Any]] | None
) -> Any:
    query: Any = queryset.query
    shell: Any = queryset.model._base_manager.all()
    shell.query.select_related = copy.deepcopy(query.select_related)
    shell.query.deferred_loading = query.deferred_loading
    shell.query.order_by = query.order_by
    shell.query.extra_order_by = query.extra_order_by
    shell.query.default_ordering = query.default_ordering
    shell.query.standard_ordering = query.standard_ordering
    if annotate is not None:
        shell = shell.annotate(**annotate())
    shell = shell.filter(pk__in=RawSQL(_PAGE_IDS, ()))  # noqa: S611 — a marker, replaced
    try:
        compiler = shell.query.get_compiler(using=shell.db)
        sql, params = compiler.as_sql()
        if sql.count(_PAGE_IDS) != 1:
            return _FALLBACK
        before, after = sql.split(_PAGE_IDS)
        # the ids' parameters go where their statement goes: after the %s placeholders
        # before it (a literal % is written %% in Django's SQL)
        at = before.replace("%%", "").count("%s")
        return _Statement(ModelIterable, compiler, sql, params, []), before, after, at
    except Exception:  # noqa: BLE001 — Django's internals moved: the ORM reads it
        return _FALLBACK


def compiled(build: Build, *values: Any) -> list[Any]:
    """`list(build(*values))`, its statement compiled once per process and shape."""
    found: list[Any] = _kept(build, values, _ROWS)
    return found


def compiled_count(build: Build, *values: Any) -> int:
    """`build(*values).count()`, its statement compiled once per process and shape."""
    number: int = _kept(build, values, _COUNT)
    return number


_ROWS = "rows"
_COUNT = "count"


def _kept(build: Build, values: Sequence[Any], mode: str) -> Any:
    if getattr(build, "__closure__", None):
        raise TypeError(f"{build.__qualname__}: compiled() takes no closure (values only)")
    db = connections[DEFAULT_DB_ALIAS]
    known: dict[Any, Any] = db.__dict__.setdefault("_compiled_statements", {})
    key = (build, mode, *(_shape(value) for value in values))
    if any(_out_of_range(value) for value in values) or _too_many(values):
        # a key from an address past every integer column (/orders/99999999999999999999/):
        # the ORM's own handling (no row, never an overflow in the driver)
        return _through_orm(build, values, mode)
    statement = known.get(key)
    if statement is None:
        statement = _compile(build, values, mode)
        if len(known) < MAX_SHAPES:
            known[key] = statement
    if statement == _EMPTY:
        return [] if mode == _ROWS else 0
    if statement == _FALLBACK:
        return _through_orm(build, values, mode)
    with db.cursor() as cursor:
        return statement.run(cursor, values)


def _through_orm(build: Build, values: Sequence[Any], mode: str) -> Any:
    queryset = build(*_plain(values))
    return list(queryset) if mode == _ROWS else queryset.count()


def _plain(values: Sequence[Any]) -> list[Any]:
    return [value.value if isinstance(value, Fixed) else value for value in values]


def _out_of_range(value: Any) -> bool:
    items = value if isinstance(value, tuple | list) else (value,)
    low, high = _INT_RANGE
    return any(
        isinstance(item, int) and not isinstance(item, bool) and not low <= item <= high
        for item in items
    )


def _too_many(values: Sequence[Any]) -> bool:
    """More parameters than one variant has stand-ins for (a long list: the ORM's path)."""
    count = sum(len(v) if isinstance(v, tuple | list) else 1 for v in values)
    return count >= _STAND_INS_PER_VARIANT


def _kind(item: Any) -> Any:
    """What a parameter is, for its stand-in: int, str (a choices' member too), an aware or
    a naive datetime, a date; None for anything else (a boolean is part of the shape)."""
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return int
    if isinstance(item, str):
        return str
    if isinstance(item, dt.datetime):
        return "aware" if item.tzinfo is not None else "naive"
    if isinstance(item, dt.date):
        return dt.date
    return None


def _shape(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return ("=", value)
    if isinstance(value, Fixed):
        return (Fixed, value.value)
    kind = _kind(value)
    if kind is not None:
        return kind
    if isinstance(value, tuple | list):
        kinds = {_kind(item) for item in value}
        if None not in kinds and len(kinds) <= 1:
            return (type(value), len(value), *kinds)
    raise TypeError(
        f"compiled(): unsupported value {value!r} "
        "(int, str, date, datetime, a tuple of them, None, Fixed)"
    )


def _stand_ins(values: Sequence[Any], variant: int) -> tuple[list[Any], dict[Any, Any]]:
    """Values of the same shape no row holds, and the place each stands for."""
    counter = 0
    places: dict[Any, Any] = {}

    def make(kind: Any, place: Any) -> Any:
        nonlocal counter
        counter += 1
        number = variant * _STAND_INS_PER_VARIANT + counter
        stand_in: Any
        if kind is int:
            stand_in = _INT_STAND_IN + number
        elif kind is str:
            stand_in = f"\x1fstand-in {variant}:{counter}\x1f"
        elif kind is dt.date:  # days from the stand-ins' day
            stand_in = _DATETIME_STAND_IN.date() + dt.timedelta(days=number)
        else:  # a datetime: seconds into the stand-ins' day, aware or naive as the value
            at = _DATETIME_STAND_IN + dt.timedelta(seconds=number)
            stand_in = at if kind == "aware" else at.replace(tzinfo=None)
        places[stand_in] = place
        return stand_in

    made: list[Any] = []
    for index, value in enumerate(values):
        if value is None or isinstance(value, bool):
            made.append(value)
        elif isinstance(value, Fixed):
            made.append(value.value)
        elif _kind(value) is not None:
            made.append(make(_kind(value), (index, None)))
        else:
            items = [make(_kind(item), (index, i)) for i, item in enumerate(value)]
            made.append(type(value)(items))
    return made, places


def _compile(build: Build, values: Sequence[Any], mode: str = _ROWS) -> Any:
    texts: list[Any] = []
    for variant in (1, 2):
        stand_ins, places = _stand_ins(values, variant)
        try:
            queryset = build(*stand_ins)
            if queryset.db != DEFAULT_DB_ALIAS:
                return _FALLBACK
            if mode == _COUNT:
                sql, params = _count_statement(queryset)
                compiler = None
            else:
                iterable = queryset._iterable_class
                if (
                    iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable)
                    or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
                    or queryset._known_related_objects  # type: ignore[attr-defined]
                ):
                    return _FALLBACK
                compiler = queryset.query.get_compiler(using=queryset.db)
                sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. an empty IN list: nothing to run
            texts.append(_EMPTY)
            continue
        except Exception:  # noqa: BLE001 — the ORM raises the real error on the usual path
            return _FALLBACK
        texts.append((sql, list(params), places, compiler))
    if texts == [_EMPTY, _EMPTY]:
        # nothing to run whatever the values — trusted only from an empty list (IN ()),
        # the one way the stand-ins' shape itself can be empty
        if any(isinstance(v, tuple | list) and not v for v in values):
            return _EMPTY
        return _FALLBACK
    if _EMPTY in texts or texts[0][0] != texts[1][0] or len(texts[0][1]) != len(texts[1][1]):
        return _FALLBACK
    (sql, first, places, compiler), (_sql, second, other_places, _compiler) = texts
    slots = []
    for position, (a, b) in enumerate(zip(first, second, strict=True)):
        if _same(a, b):
            if _hashable(a) and (a in places or b in other_places):
                return _FALLBACK  # cannot be: a stand-in equal in both variants
            continue
        place = places.get(a) if _hashable(a) else None
        if place is None or (other_places.get(b) if _hashable(b) else None) != place:
            return _FALLBACK  # a value the ORM transformed, or a parameter that varies
        slots.append((position, place))
    if {place for _position, place in slots} != set(places.values()):
        return _FALLBACK  # a stand-in inlined into the text, or dropped
    if compiler is None:
        return _Count(sql, first, slots)
    if compiler.has_composite_fields([s[0] for s in compiler.select[0 : compiler.col_count]]):
        return _FALLBACK
    try:
        return _Statement(iterable, compiler, sql, first, slots)
    except Exception:  # noqa: BLE001 — Django's internals moved: right, if not faster
        return _FALLBACK


class _Captured(Exception):  # noqa: N818 — not an error: the statement, stopped on its way
    def __init__(self, sql: str, params: Any) -> None:
        super().__init__(sql)
        self.sql, self.params = sql, params


def _count_statement(queryset: QuerySet[Any]) -> tuple[str, Any]:
    """The statement `queryset.count()` sends, caught before it reaches the database (the
    ORM builds a count's statement in several ways: a plain COUNT(*), around a subquery
    for a slice or DISTINCT, …); EmptyResultSet when it would send none."""

    def catch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise _Captured(sql, params)

    connection: Any = connections[queryset.db]
    # a statement never sent is not logged either (CaptureQueriesContext, DEBUG's log): the
    # plain cursor for the capture, not the logging one
    connection.make_debug_cursor = connection.make_cursor
    try:
        with connection.execute_wrapper(catch):
            queryset.count()
    except _Captured as captured:
        return captured.sql, captured.params or ()
    finally:
        del connection.make_debug_cursor
    raise EmptyResultSet  # counted without a statement: nothing to run whatever the values


class _Count:
    """A kept count: its statement, its parameters with the values' places."""

    __slots__ = ("params", "slots", "sql")

    def __init__(self, sql: str, params: Sequence[Any], slots: list[Any]) -> None:
        self.sql, self.params, self.slots = sql, list(params), slots

    def run(self, cursor: Any, values: Sequence[Any]) -> int:
        params = list(self.params)
        for position, (index, item) in self.slots:
            params[position] = values[index] if item is None else values[index][item]
        cursor.execute(self.sql, params)
        row = cursor.fetchone()
        return int(row[0] or 0) if row else 0


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
