"""Callbacks that later apps register, so billing never imports them (STYLE: one-way
dependencies: `billing ← returns`).

**Settlement sources.** The monthly settlement (billing.services.settlement) shows the
returns and refunds of its period, which the returns app owns. Returns registers one
callable at start-up, in its AppConfig.ready():

    from billing.hooks import register_settlement_source
    register_settlement_source(returns_settlement_figures)

`fn(*, division, start, end) -> dict` is called while a settlement is computed, with the
division and the period as aware datetimes, `start <= t < end` (the 26th 00:00 Beijing
time through the 25th 23:59:59.999999, i.e. up to the next 26th 00:00, exclusive). It
returns amounts as Decimal under the keys of SETTLEMENT_SOURCE_KEYS ("returns",
"refunds"), each as a POSITIVE figure: the settlement subtracts them (net due = shipped
sales + freight + credit notes − returns − refunds). The returns app reports as
"returns" the goods taken back on exchanges (the replacement ships, and counts as sales,
again) and as "refunds" the refunds paid out (goods and return freight); its credit notes
carry `Invoice.return_number` and stay out of the credit-notes figure, so nothing is
subtracted twice.
Missing keys count as zero; other keys are refused, so a typo cannot vanish silently.
The callable must aggregate in SQL (no loop over orders) and must not write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

SETTLEMENT_SOURCE_KEYS = ("returns", "refunds")

SettlementSource = Callable[..., dict[str, Any]]
_settlement_sources: list[SettlementSource] = []


def register_settlement_source(source: SettlementSource) -> None:
    """Register once; registering the same callable again is a no-op."""
    if source not in _settlement_sources:
        _settlement_sources.append(source)


def unregister_settlement_source(source: SettlementSource) -> None:
    if source in _settlement_sources:
        _settlement_sources.remove(source)


def settlement_sources_collect(
    *, division: Any, start: dt.datetime, end: dt.datetime
) -> dict[str, Decimal]:
    """The sum over every registered source, per key (zero without any source)."""
    totals = {key: Decimal("0.00") for key in SETTLEMENT_SOURCE_KEYS}
    for source in list(_settlement_sources):
        figures = source(division=division, start=start, end=end) or {}
        unknown = set(figures) - set(SETTLEMENT_SOURCE_KEYS)
        if unknown:
            raise ValueError(f"Settlement source {source!r} returned unknown keys {unknown}")
        for key, value in figures.items():
            totals[key] += Decimal(value if value is not None else 0)
    return totals
