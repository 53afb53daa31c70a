"""What the pages keep per process instead of working it out on every request: the menu's
addresses (per URL configuration and script prefix) and a state machine's state fields
(per model) — the same answers as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse, set_script_prefix
from django_fsm import ConcurrentTransition

from core.navigation import navigation_for
from orders.models import Order
from tests.orders.factories import receive

pytestmark = pytest.mark.django_db


def test_the_menu_follows_the_script_prefix_and_the_users_permissions(make_user: Any) -> None:
    rep, nobody = make_user("sales_rep"), make_user(username="nobody")  # no role
    try:
        set_script_prefix("/portal/")
        prefixed = {entry["url"] for entry in navigation_for(rep)}
    finally:
        set_script_prefix("/")
    plain = {entry["url"] for entry in navigation_for(rep)}

    assert reverse("orders:order-list") in plain
    assert {"/portal" + url for url in plain} == prefixed
    assert reverse("orders:order-list") not in {e["url"] for e in navigation_for(nobody)}
    assert reverse("core:home") in {e["url"] for e in navigation_for(nobody)}


def test_the_state_field_is_found_once_and_still_guards_a_stale_save(
    platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform)
    stale = Order.objects.get(pk=order.pk)

    assert [field.name for field in stale.state_fields] == ["status"]
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    stale.buyer_name = "changed meanwhile"
    with pytest.raises(ConcurrentTransition):
        stale.save()
