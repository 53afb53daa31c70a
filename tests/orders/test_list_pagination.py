"""The triage list's pages keep its filters; long lists count up to a cap (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.pagination import LAST, CappedPaginator
from orders.models import Order
from tests.orders.factories import order_in_state, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("sales_rep", username="rep", language="en"))
    return client


def test_the_queues_next_page_is_still_the_queue(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    queued = {receive(platform).pk for _ in range(27)}
    order_in_state("confirmed", platform=platform, division=division)  # not in the queue

    first = rep_client.get(reverse("orders:order-list"))
    html = first.content.decode()
    assert "status=received&amp;status=identified&amp;page=2" in html
    second = rep_client.get(reverse("orders:order-list") + "?page=2")

    shown = [o.pk for o in first.context["orders"]] + [o.pk for o in second.context["orders"]]
    assert set(shown) == queued and len(shown) == 27


def test_filters_stay_on_every_page_link(
    rep_client: Client, platform: Any, product: Any, warehouses: Any
) -> None:
    for _ in range(26):
        receive(platform)
    url = reverse("orders:order-list") + f"?status=received&warehouse={warehouses['main'].pk}"

    html = rep_client.get(url).content.decode()

    assert f"status=received&amp;warehouse={warehouses['main'].pk}&amp;page=2" in html


def test_search_by_exact_numbers_and_short_names(
    rep_client: Client, platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform, platform_order_no="SHOP-77")
    other = receive(platform, platform_order_no="SHOP-78")
    url = reverse("orders:order-list") + "?q="

    assert [o.pk for o in rep_client.get(url + order.number).context["orders"]] == [order.pk]
    assert [o.pk for o in rep_client.get(url + order.number.lower()).context["orders"]] == [
        order.pk
    ]
    assert [o.pk for o in rep_client.get(url + "SHOP-77").context["orders"]] == [order.pk]
    Order.objects.filter(pk=other.pk).update(buyer_name="李雷")
    assert [o.pk for o in rep_client.get(url + "李雷").context["orders"]] == [other.pk]
    assert list(rep_client.get(url + "李").context["orders"]) == []  # one character: whole names


class _Small(CappedPaginator):
    cap = 5


def test_capped_paginator_counts_up_to_the_cap_and_reads_the_last_page_backwards(
    platform: Any, product: Any, warehouses: Any
) -> None:
    for _ in range(8):
        receive(platform)
    orders = Order.objects.order_by("pk")
    everything = list(orders.values_list("pk", flat=True))
    paginator = _Small(orders, 3)

    assert paginator.count == 6 and paginator.capped and paginator.num_pages == LAST
    second = paginator.page(2)
    assert [o.pk for o in second] == everything[3:6] and second.has_next()
    third = paginator.page(3)
    assert [o.pk for o in third] == everything[6:] and not third.has_next()
    last = paginator.page(LAST)
    assert [o.pk for o in last] == everything[-3:] and last.is_last and last.has_previous()
    with pytest.raises(Exception, match="no results"):
        paginator.page(4)
    small = _Small(orders[:4], 3)
    assert not small.capped and small.num_pages == 2 and small.count == 4


def test_a_long_list_says_more_than_the_cap(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, monkeypatch: Any, english: Any
) -> None:
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    for _ in range(32):
        receive(platform)
    response = rep_client.get(reverse("orders:order-list") + "?status=")
    html = response.content.decode()

    assert "more than 30 items" in html and "page=last" in html
    last = rep_client.get(reverse("orders:order-list") + "?status=&page=last")
    assert last.status_code == 200 and len(last.context["orders"]) == 25
