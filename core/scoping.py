"""One helper restricts every selector to the divisions a user belongs to."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from . import rawsql
from .models import Division, User, Warehouse
from .roles import user_sees_all_divisions

M = TypeVar("M", bound=Model)


def scope_to_user_divisions(
    queryset: QuerySet[M], *, user: Any, division_field: str = "division"
) -> QuerySet[M]:
    """Rows of the user's divisions only; head-office roles and admins see all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user_sees_all_divisions(user):
        return queryset
    return queryset.filter(**{f"{division_field}__in": user_division_ids(user)})


def division_scope(user: Any) -> tuple[int, ...] | None:
    """`scope_to_user_divisions` as a value (for `core.queries.compiled`): None for every
    division, else the ids of the user's divisions (none for a visitor or an inactive user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    if user_sees_all_divisions(user):
        return None
    return tuple(user_division_ids(user))


def scope_to_divisions(
    queryset: QuerySet[M], divisions: tuple[int, ...] | None, *, division_field: str = "division"
) -> QuerySet[M]:
    """`scope_to_user_divisions` with the scope as a value (`division_scope`): None for
    every division, else these (none for an empty tuple)."""
    if divisions is None:
        return queryset
    return queryset.filter(**{f"{division_field}__in": divisions})


def user_division_ids(user: Any) -> list[int]:
    cached = getattr(user, "_division_ids", None)
    if cached is None:
        cached = list(user.divisions.values_list("id", flat=True))
        user._division_ids = cached
    return list(cached)


def divisions_for_user(user: Any) -> QuerySet[Division]:
    return scope_to_user_divisions(
        Division.objects.filter(is_active=True), user=user, division_field="pk"
    )


DIVISION_FIELDS = ("id", "code", "name", "is_active")
WAREHOUSE_FIELDS = ("id", "code", "name", "is_active", "division_id", "kind", "address")


def divisions_and_warehouses(user: Any) -> tuple[list[Division], list[Warehouse]]:
    """The user's active divisions and their active warehouses, each by code: what
    `divisions_for_user` and the active warehouses of those divisions hold, in one fixed
    statement (core.rawsql). Every list page's filter form offers them, so they are not
    compiled from querysets at each request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return [], []
    everything = user_sees_all_divisions(user)
    rows = rawsql.fetch(_places_sql(everything), [] if everything else [user.pk, user.pk])
    divisions = rawsql.load(Division, DIVISION_FIELDS, [r for r in rows if r[0] == 0], 1)
    warehouses = rawsql.load(Warehouse, WAREHOUSE_FIELDS, [r for r in rows if r[0] == 1], 1)
    return divisions, warehouses


@functools.cache
def _places_sql(everything: bool) -> str:
    division, warehouse = rawsql.table(Division), rawsql.table(Warehouse)
    key = rawsql.column(Division, "id")
    through = User.divisions.through
    scope = (
        ""
        if everything
        else f" AND d.{key} IN (SELECT {rawsql.column(through, 'division')} "  # noqa: S608
        f"FROM {rawsql.table(through)} WHERE {rawsql.column(through, 'user')} = %s)"
    )
    # one column list for both kinds of row (a division's missing columns are NULL),
    # sorted by kind and code in the database (its collation, as ORDER BY code would)
    blanks = ", ".join(["NULL"] * (len(WAREHOUSE_FIELDS) - len(DIVISION_FIELDS)))
    return (
        f"SELECT 0, {rawsql.columns(Division, DIVISION_FIELDS, 'd')}, {blanks} "  # noqa: S608
        f"FROM {division} d WHERE d.{rawsql.column(Division, 'is_active')}{scope} "
        "UNION ALL "
        f"SELECT 1, {rawsql.columns(Warehouse, WAREHOUSE_FIELDS, 'w')} "
        f"FROM {warehouse} w JOIN {division} d "
        f"ON d.{key} = w.{rawsql.column(Warehouse, 'division')} "
        f"WHERE w.{rawsql.column(Warehouse, 'is_active')} "
        f"AND d.{rawsql.column(Division, 'is_active')}{scope} "
        "ORDER BY 1, 3"
    )
