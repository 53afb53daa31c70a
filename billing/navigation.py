from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

# Each entry carries the permission its page's view gates on (one source of permissions).
NAV_ITEMS = [
    NavItem(_("Invoices to issue"), "billing:invoice-due", "billing.issue_invoice", order=40),
    NavItem(_("Invoices"), "billing:invoice-list", "billing.view_invoice", order=41),
    NavItem(_("Daily close"), "billing:close-list", "billing.view_dailyclose", order=42),
    NavItem(_("Settlements"), "billing:settlement-list", "billing.view_settlement", order=43),
]
