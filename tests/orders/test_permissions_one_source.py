"""One source of permissions (issue 7 §7): a menu entry is shown exactly when its page opens,
for every role; the role table is the truth for the groups (revokes, refuses unknown names)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from core import roles as core_roles
from core.navigation import _all_items, navigation_for
from core.roles import ALL_ROLES, Role, sync_roles

pytestmark = pytest.mark.django_db

# What each role may open, written out from SPEC's roles (not from the code).
OPENS: dict[str, set[str]] = {
    Role.PRODUCT_GROUP: {"catalog:application-list", "catalog:application-review-queue"},
    Role.DIVISION_SALES: {"catalog:application-list"},
    Role.SALES_REP: {
        "orders:order-list",
        "orders:order-create",
        "orders:customer-list",
        "orders:sla-report",
    },
    Role.SALES_LEAD: {
        "orders:order-list",
        "orders:order-create",
        "orders:customer-list",
        "orders:sla-report",
    },
    Role.PARTS_SUPPORT: {"orders:order-list"},
    Role.WAREHOUSE: {"orders:order-list"},
    Role.WAREHOUSE_RECEIVER: set(),
    Role.DIVISION_FINANCE: {"orders:order-list"},
    Role.HQ_FINANCE: {"orders:order-list", "orders:sla-report"},
    Role.SALES_HEAD: {"orders:order-list", "orders:sla-report"},
    Role.ECOM_LEADER: {"orders:order-list", "orders:sla-report"},
    Role.LOGISTICS_LEAD: {"orders:order-list", "orders:sla-report"},
    # admins see all data: orders and customers too (issue 8 §14)
    Role.ADMIN: {
        "orders:order-list",
        "orders:order-create",
        "orders:customer-list",
        "orders:sla-report",
        "catalog:application-list",
        "core:calendar",
        "core:audit-list",
    },
}
GATED = set().union(*OPENS.values()) | {"catalog:application-review-queue"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_menu_shows_exactly_the_pages_the_role_can_open(role: str, make_user: Any) -> None:
    user = make_user(role)
    client = Client()
    client.force_login(user)
    shown = {item.url_name for item in _all_items()} & GATED
    shown = {name for name in shown if reverse(name) in {e["url"] for e in navigation_for(user)}}

    opened = {name for name in GATED if client.get(reverse(name)).status_code == 200}
    refused = {name for name in GATED if name not in opened}

    assert opened == OPENS[role]
    assert shown == opened
    assert all(client.get(reverse(name)).status_code == 403 for name in refused)


def test_the_order_page_links_the_customer_only_for_who_can_open_it(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any
) -> None:
    from orders.models import Order
    from tests.orders.factories import order_in_state

    order = order_in_state(Order.Status.CONFIRMED, platform=platform, division=division)
    link = reverse("orders:customer-detail", args=[order.customer_id])
    for role, linked in ((Role.SALES_REP, True), (Role.WAREHOUSE, False)):
        client = Client()
        client.force_login(make_user(role))
        page = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
        assert (link in page) is linked, role


def test_sync_roles_revokes_what_a_role_no_longer_lists() -> None:
    stray = Permission.objects.get(codename="delete_auditrecord")
    warehouse = Group.objects.get(name=Role.WAREHOUSE)
    warehouse.permissions.add(stray)

    sync_roles()

    assert not warehouse.permissions.filter(pk=stray.pk).exists()
    assert warehouse.permissions.filter(codename="ship_order").exists()


def test_sync_roles_fails_on_an_unknown_codename(monkeypatch: Any) -> None:
    table = {**core_roles.ROLE_PERMISSIONS, Role.WAREHOUSE: ("orders.fly_to_the_moon",)}
    monkeypatch.setattr(core_roles, "ROLE_PERMISSIONS", table)

    with pytest.raises(RuntimeError, match="fly_to_the_moon"):
        sync_roles()
