"""The returns app's document series (core.numbering)."""

from __future__ import annotations

from core.numbering import Series, series_register

# `RR-GQ-2026-000001`: return and exchange requests (退/换货申请).
RETURN_REQUEST = series_register(
    Series("RR", key="RR-{division}-{year}", number="RR-{division}-{year}-{value:06d}")
)
# `TH-GQ-2026-000001`: return orders (退货单), written once the abnormal-receipt feedback is done.
RETURN_ORDER = series_register(
    Series("TH", key="TH-{division}-{year}", number="TH-{division}-{year}-{value:06d}")
)
# `TK-GQ-2026-000001`: refunds (退款).
REFUND = series_register(
    Series("TK", key="TK-{division}-{year}", number="TK-{division}-{year}-{value:06d}")
)
