"""The orders app's document series (core.numbering): order, sales order and customer."""

from __future__ import annotations

import datetime as dt

from core.models import Division
from core.numbering import Series, document_number_next, series_register

# `GQ-20260315-0001`: division, day of receipt (Beijing time), serial of that day.
ORDER = series_register(
    Series(
        "ORDER",
        key="ORDER-{division}-{day:%Y%m%d}",
        number="{division}-{day:%Y%m%d}-{value:04d}",
        reset="day",
    )
)
# `SO-GQ-2026-000001`: gap-free per division and year.
SALES_ORDER = series_register(
    Series("SO", key="SO-{division}-{year}", number="SO-{division}-{year}-{value:06d}")
)
# `C0000001`: one series for the whole company.
CUSTOMER = series_register(
    Series("CUSTOMER", key="CUSTOMER", number="C{value:07d}", reset="never", per_division=False)
)


def order_number_next(*, division: Division, day: dt.date, commit_early: bool = False) -> str:
    return document_number_next(
        series=ORDER.code, division=division, day=day, commit_early=commit_early
    )


def sales_order_number_next(*, division: Division, year: int) -> str:
    return document_number_next(series=SALES_ORDER.code, division=division, year=year)


def customer_number_next() -> str:
    return document_number_next(series=CUSTOMER.code)
