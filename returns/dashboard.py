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
from core.queries import Fixed, compiled, compiled_count
from core.roles import Role, user_has_role
from core.scoping import scope_to_divisions

from .models import ReturnRequest
from .selectors import approval_queue_q, return_queryset_for_user, return_scope, window_end_of

Status = ReturnRequest.Status
SHOWN = 6


def _group(
    label: Any,
    requests: QuerySet[ReturnRequest] | tuple[Any, ...],
    *,
    testid: str,
    extra: Callable[[ReturnRequest], Any] | None = None,
) -> dict[str, Any]:
    """A group of a panel: its first SHOWN rows and how many there are. `requests` is a
    kept group — (scope, name of its filters in GROUPS, its values…), two statements
    compiled once per process — or a queryset, read through the ORM."""
    if isinstance(requests, tuple):
        total = compiled_count(_group_requests, *requests)
        shown = compiled(_group_rows, *requests)
    else:
        total = requests.count()
        shown = list(_panel_rows(requests))
    rows = [{"request": r, "extra": extra(r) if extra else ""} for r in shown]
    return {"label": label, "rows": rows, "total": total, "testid": testid}


def _panel_rows(requests: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return requests.select_related("order", "refund").only(*PANEL_FIELDS)[:SHOWN]


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

# The groups' filters and order, by name: with the user's scope as a value they are kept
# statements (core.queries.compiled), the count and the rows of each compiled once.
GROUPS: dict[str, Callable[..., QuerySet[ReturnRequest]]] = {
    "review": lambda r: r.filter(status=Status.REQUESTED).order_by("requested_at", "pk"),
    "refused": lambda r: r.filter(status=Status.REFUSED).order_by("inspected_at", "pk"),
    "feedback_parts": lambda r: r.filter(
        status=Status.ACCEPTED, feedback_parts_at__isnull=True
    ).order_by("decided_at", "pk"),
    "replacements": lambda r: r.filter(
        status=Status.RECEIVED, kind=ReturnRequest.Kind.EXCHANGE, replacement_note__isnull=True
    ).order_by("restocked_at", "pk"),
    "feedback_warehouse": lambda r: r.filter(
        status=Status.ACCEPTED, feedback_warehouse_at__isnull=True
    ).order_by("decided_at", "pk"),
    "expected": lambda r, warehouse_id: r.filter(
        status=Status.AWAITING_GOODS, warehouse_id=warehouse_id
    ).order_by("requested_at", "pk"),
    "invoices": lambda r: r.filter(status=Status.RECEIVED, invoice_handling="").order_by(
        "restocked_at", "pk"
    ),
    "refunds_review": lambda r: (
        r.filter(refund__status="approved", status__in=[Status.RECEIVED, Status.CLOSED])
        .exclude(invoice_handling="")
        .order_by("refund__approved_at", "pk")
    ),
    "refunds_pay": lambda r: r.filter(refund__status="reviewed").order_by(
        "refund__reviewed_at", "pk"
    ),
}


def _group_requests(
    divisions: tuple[int, ...] | None, name: str, *values: Any
) -> QuerySet[ReturnRequest]:
    requests = scope_to_divisions(ReturnRequest.objects.all(), divisions)
    return GROUPS[name](requests, *values)


def _group_rows(
    divisions: tuple[int, ...] | None, name: str, *values: Any
) -> QuerySet[ReturnRequest]:
    return _panel_rows(_group_requests(divisions, name, *values))


def _expected_warehouses(divisions: tuple[int, ...] | None) -> Any:
    expected = scope_to_divisions(ReturnRequest.objects.all(), divisions)
    return (
        expected.filter(status=Status.AWAITING_GOODS)
        .order_by("warehouse__code")
        .values_list("warehouse_id", "warehouse__code", "warehouse__name")
    )


def _panel(title: Any, groups: list[dict[str, Any]], testid: str, order: int) -> Panel:
    return Panel(title, "returns/includes/_panel.html", {"groups": groups, "testid": testid}, order)


def _mine(user: Any) -> QuerySet[ReturnRequest]:
    return return_queryset_for_user(user=user)


def _kept(user: Any, name: str, *values: Any) -> tuple[Any, ...]:
    return (return_scope(user), Fixed(name), *values)


def rep_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.SALES_REP):
        return None
    return _panel(
        _("Returns to handle"),
        [
            _group(
                _("Requests to review (oldest first)"),
                _kept(user, "review"),
                testid="panel-returns-review",
                extra=lambda r: window_end_of(r.order),
            ),
            _group(
                _("Refused at inspection: settle with the customer"),
                _kept(user, "refused"),
                testid="panel-returns-refused",
            ),
        ],
        "panel-returns-rep",
        14,
    )


def feedback_panel(user: Any) -> Panel | None:
    groups = []
    if user_has_role(user, Role.PARTS_SUPPORT):
        groups.append(
            _group(
                _("Abnormal-receipt feedback: your part (parts support)"),
                _kept(user, "feedback_parts"),
                testid="panel-feedback-parts",
            )
        )
        groups.append(
            _group(
                _("Exchanges: replacements to write"),
                _kept(user, "replacements"),
                testid="panel-replacements",
            )
        )
    if user_has_role(user, Role.LOGISTICS_LEAD):
        groups.append(
            _group(
                _("Abnormal-receipt feedback: your part (warehouse lead)"),
                _kept(user, "feedback_warehouse"),
                testid="panel-feedback-warehouse",
            )
        )
    return _panel(_("Returns: feedback"), groups, "panel-returns-feedback", 15) if groups else None


def expected_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.WAREHOUSE_RECEIVER):
        return None
    groups = []
    warehouses = compiled(_expected_warehouses, return_scope(user))
    for warehouse_id, code, name in list(dict.fromkeys(warehouses))[:6]:
        groups.append(
            _group(
                f"{code} {name}",
                _kept(user, "expected", warehouse_id),
                testid="panel-expected-warehouse",
                extra=lambda r: r.return_order_number,
            )
        )
    if not groups:
        nothing = ReturnRequest.objects.none()
        groups.append(_group(_("Nothing expected."), nothing, testid="panel-expected"))
    return _panel(_("Returned goods expected"), groups, "panel-returns-expected", 15)


def finance_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.DIVISION_FINANCE):
        return None
    return _panel(
        _("Returns: invoices and refunds"),
        [
            _group(
                _("Invoices to record (recovered or credit note)"),
                _kept(user, "invoices"),
                testid="panel-invoices",
            ),
            _group(
                _("Refunds to review"),
                _kept(user, "refunds_review"),
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
                _kept(user, "refunds_pay"),
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
