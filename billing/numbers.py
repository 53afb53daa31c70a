"""The billing app's document series (core.numbering)."""

from __future__ import annotations

from core.numbering import Series, series_register

# `FP-GQ-2026-000001`: invoices (发票) and red-letter credit notes share one gap-free series
# per division and year, as the tax office numbers them.
INVOICE = series_register(
    Series("FP", key="FP-{division}-{year}", number="FP-{division}-{year}-{value:06d}")
)
