"""The sales input contract the orders app feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from catalog.sales import register_sales_source, units_sold_since


def test_without_a_source_there_are_no_sales() -> None:
    assert units_sold_since(since=timezone.now()) == {}


def test_a_registered_source_is_called_with_since_and_cleaned() -> None:
    seen = []

    def source(*, since: dt.datetime) -> dict[int, int]:
        seen.append(since)
        return {1: 5, 2: 0, 3: -2}

    since = timezone.now() - dt.timedelta(days=90)
    previous = register_sales_source(source)

    assert units_sold_since(since=since) == {1: 5}
    assert seen == [since]
    assert register_sales_source(previous) is source


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        units_sold_since(since=dt.datetime(2026, 1, 1))


def test_the_docstring_names_the_function_orders_registers() -> None:
    """catalog/sales.py tells the orders app what to register; the name must exist."""
    import importlib
    import re

    import catalog.sales

    named = re.search(r"register_sales_source\(([\w.]+)\)", catalog.sales.__doc__ or "")
    assert named is not None
    module_name, _dot, function_name = named.group(1).rpartition(".")
    assert (module_name, function_name) == ("orders.selectors", "units_sold_since")
    assert callable(getattr(importlib.import_module(module_name), function_name))
