"""Permissions of the returns app per role (re-synced by core.roles.sync_roles).

SPEC §5: the sales rep reviews requests (accept as return or exchange, reject), records the
three-way resolution of refused goods and starts the refund; parts support and the
warehouse lead (logistics_lead, 物流主任) complete the abnormal-receipt feedback, parts
support writes the replacement of an exchange; the warehouse receiver inspects returned
goods; division finance records the invoice (recovered or credited) and reviews refunds;
head-office finance pays them out; the head of sales approves every refund and the
e-commerce leader those above RETURN_REFUND_LEADER_THRESHOLD.
"""

from __future__ import annotations

from core.roles import Role

_SEE = ("returns.view_returnrequest", "returns.view_refund")
_EVIDENCE = ("returns.view_evidence_returnrequest",)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.SALES_REP: (
        *_SEE,
        *_EVIDENCE,
        "returns.add_returnrequest",
        "returns.review_returnrequest",
        "returns.resolve_returnrequest",
    ),
    Role.SALES_LEAD: (*_SEE, *_EVIDENCE),
    Role.PARTS_SUPPORT: (
        *_SEE,
        *_EVIDENCE,
        "returns.feedback_parts_returnrequest",
        "returns.replace_returnrequest",
    ),
    Role.LOGISTICS_LEAD: (*_SEE, *_EVIDENCE, "returns.feedback_warehouse_returnrequest"),
    Role.WAREHOUSE: (*_SEE, *_EVIDENCE),
    Role.WAREHOUSE_RECEIVER: (*_SEE, *_EVIDENCE, "returns.inspect_returnrequest"),
    Role.DIVISION_FINANCE: (
        *_SEE,
        "returns.handle_invoice_returnrequest",
        "returns.review_refund",
    ),
    Role.HQ_FINANCE: (*_SEE, "returns.pay_refund"),
    Role.SALES_HEAD: (*_SEE, *_EVIDENCE, "returns.approve_refund"),
    Role.ECOM_LEADER: (*_SEE, *_EVIDENCE, "returns.approve_refund"),
    Role.ADMIN: _SEE,
}
