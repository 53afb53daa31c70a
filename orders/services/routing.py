"""Routing at intake (SPEC §3): province → warehouse kind → the division's warehouse."""

from __future__ import annotations

from core.models import Division, Warehouse

from ..models import ProvinceRoute
from ..provinces import normalise_name, province_code


def province_resolve(value: str) -> str | None:
    """GB/T 2260 code of a province name or code; names an admin added to the routing
    table match too."""
    code = province_code(value)
    if code is not None:
        return code
    wanted = normalise_name(value or "")
    if not wanted:
        return None
    for route in ProvinceRoute.objects.only("code", "name"):
        if normalise_name(route.name) == wanted:
            return route.code
    return None


def warehouse_for_province(*, division: Division, code: str) -> Warehouse | None:
    """The division's active warehouse of the kind the routing table names (main when the
    province has no row, or the division lacks that kind)."""
    route = ProvinceRoute.objects.filter(code=code).first()
    kind = route.warehouse_kind if route else Warehouse.Kind.MAIN
    warehouses = {w.kind: w for w in Warehouse.objects.filter(division=division, is_active=True)}
    return warehouses.get(kind) or warehouses.get(Warehouse.Kind.MAIN)
