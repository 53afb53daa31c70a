"""Demo data of core (SPEC §8): division GQ, its warehouses, one user per role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from .models import Division, User, Warehouse
from .roles import ALL_ROLES, ROLE_LABELS, Role

DEMO_PASSWORD = "ecomops-demo"


def seed(context: dict[str, Any]) -> None:
    division, _ = Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})
    main, _ = Warehouse.objects.get_or_create(
        code="GQ-MAIN",
        defaults={
            "name": "工起总仓",
            "division": division,
            "kind": Warehouse.Kind.MAIN,
            "address": "上海市嘉定区工业路 1 号",
        },
    )
    central, _ = Warehouse.objects.get_or_create(
        code="GQ-CENTRAL",
        defaults={
            "name": "工起中心仓",
            "division": division,
            "kind": Warehouse.Kind.CENTRAL,
            "address": "甘肃省兰州市城关区中心路 8 号",
        },
    )
    users = {role: _demo_user(role, division) for role in ALL_ROLES}
    context.update(division=division, warehouses={"main": main, "central": central}, users=users)


def _demo_user(role: str, division: Division) -> User:
    user, created = User.objects.get_or_create(
        username=role,
        defaults={"email": f"{role}@ecomops.demo", "first_name": str(ROLE_LABELS[role])},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
    user.groups.add(Group.objects.get(name=role))
    user.divisions.add(division)
    return user
