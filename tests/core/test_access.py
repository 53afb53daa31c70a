"""The signed-in user's roles, divisions and permissions read in one statement per request
(core.access): the same values Django's backend and core.roles / core.scoping read."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.access import user_access_load
from core.models import Division, User
from core.roles import role_names
from core.scoping import user_division_ids

pytestmark = pytest.mark.django_db


def test_one_statement_reads_what_the_readers_would(make_user: Any, division: Any) -> None:
    other = Division.objects.create(code="DQ", name="电气事业部")
    user = make_user("sales_rep", "parts_support", divisions=[division, other])
    user.user_permissions.add(Permission.objects.get(codename="view_auditrecord"))
    loaded, plain = User.objects.get(pk=user.pk), User.objects.get(pk=user.pk)

    with CaptureQueriesContext(connection) as captured:
        user_access_load(loaded)
        assert loaded.has_perm("orders.view_order") and loaded.has_perm("core.view_auditrecord")
        assert role_names(loaded) == {"sales_rep", "parts_support"}
        assert sorted(user_division_ids(loaded)) == sorted([division.pk, other.pk])
    assert len(captured) == 1

    assert loaded.get_all_permissions() == plain.get_all_permissions()
    assert (
        loaded.get_user_permissions() == plain.get_user_permissions() == {"core.view_auditrecord"}
    )
    assert loaded.get_group_permissions() == plain.get_group_permissions()
    assert role_names(loaded) == role_names(plain)


def test_superusers_and_inactive_users_are_left_to_the_readers(make_user: Any) -> None:
    admin = make_user("sales_rep", is_superuser=True)
    inactive = make_user("sales_rep", is_active=False)
    for user in (admin, inactive):
        user_access_load(user)
        assert not hasattr(user, "_perm_cache")
    assert admin.has_perm("billing.sign_settlement")
    assert not inactive.has_perm("orders.view_order")


def test_a_page_asks_the_database_once_for_them(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("sales_rep"))
    client.get("/orders/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/orders/").status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert sum("auth_permission" in sql for sql in statements) == 1
    assert sum("auth_group" in sql for sql in statements) == 1
