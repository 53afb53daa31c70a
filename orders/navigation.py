from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

_ORDER_VIEWERS = (
    Role.SALES_REP,
    Role.SALES_LEAD,
    Role.PARTS_SUPPORT,
    Role.DIVISION_FINANCE,
    Role.WAREHOUSE,
    Role.LOGISTICS_LEAD,
    Role.HQ_FINANCE,
    Role.SALES_HEAD,
    Role.ECOM_LEADER,
)

NAV_ITEMS = [
    NavItem(_("Orders"), "orders:order-list", _ORDER_VIEWERS, order=20),
    NavItem(
        _("Key in an order"), "orders:order-create", (Role.SALES_REP, Role.SALES_LEAD), order=21
    ),
    NavItem(_("Customers"), "orders:customer-list", (Role.SALES_REP, Role.SALES_LEAD), order=22),
    NavItem(
        _("SLA report"),
        "orders:sla-report",
        (
            Role.SALES_REP,
            Role.SALES_LEAD,
            Role.LOGISTICS_LEAD,
            Role.HQ_FINANCE,
            Role.SALES_HEAD,
            Role.ECOM_LEADER,
        ),
        order=23,
    ),
]
