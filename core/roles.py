"""The roles of SPEC.md ("Users") as Django groups, and the permissions each role holds.

Groups are created by a data migration of `core`; each domain app grants its own
permissions to the roles in a data migration of its own (`grant_role_permissions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class Role:
    PRODUCT_GROUP = "product_group"
    DIVISION_SALES = "division_sales"
    SALES_REP = "sales_rep"
    SALES_LEAD = "sales_lead"
    PARTS_SUPPORT = "parts_support"
    WAREHOUSE = "warehouse"
    WAREHOUSE_RECEIVER = "warehouse_receiver"
    DIVISION_FINANCE = "division_finance"
    HQ_FINANCE = "hq_finance"
    SALES_HEAD = "sales_head"
    ECOM_LEADER = "ecom_leader"
    LOGISTICS_LEAD = "logistics_lead"
    ADMIN = "admin"


ROLE_LABELS: dict[str, Any] = {
    Role.PRODUCT_GROUP: _("E-commerce product group"),
    Role.DIVISION_SALES: _("Division sales manager"),
    Role.SALES_REP: _("E-commerce sales representative"),
    Role.SALES_LEAD: _("E-commerce sales team lead"),
    Role.PARTS_SUPPORT: _("Parts support specialist"),
    Role.WAREHOUSE: _("Warehouse keeper"),
    Role.WAREHOUSE_RECEIVER: _("Warehouse receiver"),
    Role.DIVISION_FINANCE: _("Division finance"),
    Role.HQ_FINANCE: _("Head-office finance"),
    Role.SALES_HEAD: _("Head of sales"),
    Role.ECOM_LEADER: _("E-commerce leader"),
    Role.LOGISTICS_LEAD: _("Logistics lead"),
    Role.ADMIN: _("System administrator"),
}

ALL_ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

# The lead who is told, with the role itself, when a step of that role breaches its SLA.
ROLE_LEADS: dict[str, str] = {
    Role.SALES_REP: Role.SALES_LEAD,
    Role.PARTS_SUPPORT: Role.SALES_LEAD,
    Role.DIVISION_FINANCE: Role.HQ_FINANCE,
    Role.WAREHOUSE: Role.LOGISTICS_LEAD,
    Role.WAREHOUSE_RECEIVER: Role.LOGISTICS_LEAD,
}

# Permissions ("app_label.codename") per role; each app's migration grants its own.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (
        "core.view_auditrecord",
        "core.view_smsmessage",
        "core.add_specialday",
        "core.change_specialday",
        "core.delete_specialday",
        "core.view_specialday",
        "core.view_division",
        "core.add_division",
        "core.change_division",
        "core.view_warehouse",
        "core.add_warehouse",
        "core.change_warehouse",
        "core.view_user",
        "core.add_user",
        "core.change_user",
    ),
    # the SMS outbox (SPEC: "viewable in the portal"): what customers were told
    Role.SALES_REP: ("core.view_smsmessage",),
    Role.SALES_LEAD: ("core.view_smsmessage",),
    Role.SALES_HEAD: ("core.view_smsmessage",),
}


def grant_role_permissions(
    apps: Any, app_label: str, role_permissions: dict[str, tuple[str, ...]] | None = None
) -> None:
    """Data-migration helper: give each role the permissions of `app_label` it should hold.

    `role_permissions` defaults to the core table; a domain app passes its own
    (`<app>/roles.py`), so each app owns the permissions of its models.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = getattr(app_config, "models_module", None) or True
    create_permissions(app_config, verbosity=0, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permissions in (role_permissions or ROLE_PERMISSIONS).items():
        codenames = [p.split(".", 1)[1] for p in permissions if p.startswith(app_label + ".")]
        if not codenames:
            continue
        group, _created = group_model.objects.get_or_create(name=role)
        found = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for role {role}: {sorted(missing)}")
        group.permissions.add(*found)


def role_names(user: Any) -> set[str]:
    """The roles of a user (cached on the instance for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._role_names = cached
    return set(cached)


def user_has_role(user: Any, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def user_sees_all_divisions(user: Any) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    head_office = set(settings.HEAD_OFFICE_ROLES) | {Role.ADMIN}
    return bool(role_names(user) & head_office)


def roles_label(roles: Iterable[str]) -> list[Any]:
    return [ROLE_LABELS.get(role, role) for role in roles]


def all_role_permissions() -> dict[str, tuple[str, ...]]:
    """The core table merged with each installed app's `<app>.roles.ROLE_PERMISSIONS`."""
    from .discovery import app_modules

    merged: dict[str, list[str]] = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for module in app_modules("roles", exclude=["core"]):
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(role, []).extend(perms)
    return {role: tuple(perms) for role, perms in merged.items()}


def sync_roles(**kwargs: Any) -> None:
    """post_migrate: make sure every role group exists with exactly its permissions.

    The data migrations do this once; this also repairs the groups after a database
    flush (transactional tests), which empties the tables but re-runs post_migrate.
    post_migrate is sent once per app; the work is done once, after the last app, when
    every app's permissions exist.
    """
    from django.apps import apps as installed_apps
    from django.contrib.auth.models import Group, Permission

    # emit_post_migrate_signal skips apps without a models module
    last_app = [c for c in installed_apps.get_app_configs() if c.models_module is not None][-1]
    sender = kwargs.get("app_config") or kwargs.get("sender")
    if sender is not None and sender is not last_app:
        return
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)
    permissions = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    table = all_role_permissions()
    unknown = {role: sorted(set(p) - set(permissions)) for role, p in table.items()}
    unknown = {role: names for role, names in unknown.items() if names}
    if unknown:
        raise RuntimeError(f"Unknown permissions in the role table: {unknown}")
    # The table is the truth: a role gets exactly what it lists (revoking what it no longer
    # lists, also what was granted by hand in the admin); an unlisted role gets nothing.
    for role in ALL_ROLES:
        wanted = [permissions[name] for name in table.get(role, ())]
        Group.objects.get(name=role).permissions.set(wanted)


def seed_calendar_if_empty(**kwargs: Any) -> None:
    """post_migrate: an empty special-day table (new or flushed database) gets the
    official schedule; a table that has rows is the admins' and is left alone."""
    from .calendar_seed import seed_special_days
    from .models import SpecialDay
    from .working_calendar import calendar_changed

    if not SpecialDay.objects.exists():
        seed_special_days(SpecialDay, first_year=2020)
        calendar_changed()  # a bulk insert sends no signal
