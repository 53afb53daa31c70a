"""Reads of the catalog that other apps rely on (orders looks up listed products here)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Product


def products_by_sku(*, skus: Iterable[str]) -> dict[str, Product]:
    """Products with these SKUs (any status), keyed by SKU, in one query."""
    return {p.sku: p for p in Product.objects.filter(sku__in=set(skus)).select_related("division")}
