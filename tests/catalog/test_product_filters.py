"""The product list applies every filter that validated and shows the ones it ignores."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product

P = Product.Status


@pytest.fixture
def client(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["product_group"])
    return client


@pytest.fixture
def products(make_product: Any, other_division: Any) -> dict[str, Product]:
    return {
        "DEMO-001": make_product(sku="DEMO-001", status=P.LISTED, velocity_class="A"),
        "DEMO-002": make_product(sku="DEMO-002", status=P.LISTED, velocity_class="C"),
        "DEMO-010": make_product(sku="DEMO-010", status=P.DELISTED),
        "DQ-001": make_product(sku="DQ-001", status=P.LISTED, division=other_division),
    }


def _skus(response: Any) -> list[str]:
    return [p.sku for p in response.context["products"]]


@pytest.mark.parametrize(
    ("query", "skus", "errors"),
    [
        ("?status=bogus&q=DEMO-001", ["DEMO-001"], ["status"]),
        ("?status=listed&velocity=Z&q=DEMO-0", ["DEMO-001", "DEMO-002"], ["velocity"]),
        ("?category=999999&status=delisted", ["DEMO-010"], ["category"]),
        ("?division=abc&velocity=A", ["DEMO-001"], ["division"]),
        ("?status=bogus&velocity=nope", ["DEMO-001", "DEMO-002", "DEMO-010", "DQ-001"], None),
        ("?status=listed&q=demo", ["DEMO-001", "DEMO-002"], []),
    ],
)
def test_one_bad_value_does_not_drop_the_other_filters(
    query: str,
    skus: list[str],
    errors: list[str] | None,
    client: Client,
    products: dict[str, Product],
) -> None:
    response = client.get(reverse("catalog:product-list") + query)

    assert response.status_code == 200
    assert _skus(response) == skus
    expected_errors = ["status", "velocity"] if errors is None else errors
    assert sorted(response.context["form"].errors) == sorted(expected_errors)


def test_the_ignored_filter_is_shown_with_its_error(
    client: Client, products: dict[str, Product]
) -> None:
    response = client.get(reverse("catalog:product-list") + "?status=bogus&q=DEMO-001")

    html = response.content.decode()
    assert (
        '<span class="error" data-testid="filter-error-status">Select a valid choice. bogus is '
        "not one of the available choices. This filter is ignored.</span>"
    ) in html
    assert 'value="DEMO-001"' in html
