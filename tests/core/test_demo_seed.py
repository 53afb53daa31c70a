"""The demo-data contract (SPEC §8) and a walk through every role's pages on it."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from core.models import Division, User, Warehouse
from core.navigation import navigation_for
from core.roles import ALL_ROLES

pytestmark = pytest.mark.django_db
DEMO_APPS = {"core", "catalog", "orders", "fulfilment", "billing", "returns"}
LOG_MODELS = {"core.AuditRecord", "core.Notification", "core.SmsMessage"}


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"core", "catalog", "orders", "fulfilment", "billing", "returns"}
        and model._meta.label not in {"core.AuditRecord", "core.Notification", "core.SmsMessage"}
    }


def test_seed_demo_builds_the_contract_and_is_idempotent():
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first

    division = Division.objects.get(code="GQ")
    assert division.name == "工起事业部"
    assert set(Warehouse.objects.filter(division=division).values_list("code", "kind")) == {
        ("GQ-MAIN", "main"),
        ("GQ-CENTRAL", "central"),
    }
    for role in ALL_ROLES:
        user = User.objects.get(username=role)
        assert user.check_password("ecomops-demo")
        assert user.groups.filter(name=role).exists()


def test_every_demo_user_can_open_every_page_of_their_menu(client):
    seed()
    for role in ALL_ROLES:
        user = User.objects.get(username=role)
        client.force_login(user)
        for item in navigation_for(user):
            response = client.get(item["url"])
            assert response.status_code == 200, (role, item["url"], response.status_code)
        client.logout()
