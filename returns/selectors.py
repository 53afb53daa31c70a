"""Reads of the returns app: the list and its "needs me" queues, one loader per aggregate
(the same 404 for "does not exist" and "not yours"), what a user may do now on a return,
its history and the SMS sent about it, and the order page's returns section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.crypto import mask, mask_phone
from core.models import AuditRecord, SmsMessage
from core.queries import compiled
from core.roles import ROLE_LABELS, Role, role_names
from core.scoping import division_scope, scope_to_divisions, scope_to_user_divisions
from orders.models import Order
from orders.models.conditions import return_window_ends_at

from .models import (
    Refund,
    RefundApproval,
    ReturnEvidence,
    ReturnLine,
    ReturnRequest,
    ReturnResolution,
)

Status = ReturnRequest.Status
RefundStatus = Refund.Status


def masked_phone(value: str) -> str:
    """As the order pages mask a phone (orders.models.order): 138****5678."""
    value = str(value or "")
    return mask_phone(value) if len(value) == 11 else mask(value, visible_start=3)


# --- loaders ----------------------------------------------------------------------------------
def return_queryset_for_user(*, user: Any) -> QuerySet[ReturnRequest]:
    if not user.has_perm("returns.view_returnrequest"):
        return ReturnRequest.objects.none()
    return scope_to_user_divisions(ReturnRequest.objects.all(), user=user)


def return_scope(user: Any) -> tuple[int, ...] | None:
    """`return_queryset_for_user`'s rows as a value (core.queries.compiled): the user's
    divisions, none without the permission to see returns."""
    return division_scope(user) if user.has_perm("returns.view_returnrequest") else ()


def return_get_for_user(*, user: Any, pk: int) -> ReturnRequest:
    """The return with its order, division, warehouse and replacement note (the people
    who worked on it: `return_people_load`)."""
    found: list[ReturnRequest] = compiled(_return_for_page, return_scope(user), pk)
    if not found:
        raise Http404("No such return.")
    return found[0]


def _return_for_page(divisions: tuple[int, ...] | None, pk: int) -> QuerySet[ReturnRequest]:
    requests = scope_to_divisions(ReturnRequest.objects.all(), divisions)
    return (
        requests.filter(pk=pk)
        .select_related(
            "order",
            "order__platform",
            "order__customer",
            "division",
            "warehouse",
            "replacement_note",
        )
        .order_by()[:1]
    )


# Who worked on a return, as its page names them.
PEOPLE = (
    "created_by",
    "decided_by",
    "feedback_parts_by",
    "feedback_warehouse_by",
    "inspected_by",
    "invoice_handled_by",
)


def return_people_load(request: ReturnRequest) -> ReturnRequest:
    """The people of `request` (PEOPLE) in one query, set on it. Not joined to the
    return's own query: six more joins (thirteen tables) cost PostgreSQL about 15 ms of
    planning at every view and step, the query itself well under one."""
    ids = {getattr(request, f"{name}_id") for name in PEOPLE} - {None}
    people = {user.pk: user for user in compiled(_users, tuple(sorted(ids)))} if ids else {}
    for name in PEOPLE:
        pk = getattr(request, f"{name}_id")
        if pk is not None:
            setattr(request, name, people[pk])
    return request


def _users(pks: tuple[int, ...]) -> QuerySet[Any]:
    return get_user_model().objects.filter(pk__in=pks)


def refund_of(request: ReturnRequest) -> Refund | None:
    found: list[Refund] = compiled(_refund_of, request.pk)
    return found[0] if found else None


def _refund_of(request_id: int) -> QuerySet[Refund]:
    refunds = Refund.objects.filter(request_id=request_id)
    return refunds.select_related("requested_by", "reviewed_by", "paid_by").order_by()[:1]


def evidence_get_for_user(*, user: Any, request_pk: int, pk: int) -> ReturnEvidence:
    """An evidence file of a return the user may see, for a holder of the evidence
    permission; anything else is the same 404."""
    if not user.has_perm("returns.view_evidence_returnrequest"):
        raise Http404("No such file.")
    request = return_queryset_for_user(user=user).filter(pk=request_pk).first()
    evidence = ReturnEvidence.objects.filter(request=request, pk=pk).first() if request else None
    if evidence is None:
        raise Http404("No such file.")
    return evidence


# --- queues: what waits for whom --------------------------------------------------------------
def leader_threshold() -> Decimal:
    return Decimal(str(settings.RETURN_REFUND_LEADER_THRESHOLD))


def approval_queue_q(user: Any, role: str) -> Q:
    """Refunds waiting for this approver: their role's approval missing, never their own
    request, not approved by them already. Both "already approved" conditions are one
    NOT EXISTS on the refund's own approvals (its index): as two, PostgreSQL read every
    approval the user ever gave — a year of them — for each waiting refund. No condition
    joins a row that repeats a return, so the lists need no DISTINCT."""
    approved = RefundApproval.objects.filter(Q(role=role) | Q(by=user), refund=OuterRef("refund"))
    q = (
        Q(refund__status=RefundStatus.AWAITING_APPROVAL)
        & ~Q(Exists(approved))
        & ~Q(refund__requested_by=user)
        & ~Q(decided_by=user)
        & ~Q(created_by=user)
    )
    if role == Role.ECOM_LEADER:
        q &= Q(refund__amount__gt=leader_threshold())
    return q


def role_queue_q(user: Any, role: str) -> Q | None:
    """The returns waiting for a step of `role` (None: the role has no queue)."""
    received, approved = Q(status=Status.RECEIVED), Q(refund__status=RefundStatus.APPROVED)
    queues: dict[str, Any] = {
        Role.SALES_REP: lambda: Q(status__in=[Status.REQUESTED, Status.REFUSED]),
        Role.PARTS_SUPPORT: lambda: (
            Q(status=Status.ACCEPTED, feedback_parts_at__isnull=True)
            | (received & Q(kind=ReturnRequest.Kind.EXCHANGE, replacement_note__isnull=True))
        ),
        Role.LOGISTICS_LEAD: lambda: Q(status=Status.ACCEPTED, feedback_warehouse_at__isnull=True),
        Role.WAREHOUSE_RECEIVER: lambda: Q(status=Status.AWAITING_GOODS),
        Role.DIVISION_FINANCE: lambda: (
            (received & Q(invoice_handling=""))
            | (approved & ~Q(invoice_handling="") & Q(status__in=[Status.RECEIVED, Status.CLOSED]))
        ),
        Role.HQ_FINANCE: lambda: Q(refund__status=RefundStatus.REVIEWED),
        Role.SALES_HEAD: lambda: approval_queue_q(user, Role.SALES_HEAD),
        Role.ECOM_LEADER: lambda: approval_queue_q(user, Role.ECOM_LEADER),
    }
    build = queues.get(role)
    return build() if build else None


def needs_me_q(user: Any) -> Q | None:
    """Everything waiting for one of the user's roles (None: nothing can)."""
    combined: Q | None = None
    for role in sorted(role_names(user)):
        q = role_queue_q(user, role)
        if q is not None:
            combined = q if combined is None else combined | q
    return combined


# --- the list ---------------------------------------------------------------------------------
# The orders a search looks among (a number shared by more is not a search).
SEARCH_ORDER_LIMIT = 100


def _search_q(text: str) -> Q:
    """The return's or its return order's number containing the text (3 characters and
    more; a shorter one must be whole), or the exact number of its order or platform order.
    Each branch is indexed (trigram indexes on both numbers, the orders found by their
    numbers first and their returns by order), so a search reads what it finds, not every
    return of the division with its order."""
    exact = {text, text.upper()}
    order_ids = list(
        Order.objects.filter(Q(number__in=exact) | Q(platform_order_no=text))
        .order_by()
        .values_list("pk", flat=True)[:SEARCH_ORDER_LIMIT]
    )
    lookup = "icontains" if len(text) >= 3 else "iexact"
    return (
        Q(**{f"number__{lookup}": text})
        | Q(**{f"return_order_number__{lookup}": text})
        | Q(order_id__in=order_ids)
    )


# What a row of the list shows — not the order's seventy columns (its customer's personal
# numbers would be decrypted for every row); the three state machines' states are read as
# the rows are built.
LIST_FIELDS = (
    "number",
    "kind",
    "requested_kind",
    "reason",
    "status",
    "goods_amount",
    "return_order_number",
    "requested_at",
    "division",
    "order__number",
    "order__platform_order_no",
    "order__status",
    "warehouse__code",
    "refund__amount",
    "refund__status",
)


def return_list_for_user(*, user: Any, filters: dict[str, Any]) -> QuerySet[ReturnRequest]:
    """Newest first, with the filters of the list form (status, kind, reason, needs me,
    search by return or return order number, or the exact order or platform order
    number)."""
    requests = (
        return_queryset_for_user(user=user)
        .select_related("order", "warehouse", "refund")
        .only(*LIST_FIELDS)
    )
    if filters.get("status"):
        requests = requests.filter(status=filters["status"])
    if filters.get("kind"):
        kind = filters["kind"]
        requests = requests.filter(Q(kind=kind) | Q(kind="", requested_kind=kind))
    if filters.get("reason"):
        requests = requests.filter(reason=int(filters["reason"]))
    if filters.get("mine"):
        q = needs_me_q(user)
        requests = requests.filter(q) if q is not None else requests.none()
    text = (filters.get("q") or "").strip()
    if text:
        requests = requests.filter(_search_q(text))
    return requests.order_by("-requested_at", "-pk")


# --- what a user may do now -------------------------------------------------------------------
def approver_role_for(user: Any, request: ReturnRequest, refund: Refund | None) -> str | None:
    """The required role this user would approve `refund` as now (None: no button)."""
    if refund is None or refund.status != RefundStatus.AWAITING_APPROVAL:
        return None
    if not user.has_perm("returns.approve_refund"):
        return None
    if user.pk in {refund.requested_by_id, request.decided_by_id, request.created_by_id}:
        return None
    recorded = dict(RefundApproval.objects.filter(refund=refund).values_list("role", "by_id"))
    if user.pk in recorded.values():
        return None
    roles = role_names(user)
    return next((r for r in refund.required_roles if r not in recorded and r in roles), None)


def actions_for(user: Any, request: ReturnRequest, refund: Refund | None) -> dict[str, bool]:
    """The buttons of the return page: permission, state and (refunds) the missing
    approvals — the same conditions the services check."""
    perm = user.has_perm
    status = request.status
    refund_status = refund.status if refund else None
    return {
        "accept": perm("returns.review_returnrequest") and status == Status.REQUESTED,
        "reject": perm("returns.review_returnrequest") and status == Status.REQUESTED,
        "feedback_parts": perm("returns.feedback_parts_returnrequest")
        and status == Status.ACCEPTED
        and request.feedback_parts_at is None,
        "feedback_warehouse": perm("returns.feedback_warehouse_returnrequest")
        and status == Status.ACCEPTED
        and request.feedback_warehouse_at is None,
        "inspect": perm("returns.inspect_returnrequest") and status == Status.AWAITING_GOODS,
        "resolve": perm("returns.resolve_returnrequest") and status == Status.REFUSED,
        "invoice": perm("returns.handle_invoice_returnrequest")
        and status == Status.RECEIVED
        and not request.invoice_handling,
        "replacement": perm("returns.replace_returnrequest")
        and status == Status.RECEIVED
        and request.is_exchange
        and request.replacement_note_id is None,
        "approve": approver_role_for(user, request, refund) is not None,
        "review": perm("returns.review_refund")
        and refund_status == RefundStatus.APPROVED
        and status in (Status.RECEIVED, Status.CLOSED)
        and bool(request.invoice_handling),
        "pay": perm("returns.pay_refund") and refund_status == RefundStatus.REVIEWED,
    }


# --- the page's parts -------------------------------------------------------------------------
def return_lines(request: ReturnRequest) -> list[ReturnLine]:
    lines: list[ReturnLine] = compiled(_lines_of_return, request.pk)
    for line in lines:
        line.request = request
    return lines


def _lines_of_return(request_id: int) -> QuerySet[ReturnLine]:
    return (
        ReturnLine.objects.filter(request_id=request_id)
        .select_related("order_line")
        .order_by("order_line__position", "pk")
    )


def approvals_of(refund: Refund | None) -> dict[str, Any]:
    """Required, recorded (who, when) and missing approvals of a refund."""
    if refund is None:
        return {"required": [], "recorded": [], "missing": []}
    recorded: list[RefundApproval] = compiled(_approvals_of, refund.pk)
    for approval in recorded:
        approval.role_label = ROLE_LABELS.get(approval.role, approval.role)  # type: ignore[attr-defined]
    missing = refund.approvals_missing({a.role for a in recorded})
    return {
        "required": [ROLE_LABELS.get(role, role) for role in refund.required_roles],
        "recorded": recorded,
        "missing": [ROLE_LABELS.get(role, role) for role in missing],
    }


def _approvals_of(refund_id: int) -> QuerySet[RefundApproval]:
    return RefundApproval.objects.filter(refund_id=refund_id).select_related("by")


def return_history(request: ReturnRequest, refund: Refund | None) -> list[AuditRecord]:
    """The audit rows of the return and of its refund, oldest first."""
    return compiled(_history_of_return, str(request.pk), str(refund.pk) if refund else None)


def _history_of_return(request_key: str, refund_key: str | None) -> QuerySet[AuditRecord]:
    q = Q(object_type="returns.returnrequest", object_id=request_key)
    if refund_key is not None:
        q |= Q(object_type="returns.refund", object_id=refund_key)
    return AuditRecord.objects.filter(q).select_related("actor").order_by("at", "id")


def sms_of(request: ReturnRequest) -> list[dict[str, Any]]:
    """What the customer was told about this return, newest first, phones masked."""
    messages: list[SmsMessage] = compiled(_sms_about, request.number)
    return [
        {"at": sms.sent_at or sms.created_at, "phone": masked_phone(sms.phone), "text": sms.text}
        for sms in messages
    ]


def _sms_about(reference: str) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(reference=reference).order_by("-created_at", "-pk")


def evidence_of(request: ReturnRequest) -> list[ReturnEvidence]:
    return compiled(_evidence_of, request.pk)


def _evidence_of(request_id: int) -> QuerySet[ReturnEvidence]:
    return ReturnEvidence.objects.filter(request_id=request_id).order_by("pk")


def credit_notes_of(request: ReturnRequest) -> list[Any]:
    """The red-letter invoices issued for the return, by number."""
    return compiled(_credit_notes_of, request.pk)


def _credit_notes_of(request_id: int) -> QuerySet[Any]:
    # the many-to-many has no reverse name (related_name="+"): read through the return's
    # own manager, which joins the link table as request.credit_notes does
    return ReturnRequest(pk=request_id).credit_notes.order_by("number")


def resolution_of(request: ReturnRequest) -> ReturnResolution | None:
    found: list[ReturnResolution] = compiled(_resolution_of, request.pk)
    return found[0] if found else None


def _resolution_of(request_id: int) -> QuerySet[ReturnResolution]:
    return ReturnResolution.objects.filter(request_id=request_id).order_by()[:1]


def window_end_of(order: Order) -> dt.datetime | None:
    return return_window_ends_at(order.delivered_at) if order.delivered_at else None


def order_can_start_return(user: Any, order: Order, *, now: dt.datetime | None = None) -> bool:
    """The "Start a return" link: the rep's permission, a confirmed receipt, inside the
    window."""
    if not user.has_perm("returns.add_returnrequest") or not order.delivered_at:
        return False
    if order.status not in (Order.Status.DELIVERED, Order.Status.CLOSED):
        return False
    end = window_end_of(order)
    return end is not None and (now or timezone.now()) < end


def _anything_returnable(order: Order) -> bool:
    """Whether some line has units shipped and not yet returned (what returnable_by_line
    says of every line, without reading the lines: a line never shipped has none)."""
    from .services import returned_by_line, shipped_by_line

    shipped = shipped_by_line(order)
    if not shipped:
        return False
    returned = returned_by_line(order)
    return any(units - returned.get(line, 0) > 0 for line, units in shipped.items())


def _returns_of_order(divisions: tuple[int, ...] | None, order_id: int) -> QuerySet[ReturnRequest]:
    returns = scope_to_divisions(ReturnRequest.objects.all(), divisions)
    return returns.filter(order_id=order_id).select_related("refund").order_by("requested_at", "pk")


def order_section(request: Any, order: Any) -> tuple[str, dict[str, Any]] | None:
    """The order page's returns section (orders.hooks.register_order_section)."""
    user = request.user
    if not user.has_perm("returns.view_returnrequest"):
        return None
    returns: list[ReturnRequest] = compiled(_returns_of_order, division_scope(user), order.pk)
    can_start = order_can_start_return(user, order) and _anything_returnable(order)
    if not returns and not can_start:
        return None
    return (
        "returns/includes/_order_section.html",
        {
            "order": order,
            "returns": returns,
            "can_start": can_start,
            "window_end": window_end_of(order),
        },
    )
