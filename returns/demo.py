"""Demo data of the returns app (SPEC §5, §8): a return or exchange in every state of the
flow and a refund in every state of its approval, all through the services with the demo
users as actors.

Each case has an order of its own (`DEMO-MALL-01xx`, placed three days ago, delivered a
day before the seeding), so `DEMO-MALL-0010` keeps every unit returnable. The returns
themselves are dated between the later of the settlement period's first day and the
receipt, and now: billing's demo locks the previous period after every app has seeded,
and nothing of a return may lie in it. Idempotent: a case whose order exists is skipped.

    requested              0101  a photo as evidence
    rejected               0102
    accepted               0103  parts support's feedback done, the warehouse lead's not;
                                 refund awaiting approval
    awaiting_goods         0104  6,180.00 CNY: above the threshold, approved by the head
                                 of sales, the e-commerce leader still to approve
    refused                0105  refused at inspection, to be settled
    received               0106  refused, then a three-way resolution "accept"; refund
                                 approved, invoice still to be recorded
    received               0107  invoice credited, refund reviewed (awaiting payout)
    closed                 0108  one of two units returned: partial credit note, refund paid
    closed                 0109  refused, three-way resolution "send back": refund cancelled
    closed                 0110  an exchange: invoice credited, replacement note reserved
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from billing.services.invoices import invoice_issue
from billing.services.settlement import period_of
from catalog.models import Product
from core.roles import Role
from core.working_calendar import at_local
from fulfilment.services import delivery_note_create, shipment_create
from orders import services as orders
from orders.demo import RECEIVED_AFTER_MINUTES, STEP_MINUTES
from orders.demo_data import HENGLI_BUYER, LI_BUYER, XIBEI_BUYER, ZHANG_BUYER
from orders.models import Order, Platform

from .evidence import evidence_read
from .models import Refund, ReturnRequest
from .services import (
    RequestInput,
    refund_approve,
    refund_pay,
    refund_review,
    return_accept,
    return_feedback,
    return_inspect,
    return_invoice_record,
    return_reject,
    return_replacement_create,
    return_request_submit,
    return_resolve,
)

# The receipt lies this long before the seeding; the order was placed two days before it.
DELIVERED_BEFORE = dt.timedelta(hours=26)
PLACED_BEFORE_DELIVERY = dt.timedelta(days=2)
RETURN_FREIGHT = "18.00"


@dataclass(frozen=True)
class Case:
    number: str
    buyer: tuple[dict[str, str], dict[str, str]]
    sku: str
    quantity: int
    returned: int
    goal: str
    kind: str = ReturnRequest.Kind.RETURN
    reason: int = ReturnRequest.Reason.DAMAGED
    reason_text: str = ""


CASES = (
    Case("DEMO-MALL-0101", XIBEI_BUYER, "DEMO-003", 2, 1, "requested"),
    Case(
        "DEMO-MALL-0102",
        ZHANG_BUYER,
        "DEMO-009",
        1,
        1,
        "rejected",
        reason=ReturnRequest.Reason.OTHER,
        reason_text="买多了，不想要了 / bought too many",
    ),
    Case("DEMO-MALL-0103", LI_BUYER, "DEMO-010", 3, 2, "accepted"),
    Case(
        "DEMO-MALL-0104",
        HENGLI_BUYER,
        "DEMO-002",
        1,
        1,
        "awaiting_goods",
        reason=ReturnRequest.Reason.QUALITY,
    ),
    Case("DEMO-MALL-0105", XIBEI_BUYER, "DEMO-004", 2, 2, "refused"),
    Case("DEMO-MALL-0106", HENGLI_BUYER, "DEMO-015", 1, 1, "resolved_accept"),
    Case(
        "DEMO-MALL-0107",
        LI_BUYER,
        "DEMO-007",
        4,
        2,
        "reviewed",
        reason=ReturnRequest.Reason.NOT_AS_DESCRIBED,
    ),
    Case("DEMO-MALL-0108", ZHANG_BUYER, "DEMO-001", 2, 1, "paid"),
    Case("DEMO-MALL-0109", XIBEI_BUYER, "DEMO-019", 1, 1, "sent_back"),
    Case(
        "DEMO-MALL-0110",
        HENGLI_BUYER,
        "DEMO-005",
        1,
        1,
        "exchange",
        kind=ReturnRequest.Kind.EXCHANGE,
        reason=ReturnRequest.Reason.WRONG_OR_MISSING,
    ),
)


def seed(context: dict[str, Any]) -> None:
    platform: Platform | None = context.get("platform")
    products = context.get("products") or {
        p.sku: p for p in Product.objects.filter(sku__startswith="DEMO-")
    }
    if platform is None or "carriers" not in context:
        return
    now = timezone.now()
    todo = [
        c
        for c in CASES
        if not Order.objects.filter(platform=platform, platform_order_no=c.number).exists()
    ]
    if not todo:
        return
    delivered_at = now - DELIVERED_BEFORE
    clock = _clock(now=now, delivered_at=delivered_at)
    for index, case in enumerate(todo):
        product = products.get(case.sku)
        if product is None or not product.is_listed:
            continue
        order = _delivered_order(case, product, platform, context, delivered_at)
        if order is None:
            continue
        _return(case, order, context["users"], _steps(clock, index))


def _clock(*, now: dt.datetime, delivered_at: dt.datetime) -> Callable[[float, int], dt.datetime]:
    """clock(fraction, case index) → when a step of a demo return happened: the steps lie
    between the later of the current settlement period's first moment and an hour after
    the receipt, and a minute ago, in the order of their fractions (cases a second apart)."""
    period_start = at_local(period_of(timezone.localdate(now))[0], dt.time.min)
    start = min(max(period_start, delivered_at + dt.timedelta(hours=1)), now)
    end = max(now - dt.timedelta(minutes=1), start)
    span = end - start

    def at(fraction: float, index: int) -> dt.datetime:
        moment = start + span * fraction + dt.timedelta(seconds=index)
        return min(moment, now)

    return at


def _steps(
    clock: Callable[[float, int], dt.datetime], index: int
) -> Callable[[float], dt.datetime]:
    def at(fraction: float) -> dt.datetime:
        return clock(fraction, index)

    return at


def _delivered_order(
    case: Case,
    product: Product,
    platform: Platform,
    context: dict[str, Any],
    delivered_at: dt.datetime,
) -> Order | None:
    """The case's order through the services: placed, identified at intake (a known
    buyer), confirmed, delivery note, invoice, hand-over, receipt confirmed."""
    users = context["users"]
    buyer, ship_to = case.buyer
    placed_at = delivered_at - PLACED_BEFORE_DELIVERY

    def at(step: str) -> dt.datetime:
        return placed_at + dt.timedelta(minutes=STEP_MINUTES[step])

    data = orders.OrderInput(
        platform_order_no=case.number,
        placed_at=placed_at,
        division=context["division"].code,
        buyer=orders.BuyerInput(**{"org_code": "", "id_number": "", "contact_name": "", **buyer}),
        ship_to=orders.ShipToInput(**ship_to),
        lines=[
            orders.LineInput(
                sku=product.sku,
                quantity=case.quantity,
                unit_price=str(product.selling_price or Decimal("100.00")),
            )
        ],
        freight="15.00",
        paid=True,
    )
    order = orders.order_receive(
        platform=platform,
        data=data,
        at=placed_at + dt.timedelta(minutes=RECEIVED_AFTER_MINUTES),
    ).order
    if order.status != Order.Status.IDENTIFIED:
        return None
    order = orders.order_confirm(
        order=order,
        by=users[Role.SALES_REP],
        invoice_title=order.invoice_title,
        invoice_tax_number=order.invoice_tax_number,
        at=at("confirm"),
    )
    [note] = delivery_note_create(order=order, by=users[Role.PARTS_SUPPORT], at=at("allocate"))
    if note.status != note.Status.RESERVED:
        return None
    invoice_issue(note=note, by=users[Role.DIVISION_FINANCE], at=at("invoice"))
    note.refresh_from_db()
    shipment_create(
        note=note,
        by=users[Role.WAREHOUSE],
        carrier=context["carriers"]["SF"],
        tracking_number=f"SF{order.pk:012d}",
        parcels=1,
        weight_kg=Decimal("2.00"),
        at=at("ship"),
    )
    return orders.order_mark_delivered(order=Order.objects.get(pk=order.pk), at=delivered_at)


def _evidence() -> list[Any]:
    """A small photo of the damage, drawn now (nothing binary ships with the demo)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (96, 64), (235, 235, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 88, 56), outline=(60, 60, 60), width=2)
    draw.line((20, 14, 70, 50), fill=(200, 30, 30), width=3)  # the crack
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return [evidence_read(name="破损照片.png", content=buffer.getvalue())]


def _return(
    case: Case, order: Order, users: dict[str, Any], at: Callable[[float], dt.datetime]
) -> None:
    rep, head, leader = users[Role.SALES_REP], users[Role.SALES_HEAD], users[Role.ECOM_LEADER]
    parts, lead = users[Role.PARTS_SUPPORT], users[Role.LOGISTICS_LEAD]
    receiver, finance, hq = (
        users[Role.WAREHOUSE_RECEIVER],
        users[Role.DIVISION_FINANCE],
        users[Role.HQ_FINANCE],
    )
    line = order.lines.get()
    request, _created = return_request_submit(
        order=order,
        data=RequestInput(
            kind=case.kind,
            reason=case.reason,
            reason_text=case.reason_text,
            lines={line.pk: case.returned},
            evidence=_evidence() if case.goal == "requested" else (),
        ),
        at=at(0.0),
    )
    goal = case.goal
    if goal == "requested":
        return
    if goal == "rejected":
        return_reject(
            request=request,
            by=rep,
            note="不符合《退换货标准》：非质量问题且包装已拆封 / opened, no quality problem",
            at=at(0.2),
        )
        return
    request = return_accept(
        request=request,
        by=rep,
        kind=case.kind,
        return_freight=RETURN_FREIGHT if case.kind == ReturnRequest.Kind.RETURN else "0",
        note="已与客户电话确认 / confirmed with the customer by phone",
        at=at(0.2),
    )
    refund = Refund.objects.filter(request=request).first()
    return_feedback(
        request=request, by=parts, part="parts", note="配件核对无误 / parts checked", at=at(0.3)
    )
    if goal == "accepted":
        return
    return_feedback(
        request=request,
        by=lead,
        part="warehouse",
        note="仓库已登记待收货 / expected at the warehouse",
        at=at(0.35),
    )
    if refund is not None:
        refund = refund_approve(refund=refund, by=head, note="同意 / approved", at=at(0.4))
    if goal == "awaiting_goods":
        return
    if refund is not None and refund.approvals_missing():
        refund = refund_approve(refund=refund, by=leader, note="同意 / approved", at=at(0.45))
    refused = goal in ("refused", "resolved_accept", "sent_back")
    request = return_inspect(
        request=request,
        by=receiver,
        accepted=not refused,
        note=(
            "外包装破损，缺少发票 / box broken, invoice missing"
            if refused
            else "数量、外观、发票无误 / units, condition and invoice checked"
        ),
        at=at(0.5),
    )
    if goal == "refused":
        return
    if refused:
        send_back = goal == "sent_back"
        request = return_resolve(
            request=request,
            by=rep,
            outcome="send_back" if send_back else "accept",
            rep_name="王芳",
            warehouse_name="刘强 (总仓)",
            customer_name=case.buyer[0].get("contact_name") or case.buyer[0]["name"],
            agreement=(
                "三方确认：货物退回客户，退款取消 / goods go back, refund cancelled"
                if send_back
                else "三方确认：包装破损不影响使用，照常收货 / accepted after all"
            ),
            at=at(0.55),
        )
        if send_back:
            return
    if goal == "resolved_accept":
        return
    if case.kind == ReturnRequest.Kind.EXCHANGE:
        return_invoice_record(
            request=request,
            by=finance,
            handling="credited",
            note="原发票已收回并红冲，换货另开发票 / credited; the replacement is invoiced anew",
            at=at(0.6),
        )
        return_replacement_create(request=request, by=parts, at=at(0.7))
        return
    return_invoice_record(request=request, by=finance, handling="credited", at=at(0.6))
    assert refund is not None
    refund = refund_review(
        refund=refund, by=finance, note="退货运费凭证已核 / freight receipt checked", at=at(0.7)
    )
    if goal == "reviewed":
        return
    refund_pay(refund=refund, by=hq, reference=f"BANK-{request.number}", at=at(0.8))
