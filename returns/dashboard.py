"""Home-page panels of the returns flow, one per role's step: the rep's requests to review
and refused returns to settle, the feedback of parts support and the warehouse lead, the
exchange replacements, the goods each warehouse expects, finance's invoices and refund
reviews, head-office payouts, and the approvers' refunds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import Role, user_has_role

from .models import ReturnRequest
from .selectors import approval_queue_q, return_queryset_for_user, window_end_of

Status = ReturnRequest.Status
SHOWN = 6


def _group(
    label: Any,
    requests: QuerySet[ReturnRequest],
    *,
    testid: str,
    extra: Callable[[ReturnRequest], Any] | None = None,
) -> dict[str, Any]:
    total = requests.count()
    shown = requests.select_related("order", "refund").only(*PANEL_FIELDS)[:SHOWN]
    rows = [{"request": r, "extra": extra(r) if extra else ""} for r in shown]
    return {"label": label, "rows": rows, "total": total, "testid": testid}


# what a panel's row shows (returns/includes/_panel.html and the groups' extras: the order's
# return window, the return order number, the refund's amount) — not the return's, the
# order's and the refund's hundred-odd columns; the state machines' fields included (a
# deferred state is read again per row)
PANEL_FIELDS = (
    "number",
    "reason",
    "status",
    "return_order_number",
    "order__number",
    "order__delivered_at",
    "order__status",
    "refund__amount",
    "refund__status",
)


def _panel(title: Any, groups: list[dict[str, Any]], testid: str, order: int) -> Panel:
    return Panel(title, "returns/includes/_panel.html", {"groups": groups, "testid": testid}, order)


def _mine(user: Any) -> QuerySet[ReturnRequest]:
    return return_queryset_for_user(user=user)


def rep_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.SALES_REP):
        return None
    requests = _mine(user)
    return _panel(
        _("Returns to handle"),
        [
            _group(
                _("Requests to review (oldest first)"),
                requests.filter(status=Status.REQUESTED).order_by("requested_at", "pk"),
                testid="panel-returns-review",
                extra=lambda r: window_end_of(r.order),
            ),
            _group(
                _("Refused at inspection: settle with the customer"),
                requests.filter(status=Status.REFUSED).order_by("inspected_at", "pk"),
                testid="panel-returns-refused",
            ),
        ],
        "panel-returns-rep",
        14,
    )


def feedback_panel(user: Any) -> Panel | None:
    groups = []
    accepted = _mine(user).filter(status=Status.ACCEPTED).order_by("decided_at", "pk")
    if user_has_role(user, Role.PARTS_SUPPORT):
        groups.append(
            _group(
                _("Abnormal-receipt feedback: your part (parts support)"),
                accepted.filter(feedback_parts_at__isnull=True),
                testid="panel-feedback-parts",
            )
        )
        groups.append(
            _group(
                _("Exchanges: replacements to write"),
                _mine(user)
                .filter(
                    status=Status.RECEIVED,
                    kind=ReturnRequest.Kind.EXCHANGE,
                    replacement_note__isnull=True,
                )
                .order_by("restocked_at", "pk"),
                testid="panel-replacements",
            )
        )
    if user_has_role(user, Role.LOGISTICS_LEAD):
        groups.append(
            _group(
                _("Abnormal-receipt feedback: your part (warehouse lead)"),
                accepted.filter(feedback_warehouse_at__isnull=True),
                testid="panel-feedback-warehouse",
            )
        )
    return _panel(_("Returns: feedback"), groups, "panel-returns-feedback", 15) if groups else None


def expected_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.WAREHOUSE_RECEIVER):
        return None
    expected = _mine(user).filter(status=Status.AWAITING_GOODS)
    groups = []
    warehouses = expected.order_by("warehouse__code").values_list(
        "warehouse_id", "warehouse__code", "warehouse__name"
    )
    for warehouse_id, code, name in list(dict.fromkeys(warehouses))[:6]:
        groups.append(
            _group(
                f"{code} {name}",
                expected.filter(warehouse_id=warehouse_id).order_by("requested_at", "pk"),
                testid="panel-expected-warehouse",
                extra=lambda r: r.return_order_number,
            )
        )
    if not groups:
        groups.append(_group(_("Nothing expected."), expected.none(), testid="panel-expected"))
    return _panel(_("Returned goods expected"), groups, "panel-returns-expected", 15)


def finance_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.DIVISION_FINANCE):
        return None
    requests = _mine(user)
    return _panel(
        _("Returns: invoices and refunds"),
        [
            _group(
                _("Invoices to record (recovered or credit note)"),
                requests.filter(status=Status.RECEIVED, invoice_handling="").order_by(
                    "restocked_at", "pk"
                ),
                testid="panel-invoices",
            ),
            _group(
                _("Refunds to review"),
                requests.filter(
                    refund__status="approved", status__in=[Status.RECEIVED, Status.CLOSED]
                )
                .exclude(invoice_handling="")
                .order_by("refund__approved_at", "pk"),
                testid="panel-refunds-review",
                extra=lambda r: r.refund.amount,
            ),
        ],
        "panel-returns-finance",
        16,
    )


def payout_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.HQ_FINANCE):
        return None
    return _panel(
        _("Refunds to pay"),
        [
            _group(
                _("Reviewed refunds"),
                _mine(user).filter(refund__status="reviewed").order_by("refund__reviewed_at", "pk"),
                testid="panel-refunds-pay",
                extra=lambda r: r.refund.amount,
            )
        ],
        "panel-returns-payout",
        16,
    )


def approval_panel(user: Any) -> Panel | None:
    roles = [r for r in (Role.SALES_HEAD, Role.ECOM_LEADER) if user_has_role(user, r)]
    if not roles:
        return None
    q = Q()
    for index, role in enumerate(roles):
        q = approval_queue_q(user, role) if index == 0 else q | approval_queue_q(user, role)
    return _panel(
        _("Refunds awaiting your approval"),
        [
            _group(
                _("Refunds to approve"),
                _mine(user).filter(q).order_by("refund__requested_at", "pk"),
                testid="panel-refunds-approve",
                extra=lambda r: r.refund.amount,
            )
        ],
        "panel-returns-approval",
        13,
    )


PANELS = [
    rep_panel,
    feedback_panel,
    expected_panel,
    finance_panel,
    payout_panel,
    approval_panel,
]
