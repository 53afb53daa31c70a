"""Hand-written statements for the hot path (order intake, issue 12).

Compiling a queryset costs more CPU than the database needs to run a one-row statement
(1–2 ms against a few hundred microseconds on the benchmark machine), and one intake runs
a dozen. The statements every intake runs are therefore written once per model and
process from the models' metadata, with the ORM's own value handling on the way in
(`Field.pre_save`, `get_db_prep_save`) and on the way out (the backend's and the fields'
converters), so what is stored and read back is what the ORM would store and read.

Not for general use: pages, lists and every other service use the ORM; besides the intake,
only the few reads every page makes (core.request_reads: the session, the user, the
menu's badge; the filter forms' divisions and warehouses) are written here. `insert` takes
plain models only (no multi-table inheritance, no database defaults or expressions as
values) and falls back to the ORM for anything else.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


# Names are quoted alike ("name") by both supported backends, so they are kept per process.
@functools.cache
def table(model: type[models.Model]) -> str:
    """The quoted table name of `model`."""
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def column(model: type[models.Model], name: str) -> str:
    """The quoted column of field `name` (a field name or attname) of `model`."""
    return connection.ops.quote_name(str(_field(model, name).column))


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of `sql`, as the database returns it (no conversion)."""
    db = _db()
    if db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        with db.cursor() as plain:
            plain.execute(sql, params)
            return list(plain.fetchall())
    found = _preparing_cursor(db)
    if db.queries_logged or db.execute_wrappers:
        found.execute(sql, params)  # through Django's cursor: the log, the wrappers
        return list(found.fetchall())
    # What Django's CursorWrapper.execute does when nothing logs or wraps, without its
    # layers of calls (a tenth of a hot statement's Python time).
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        found.cursor.execute(sql, params)
        return found.cursor.fetchall()


def _db() -> BaseDatabaseWrapper:
    """The default connection itself: `django.db.connection` is a proxy that looks the
    connection up again (in a context-local store) at every attribute."""
    return connections[DEFAULT_DB_ALIAS]


def _preparing_cursor(db: BaseDatabaseWrapper) -> Any:
    """The cursor for the hot statements on PostgreSQL: it binds parameters on the server
    and prepares each statement on its first run in a session, so the server parses and
    plans it once per pooled connection instead of on every intake. The rest of the portal
    keeps Django's client-side binding, which never prepares. Wrapped like Django's own
    cursors (query logging, execute wrappers, error translation), and kept for the next
    statement on the same session (one intake runs a dozen)."""
    db.ensure_connection()
    session = db.connection
    logged = db.queries_logged
    kept = getattr(db, "_rawsql_cursor", None)
    if kept is not None and kept[0] is session and kept[1] == logged and not kept[2].closed:
        return kept[2]
    if session.prepare_threshold is None:  # Django's default: never prepare
        session.prepare_threshold = PREPARE_THRESHOLD
    with db.wrap_database_errors:
        wrapped = db._prepare_cursor(_PreparingCursor(session))  # type: ignore[attr-defined]
    db._rawsql_cursor = (session, logged, wrapped)  # type: ignore[attr-defined]
    return wrapped


# Statements run this many times in a session are prepared by psycopg on its own; the
# hot statements are prepared at once (_PreparingCursor). Django's cursors never prepare.
PREPARE_THRESHOLD = 5


class _PreparingCursor(psycopg.Cursor[Any]):
    """psycopg's server-binding cursor, preparing every statement it runs."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)

    def _convert_query(self, query: Any, params: Any = None) -> Any:
        """psycopg's conversion (%s → $n, the placeholders' formats), kept per statement:
        psycopg keeps it only for statements under 50 parameters and 4 KB, and an intake's
        INSERT of the order, its lines and its audit rows is past both. The hot statements
        are a few dozen shapes per process, so keeping them all costs little."""
        key = (query, self._tx.encoding)
        known = _CONVERSIONS.get(key)
        converted = self._query_cls(self._tx)
        if known is not None:
            converted.query, converted._want_formats, converted._order, converted._parts = known
            converted.dump(params)
        else:
            converted.convert(query, params)
            if len(_CONVERSIONS) < _CONVERSIONS_KEPT and params is not None:
                _CONVERSIONS[key] = (
                    converted.query,
                    converted._want_formats,
                    converted._order,
                    converted._parts,
                )
        self._query = converted  # what Django's query log reads (the $n form)
        return converted


# psycopg's converted statements, by statement text and encoding (_PreparingCursor)
_CONVERSIONS: dict[tuple[Any, str], tuple[Any, Any, Any, Any]] = {}
_CONVERSIONS_KEPT = 512


def columns(model: type[models.Model], fields: Sequence[str], alias: str = "") -> str:
    """`fields` of `model` as a quoted, comma-separated column list (optionally qualified)."""
    return _columns(model, tuple(fields), alias)


@functools.cache
def _columns(model: type[models.Model], fields: tuple[str, ...], alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + column(model, name) for name in fields)


def values(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], offset: int = 0
) -> list[list[Any]]:
    """The columns `fields` (attnames, in that order) of each row, from `offset` on, each
    value converted as the ORM converts it (SQLite's decimals, dates and booleans)."""
    db = _db()
    _names, _order, converters = _loader(model, tuple(fields), db.vendor)
    width = len(fields)
    found = []
    for row in rows:
        converted = list(row[offset : offset + width])
        for index, convert in converters:
            for converter in convert:
                converted[index] = converter(converted[index], None, db)
        found.append(converted)
    return found


def load(
    model: type[M], fields: Sequence[str], rows: Sequence[Sequence[Any]], offset: int = 0
) -> list[M]:
    """Instances of `model` from rows whose columns from `offset` on are `fields`, converted
    by `values`. Fields not listed are deferred, like `QuerySet.only`: list the primary key
    (and a state machine's state, which django_fsm reads on creation)."""
    db = _db()
    names, order, _converters = _loader(model, tuple(fields), db.vendor)
    return [
        model.from_db(db.alias, names, [row[i] for i in order])
        for row in values(model, fields, rows, offset)
    ]


@functools.cache
def _loader(
    model: type[models.Model], fields: tuple[str, ...], vendor: str
) -> tuple[list[str], list[int], list[tuple[int, list[Converter]]]]:
    """The fields in the model's order, the permutation that puts the values in that order,
    and the converters of each column (by its position in `fields`)."""
    position = {f.attname: n for n, f in enumerate(model._meta.concrete_fields)}
    order = sorted(range(len(fields)), key=lambda i: position[_field(model, fields[i]).attname])
    names = [_field(model, fields[i]).attname for i in order]
    return names, order, _converters(model, fields, vendor)


@functools.cache
def _converters(
    model: type[models.Model], fields: tuple[str, ...], vendor: str
) -> list[tuple[int, list[Converter]]]:
    meta = model._meta
    found = []
    for index, name in enumerate(fields):
        col = _field(model, name).get_col(meta.db_table)
        convert = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convert:
            # the converters take (value, expression, connection); bind the expression
            found.append(
                (index, [cast(Converter, functools.partial(_apply, c, col)) for c in convert])
            )
    return found


def _apply(converter: Converter, col: Any, value: Any, _expression: Any, conn: Any) -> Any:
    return converter(value, col, conn)


def insert(objs: Sequence[models.Model]) -> None:
    """INSERT new instances of one model in one statement and set their primary keys, as
    `bulk_create` would (pre_save, then get_db_prep_save of every concrete field; no
    signals) but from an INSERT written once per model, row count and process.

    NULL and empty-string values are written into the statement as literals, not sent as
    parameters: an order has some seventy columns, most of them empty at intake, and
    psycopg keeps its parsed form of a statement only up to 50 parameters."""
    if not objs:
        return
    model = type(objs[0])
    db = _db()
    rows = _rows(objs, {}, db)
    if rows is None:
        model._default_manager.bulk_create(objs)
        return
    batch = max(1, db.ops.bulk_batch_size(_insert_fields(model), objs))
    for start in range(0, len(objs), batch):
        chunk = rows[start : start + batch]
        sql = _insert_sql(model, tuple(shape for _params, shape in chunk))
        keys = fetch(sql, [value for params, _shape in chunk for value in params])
        _inserted(objs[start : start + batch], [key for (key,) in keys], db)


# A child's column that holds its parent's key (insert_family): the key itself, or as text
# (an audit row's object_id).
KEY, KEY_TEXT = "key", "key_text"


def insert_family(
    parent: models.Model, children: Sequence[tuple[Sequence[models.Model], dict[str, str]]]
) -> None:
    """INSERT `parent` and its children, as insert() does, and set every primary key.
    `children` is a list of (instances of one model, {attname: KEY or KEY_TEXT}): the
    columns named there receive the parent's new key, so they need no value yet (leave
    the foreign key unset; do not assign the unsaved parent).

    On PostgreSQL this is one statement — the parent's INSERT … RETURNING in a WITH
    clause that the children's INSERTs read — so an intake holds its number counter's
    lock for one round trip instead of three; elsewhere one INSERT per model."""
    db = _db()
    groups = [(objs, refs) for objs, refs in children if objs]
    if db.vendor == "postgresql":
        rows = _rows([parent], {}, db)
        child_rows = [_rows(objs, refs, db) for objs, refs in groups]
        small = all(
            len(objs) <= db.ops.bulk_batch_size(_insert_fields(type(objs[0])), objs)
            for objs, _refs in groups
        )
        if rows is not None and small and all(r is not None for r in child_rows):
            parts = [(type(parent), (rows[0][1],))] + [
                (type(objs[0]), tuple(shape for _p, shape in found or ()))
                for (objs, _refs), found in zip(groups, child_rows, strict=True)
            ]
            params = list(rows[0][0])
            for found in child_rows:
                params.extend(value for row_params, _shape in found or () for value in row_params)
            keys: dict[int, list[int]] = {}
            for index, key in fetch(_family_sql(tuple(parts)), params):
                keys.setdefault(index, []).append(key)
            _inserted([parent], keys[0], db)
            for number, (objs, refs) in enumerate(groups, start=1):
                _parent_key_set(objs, refs, parent)
                _inserted(objs, sorted(keys[number]), db)  # keys ascend in VALUES order
            return
    insert([parent])
    for objs, refs in groups:
        _parent_key_set(objs, refs, parent)
        insert(objs)


def _parent_key_set(objs: Sequence[models.Model], refs: dict[str, str], parent: Any) -> None:
    for obj in objs:
        for attname, how in refs.items():
            setattr(obj, attname, str(parent.pk) if how == KEY_TEXT else parent.pk)


def _rows(
    objs: Sequence[models.Model], refs: dict[str, str], db: BaseDatabaseWrapper
) -> list[tuple[list[Any], tuple[str, ...]]] | None:
    """Per instance, the parameters and the shape (per column `%s` or a literal) of its
    VALUES row; None when insert() cannot write them (bulk_create then does)."""
    model = type(objs[0])
    if (
        model._meta.parents
        or not db.features.can_return_rows_from_bulk_insert
        or any(type(obj) is not model or obj.pk is not None for obj in objs)
    ):
        return None
    columns = _insert_columns(model)
    rows: list[tuple[list[Any], tuple[str, ...]]] = []
    for obj in objs:
        # (a key taken from the parent has no cached instance here: nothing to check)
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        params: list[Any] = []
        shape: list[str] = []
        for field, get, same_type, prepare, plain in columns:
            if refs and field.attname in refs:
                shape.append(_PARENT_KEY_SQL[refs[field.attname]])
                continue
            value = get(obj) if get is not None else field.pre_save(obj, add=True)
            if type(value) is same_type:  # what get_db_prep_save would do, without its calls
                if prepare is not None:
                    value = prepare(field, value, db)
            elif hasattr(value, "resolve_expression"):  # a database default or an expression
                return None
            elif not ((plain and value is None) or (plain == _TEXT and value == "")):
                value = field.get_db_prep_save(value, db)
            if value is None:
                shape.append("NULL")
            elif isinstance(value, str) and not value:
                shape.append("''")
            else:
                shape.append("%s")
                params.append(value)
        rows.append((params, tuple(shape)))
    return rows


def _inserted(objs: Sequence[models.Model], keys: Sequence[Any], db: BaseDatabaseWrapper) -> None:
    """Tell the instances they are stored, under these keys (as bulk_create leaves them)."""
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, obj._meta.pk.attname, key)
        obj._state.adding = False
        obj._state.db = db.alias
        if hasattr(obj, "_update_initial_state"):
            # django_fsm's ConcurrentTransitionMixin: the state as stored is the one a
            # later save() of this instance must find (as Model.save leaves it)
            obj._update_initial_state()


# the parent's key in a child's VALUES row (insert_family; "parent" is its WITH clause)
_PARENT_KEY_SQL = {
    KEY: '(SELECT "key" FROM parent)',
    KEY_TEXT: '(SELECT "key"::text FROM parent)',
}


@functools.cache
def _insert_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    meta = model._meta
    return [
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not getattr(field, "generated", False)
    ]


# Django's own field classes (not subclasses: an encrypted or JSON field prepares even an
# empty value its own way) that store None as NULL unchanged (and the text ones "" as ""):
# for these the preparation of an empty value is skipped.
_PLAIN_FIELD_TYPES = (
    models.CharField,
    models.TextField,
    models.DateTimeField,
    models.DateField,
    models.DecimalField,
    models.BooleanField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.ForeignKey,
)


_NULLABLE, _TEXT = 1, 2

Prepare = Callable[[Any, Any, BaseDatabaseWrapper], Any]
Column = tuple[
    "models.Field[Any, Any]", Callable[[Any], Any] | None, type | None, Prepare | None, int
]


@functools.cache
def _insert_columns(model: type[models.Model]) -> list[Column]:
    """Per column of the INSERT: the field; how to read its value (the attribute itself
    where the field's pre_save only reads it, else None: call pre_save); the Python type
    whose values `get_db_prep_save` of this exact field class would pass on unchanged or
    through one backend adapter (None: always call it), and that adapter; _plain_fields'
    code. Only Django's own field classes qualify (an encrypted field prepares every
    value its own way)."""
    found: list[Column] = []
    for field, plain in zip(_insert_fields(model), _plain_fields(model), strict=True):
        kind = type(field)
        read = kind.pre_save is models.Field.pre_save or (
            issubclass(kind, models.DateField)
            and kind.pre_save in (models.DateField.pre_save, models.DateTimeField.pre_save)
            and not (field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]
        )
        same_type, prepare = _same_type(field)
        found.append(
            (field, operator.attrgetter(field.attname) if read else None, same_type, prepare, plain)
        )
    return found


def _same_type(field: models.Field[Any, Any]) -> tuple[type | None, Prepare | None]:
    kind = type(field)
    if kind in (models.CharField, models.TextField):
        return str, None  # to_python of a str is the str
    if kind is models.BooleanField:
        return bool, None
    if kind in _INTEGER_TYPES:
        return int, _adapt_integer
    if kind is models.ForeignKey:
        target = field.target_field  # type: ignore[attr-defined]
        if isinstance(target, AutoFieldMixin):
            return int, None  # an auto key is sent as it is (validate_autopk_value)
        return None, None
    if kind is models.DecimalField:
        return decimal.Decimal, _adapt_decimal
    if kind is models.DateTimeField:
        return dt.datetime, _adapt_datetime
    if kind is models.DateField:
        return dt.date, _adapt_date
    return None, None


_INTEGER_TYPES = (
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
)


def _adapt_integer(field: Any, value: int, db: BaseDatabaseWrapper) -> Any:
    return db.ops.adapt_integerfield_value(value, field.get_internal_type())


def _adapt_decimal(field: Any, value: decimal.Decimal, db: BaseDatabaseWrapper) -> Any:
    if not value.is_finite():
        return field.get_db_prep_save(value, db)  # refused there, as by the ORM
    return db.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)


def _adapt_datetime(field: Any, value: dt.datetime, db: BaseDatabaseWrapper) -> Any:
    if value.tzinfo is None:
        return field.get_db_prep_save(value, db)  # the ORM's warning and local time
    return db.ops.adapt_datetimefield_value(value)


def _adapt_date(field: Any, value: dt.date, db: BaseDatabaseWrapper) -> Any:
    return db.ops.adapt_datefield_value(value)


@functools.cache
def _plain_fields(model: type[models.Model]) -> list[int]:
    """Per column: 0 (prepare every value), _NULLABLE (None needs no preparation) or _TEXT
    (neither None nor "")."""
    return [
        (_TEXT if type(field) in (models.CharField, models.TextField) else _NULLABLE)
        if type(field) in _PLAIN_FIELD_TYPES
        else 0
        for field in _insert_fields(model)
    ]


@functools.lru_cache(maxsize=256)
def _insert_sql(model: type[models.Model], shapes: tuple[tuple[str, ...], ...]) -> str:
    """The INSERT of len(shapes) rows; each shape gives, per column, `%s` or a literal."""
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    return f"{_insert_values(model, shapes)} RETURNING {pk}"


def _insert_values(model: type[models.Model], shapes: tuple[tuple[str, ...], ...]) -> str:
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in _insert_fields(model))
    values = ", ".join("(" + ", ".join(shape) + ")" for shape in shapes)
    return f"INSERT INTO {table(model)} ({names}) VALUES {values}"  # noqa: S608


@functools.lru_cache(maxsize=64)
def _family_sql(parts: tuple[tuple[type[models.Model], tuple[tuple[str, ...], ...]], ...]) -> str:
    """insert_family's statement: the parent's INSERT and each group's, as WITH clauses,
    then every new key tagged with its part (0 the parent, 1… the groups)."""
    clauses, keys = [], []
    for number, (model, shapes) in enumerate(parts):
        name = "parent" if number == 0 else f"part{number}"
        pk = connection.ops.quote_name(str(model._meta.pk.column))
        clauses.append(f'{name} AS ({_insert_values(model, shapes)} RETURNING {pk} AS "key")')
        keys.append(f'SELECT {number}, "key" FROM {name}')  # noqa: S608
    return "WITH " + ", ".join(clauses) + " " + " UNION ALL ".join(keys)
