"""List pages: the number of queries does not grow with the number of rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import ListingApplication, Product
from tests.catalog.factories import CategoryFactory


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalog:product-list"),
        reverse("catalog:product-list") + "?q=T-&status=listed&velocity=A",
    ],
)
def test_product_list_query_count_is_constant(
    url: str,
    users: dict[str, Any],
    make_product: Callable[..., Product],
    django_assert_num_queries: Any,
) -> None:
    category = CategoryFactory(parent=CategoryFactory())
    for _ in range(2):
        make_product(status=Product.Status.LISTED, category=category, velocity_class="A")
    client = _client(users["division_sales"])
    baseline = _queries(client, url)

    for _ in range(20):
        make_product(status=Product.Status.LISTED, category=category, velocity_class="A")

    with django_assert_num_queries(baseline):
        response = client.get(url)
    assert len(response.context["products"]) == 22


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("division_sales", "catalog:application-list"),
        ("product_group", "catalog:application-review-queue"),
    ],
)
def test_application_lists_query_count_is_constant(
    role: str,
    url_name: str,
    users: dict[str, Any],
    make_application: Callable[..., ListingApplication],
    django_assert_num_queries: Any,
) -> None:
    for _ in range(2):
        make_application(ListingApplication.Status.SUBMITTED)
    client = _client(users[role])
    baseline = _queries(client, reverse(url_name))

    for _ in range(15):
        make_application(ListingApplication.Status.SUBMITTED)

    with django_assert_num_queries(baseline):
        response = client.get(reverse(url_name))
    assert len(response.context["applications"]) == 17


def test_product_page_query_count_does_not_grow_with_history(
    users: dict[str, Any], make_product: Callable[..., Product], django_assert_num_queries: Any
) -> None:
    from catalog.services import PriceSet, product_prices_change

    product = make_product(status=Product.Status.LISTED, complete=True)
    client = _client(users["product_group"])
    url = reverse("catalog:product-detail", args=[product.pk])
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=PriceSet(**{**PriceSet.of(product).__dict__, "selling_price": 90}),
    )
    baseline = _queries(client, url)

    for price in range(91, 99):
        product.refresh_from_db()
        product_prices_change(
            product=product,
            by=users["product_group"],
            prices=PriceSet(**{**PriceSet.of(product).__dict__, "selling_price": price}),
        )

    with django_assert_num_queries(baseline):
        client.get(url)
