"""Weekly sales-velocity classes on a hand-made table of sales."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from catalog.models import Product
from catalog.sales import register_sales_source
from catalog.services import classify_by_units, velocity_classify
from catalog.tasks import velocity_classify_task
from core.audit import audit_history

NOW = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

# sku → [(days ago, units)]: the hand-made sales table (100 units in the last 90 days).
SALES = {
    "P-1": [(5, 20), (40, 30)],  # 50 → A (0 % before it)
    "P-2": [(45, 30)],  # 30 → A (50 % before it); no sale in 30 days → slow
    "P-3": [(10, 10)],  # 10 → B (80 % before it: A ends at 80 %)
    "P-4": [(20, 5)],  # 5 → B (90 % before)
    "P-5": [(29, 3), (120, 500)],  # 3 → C (95 % before); the 500 are older than 90 days
    "P-6": [(2, 2)],  # 2 → C
    "P-7": [],  # nothing → C, slow
}


class FakeSales:
    """The sales source the orders app will register, fed from SALES."""

    def __init__(self, products: Mapping[str, Product]) -> None:
        self.products = products
        self.calls: list[dt.datetime] = []

    def __call__(self, *, since: dt.datetime) -> dict[int, int]:
        self.calls.append(since)
        totals: dict[int, int] = {}
        for sku, sales in SALES.items():
            for days_ago, units in sales:
                if NOW - dt.timedelta(days=days_ago) >= since:
                    pk = self.products[sku].pk
                    totals[pk] = totals.get(pk, 0) + units
        return totals


@pytest.fixture
def listed(make_product: Any) -> dict[str, Product]:
    listed_at = NOW - dt.timedelta(days=60)
    return {
        sku: make_product(sku=sku, status=Product.Status.LISTED, listed_at=listed_at)
        for sku in SALES
    }


@pytest.fixture
def sales(listed: dict[str, Product]) -> FakeSales:
    source = FakeSales(listed)
    register_sales_source(source)
    return source


def _classes() -> dict[str, tuple[str, bool]]:
    return {p.sku: (p.velocity_class, p.is_slow_mover) for p in Product.objects.order_by("sku")}


def test_classes_and_slow_movers_from_the_sales_table(
    listed: dict[str, Product], sales: FakeSales
) -> None:
    result = velocity_classify(now=NOW)

    assert _classes() == {
        "P-1": ("A", False),
        "P-2": ("A", True),
        "P-3": ("B", False),
        "P-4": ("B", False),
        "P-5": ("C", False),
        "P-6": ("C", False),
        "P-7": ("C", True),
    }
    assert result.counts == {"A": 2, "B": 2, "C": 3}
    assert result.slow_movers == 2
    assert sales.calls == [NOW - dt.timedelta(days=90), NOW - dt.timedelta(days=30)]
    assert set(Product.objects.values_list("velocity_classified_at", flat=True)) == {NOW}


def test_running_twice_changes_nothing_more(listed: dict[str, Product], sales: FakeSales) -> None:
    first = velocity_classify(now=NOW)
    classes = _classes()
    audit_rows = sum(audit_history(p).count() for p in listed.values())

    second = velocity_classify(now=NOW)

    assert _classes() == classes
    assert (first.changed, second.changed) == (7, 0)
    assert sum(audit_history(p).count() for p in listed.values()) == audit_rows


def test_a_class_change_is_audited(listed: dict[str, Product], sales: FakeSales) -> None:
    velocity_classify(now=NOW)

    record = audit_history(listed["P-2"]).get()
    assert (record.action, record.from_state, record.to_state) == (
        "velocity_classified",
        "-",
        "A slow",
    )
    assert record.data == {"units_90_days": 30}


def test_a_recently_listed_product_without_sales_is_not_yet_slow(
    make_product: Any, sales: FakeSales
) -> None:
    fresh = make_product(
        sku="P-NEW", status=Product.Status.LISTED, listed_at=NOW - dt.timedelta(days=10)
    )

    velocity_classify(now=NOW)

    fresh.refresh_from_db()
    assert (fresh.velocity_class, fresh.is_slow_mover) == ("C", False)


def test_products_no_longer_listed_lose_their_class(make_product: Any, sales: FakeSales) -> None:
    delisted = make_product(
        sku="P-OLD", status=Product.Status.DELISTED, velocity_class="A", is_slow_mover=True
    )

    result = velocity_classify(now=NOW)

    delisted.refresh_from_db()
    assert (delisted.velocity_class, delisted.is_slow_mover) == ("", False)
    assert result.cleared == 1


def test_without_a_sales_source_everything_is_c_and_old_listings_are_slow(
    listed: dict[str, Product],
) -> None:
    velocity_classify(now=NOW)

    assert set(_classes().values()) == {("C", True)}


def test_the_task_runs_the_service(db: Any) -> None:
    assert velocity_classify_task.delay().get() == {"slow_movers": 0, "changed": 0}


def test_the_task_classifies_listed_products(listed: dict[str, Product]) -> None:
    best = listed["P-3"].pk
    register_sales_source(lambda *, since: {best: 100})

    result = velocity_classify_task.delay().get()

    assert result == {"A": 1, "C": 6, "slow_movers": 6, "changed": 7}
    assert _classes()["P-3"] == ("A", False)
    assert not Product.objects.filter(velocity_classified_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ({1: 10}, {1: "A"}),
        ({1: 0, 2: 0}, {1: "C", 2: "C"}),
        ({1: 79, 2: 16, 3: 5}, {1: "A", 2: "A", 3: "C"}),  # 2 starts at 79 % → A
        ({1: 80, 2: 15, 3: 5}, {1: "A", 2: "B", 3: "C"}),
        ({1: 5, 2: 5}, {1: "A", 2: "A"}),
        ({1: 10, 2: 10, 3: 80}, {3: "A", 1: "B", 2: "B"}),  # the 10s start at 80 % → B
        # ties crossing the 80 % boundary: the 10s start at 70 % → all A (not A, B, B)
        ({1: 70, 2: 10, 3: 10, 4: 10}, {1: "A", 2: "A", 3: "A", 4: "A"}),
        # five equal sellers start at 0 %: all A (not A, A, A, A, B)
        ({1: 20, 2: 20, 3: 20, 4: 20, 5: 20}, {1: "A", 2: "A", 3: "A", 4: "A", 5: "A"}),
        # a tie crossing 95 %: the 3s start at 90 % → all B (not B, B, C); 1 at 99 % → C
        ({1: 90, 2: 3, 3: 3, 4: 3, 5: 1}, {1: "A", 2: "B", 3: "B", 4: "B", 5: "C"}),
        # a tie crossing both: 60 + 4 × 10 → the 10s start at 60 % → all A
        ({1: 60, 2: 10, 3: 10, 4: 10, 5: 10}, {1: "A", 2: "A", 3: "A", 4: "A", 5: "A"}),
        # a tie after the 80 % line spanning 95 %: 80 + 5 × 4 → the 4s start at 80 % → all B
        ({1: 80, 2: 4, 3: 4, 4: 4, 5: 4, 6: 4}, {1: "A", 2: "B", 3: "B", 4: "B", 5: "B", 6: "B"}),
    ],
)
def test_classify_by_units(units: dict[int, int], expected: dict[int, str]) -> None:
    assert classify_by_units(units, sorted(units)) == expected


@pytest.mark.parametrize("order", [[1, 2, 3, 4], [4, 3, 2, 1], [3, 1, 4, 2]])
def test_the_order_of_equal_sellers_decides_nothing(order: list[int]) -> None:
    units = {1: 85, 2: 5, 3: 5, 4: 5}

    assert classify_by_units(units, order) == {1: "A", 2: "B", 3: "B", 4: "B"}


def test_equal_sellers_get_the_same_class_in_the_weekly_job(make_product: Any) -> None:
    """70 / 10 / 10 / 10 units: the three tied products all start at 70 % → A (ordered by
    SKU they used to become A, B, B)."""
    listed_at = NOW - dt.timedelta(days=60)
    units = {"T-1": 70, "T-2": 10, "T-3": 10, "T-4": 10, "T-5": 0}
    products = {
        sku: make_product(sku=sku, status=Product.Status.LISTED, listed_at=listed_at)
        for sku in units
    }
    register_sales_source(lambda *, since: {products[s].pk: n for s, n in units.items() if n})

    result = velocity_classify(now=NOW)

    assert {sku: cls for sku, (cls, _slow) in _classes().items()} == {
        "T-1": "A",
        "T-2": "A",
        "T-3": "A",
        "T-4": "A",
        "T-5": "C",
    }
    assert result.counts == {"A": 4, "C": 1}
