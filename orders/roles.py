"""Permissions of the orders app per role (granted by migration 0002 and re-synced by core)."""

from __future__ import annotations

from core.roles import Role

_VIEW = ("orders.view_order", "orders.view_customer")
_REP = (
    *_VIEW,
    "orders.add_order",
    "orders.add_customer",
    "orders.change_customer",
    "orders.identify_order",
    "orders.confirm_order",
    "orders.cancel_order",
    "orders.deliver_order",
    "orders.close_order",
    "orders.merge_customer",
    "orders.reveal_id_number",
    "orders.reveal_phone",
    "orders.view_sla_report",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SALES_REP: _REP,
    Role.SALES_LEAD: _REP,
    Role.PARTS_SUPPORT: (
        *_VIEW,
        "orders.hold_order",
        "orders.allocate_order",
        "orders.reveal_phone",
    ),
    Role.DIVISION_FINANCE: (*_VIEW, "orders.invoice_order"),
    Role.WAREHOUSE: (*_VIEW, "orders.ship_order", "orders.reveal_phone"),
    Role.LOGISTICS_LEAD: (*_VIEW, "orders.deliver_order", "orders.view_sla_report"),
    Role.HQ_FINANCE: (*_VIEW, "orders.view_sla_report"),
    Role.SALES_HEAD: (*_VIEW, "orders.view_sla_report"),
    Role.ECOM_LEADER: (*_VIEW, "orders.view_sla_report"),
    Role.ADMIN: (
        *_REP,
        "orders.view_platform",
        "orders.add_platform",
        "orders.change_platform",
        "orders.view_provinceroute",
        "orders.change_provinceroute",
        "orders.add_provinceroute",
    ),
}
