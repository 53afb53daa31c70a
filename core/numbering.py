"""Gap-free document numbers shared by every app (order, sales order, customer, and the
delivery notes, invoices, credit notes, return orders and settlements of later apps).

An app declares its series once (`series_register`) and asks for numbers with
`document_number_next`. The counter row is locked (UPDATE … RETURNING) until the caller's
transaction ends, so a rolled-back caller leaves no gap and two callers never share a
number; lock order: the counter is a document row — take it after the order and the stock
rows (docs/architecture.md, "Lock order").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db import DatabaseError, transaction

from . import rawsql
from .models import DocumentSequence

Reset = Literal["never", "year", "day"]


@dataclass(frozen=True)
class Series:
    """`key` names the counter (one per division and reset period); `number` formats the
    value. Both are `str.format` templates over division, year, day (a date) and value."""

    code: str
    key: str
    number: str
    reset: Reset = "year"
    per_division: bool = True


_SERIES: dict[str, Series] = {}


def series_register(series: Series) -> Series:
    """Declare a series (idempotent for the same definition; a clash is a programming error)."""
    known = _SERIES.get(series.code)
    if known is not None and known != series:
        raise ValueError(f"Document series {series.code!r} is already defined differently.")
    _SERIES[series.code] = series
    return series


def series_get(code: str) -> Series:
    try:
        return _SERIES[code]
    except KeyError:
        raise ValueError(f"Unknown document series {code!r}.") from None


def sequence_next(*, key: str, commit_early: bool = False) -> int:
    """The next value of counter `key`, created on first use without a race.

    One statement, `UPDATE … SET last_value = last_value + 1 … RETURNING last_value`: the
    row lock is taken and the value read in the same round trip, and held until the
    caller's transaction ends (no gap after a rollback). Only the first number of a counter
    needs more (an INSERT … ON CONFLICT DO NOTHING, then the UPDATE again).

    `commit_early` (only when commit_early_available() said so): the same statement sets
    the transaction's synchronous_commit to off, so its COMMIT releases the counter without
    waiting for the disk (see below)."""
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return sequence_next(key=key, commit_early=commit_early)
    value = _increment(key, commit_early)
    if value is None:
        # ON CONFLICT DO NOTHING: a concurrent first caller waits for the other's insert.
        DocumentSequence.objects.bulk_create([DocumentSequence(key=key)], ignore_conflicts=True)
        value = _increment(key, commit_early)
        assert value is not None
    return value


def _increment(key: str, commit_early: bool = False) -> int | None:
    table, column = rawsql.table(DocumentSequence), rawsql.column(DocumentSequence, "key")
    # SET LOCAL synchronous_commit TO OFF rides on the counter's statement: the setting is
    # read at COMMIT, and only a transaction holding a counter needs it
    returning = "last_value" + (
        ", set_config('synchronous_commit', 'off', true)" if commit_early else ""
    )
    rows = rawsql.fetch(  # a hot statement (every intake): prepared on PostgreSQL
        f"UPDATE {table} SET last_value = last_value + 1 WHERE {column} = %s "  # noqa: S608
        f"RETURNING {returning}",
        [key],
    )
    return int(rows[0][0]) if rows else None


def document_number_next(
    *,
    series: str,
    division: Any = None,
    year: int | None = None,
    day: dt.date | None = None,
    commit_early: bool = False,
) -> str:
    """The next number of `series` for `division` in `year` (or on `day` for series that
    restart daily). Call inside the transaction that stores the document; `commit_early`
    as for sequence_next."""
    if not transaction.get_connection().in_atomic_block:
        # outside a transaction the number would be committed before the document is
        # stored, and a failure after this call would leave a gap
        raise RuntimeError("Draw document numbers inside the transaction that stores them.")
    definition = series_get(series)
    if definition.per_division and division is None:
        raise ValueError(f"Series {series!r} is numbered per division.")
    if definition.reset == "day" and day is None:
        raise ValueError(f"Series {series!r} restarts daily: give the day.")
    if definition.reset == "year" and year is None:
        if day is None:
            raise ValueError(f"Series {series!r} restarts yearly: give the year.")
        year = day.year
    fields = {
        "division": getattr(division, "code", ""),
        "year": year if year is not None else (day.year if day else ""),
        "day": day,
    }
    value = sequence_next(key=definition.key.format(**fields), commit_early=commit_early)
    return definition.number.format(value=value, **fields)


# --- releasing a counter's lock before the commit reaches the disk --------------------------
# A counter row stays locked until its transaction ends, and PostgreSQL ends a transaction
# (releases its locks) only after its commit record is flushed to disk: every holder of a
# busy counter (the order numbers of one division and day) waits in line for the previous
# holder's fsync, so the series is as fast as the disk and no faster. These two helpers let
# a hot path release the lock when the commit record is in the WAL and wait for the disk
# afterwards, together with every other committer (group commit):
#
#     with transaction.atomic():
#         early = commit_early_available()
#         ... document_number_next(..., commit_early=early) and the inserts ...
#         durable = early and commit_now_wait_durable()  # COMMIT + the wait, one round trip
#     if early and not durable:
#         commit_wait_durable()   # before telling anybody the document exists
#
# Gap-free still holds: a later number is committed later in the WAL, so a crash that loses
# this commit loses every later one too. The caller answers only after
# commit_wait_durable(), so nobody is told of a document that a crash could still take
# away. On other databases, and inside an outer transaction (whose commit is not ours to
# change), both do nothing.


# Whether this database lets us write the WAL record that forces a flush (None: not yet
# known in this process; see commit_wait_durable).
_flush_available: bool | None = None
_FLUSH_SQL = "SELECT pg_logical_emit_message(true, 'ecomops', 'durable')"


def _outermost_postgresql() -> bool:
    connection = transaction.get_connection()
    return (
        connection.vendor == "postgresql"
        and connection.in_atomic_block
        and len(connection.savepoint_ids) == 0
    )


def commit_early_available() -> bool:
    """Whether this transaction may commit without waiting for the WAL flush: the outermost
    transaction on PostgreSQL, with a role that may force the flush afterwards. Ask at the
    start of the transaction; pass the answer to the counter (document_number_next's
    `commit_early`), which sets it in its own statement, and call commit_wait_durable()
    after the transaction when it was True."""
    global _flush_available
    if not _outermost_postgresql():
        return False
    connection = transaction.get_connection()
    if _flush_available is None:  # once per process: may this role force a flush?
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_FLUSH_SQL)
            _flush_available = True
        except DatabaseError:
            _flush_available = False
    return _flush_available


def commit_wait_durable() -> None:
    """Wait until this session's last commit is on disk (after commit_early_available()
    returned True; call outside any transaction). A one-statement transaction that writes
    a WAL record (a logical-decoding message, ignored by everything but logical decoders)
    commits synchronously, and its flush covers every earlier commit record."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    rawsql.fetch(_FLUSH_SQL, [])


def commit_now_wait_durable() -> bool:
    """Commit the caller's transaction and wait until it is on disk, in one round trip:
    `COMMIT; SELECT pg_logical_emit_message(…)` as one simple query (the COMMIT releases
    the counter as commit_early asked, the message's own transaction waits for the flush,
    which covers the commit). Call as the last statement of the outermost atomic block,
    after commit_early_available() returned True; the block's exit then finds no
    transaction open and sends nothing (psycopg skips a COMMIT outside a transaction),
    and Django runs the on-commit callbacks as usual. Returns whether it committed; when
    it did not, the caller commits as usual and calls commit_wait_durable() after.

    An error of the COMMIT (a deferred foreign key) is raised as Django's exception inside
    the block, whose exit then rolls back nothing: the failed COMMIT ended the transaction.
    """
    if not _outermost_postgresql() or not _flush_available:
        return False
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_COMMIT_AND_FLUSH_SQL)
    return True


# two statements in one simple query (no parameters: psycopg sends it as it is)
_COMMIT_AND_FLUSH_SQL = f"COMMIT; {_FLUSH_SQL}"
