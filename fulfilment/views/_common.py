"""What the fulfilment pages share: loading a document the user may see (the same 404
for "does not exist" and "not yours")."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from core.scoping import scope_to_user_divisions

M = TypeVar("M", bound=Model)


def scoped(queryset: QuerySet[M], *, user: Any, division_field: str = "division") -> QuerySet[M]:
    return scope_to_user_divisions(queryset, user=user, division_field=division_field)


def get_scoped(queryset: QuerySet[M], *, user: Any, pk: int, division_field: str = "division") -> M:
    return get_object_or_404(scoped(queryset, user=user, division_field=division_field), pk=pk)
