"""Permissions of the fulfilment app per role (granted by migration 0002, re-synced by core).

parts_support checks stock and writes delivery notes and replenishment requests; the
warehouse prints pick lists, hands over to carriers, books receipts and counts stock;
logistics_lead owns carriers and freight rates and approves stock takes (the warehouse
lead); the approval role of replenishment requests is a setting
(REPLENISHMENT_APPROVAL_ROLE, default ecom_leader); division finance's
`record_invoice_deliverynote` is what billing's invoice issue checks when it marks the
note invoiced.
"""

from __future__ import annotations

from core.roles import Role

_SEE_NOTES = ("fulfilment.view_deliverynote", "fulfilment.view_shipment")
_SEE_STOCK = ("fulfilment.view_stocklevel", "fulfilment.view_stockmove")
_OPERATIONS = (
    *_SEE_NOTES,
    *_SEE_STOCK,
    "fulfilment.view_picklist",
    "fulfilment.view_inboundreceipt",
    "fulfilment.view_replenishmentrequest",
    "fulfilment.view_stocktake",
    "fulfilment.view_logisticsreport",
    "fulfilment.view_carrier",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PARTS_SUPPORT: (
        *_OPERATIONS,
        "fulfilment.add_deliverynote",
        "fulfilment.cancel_deliverynote",
        "fulfilment.add_replenishmentrequest",
        "fulfilment.change_replenishmentrequest",
    ),
    Role.WAREHOUSE: (
        *_OPERATIONS,
        "fulfilment.add_picklist",
        "fulfilment.add_shipment",
        "fulfilment.add_inboundreceipt",
        "fulfilment.add_stocktake",
        "fulfilment.change_stocktake",
        "fulfilment.add_replenishmentrequest",
        "fulfilment.change_replenishmentrequest",
    ),
    Role.WAREHOUSE_RECEIVER: (*_SEE_STOCK, "fulfilment.view_inboundreceipt"),
    Role.LOGISTICS_LEAD: (
        *_OPERATIONS,
        "fulfilment.add_carrier",
        "fulfilment.change_carrier",
        "fulfilment.view_freightrate",
        "fulfilment.add_freightrate",
        "fulfilment.change_freightrate",
        "fulfilment.delete_freightrate",
        "fulfilment.approve_stocktake",
    ),
    Role.DIVISION_FINANCE: (
        *_SEE_NOTES,
        "fulfilment.record_invoice_deliverynote",
        "fulfilment.view_inboundreceipt",
        "fulfilment.view_replenishmentrequest",
    ),
    Role.SALES_REP: _SEE_NOTES,
    Role.SALES_LEAD: (*_SEE_NOTES, "fulfilment.view_logisticsreport"),
    Role.HQ_FINANCE: (*_SEE_NOTES, "fulfilment.view_inboundreceipt"),
    Role.ECOM_LEADER: (
        *_SEE_NOTES,
        *_SEE_STOCK,
        "fulfilment.view_replenishmentrequest",
        "fulfilment.approve_replenishmentrequest",
    ),
    Role.SALES_HEAD: _SEE_NOTES,
    Role.ADMIN: (
        *_OPERATIONS,
        "fulfilment.add_carrier",
        "fulfilment.change_carrier",
        "fulfilment.view_freightrate",
        "fulfilment.add_freightrate",
        "fulfilment.change_freightrate",
        "fulfilment.delete_freightrate",
    ),
}
