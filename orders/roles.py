"""Permissions of the orders app per role (granted by migrations 0002 and 0006 and re-synced
by core).

Personal data: the buyer's and the customer master's ID and phone numbers are revealed to
the sales roles (and admins) only; the warehouse and parts support see the recipient's
phone, which they need for the delivery (SPEC §6: only roles that need them).
"""

from __future__ import annotations

from core.roles import Role

_VIEW = ("orders.view_order",)
_REP = (
    *_VIEW,
    "orders.view_customer",  # the customer master is the sales roles' (and admins')
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
    "orders.reveal_ship_phone",
    "orders.view_sla_report",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SALES_REP: _REP,
    Role.SALES_LEAD: _REP,
    Role.PARTS_SUPPORT: (
        *_VIEW,
        "orders.hold_order",
        "orders.allocate_order",
        "orders.reveal_ship_phone",
    ),
    Role.DIVISION_FINANCE: (*_VIEW, "orders.invoice_order"),
    Role.WAREHOUSE: (*_VIEW, "orders.ship_order", "orders.reveal_ship_phone"),
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
