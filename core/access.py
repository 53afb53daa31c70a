"""What a signed-in user is (roles), sees (divisions) and may do (permissions), read in one
statement per request instead of four.

Every page asks all three: the permission gate and the menu ask the permissions (Django's
ModelBackend: one query for the user's own, one for the groups'), the roles
(`core.roles.role_names`: the group names) and the division scope
(`core.scoping.user_division_ids`). `user_access_load` reads them together and fills the
caches those readers already keep on the user instance for the request — the same values
they would read themselves, so nothing else changes; a superuser (all permissions) and an
inactive user (none) are left to the readers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from .models import User

_SQL: str | None = None


def _sql() -> str:
    """The UNION of the four reads, with the tables' and columns' names from the models."""
    global _SQL
    if _SQL is None:
        groups = User.groups.through._meta
        divisions = User.divisions.through._meta
        own = User.user_permissions.through._meta
        granted = Group.permissions.through._meta
        group, permission = Group._meta.db_table, Permission._meta.db_table
        content_type = ContentType._meta.db_table
        user_group = groups.get_field("user").column, groups.get_field("group").column
        user_division = divisions.get_field("user").column, divisions.get_field("division").column
        user_permission = own.get_field("user").column, own.get_field("permission").column
        group_permission = granted.get_field("group").column, granted.get_field("permission").column
        _SQL = f"""
            SELECT 'role', '', g.name FROM {group} g
              JOIN {groups.db_table} ug ON ug.{user_group[1]} = g.id
             WHERE ug.{user_group[0]} = %s
            UNION ALL
            SELECT 'division', '', CAST(ud.{user_division[1]} AS TEXT) FROM {divisions.db_table} ud
             WHERE ud.{user_division[0]} = %s
            UNION ALL
            SELECT 'own', ct.app_label, p.codename FROM {permission} p
              JOIN {own.db_table} up ON up.{user_permission[1]} = p.id
              JOIN {content_type} ct ON ct.id = p.content_type_id
             WHERE up.{user_permission[0]} = %s
            UNION ALL
            SELECT 'group', ct.app_label, p.codename FROM {permission} p
              JOIN {granted.db_table} gp ON gp.{group_permission[1]} = p.id
              JOIN {groups.db_table} ug ON ug.{user_group[1]} = gp.{group_permission[0]}
              JOIN {content_type} ct ON ct.id = p.content_type_id
             WHERE ug.{user_group[0]} = %s
        """  # noqa: S608 (names from the models' metadata, the user id a parameter)
    return _SQL


def user_access_load(user: Any) -> None:
    """Fill the user's role, division and permission caches for this request, unless the
    user is anonymous, inactive or a superuser, or they are filled already."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return
    if hasattr(user, "_perm_cache"):
        return
    roles: set[str] = set()
    divisions: list[int] = []
    own: set[str] = set()
    granted: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk] * 4)
        for kind, app_label, value in cursor.fetchall():
            if kind == "role":
                roles.add(value)
            elif kind == "division":
                divisions.append(int(value))
            elif kind == "own":
                own.add(f"{app_label}.{value}")
            else:
                granted.add(f"{app_label}.{value}")
    user._role_names = roles
    user._division_ids = divisions
    user._user_perm_cache = own
    user._group_perm_cache = granted
    user._perm_cache = own | granted
