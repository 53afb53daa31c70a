"""Contracts with other parts: the catalog's sales source, the admin's platform tokens,
concurrent intake of the same order."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from orders.models import Order, Platform
from orders.models.platform import hash_token
from orders.services.platforms import platform_authenticate
from tests.orders.factories import ListedProductFactory, order_in_state, receive


@pytest.mark.django_db
def test_catalog_reads_units_sold_from_non_cancelled_orders(
    platform: Any, product: Any, division: Any, warehouses: Any
) -> None:
    from catalog.sales import units_sold_since

    other = ListedProductFactory(sku="SKU-B", division=division)
    recent = timezone.now().isoformat()
    receive(platform, placed_at=recent, **{"lines.0.quantity": 3})
    receive(
        platform,
        placed_at=recent,
        lines=[
            {"sku": "SKU-A", "quantity": 2, "unit_price": "1.00"},
            {"sku": "SKU-B", "quantity": 5, "unit_price": "1.00"},
        ],
    )
    order_in_state(
        "cancelled",
        platform=platform,
        division=division,
        placed_at=recent,
        **{"lines.0.quantity": 40},
    )
    receive(platform, placed_at="2025-01-01T10:00:00+08:00", **{"lines.0.quantity": 70})

    sold = units_sold_since(since=timezone.now() - dt.timedelta(days=90))

    assert sold == {product.pk: 5, other.pk: 5}


@pytest.mark.django_db
def test_admin_creates_a_platform_and_shows_the_token_once(make_user: Any) -> None:
    admin = make_user(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)

    response = client.post(
        "/admin/orders/platform/add/",
        {"name": "新平台", "code": "newmall", "is_active": "on", "new_token": ""},
        follow=True,
    )

    platform = Platform.objects.get(code="newmall")
    shown = [str(m) for m in response.context["messages"]]
    token = shown[0].rsplit(" ", 1)[-1].rsplit("：", 1)[-1]
    assert platform_authenticate(token=token) == platform
    assert token not in platform.token_hash and platform.token_hash == hash_token(token)
    assert platform.token_hint == token[-4:]


@pytest.mark.django_db
def test_admin_may_set_a_chosen_token(make_user: Any, platform: Platform) -> None:
    client = Client()
    client.force_login(make_user(username="root", is_superuser=True, is_staff=True))

    client.post(
        f"/admin/orders/platform/{platform.pk}/change/",
        {
            "name": platform.name,
            "code": platform.code,
            "is_active": "on",
            "new_token": "a-chosen-token-123",
        },
    )

    assert platform_authenticate(token="a-chosen-token-123") == Platform.objects.get(pk=platform.pk)


@pytest.mark.django_db(transaction=True)
def test_the_same_order_sent_twice_at_once_is_created_once(division: Any, warehouses: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    from tests.orders.factories import TOKEN, PlatformFactory, payload

    PlatformFactory()
    ListedProductFactory(sku="SKU-A", division=division)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        barrier.wait()
        response = client.post("/api/v1/orders", payload(), content_type="application/json")
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 201]
    assert Order.objects.count() == 1
