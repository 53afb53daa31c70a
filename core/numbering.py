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

from django.db import connection, transaction

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


def sequence_next(*, key: str) -> int:
    """The next value of counter `key`, created on first use without a race.

    One statement, `UPDATE … SET last_value = last_value + 1 … RETURNING last_value`: the
    row lock is taken and the value read in the same round trip, and held until the
    caller's transaction ends (no gap after a rollback). Only the first number of a counter
    needs more (an INSERT … ON CONFLICT DO NOTHING, then the UPDATE again)."""
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return sequence_next(key=key)
    value = _increment(key)
    if value is None:
        # ON CONFLICT DO NOTHING: a concurrent first caller waits for the other's insert.
        DocumentSequence.objects.bulk_create([DocumentSequence(key=key)], ignore_conflicts=True)
        value = _increment(key)
        assert value is not None
    return value


def _increment(key: str) -> int | None:
    table, column = (connection.ops.quote_name(n) for n in (DocumentSequence._meta.db_table, "key"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 WHERE {column} = %s "  # noqa: S608
            "RETURNING last_value",
            [key],
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def document_number_next(
    *, series: str, division: Any = None, year: int | None = None, day: dt.date | None = None
) -> str:
    """The next number of `series` for `division` in `year` (or on `day` for series that
    restart daily). Call inside the transaction that stores the document."""
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
    value = sequence_next(key=definition.key.format(**fields))
    return definition.number.format(value=value, **fields)
