from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.orders.factories import TOKEN

# `platform`, `product` and `english` live in tests/conftest.py (fulfilment uses them too).


@pytest.fixture
def api(platform: Any, product: Any, warehouses: Any) -> Client:
    """A client that speaks to /api/v1/ as the platform `mall`."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def post_order(client: Client, body: Any) -> Any:
    return client.post("/api/v1/orders", body, content_type="application/json")
