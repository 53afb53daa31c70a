"""Every write of the returns app (SPEC §5). Each service locks the order row first (so
two steps of one order's returns never interleave — core.lock_order), then stock rows,
then the return and refund rows; checks the role and division, the state machine and the
rules; transitions, saves, audits, and schedules notifications and the customer's SMS
after commit.

Rules kept here:
- the window: a request at `at` is accepted while `at` < the end of the 5th calendar day
  (Beijing) after the receipt confirmation (`orders.models.conditions`);
- quantities: never more of an order line than was handed over and is not already on a
  live return (one that was not rejected or sent back);
- refunds: `sales_head` always, `ecom_leader` as well above RETURN_REFUND_LEADER_THRESHOLD
  (exactly the threshold needs the head of sales only); nobody approves a refund they
  asked for, nor twice; no review or payout before every required approval; a refund
  never exceeds the goods paid for its lines plus the return freight, and an order's
  refunds never exceed what was paid for it plus the return freights;
- stock comes back the day the goods are accepted (a `return` stock move through the
  fulfilment ledger) into the warehouse that shipped them;
- the refund falls in the settlement period of its payout, which must be open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import Invoice, InvoiceLine
from billing.services.invoices import credited_quantities, invoice_credit
from core.audit import audit_record
from core.notifications import notify
from core.numbering import document_number_next
from core.periods import period_assert_open
from core.roles import Role, user_has_role
from core.sms import sms_send
from core.text import has_control_characters
from core.working_calendar import to_local
from fulfilment.models import DeliveryNote, DeliveryNoteLine, StockMove
from fulfilment.services import (
    delivery_note_create_replacement,
    stock_levels_lock,
    stock_move_post,
)
from orders.models import Order, OrderLine
from orders.models.conditions import return_window_ends_at
from orders.services import order_lock
from orders.services.customers import user_can_reach_division
from orders.validators import RuleViolation, clean_mobile

from .evidence import EvidenceFile, evidence_store
from .exceptions import NotPermitted, ReturnConflict, ReturnError, ReturnWindowClosed
from .models import Refund, RefundApproval, ReturnLine, ReturnRequest, ReturnResolution
from .numbers import REFUND, RETURN_ORDER, RETURN_REQUEST

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")
Status = ReturnRequest.Status
TEXT_LIMIT = 500


# --- small helpers ---------------------------------------------------------------------------
def require(by: Any, permission: str, division_id: int) -> None:
    """`by=None` is the system (jobs, demo data); a user needs the permission and the division."""
    if by is None:
        return
    if not (by.has_perm(permission) and user_can_reach_division(by, division_id)):
        raise NotPermitted(_("Your role may not do this here."), rule="not_permitted")


def _person(by: Any) -> Any:
    """The user to store on a row; None for the system (jobs, demo data)."""
    return by if getattr(by, "is_authenticated", False) else None


def clean_text(value: Any, *, field: str, limit: int = TEXT_LIMIT, required: bool = False) -> str:
    """One line of text: control characters refused, white space folded, length checked."""
    text = "" if value is None else str(value)
    if has_control_characters(text):
        raise ReturnError(
            _("Remove the control characters from this text."), field=field, rule="control_chars"
        )
    text = " ".join(text.split())
    if required and not text:
        raise ReturnError(_("This text is required."), field=field, rule="required")
    if len(text) > limit:
        raise ReturnError(
            _("At most %(limit)s characters.") % {"limit": limit}, field=field, rule="max_length"
        )
    return text


def money(value: Any, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        raise ReturnError(_("Enter an amount like 12.50."), field=field, rule="decimal") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ReturnError(
            _("Enter an amount from 0.00 to %(max)s.") % {"max": MAX_AMOUNT},
            field=field,
            rule="range",
        )
    if amount != amount.quantize(CENT):
        raise ReturnError(_("At most two decimals (fen)."), field=field, rule="decimal_places")
    return amount.quantize(CENT)


def request_link(request: ReturnRequest) -> str:
    return reverse("returns:detail", args=[request.pk])


def leader_threshold() -> Decimal:
    return Decimal(str(settings.RETURN_REFUND_LEADER_THRESHOLD))


def required_approvals(amount: Decimal) -> list[str]:
    """OA 退款流程: the head of sales always; above the threshold the e-commerce leader too
    ("5000元以下" includes 5,000.00)."""
    return [Role.SALES_HEAD] + ([Role.ECOM_LEADER] if amount > leader_threshold() else [])


def _lock(request: ReturnRequest) -> ReturnRequest:
    """The order row, then the return row (lock order: order first, documents last)."""
    order_lock(Order(pk=request.order_id))
    return (
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("order", "division", "warehouse")
        .get(pk=request.pk)
    )


def _refund_lock(refund: Refund) -> tuple[ReturnRequest, Refund]:
    request = _lock(ReturnRequest(pk=refund.request_id, order_id=refund.order_id))
    refund = Refund.objects.select_for_update(of=("self",)).get(pk=refund.pk)
    refund.request = request
    return request, refund


def _state(request: ReturnRequest, *allowed: str) -> None:
    if request.status not in allowed:
        raise ReturnError(
            _("Return %(number)s is %(status)s; this step is not possible now.")
            % {"number": request.number, "status": request.get_status_display()},
            rule="state",
        )


# --- the customer's SMS and the staff's notifications -------------------------------------------
def sms_phone(order: Order) -> str:
    """The first mobile number among the buyer's and the recipient's ("" when neither)."""
    for value in (order.buyer_phone, order.ship_phone):
        try:
            return clean_mobile(str(value or ""))
        except RuleViolation:
            continue
    return ""


def _sms(request: ReturnRequest, text: Callable[[], str]) -> None:
    """Tell the customer (SPEC §5: every step by SMS), in Chinese, after commit: to the
    buyer's mobile, or — when the buyer gave a landline (companies do) — the recipient's."""
    phone = sms_phone(request.order)
    if not phone:
        return
    with translation.override("zh-hans"):
        message = text()

    def send() -> None:
        try:
            sms_send(phone=phone, text=message, reference=request.number, division=request.division)
        except Exception:  # the gateway's failure never undoes the step
            logger.exception("SMS for return %s failed", request.number)

    transaction.on_commit(send)


def _notify(
    request: ReturnRequest, *, roles: Sequence[str], subject: Callable[[], str], topic: str
) -> None:
    notify(
        subject=subject,
        body=lambda: (
            _("Order %(order)s, return %(number)s.")
            % {"order": request.order.number, "number": request.number}
        ),
        link=request_link(request),
        topic=topic,
        roles=list(roles),
        division=request.division,
    )


def _audit(
    request: Any, action: str, *, by: Any, before: str = "", note: str = "", **data: Any
) -> None:
    audit_record(
        obj=request,
        action=action,
        by=by,
        from_state=before,
        to_state=getattr(request, "status", ""),
        note=note,
        data={key: value for key, value in data.items() if value not in (None, "")},
    )


# --- what may still be returned ------------------------------------------------------------------
def shipped_by_line(order: Order) -> dict[int, int]:
    """Units of each order line handed over to a carrier (replacements included)."""
    return dict(
        DeliveryNoteLine.objects.filter(
            delivery_note__order=order, delivery_note__status=DeliveryNote.Status.SHIPPED
        )
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )


def returned_by_line(order: Order, *, exclude: ReturnRequest | None = None) -> dict[int, int]:
    lines = ReturnLine.objects.filter(request__order=order).filter(
        ~Q(request__status=Status.REJECTED)
        & ~Q(request__resolution__outcome=ReturnResolution.Outcome.SEND_BACK)
    )
    if exclude is not None:
        lines = lines.exclude(request=exclude)
    return dict(
        lines.values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )


def returnable_by_line(order: Order) -> dict[int, int]:
    shipped, returned = shipped_by_line(order), returned_by_line(order)
    return {
        line.pk: max(shipped.get(line.pk, 0) - returned.get(line.pk, 0), 0)
        for line in order.lines.all().order_by("position")
    }


def window_end(order: Order) -> dt.datetime | None:
    return return_window_ends_at(order.delivered_at) if order.delivered_at else None


def window_check(order: Order, at: dt.datetime) -> None:
    if order.status not in (Order.Status.DELIVERED, Order.Status.CLOSED) or not order.delivered_at:
        raise ReturnError(
            _("Order %(order)s has no receipt confirmation yet; a return starts after receipt.")
            % {"order": order.number},
            field="order",
            rule="not_delivered",
        )
    if at < order.delivered_at:
        raise ReturnError(
            _("Order %(order)s was received at %(received)s; a return starts after receipt.")
            % {
                "order": order.number,
                "received": to_local(order.delivered_at).strftime("%Y-%m-%d %H:%M"),
            },
            field="order",
            rule="before_receipt",
        )
    end = return_window_ends_at(order.delivered_at)
    if at >= end:
        raise ReturnWindowClosed(
            _(
                "Returns are accepted within %(days)s calendar days after the receipt "
                "confirmation (%(received)s); the window closed at %(end)s."
            )
            % {
                "days": settings.ORDER_RETURN_WINDOW_DAYS,
                "received": to_local(order.delivered_at).strftime("%Y-%m-%d %H:%M"),
                "end": to_local(end).strftime("%Y-%m-%d %H:%M"),
            },
            field="order",
            rule="return_window",
        )


# --- a request ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestInput:
    """A request as the platform or the portal sends it."""

    kind: str
    reason: int
    reason_text: str
    lines: Mapping[int, int]  # order-line pk → units
    evidence: Sequence[EvidenceFile] = ()
    platform_request_no: str = ""


def payload_hash_of(order: Order, data: RequestInput) -> str:
    """What makes a retried request "the same": everything but the evidence bytes' names."""
    body = {
        "order": order.pk,
        "kind": data.kind,
        "reason": data.reason,
        "reason_text": data.reason_text,
        "lines": sorted((str(k), str(v)) for k, v in data.lines.items()),
        "evidence": sorted(f.sha256 for f in data.evidence),
    }
    return "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check_input(
    order: Order, data: RequestInput, *, at: dt.datetime
) -> tuple[str, dict[int, int]]:
    if data.kind not in ReturnRequest.Kind.values:
        raise ReturnError(_("Choose return or exchange."), field="kind", rule="choice")
    if data.reason not in ReturnRequest.Reason.values:
        raise ReturnError(_("The reason is a code from 1 to 5."), field="reason", rule="choice")
    text = clean_text(data.reason_text, field="reason_text")
    if data.reason == ReturnRequest.Reason.OTHER and not text:
        raise ReturnError(
            _("Reason ⑤ (other) needs the customer's words."), field="reason_text", rule="required"
        )
    if len(data.evidence) > settings.RETURN_EVIDENCE_MAX_FILES:
        raise ReturnError(
            _("At most %(count)s evidence files.") % {"count": settings.RETURN_EVIDENCE_MAX_FILES},
            field="evidence",
            rule="max_files",
        )
    window_check(order, at)
    returnable = returnable_by_line(order)
    wanted: dict[int, int] = {}
    for index, (line_id, quantity) in enumerate(data.lines.items()):
        field = f"lines[{index}]"
        if line_id not in returnable:
            raise ReturnError(
                _("This line is not part of order %(order)s.") % {"order": order.number},
                field=f"{field}.sku",
                rule="unknown_line",
            )
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise ReturnError(
                _("Enter a whole number of 1 or more."), field=f"{field}.quantity", rule="positive"
            )
        if quantity > returnable[line_id]:
            raise ReturnError(
                _("At most %(left)s can still be returned (handed over and not yet returned).")
                % {"left": returnable[line_id]},
                field=f"{field}.quantity",
                rule="over_return",
            )
        wanted[line_id] = quantity
    if not wanted:
        raise ReturnError(_("Return at least one unit."), field="lines", rule="required")
    return text, wanted


@transaction.atomic
def return_request_submit(
    *,
    order: Order,
    data: RequestInput,
    by: Any = None,
    platform: Any = None,
    at: dt.datetime | None = None,
) -> tuple[ReturnRequest, bool]:
    """A customer's request (platform API, or a rep keying it in). Returns (request,
    created): a platform retrying the same request number with the same body gets the
    existing request; with a different body, ReturnConflict."""
    at = at or timezone.now()
    order = order_lock(order)
    source = ReturnRequest.Source.API if platform is not None else ReturnRequest.Source.PORTAL
    if by is not None:
        require(by, "returns.add_returnrequest", order.division_id)
    request_no = clean_text(data.platform_request_no, field="request_no", limit=64)
    payload_hash = payload_hash_of(order, data)
    if platform is not None and request_no:
        existing = ReturnRequest.objects.filter(
            platform=platform, platform_request_no=request_no
        ).first()
        if existing is not None:
            if existing.payload_hash != payload_hash or existing.order_id != order.pk:
                raise ReturnConflict(
                    _("Request %(no)s was sent before with a different body.") % {"no": request_no},
                    field="request_no",
                    rule="conflict",
                )
            return existing, False
    text, wanted = _check_input(order, data, at=at)
    if order.warehouse_id is None:
        raise ReturnError(_("The order has no warehouse."), field="order", rule="no_warehouse")
    lines = {line.pk: line for line in OrderLine.objects.filter(order=order)}
    request = ReturnRequest(
        number="",
        order=order,
        division_id=order.division_id,
        warehouse_id=order.warehouse_id,  # the goods go back where they were shipped from
        source=source,
        platform=platform,
        platform_request_no=request_no,
        payload_hash=payload_hash,
        requested_kind=data.kind,
        reason=data.reason,
        reason_text=text,
        requested_at=at,
        created_by=_person(by),
        goods_amount=sum(
            (
                (lines[lid].unit_price * q).quantize(CENT, ROUND_HALF_UP)
                for lid, q in wanted.items()
            ),
            ZERO,
        ),
    )
    request.number = _number(RETURN_REQUEST, order, at)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # the same platform request number, committed meanwhile
        raise ReturnConflict(
            _("Request %(no)s is being processed; send it again.") % {"no": request_no},
            field="request_no",
            rule="conflict",
        ) from None
    ReturnLine.objects.bulk_create(
        ReturnLine(
            request=request,
            order_line=lines[lid],
            sku=lines[lid].sku,
            quantity=q,
            unit_price=lines[lid].unit_price,
            amount=(lines[lid].unit_price * q).quantize(CENT, ROUND_HALF_UP),
        )
        for lid, q in wanted.items()
    )
    for evidence in data.evidence:
        evidence_store(request=request, evidence=evidence, at=at)
    _audit(
        request,
        "requested",
        by=by,
        note=text,
        order=order.number,
        kind=data.kind,
        reason=data.reason,
        lines={lines[lid].sku: q for lid, q in wanted.items()},
        evidence=len(data.evidence),
        platform_request_no=request_no,
    )
    request.order = order
    _notify(
        request,
        roles=[Role.SALES_REP],
        subject=lambda: (
            _("New return request %(number)s for order %(order)s")
            % {"number": request.number, "order": order.number}
        ),
        topic="return_request",
    )
    _sms(
        request,
        lambda: (
            _(
                "Your %(kind)s request %(number)s for order %(platform_no)s was received; our "
                "sales representative will contact you."
            )
            % {
                "kind": ReturnRequest.Kind(data.kind).label,
                "number": request.number,
                "platform_no": order.platform_order_no,
            }
        ),
    )
    return request, True


def _number(series: Any, order: Order, at: dt.datetime) -> str:
    return document_number_next(series=series.code, division=order.division, year=to_local(at).year)


# --- the rep's review -------------------------------------------------------------------------
def refund_cap_check(
    order: Order, *, amount: Decimal, return_freight: Decimal, exclude: Any = None
) -> None:
    """An order's refunds never exceed what was paid for it plus the return freights."""
    refunds = Refund.objects.filter(order=order).exclude(status=Refund.Status.CANCELLED)
    if exclude is not None:
        refunds = refunds.exclude(pk=exclude.pk)
    totals = refunds.aggregate(amount=Sum("amount"), freight=Sum("return_freight"))
    paid_for_order = order.goods_amount + order.freight
    ceiling = paid_for_order + (totals["freight"] or ZERO) + return_freight
    if (totals["amount"] or ZERO) + amount > ceiling:
        raise ReturnError(
            _(
                "The refunds of order %(order)s would reach %(total)s, more than was paid for it "
                "(%(paid)s) plus the return freight."
            )
            % {
                "order": order.number,
                "total": (totals["amount"] or ZERO) + amount,
                "paid": paid_for_order,
            },
            field="refund_amount",
            rule="over_refund",
        )


@transaction.atomic
def return_accept(
    *,
    request: ReturnRequest,
    by: Any,
    kind: str,
    note: str = "",
    refund_amount: Any = None,
    return_freight: Any = "0",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """requested → accepted (sales rep): as a return (a refund starts, awaiting its
    approvals) or an exchange; the abnormal-receipt feedback opens for parts support and
    the warehouse lead. The refund is the goods of the lines unless a lower amount was
    agreed, plus the customer's return freight."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.review_returnrequest", request.division_id)
    _state(request, Status.REQUESTED)
    if kind not in ReturnRequest.Kind.values:
        raise ReturnError(_("Choose return or exchange."), field="kind", rule="choice")
    note = clean_text(note, field="note")
    refund: Refund | None = None
    if kind == ReturnRequest.Kind.RETURN:
        freight = money(return_freight, field="return_freight")
        goods = request.goods_amount
        amount = (
            goods + freight
            if refund_amount in (None, "")
            else money(refund_amount, field="refund_amount")
        )
        if amount <= 0:
            raise ReturnError(
                _("A refund is more than 0.00."), field="refund_amount", rule="positive"
            )
        if amount > goods + freight:
            raise ReturnError(
                _(
                    "The refund cannot exceed the goods paid for (%(goods)s) plus the return "
                    "freight (%(freight)s)."
                )
                % {"goods": goods, "freight": freight},
                field="refund_amount",
                rule="over_refund",
            )
        refund_cap_check(request.order, amount=amount, return_freight=freight)
        refund = Refund(
            number=_number(REFUND, request.order, at),
            request=request,
            order=request.order,
            division=request.division,
            goods_amount=goods,
            return_freight=freight,
            amount=amount,
            required_roles=required_approvals(amount),
            requested_at=at,
            requested_by=_person(by),
        )
    before = request.status
    request.accept(kind=kind, at=at, by=_person(by), note=note)
    request.save()
    _audit(request, "accepted", by=by, before=before, note=note, kind=kind)
    if refund is not None:
        refund.save()
        _audit(
            refund,
            "refund_requested",
            by=by,
            amount=str(refund.amount),
            goods=str(refund.goods_amount),
            return_freight=str(refund.return_freight),
            approvals=refund.required_roles,
        )
        _notify(
            request,
            roles=refund.required_roles,
            subject=lambda: (
                _("Refund %(refund)s of %(amount)s CNY awaits your approval")
                % {"refund": refund.number, "amount": refund.amount}
            ),
            topic="refund_approval",
        )
    _notify(
        request,
        roles=[Role.PARTS_SUPPORT, Role.LOGISTICS_LEAD],
        subject=lambda: (
            _("Abnormal-receipt feedback for return %(number)s") % {"number": request.number}
        ),
        topic="return_feedback",
    )
    _sms(
        request,
        lambda: (
            _(
                "Your request %(number)s was accepted as %(kind)s; we will tell you where to send "
                "the goods and the invoice."
            )
            % {"number": request.number, "kind": ReturnRequest.Kind(kind).label}
        ),
    )
    return request


@transaction.atomic
def return_reject(
    *, request: ReturnRequest, by: Any, note: str, at: dt.datetime | None = None
) -> ReturnRequest:
    """requested → rejected (sales rep), with the reason against the return standard."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.review_returnrequest", request.division_id)
    _state(request, Status.REQUESTED)
    note = clean_text(note, field="note", required=True)
    before = request.status
    request.reject(at=at, by=_person(by), note=note)
    request.save()
    _audit(request, "rejected", by=by, before=before, note=note)
    _sms(
        request,
        lambda: (
            _("Your request %(number)s does not meet the return and exchange standard: %(note)s")
            % {"number": request.number, "note": note}
        ),
    )
    return request


# --- abnormal-receipt feedback and the return order ----------------------------------------------
@transaction.atomic
def return_feedback(
    *, request: ReturnRequest, by: Any, part: str, note: str = "", at: dt.datetime | None = None
) -> ReturnRequest:
    """异常收货反馈: parts support (`part="parts"`) and the warehouse lead
    (`part="warehouse"`) each complete their part; with both done the return order
    (退货单) is written and the customer told where to send the goods."""
    at = at or timezone.now()
    request = _lock(request)
    if part not in ("parts", "warehouse"):
        raise ReturnError(_("Unknown part of the feedback."), field="part", rule="choice")
    require(by, f"returns.feedback_{part}_returnrequest", request.division_id)
    _state(request, Status.ACCEPTED)
    if getattr(request, f"feedback_{part}_at") is not None:
        raise ReturnError(_("This part of the feedback is done already."), rule="done")
    note = clean_text(note, field="note")
    setattr(request, f"feedback_{part}_at", at)
    setattr(request, f"feedback_{part}_by", _person(by))
    if note:
        request.feedback_note = clean_text(
            f"{request.feedback_note} {note}".strip(), field="note", limit=TEXT_LIMIT
        )
    before = request.status
    if request.feedback_done:
        request.open_return_order(number=_number(RETURN_ORDER, request.order, at))
    request.save()
    _audit(request, f"feedback_{part}", by=by, before=before, note=note)
    if request.status == Status.AWAITING_GOODS:
        _audit(request, "return_order", by=by, before=before, number=request.return_order_number)
        warehouse = request.warehouse
        _notify(
            request,
            roles=[Role.WAREHOUSE_RECEIVER],
            subject=lambda: (
                _("Return order %(number)s: goods expected at %(warehouse)s")
                % {"number": request.return_order_number, "warehouse": warehouse.code}
            ),
            topic="return_expected",
        )
        _sms(
            request,
            lambda: (
                _(
                    "Return order %(number)s: please send the goods and the invoice to "
                    "%(warehouse)s, %(address)s."
                )
                % {
                    "number": request.return_order_number,
                    "warehouse": warehouse.name,
                    "address": getattr(warehouse, "address", "") or warehouse.code,
                }
            ),
        )
    return request


# --- inspection at the warehouse -----------------------------------------------------------------
def _restock(request: ReturnRequest, *, by: Any, at: dt.datetime) -> None:
    """Book the returned units back into the warehouse that shipped them, today."""
    lines = list(request.lines.select_related("order_line"))
    levels = stock_levels_lock(
        warehouse=request.warehouse, product_ids=[line.order_line.product_id for line in lines]
    )
    for line in lines:
        stock_move_post(
            levels[line.order_line.product_id],
            kind=StockMove.Kind.RETURN,
            quantity=line.quantity,
            by=by,
            document=request.return_order_number or request.number,
            note=request.number,
            at=at,
        )


@transaction.atomic
def return_inspect(
    *,
    request: ReturnRequest,
    by: Any,
    accepted: bool,
    note: str = "",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """awaiting_goods → received (goods and invoice acceptable: stock back today) or →
    refused (the rep, the warehouse and the customer settle it; the rep is told)."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.inspect_returnrequest", request.division_id)
    _state(request, Status.AWAITING_GOODS)
    note = clean_text(note, field="note", required=not accepted)
    period_assert_open(division=request.division, at=at)
    before = request.status
    actor = _person(by)
    if accepted:
        _restock(request, by=actor, at=at)
        request.receive(at=at, by=actor, note=note)
        request.save()
        _audit(request, "received", by=by, before=before, note=note)
        _after_receipt(request)
    else:
        request.refuse(at=at, by=actor, note=note)
        request.save()
        _audit(request, "refused", by=by, before=before, note=note)
        _notify(
            request,
            roles=[Role.SALES_REP],
            subject=lambda: (
                _("Return %(number)s refused at inspection: settle it with the customer")
                % {"number": request.number}
            ),
            topic="return_refused",
        )
        _sms(
            request,
            lambda: (
                _(
                    "The goods of return %(number)s could not be accepted: %(note)s. Our sales "
                    "representative will contact you."
                )
                % {"number": request.number, "note": note}
            ),
        )
    return request


def _after_receipt(request: ReturnRequest) -> None:
    _notify(
        request,
        roles=[Role.DIVISION_FINANCE] + ([Role.PARTS_SUPPORT] if request.is_exchange else []),
        subject=lambda: (
            _("Return %(number)s received: record the invoice") % {"number": request.number}
        ),
        topic="return_received",
    )
    _sms(
        request,
        lambda: _("We received the goods of return %(number)s.") % {"number": request.number},
    )


@transaction.atomic
def return_resolve(
    *,
    request: ReturnRequest,
    by: Any,
    outcome: str,
    rep_name: str,
    warehouse_name: str,
    customer_name: str,
    agreement: str,
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """The three-way resolution of goods refused at inspection (sales rep records it):
    accept after all (stock back today, → received) or send back (→ closed; a refund is
    cancelled)."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.resolve_returnrequest", request.division_id)
    _state(request, Status.REFUSED)
    if outcome not in ReturnResolution.Outcome.values:
        raise ReturnError(_("Choose the outcome."), field="outcome", rule="choice")
    names = {
        "rep_name": clean_text(rep_name, field="rep_name", limit=100, required=True),
        "warehouse_name": clean_text(
            warehouse_name, field="warehouse_name", limit=100, required=True
        ),
        "customer_name": clean_text(customer_name, field="customer_name", limit=100, required=True),
    }
    agreement = clean_text(agreement, field="agreement", limit=1000, required=True)
    period_assert_open(division=request.division, at=at)
    actor = _person(by)
    ReturnResolution.objects.create(
        request=request,
        outcome=outcome,
        agreement=agreement,
        recorded_at=at,
        recorded_by=actor,
        **names,
    )
    before = request.status
    if outcome == ReturnResolution.Outcome.ACCEPT:
        _restock(request, by=actor, at=at)
        request.receive(at=at, by=actor, note=agreement)
        request.save()
        _audit(request, "resolved_accept", by=by, before=before, note=agreement, **names)
        _after_receipt(request)
    else:
        refund = Refund.objects.select_for_update().filter(request=request).first()
        if refund is not None and refund.status != Refund.Status.CANCELLED:
            if refund.status == Refund.Status.PAID:  # pragma: no cover - paid needs received
                raise ReturnError(_("The refund is paid already."), rule="state")
            refund_before = refund.status
            refund.cancel(at=at, reason=agreement)
            refund.save()
            _audit(refund, "cancelled", by=by, before=refund_before, note=agreement)
        request.close(at=at, note=agreement)
        request.save()
        _audit(request, "resolved_send_back", by=by, before=before, note=agreement, **names)
        _sms(
            request,
            lambda: (
                _("Return %(number)s: as agreed, the goods are sent back to you. %(agreement)s")
                % {"number": request.number, "agreement": agreement}
            ),
        )
    return request


# --- the invoice that came back ------------------------------------------------------------------
def _credit_plan(request: ReturnRequest) -> list[tuple[Invoice, dict[int, int]]]:
    """Which lines of which invoices of the order the returned units take back: each
    returned order line against the goods lines of the same SKU and price on the order's
    issued invoices, oldest first, up to what is not yet credited."""
    wanted: dict[tuple[str, Decimal], int] = {}
    for line in request.lines.all():
        key = (line.sku, line.unit_price)
        wanted[key] = wanted.get(key, 0) + line.quantity
    plan: list[tuple[Invoice, dict[int, int]]] = []
    invoices = (
        Invoice.objects.select_for_update()
        .filter(order_id=request.order_id, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED)
        .order_by("issued_at", "pk")
    )
    for invoice in invoices:
        taken = credited_quantities(invoice)
        quantities: dict[int, int] = {}
        for line in invoice.lines.filter(kind=InvoiceLine.Kind.GOODS).order_by("position"):
            key = (line.sku, line.unit_price)
            left = line.quantity - taken.get(line.position, (0, ZERO, ZERO))[0]
            take = min(wanted.get(key, 0), left)
            if take > 0:
                quantities[line.position] = take
                wanted[key] -= take
        if quantities:
            plan.append((invoice, quantities))
    if any(wanted.values()):
        raise ReturnError(
            _("The order's invoices do not cover the returned goods; record the recovery instead."),
            field="handling",
            rule="no_invoice",
        )
    return plan


@transaction.atomic
def return_invoice_record(
    *,
    request: ReturnRequest,
    by: Any,
    handling: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> ReturnRequest:
    """Division finance records the invoice of received goods: recovered (the paper
    invoice came back; `note` names it), or a red-letter credit note of the returned
    lines issued through billing."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.handle_invoice_returnrequest", request.division_id)
    _state(request, Status.RECEIVED)
    if request.invoice_handling:
        raise ReturnError(_("The invoice of this return is recorded already."), rule="done")
    if handling not in (
        ReturnRequest.InvoiceHandling.RECOVERED,
        ReturnRequest.InvoiceHandling.CREDITED,
    ):
        raise ReturnError(_("Choose recovered or credit note."), field="handling", rule="choice")
    if request.is_exchange and handling == ReturnRequest.InvoiceHandling.RECOVERED:
        # the replacement is invoiced anew; the returned goods' invoice must be credited,
        # or the customer would hold two live invoices for one purchase
        raise ReturnError(
            _("An exchange's replacement gets its own invoice: issue the credit note."),
            field="handling",
            rule="exchange_needs_credit",
        )
    note = clean_text(
        note, field="note", required=handling == ReturnRequest.InvoiceHandling.RECOVERED
    )
    period_assert_open(division=request.division, at=at)
    credits: list[Invoice] = []
    if handling == ReturnRequest.InvoiceHandling.CREDITED:
        reason = (
            _("Return %(number)s") % {"number": request.number} + (f": {note}" if note else "")
        )[:200]
        for invoice, quantities in _credit_plan(request):
            credits.append(
                invoice_credit(
                    invoice=invoice,
                    by=by,
                    reason=reason,
                    at=at,
                    quantities=quantities,
                    return_number=request.number,
                )
            )
        request.credit_notes.add(*credits)
    request.invoice_handling = handling
    request.invoice_handled_at = at
    request.invoice_handled_by = _person(by)
    request.invoice_note = note
    request.save(
        update_fields=[
            "invoice_handling",
            "invoice_handled_at",
            "invoice_handled_by",
            "invoice_note",
        ]
    )
    _audit(
        request,
        "invoice_" + handling,
        by=by,
        before=request.status,
        note=note,
        credit_notes=[c.number for c in credits],
    )
    numbers = ", ".join(c.number for c in credits)
    _sms(
        request,
        lambda: (
            _("Return %(number)s: red-letter credit note %(notes)s issued for the returned goods.")
            % {"number": request.number, "notes": numbers}
            if numbers
            else _("Return %(number)s: the invoice you sent back is recorded.")
            % {"number": request.number}
        ),
    )
    _close_if_done(request, by=by, at=at)
    return request


# --- exchange: the replacement ------------------------------------------------------------------
@transaction.atomic
def return_replacement_create(
    *, request: ReturnRequest, by: Any, at: dt.datetime | None = None
) -> ReturnRequest:
    """An exchange's received goods are replaced by a delivery note of the same units
    (parts support); it is invoiced and handed over like any note."""
    at = at or timezone.now()
    request = _lock(request)
    require(by, "returns.replace_returnrequest", request.division_id)
    _state(request, Status.RECEIVED)
    if not request.is_exchange:
        raise ReturnError(_("Only an exchange ships a replacement."), rule="not_exchange")
    if request.replacement_note_id:
        raise ReturnError(_("The replacement is written already."), rule="done")
    note = delivery_note_create_replacement(
        order=request.order,
        by=by,
        quantities={line.order_line_id: line.quantity for line in request.lines.all()},
        reference=request.number,
        at=at,
    )
    request.replacement_note = note
    request.save(update_fields=["replacement_note"])
    _audit(
        request,
        "replacement",
        by=by,
        before=request.status,
        note=note.number,
        delivery_note=note.number,
    )
    _sms(
        request,
        lambda: (
            _("Return %(number)s: your replacement is on its way with delivery note %(note)s.")
            % {"number": request.number, "note": note.number}
        ),
    )
    _close_if_done(request, by=by, at=at)
    return request


# --- refunds --------------------------------------------------------------------------------------
@transaction.atomic
def refund_approve(
    *, refund: Refund, by: Any, note: str = "", at: dt.datetime | None = None
) -> Refund:
    """One required approval (head of sales; e-commerce leader above the threshold). With
    the last one the refund is approved; before it, nothing later is possible."""
    at = at or timezone.now()
    request, refund = _refund_lock(refund)
    require(by, "returns.approve_refund", refund.division_id)
    if by is None:
        raise NotPermitted(_("An approval needs a person."), rule="not_permitted")
    if refund.status != Refund.Status.AWAITING_APPROVAL:
        raise ReturnError(
            _("Refund %(number)s is %(status)s.")
            % {"number": refund.number, "status": refund.get_status_display()},
            rule="state",
        )
    if by.pk in {refund.requested_by_id, request.decided_by_id, request.created_by_id}:
        raise NotPermitted(_("Nobody approves a refund they asked for."), rule="self_approval")
    recorded = dict(refund.approvals.values_list("role", "by_id"))
    if by.pk in recorded.values():
        raise NotPermitted(_("You approved this refund already."), rule="twice")
    role = next(
        (r for r in refund.required_roles if r not in recorded and user_has_role(by, r)), None
    )
    if role is None:
        raise NotPermitted(
            _("This refund needs no (further) approval from your role."), rule="not_required"
        )
    note = clean_text(note, field="note")
    RefundApproval.objects.create(refund=refund, role=role, by=by, at=at, note=note)
    _audit(refund, "approval", by=by, before=refund.status, note=note, role=role)
    before = refund.status
    if not refund.approvals_missing():
        refund.approve(at=at)
        refund.save()
        _audit(refund, "approved", by=by, before=before)
        _notify(
            request,
            roles=[Role.DIVISION_FINANCE],
            subject=lambda: _("Refund %(refund)s approved: review it") % {"refund": refund.number},
            topic="refund_review",
        )
        _sms(
            request,
            lambda: (
                _("The refund of %(amount)s CNY for return %(number)s is approved.")
                % {"amount": refund.amount, "number": request.number}
            ),
        )
    return refund


@transaction.atomic
def refund_review(
    *,
    refund: Refund,
    by: Any,
    note: str = "",
    return_freight: Any = None,
    at: dt.datetime | None = None,
) -> Refund:
    """Division finance reviews an approved refund once the goods are back and the invoice
    is recorded, confirming the return freight (it may lower it, never raise the amount
    the approvers saw)."""
    at = at or timezone.now()
    request, refund = _refund_lock(refund)
    require(by, "returns.review_refund", refund.division_id)
    if refund.status != Refund.Status.APPROVED or refund.approvals_missing():
        raise ReturnError(
            _("Refund %(number)s is not approved yet: %(missing)s.")
            % {
                "number": refund.number,
                "missing": ", ".join(refund.approvals_missing()) or refund.get_status_display(),
            },
            rule="not_approved",
        )
    if request.status not in (Status.RECEIVED, Status.CLOSED) or not request.invoice_handling:
        raise ReturnError(
            _("Review the refund once the goods are received and the invoice is recorded."),
            rule="goods_first",
        )
    note = clean_text(note, field="note")
    freight = (
        refund.return_freight
        if return_freight in (None, "")
        else money(return_freight, field="return_freight")
    )
    if freight > refund.return_freight:
        raise ReturnError(
            _("The return freight cannot rise above the approved %(freight)s.")
            % {"freight": refund.return_freight},
            field="return_freight",
            rule="above_approved",
        )
    before = refund.status
    lowered = refund.return_freight - freight
    refund.review(
        at=at,
        by=_person(by),
        note=note,
        return_freight=freight,
    )
    # the approvers saw `amount`, freight included: a lower freight lowers it by as much
    refund.amount -= lowered
    if refund.amount <= 0:
        raise ReturnError(_("A refund is more than 0.00."), field="return_freight", rule="positive")
    refund.save()
    _audit(
        refund,
        "reviewed",
        by=by,
        before=before,
        note=note,
        return_freight=str(freight),
        amount=str(refund.amount),
    )
    _notify(
        request,
        roles=[Role.HQ_FINANCE],
        subject=lambda: (
            _("Refund %(refund)s of %(amount)s CNY reviewed: pay it out")
            % {"refund": refund.number, "amount": refund.amount}
        ),
        topic="refund_payout",
    )
    _sms(
        request,
        lambda: (
            _(
                "Return %(number)s: finance has checked your refund of %(amount)s CNY; it goes "
                "to payout."
            )
            % {"number": request.number, "amount": refund.amount}
        ),
    )
    return refund


@transaction.atomic
def refund_pay(*, refund: Refund, by: Any, reference: str, at: dt.datetime | None = None) -> Refund:
    """Head-office finance confirms the payout; it falls in the settlement period of `at`,
    which must be open."""
    at = at or timezone.now()
    request, refund = _refund_lock(refund)
    require(by, "returns.pay_refund", refund.division_id)
    if refund.status != Refund.Status.REVIEWED or refund.approvals_missing():
        raise ReturnError(
            _("Refund %(number)s is %(status)s; it is paid once approved and reviewed.")
            % {"number": refund.number, "status": refund.get_status_display()},
            rule="not_reviewed",
        )
    reference = clean_text(reference, field="reference", limit=64, required=True)
    period_assert_open(division=refund.division, at=at)
    before = refund.status
    refund.pay(at=at, by=_person(by), reference=reference)
    refund.save()
    _audit(refund, "paid", by=by, before=before, reference=reference, amount=str(refund.amount))
    _sms(
        request,
        lambda: (
            _("The refund of %(amount)s CNY for return %(number)s has been paid.")
            % {"amount": refund.amount, "number": request.number}
        ),
    )
    _close_if_done(request, by=by, at=at)
    return refund


# --- closing (archive) ----------------------------------------------------------------------------
def is_done(request: ReturnRequest) -> bool:
    if request.status != Status.RECEIVED or not request.invoice_handling:
        return False
    if request.is_exchange:
        return request.replacement_note_id is not None
    refund = Refund.objects.filter(request=request).first()
    return refund is None or refund.status in (Refund.Status.PAID, Refund.Status.CANCELLED)


def _close_if_done(request: ReturnRequest, *, by: Any, at: dt.datetime) -> None:
    if not is_done(request):
        return
    before = request.status
    request.close(at=at, note="")
    request.save()
    _audit(request, "closed", by=by, before=before)
    _sms(
        request,
        lambda: _("Your return %(number)s is complete. Thank you.") % {"number": request.number},
    )


# --- the settlement source (billing.hooks) --------------------------------------------------------
def returns_settlement_figures(
    *, division: Any, start: dt.datetime, end: dt.datetime
) -> dict[str, Decimal]:
    """returns: goods taken back on exchanges in the period (their replacement ships and
    counts as sales again); refunds: refunds paid out in the period."""
    exchanged = ReturnLine.objects.filter(
        request__division=division,
        request__kind=ReturnRequest.Kind.EXCHANGE,
        request__restocked_at__gte=start,
        request__restocked_at__lt=end,
    ).aggregate(total=Sum("amount"))["total"]
    refunded = Refund.objects.filter(
        division=division, status=Refund.Status.PAID, paid_at__gte=start, paid_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    return {"returns": exchanged or ZERO, "refunds": refunded or ZERO}


def order_close_blocker(*, order: Any) -> str:
    """orders.hooks close blocker: an order stays open while one of its returns is."""
    open_return = (
        ReturnRequest.objects.filter(order_id=order.pk)
        .exclude(status__in=(Status.REJECTED, Status.CLOSED))
        .values_list("number", flat=True)
        .first()
    )
    if open_return is None:
        return ""
    return _("Return %(number)s of this order is still in progress; the order closes after it.") % {
        "number": open_return
    }


def approvals_state(refund: Refund) -> dict[str, Any]:
    recorded = {a.role: a for a in refund.approvals.all()}
    return {
        "required": list(refund.required_roles),
        "recorded": [
            {"role": role, "by": a.by.username, "at": a.at} for role, a in recorded.items()
        ],
        "missing": refund.approvals_missing(set(recorded)),
    }


__all__ = [
    "RequestInput",
    "approvals_state",
    "is_done",
    "refund_approve",
    "refund_pay",
    "refund_review",
    "required_approvals",
    "return_accept",
    "return_feedback",
    "return_inspect",
    "return_invoice_record",
    "return_reject",
    "return_replacement_create",
    "return_request_submit",
    "return_resolve",
    "returnable_by_line",
    "returns_settlement_figures",
    "window_end",
]
