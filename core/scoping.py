"""One helper restricts every selector to the divisions a user belongs to."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from .models import Division
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
