from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

# Each entry carries the permission its page's view gates on (one source of permissions).
NAV_ITEMS = [
    NavItem(_("Orders"), "orders:order-list", "orders.view_order", order=20),
    NavItem(_("Key in an order"), "orders:order-create", "orders.add_order", order=21),
    NavItem(_("Customers"), "orders:customer-list", "orders.view_customer", order=22),
    NavItem(_("SLA report"), "orders:sla-report", "orders.view_sla_report", order=23),
]
