"""Reads of the fulfilment app that other apps reach through registries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum

from core.queries import compiled

from .models import DeliveryNote, Shipment


def shipments_of_order(order: Any) -> list[dict[str, Any]]:
    """Every shipment of the order, oldest first (orders.hooks.register_shipments_source)."""
    shipments: list[Shipment] = compiled(_shipments_of, order.pk)
    return [
        {
            "carrier": s.carrier.name,
            "carrier_code": s.carrier.code,
            "tracking_number": s.tracking_number,
            "shipped_at": s.shipped_at,
            "parcels": s.parcels,
            "delivery_note": s.delivery_note.number,
            "warehouse": s.warehouse.code,
        }
        for s in shipments
    ]


def _shipments_of(order_id: int) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(order_id=order_id)
        .select_related("carrier", "delivery_note", "warehouse")
        .order_by("shipped_at", "pk")
    )


def _notes_of(order_id: int) -> QuerySet[DeliveryNote]:
    return (
        DeliveryNote.objects.filter(order_id=order_id)
        .select_related("warehouse")
        .annotate(units=Sum("lines__quantity"))
        .order_by("pk")
    )


def order_section(request: Any, order: Any) -> tuple[str, dict[str, Any]] | None:
    """The order page's fulfilment section (orders.hooks.register_order_section): the
    order's delivery notes and shipments, and the stock-check link for parts support."""
    from .services import progress_of

    user = request.user
    if not user.has_perm("fulfilment.view_deliverynote"):
        return None
    notes: list[DeliveryNote] = compiled(_notes_of, order.pk)
    can_check = user.has_perm("fulfilment.add_deliverynote") and order.status in (
        "confirmed",
        "on_hold",
    )
    if not notes and not can_check:
        return None
    return (
        "fulfilment/includes/_order_section.html",
        {
            "order": order,
            "notes": notes,
            "shipments": shipments_of_order(order) if notes else [],
            "progress": progress_of(order, notes=notes),
            "can_check": can_check,
        },
    )
