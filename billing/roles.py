"""Permissions of the billing app per role (granted by migration 0002, re-synced by core).

Division finance issues invoices and credit notes, reconciles days and signs settlements;
HQ finance reconciles and signs for head office; the sales lead signs for the e-commerce
sales team; the warehouse sees invoices (they travel with the goods).
"""

from __future__ import annotations

from core.roles import Role

_SEE_INVOICES = ("billing.view_invoice",)
_FINANCE = (
    *_SEE_INVOICES,
    "billing.view_dailyclose",
    "billing.reconcile_dailyclose",
    "billing.view_discrepancy",
    "billing.add_discrepancy",
    "billing.change_discrepancy",
    "billing.view_settlement",
    "billing.add_settlement",
    "billing.sign_settlement",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.DIVISION_FINANCE: (*_FINANCE, "billing.issue_invoice", "billing.credit_invoice"),
    Role.HQ_FINANCE: _FINANCE,
    Role.SALES_LEAD: (*_SEE_INVOICES, "billing.view_settlement", "billing.sign_settlement"),
    Role.SALES_REP: _SEE_INVOICES,
    Role.WAREHOUSE: _SEE_INVOICES,
    Role.SALES_HEAD: (*_SEE_INVOICES, "billing.view_settlement"),
    Role.ECOM_LEADER: (*_SEE_INVOICES, "billing.view_settlement"),
    Role.ADMIN: (
        *_SEE_INVOICES,
        "billing.view_dailyclose",
        "billing.view_discrepancy",
        "billing.view_settlement",
    ),
}
