"""Admin: carriers and freight rates (also on the portal page of logistics_lead); stock,
moves and documents read-only (they change through the services only)."""

from __future__ import annotations

from django.contrib import admin

from core.append_only import ReadOnlyAdmin

from .models import Carrier, DeliveryNote, FreightRate, Shipment, StockLevel, StockMove


class FreightRateInline(admin.TabularInline):
    model = FreightRate
    extra = 0


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "tracking_pattern", "is_active")
    search_fields = ("code", "name")
    inlines = [FreightRateInline]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("product", "warehouse", "on_hand", "reserved")
    list_filter = ("warehouse",)
    search_fields = ("product__sku", "product__name")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "product", "warehouse", "quantity", "on_hand_after", "document")
    list_filter = ("kind", "warehouse")
    search_fields = ("product__sku", "document")
    date_hierarchy = "at"


@admin.register(DeliveryNote)
class DeliveryNoteAdmin(ReadOnlyAdmin):
    list_display = ("number", "order", "kind", "status", "warehouse", "ship_by")
    list_filter = ("status", "kind", "warehouse")
    search_fields = ("number", "order__number", "invoice_number")


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ("delivery_note", "carrier", "tracking_number", "parcels", "shipped_at")
    list_filter = ("carrier",)
    search_fields = ("tracking_number", "delivery_note__number", "order__number")
