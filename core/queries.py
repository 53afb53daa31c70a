"""Small query helpers shared by the apps' selectors."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one(queryset: QuerySet[M]) -> M | None:
    """The row a unique condition (a key, a one-to-one) finds, or None.

    `first()` would order by the model's ordering — an ORDER BY compiled with its joins
    and sorted, for a single row, on every detail page; this reads the row unordered."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None
