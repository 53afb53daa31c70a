"""Sales input of the velocity classification, without the catalog knowing orders.

The orders app registers its source in its AppConfig.ready():

    from catalog.sales import register_sales_source
    register_sales_source(orders.selectors.units_sold_since)

A source is called as `source(since=aware_datetime)` and returns {product_id: units}
for the units sold (shipped or otherwise counted as sold) since that moment. Until a
source is registered there are no sales.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Protocol


class SalesSource(Protocol):
    def __call__(self, *, since: dt.datetime) -> Mapping[int, int]: ...


def _no_sales(*, since: dt.datetime) -> Mapping[int, int]:
    return {}


_source: SalesSource | Callable[..., Mapping[int, int]] = _no_sales


def register_sales_source(
    fn: SalesSource | Callable[..., Mapping[int, int]] | None,
) -> SalesSource | Callable[..., Mapping[int, int]]:
    """Make `fn` the sales source (None restores "no sales"); returns the previous one."""
    global _source
    previous = _source
    _source = fn if fn is not None else _no_sales
    return previous


def units_sold_since(*, since: dt.datetime) -> dict[int, int]:
    """Units sold per product id since `since` (aware); products without sales are absent."""
    if since.tzinfo is None:
        raise ValueError("units_sold_since needs an aware datetime")
    units = _source(since=since)
    # Net returns can make a count negative; for velocity that is simply "no sale".
    return {int(pk): int(quantity) for pk, quantity in units.items() if int(quantity) > 0}
