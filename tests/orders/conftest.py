from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.orders.factories import TOKEN, ListedProductFactory, PlatformFactory


@pytest.fixture
def platform(db: Any) -> Any:
    return PlatformFactory()


@pytest.fixture
def product(division: Any) -> Any:
    return ListedProductFactory(sku="SKU-A", division=division)


@pytest.fixture
def api(platform: Any, product: Any, warehouses: Any) -> Client:
    """A client that speaks to /api/v1/ as the platform `mall`."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def post_order(client: Client, body: Any) -> Any:
    return client.post("/api/v1/orders", body, content_type="application/json")


@pytest.fixture
def english() -> Any:
    """Messages in English for assertions on their text."""
    from django.utils import translation

    with translation.override("en"):
        yield
