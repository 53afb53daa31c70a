"""A tiny run of the page benchmark and its data generator, so neither can rot (issue 12).

The generator writes set-based PostgreSQL SQL (generate_series): skipped elsewhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from bench import bench_pages, generate_year
from core.models import User
from orders.models import Order, OrderLine

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator writes PostgreSQL SQL"
    ),
]


def test_generator_and_page_measurement(settings: Any) -> None:
    timings = generate_year.generate(orders=200, customers=100, per_day=100)

    assert Order.objects.count() == 200 and OrderLine.objects.count() == 600
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"received", "identified", "shipped", "cancelled"} <= statuses
    assert Order.objects.filter(customer__isnull=False).exists()
    assert set(timings) >= {"customers", "orders", "lines"}
    order = Order.objects.filter(customer__isnull=False).first()
    assert order is not None and order.buyer_phone.startswith("13")  # decrypts

    client = Client()
    client.force_login(User.objects.get(username=bench_pages._user("sales_rep")))
    for url in ("/orders/", "/orders/?status=", f"/orders/{order.pk}/"):
        row = bench_pages.measure(client, url, warmups=0, requests=1)
        assert row["queries"] > 0 and row["p95_ms"] > 0
        assert row["raw_sql_p95_ms"] > 0
        assert isinstance(row["seq_scan"], list)
