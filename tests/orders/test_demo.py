"""seed_demo: the orders part of the demo contract (SPEC §8), idempotent."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from orders.models import Customer, Order, SlaBreach

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_orders_in_every_state_once() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = (Order.objects.count(), Customer.objects.count(), SlaBreach.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Order.objects.count(), Customer.objects.count(), SlaBreach.objects.count()) == first
    states = Counter(Order.objects.values_list("status", flat=True))
    assert set(states) == set(Order.Status.values)
    assert states[Order.Status.RECEIVED] >= 2
    assert SlaBreach.objects.filter(step="identify", order__status=Order.Status.RECEIVED).exists()
    assert Customer.objects.filter(kind="corporate").count() >= 3
    assert Customer.objects.filter(kind="individual").count() >= 2
    assert Order.objects.filter(source=Order.Source.KEYED_IN).exists()
    flagged = Order.objects.get(platform_order_no="DEMO-MALL-0004")
    assert flagged.is_flagged and flagged.review_flags[0]["code"] == "price_deviation"


def test_demo_platform_token_works() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    response = Client(HTTP_AUTHORIZATION="Bearer demo-mall-token").get(
        "/api/v1/orders/DEMO-MALL-0009"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "shipped" and body["tracking"]["carrier"] == "顺丰速运"


STEP_TIMES = (
    "placed_at",
    "received_at",
    "identified_at",
    "confirmed_at",
    "on_hold_at",
    "delivery_note_at",
    "invoiced_at",
    "shipped_at",
    "delivered_at",
    "closed_at",
    "cancelled_at",
)


def test_every_demo_order_did_its_steps_in_order() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    out_of_order = {}
    for order in Order.objects.order_by("platform_order_no"):
        times = [(name, getattr(order, name)) for name in STEP_TIMES]
        done = [(name, at) for name, at in times if at is not None]
        if [at for _name, at in done] != sorted(at for _name, at in done):
            out_of_order[order.platform_order_no] = done
    assert out_of_order == {}
    identified = Order.objects.exclude(identified_at=None)
    assert identified.count() >= 10
    assert all(o.identified_at <= o.sales_order_due_at for o in identified)
