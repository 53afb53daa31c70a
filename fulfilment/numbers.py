"""The fulfilment app's document series (core.numbering)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.numbering import Series, document_number_next, series_register

# `DN-GQ-2026-000001`: delivery notes (交货单), gap-free per division and year.
DELIVERY_NOTE = series_register(
    Series("DN", key="DN-{division}-{year}", number="DN-{division}-{year}-{value:06d}")
)
# `PL-GQ-20261128-01`: pick lists (waves) of a day.
PICK_LIST = series_register(
    Series(
        "PL",
        key="PL-{division}-{day:%Y%m%d}",
        number="PL-{division}-{day:%Y%m%d}-{value:02d}",
        reset="day",
    )
)
# `RK-GQ-2026-000001`: inbound receipts (入库单).
INBOUND_RECEIPT = series_register(
    Series("RK", key="RK-{division}-{year}", number="RK-{division}-{year}-{value:06d}")
)
# `PR-GQ-2026-0001`: replenishment requests (采购申请).
REPLENISHMENT = series_register(
    Series("PR", key="PR-{division}-{year}", number="PR-{division}-{year}-{value:04d}")
)
# `PD-GQ-2026-0001`: stock takes (盘点).
STOCK_TAKE = series_register(
    Series("PD", key="PD-{division}-{year}", number="PD-{division}-{year}-{value:04d}")
)
# `LR-2026-0001`: logistics reports, one series for the company.
LOGISTICS_REPORT = series_register(
    Series("LR", key="LR-{year}", number="LR-{year}-{value:04d}", per_division=False)
)


def number_next(series: Series, *, division: Any = None, day: dt.date) -> str:
    """The next number of `series` for `division`, dated `day` (Beijing)."""
    if series.reset == "day":
        return document_number_next(series=series.code, division=division, day=day)
    return document_number_next(series=series.code, division=division, year=day.year)
