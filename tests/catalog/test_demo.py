"""seed_demo contract of the catalog (SPEC §8): DEMO-001 … DEMO-020 and every state."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from catalog import demo
from catalog.models import ListingApplication, PriceChange, Product, ProductBin
from catalog.rules import missing_base_information, price_guard_violation
from core import demo as core_demo
from core.models import AuditRecord


def _seed() -> dict[str, Any]:
    context: dict[str, Any] = {}
    core_demo.seed(context)
    demo.seed(context)
    return context


@pytest.fixture
def seeded(db: Any) -> dict[str, Any]:
    return _seed()


def test_twenty_listed_demo_products(seeded: dict[str, Any]) -> None:
    skus = [f"DEMO-{n:03d}" for n in range(1, 21)]
    products = Product.objects.filter(sku__in=skus)

    assert sorted(seeded["products"]) == skus
    assert {p.status for p in products} == {Product.Status.LISTED}
    for product in products:
        assert product.division.code == "GQ"
        assert product.vat_rate == Decimal("0.130")
        assert missing_base_information(product) == []
        assert (
            price_guard_violation(
                selling_price=product.selling_price,
                baseline_subsidy_price=product.baseline_subsidy_price,
                offline_market_price=product.offline_market_price,
            )
            is None
        )
        assert product.baseline_subsidy_price <= product.online_guide_price
        assert product.online_guide_price <= product.offline_market_price
        assert product.category is not None and product.category.parent is not None
        assert product.listed_at is not None


def test_demo_products_have_bins_in_both_warehouses(seeded: dict[str, Any]) -> None:
    bins = ProductBin.objects.filter(product__sku__startswith="DEMO-")

    assert bins.count() == 40
    assert set(bins.values_list("warehouse__code", flat=True)) == {"GQ-MAIN", "GQ-CENTRAL"}
    assert ProductBin.objects.get(product__sku="DEMO-001", warehouse__code="GQ-MAIN").bin_code == (
        "A-01-01"
    )


def test_applications_and_products_in_every_state(seeded: dict[str, Any]) -> None:
    application_states = Counter(ListingApplication.objects.values_list("status", flat=True))
    product_states = Counter(Product.objects.values_list("status", flat=True))

    assert set(application_states) == set(ListingApplication.Status.values)
    assert set(product_states) == set(Product.Status.values)
    resubmitted = ListingApplication.objects.get(product__sku="GQ-N006")
    assert resubmitted.status == ListingApplication.Status.SUBMITTED
    assert resubmitted.submission_count == 2
    assert resubmitted.rejection_reason


def test_seed_is_idempotent(seeded: dict[str, Any]) -> None:
    counts = (
        Product.objects.count(),
        ListingApplication.objects.count(),
        PriceChange.objects.count(),
        ProductBin.objects.count(),
        AuditRecord.objects.count(),
    )

    again = _seed()

    assert (
        Product.objects.count(),
        ListingApplication.objects.count(),
        PriceChange.objects.count(),
        ProductBin.objects.count(),
        AuditRecord.objects.count(),
    ) == counts
    assert {sku: p.pk for sku, p in again["products"].items()} == {
        sku: p.pk for sku, p in seeded["products"].items()
    }


def test_every_demo_product_keeps_the_guide_price_guard(seeded: dict[str, Any]) -> None:
    from catalog.rules import guide_price_violation

    products = Product.objects.exclude(online_guide_price=None)

    assert products.count() == Product.objects.count() == 29
    for product in products:
        assert product.baseline_subsidy_price <= product.online_guide_price
        assert product.online_guide_price <= product.offline_market_price
        assert (
            guide_price_violation(
                online_guide_price=product.online_guide_price,
                baseline_subsidy_price=product.baseline_subsidy_price,
                offline_market_price=product.offline_market_price,
            )
            is None
        ), product.sku
