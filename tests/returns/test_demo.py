"""seed_demo: the returns part of the demo contract (SPEC §8, issue 11 item 5): a return
in every state and a refund in every state, idempotent; `DEMO-MALL-0010` returnable and
`DEMO-MALL-0011` outside the window whatever day and hour the demo is seeded; nothing of
a return in the period billing's demo locks; the stock ledger adds up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from billing.models import Invoice, Settlement
from core.periods import period_locked
from core.working_calendar import at_local
from fulfilment.models import DeliveryNote, StockLevel, StockMove
from orders.models import Order
from orders.models.conditions import return_window_open
from returns.models import Refund, RefundApproval, ReturnEvidence, ReturnRequest, ReturnResolution

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _counts() -> tuple[int, ...]:
    return (
        ReturnRequest.objects.count(),
        Refund.objects.count(),
        RefundApproval.objects.count(),
        ReturnEvidence.objects.count(),
        ReturnResolution.objects.count(),
        Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count(),
        StockMove.objects.filter(kind=StockMove.Kind.RETURN).count(),
        DeliveryNote.objects.filter(kind=DeliveryNote.Kind.EXCHANGE).count(),
    )


def test_demo_returns_in_every_state_once() -> None:
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first

    assert set(ReturnRequest.objects.values_list("status", flat=True)) == set(
        ReturnRequest.Status.values
    )
    assert set(Refund.objects.values_list("status", flat=True)) == set(Refund.Status.values)
    accepted = ReturnRequest.objects.get(status=ReturnRequest.Status.ACCEPTED)
    assert (accepted.feedback_parts_at is None) != (accepted.feedback_warehouse_at is None)
    # above the threshold: both approvals required, only the head of sales has approved
    big = Refund.objects.get(amount__gt=Decimal("5000.00"))
    assert big.required_roles == ["sales_head", "ecom_leader"]
    assert big.status == Refund.Status.AWAITING_APPROVAL
    assert big.approvals_missing() == ["ecom_leader"]
    assert list(big.approvals.values_list("by__username", flat=True)) == ["sales_head"]
    # one of the awaiting refunds has no approval at all
    assert Refund.objects.filter(status="awaiting_approval", approvals__isnull=True).exists()
    # refused at inspection and settled three ways: accepted after all, and sent back
    outcomes = dict(ReturnResolution.objects.values_list("outcome", "request__status"))
    assert outcomes == {"accept": "received", "send_back": "closed"}
    sent_back = ReturnRequest.objects.get(resolution__outcome="send_back")
    assert sent_back.refund.status == Refund.Status.CANCELLED
    # received, the invoice still to be recorded
    assert ReturnRequest.objects.filter(status="received", invoice_handling="").exists()
    # the exchange: closed with its replacement note (reserved in the warehouse that shipped)
    exchange = ReturnRequest.objects.get(kind=ReturnRequest.Kind.EXCHANGE)
    assert exchange.status == ReturnRequest.Status.CLOSED
    note = exchange.replacement_note
    assert note is not None and note.kind == DeliveryNote.Kind.EXCHANGE
    assert (
        note.status == DeliveryNote.Status.RESERVED and note.warehouse_id == exchange.warehouse_id
    )
    assert exchange.order.status == Order.Status.DELIVERED
    # the paid return credited one of two units
    paid = Refund.objects.get(status=Refund.Status.PAID)
    [credit] = paid.request.credit_notes.all()
    assert credit.return_number == paid.request.number
    assert credit.total_amount == -paid.request.goods_amount
    assert credit.original.status == Invoice.Status.ISSUED
    # one evidence photo, stored privately, a real PNG
    [evidence] = ReturnEvidence.objects.all()
    assert evidence.content_type == "image/png" and evidence.request.status == "requested"
    with evidence.file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    # every step by a demo user named after the role
    assert accepted.decided_by.username == "sales_rep"
    assert paid.paid_by.username == "hq_finance" and paid.reviewed_by.username == "division_finance"
    _assert_ledger()


def _assert_ledger() -> None:
    for level in StockLevel.objects.all():
        moved = StockMove.objects.filter(
            product=level.product_id, warehouse=level.warehouse_id
        ).aggregate(total=Sum("quantity"))["total"]
        assert moved == level.on_hand, level
        reserved = (
            DeliveryNote.objects.filter(
                warehouse=level.warehouse_id,
                status__in=["reserved", "invoiced"],
                lines__product=level.product_id,
            ).aggregate(total=Sum("lines__quantity"))["total"]
            or 0
        )
        assert reserved == level.reserved, level


def _dates_of_returns() -> list[dt.datetime]:
    dates: list[dt.datetime] = []
    for request in ReturnRequest.objects.all():
        dates += [
            d
            for d in (
                request.requested_at,
                request.decided_at,
                request.feedback_parts_at,
                request.feedback_warehouse_at,
                request.inspected_at,
                request.invoice_handled_at,
                request.closed_at,
            )
            if d is not None
        ]
    for refund in Refund.objects.all():
        dates += [d for d in (refund.requested_at, refund.reviewed_at, refund.paid_at) if d]
    dates += list(RefundApproval.objects.values_list("at", flat=True))
    dates += list(StockMove.objects.filter(kind="return").values_list("at", flat=True))
    dates += list(Invoice.objects.exclude(return_number="").values_list("issued_at", flat=True))
    return dates


def beijing(day: str, clock: str) -> dt.datetime:
    return at_local(dt.date.fromisoformat(day), dt.time.fromisoformat(clock))


@pytest.mark.parametrize(
    "now",
    [
        beijing("2026-11-28", "23:59:59"),  # the last second of a day
        beijing("2026-11-29", "00:00:00"),  # a Sunday's first second
        beijing("2026-11-26", "00:00:30"),  # the first minute of a settlement period
        beijing("2026-10-08", "23:50:00"),  # the day after the National Day holidays
        beijing("2026-02-24", "09:00:00"),  # the day after the Spring Festival holidays
    ],
    ids=str,
)
def test_the_window_contract_holds_whenever_the_demo_is_seeded(
    now: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from returns.exceptions import ReturnWindowClosed
    from returns.services import RequestInput, return_request_submit, returnable_by_line

    clock: Callable[[], dt.datetime] = lambda: now  # noqa: E731
    monkeypatch.setattr(timezone, "now", clock)
    _seed()

    inside = Order.objects.get(platform_order_no="DEMO-MALL-0010")
    assert inside.status == Order.Status.DELIVERED and inside.delivered_at <= now
    assert return_window_open(inside, now)
    assert all(units > 0 for units in returnable_by_line(inside).values())
    outside = Order.objects.get(platform_order_no="DEMO-MALL-0011")
    assert outside.delivered_at is not None and not return_window_open(outside, now)
    line = outside.lines.get()
    with pytest.raises(ReturnWindowClosed) as refused:
        return_request_submit(
            order=outside,
            data=RequestInput(kind="return", reason=1, reason_text="", lines={line.pk: 1}),
            at=now,
        )
    assert refused.value.rule == "return_window"
    # DEMO-MALL-0010 can still be asked for, right now
    line = inside.lines.get()
    request, created = return_request_submit(
        order=inside,
        data=RequestInput(kind="return", reason=3, reason_text="", lines={line.pk: 1}),
        at=now,
    )
    assert created

    # the returns of the demo lie in the open period, none in the one billing locked
    locked = Settlement.objects.get(status=Settlement.Status.LOCKED)
    dates = _dates_of_returns()
    assert len(dates) > 30
    for moment in dates:
        assert moment <= now
        assert period_locked(division=locked.division, at=moment) is None, moment
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == set(
        ReturnRequest.Status.values
    )
    _assert_ledger()
