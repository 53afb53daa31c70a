"""The rules of issue 11 at service level: the return window (Beijing calendar days), the
approval threshold, nothing usable after the first of two approvals, no self-approval,
over-return and over-refund, stock back the same day into the warehouse that shipped,
partial credit notes, the exchange's replacement, an SMS at every customer-facing step.

Helpers here are shared with test_rules_roles.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from core.periods import (
    LockedPeriod,
    PeriodLocked,
    register_period_lock_source,
    unregister_period_lock_source,
)
from core.working_calendar import at_local, to_local
from returns.exceptions import NotPermitted, ReturnError, ReturnWindowClosed
from returns.models import Refund, ReturnRequest
from returns.services import (
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
    returnable_by_line,
)

pytestmark = pytest.mark.django_db
S = ReturnRequest.Status


# --- helpers ------------------------------------------------------------------------------------
def beijing(day: dt.date | str, clock: str = "12:00:00") -> dt.datetime:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return at_local(day, dt.time.fromisoformat(clock))


def submit(
    order: Any,
    units: int = 1,
    *,
    kind: str = "return",
    at: dt.datetime | None = None,
    by: Any = None,
    line: Any = None,
) -> ReturnRequest:
    line = line or order.lines.order_by("position").first()
    request, created = return_request_submit(
        order=order,
        data=RequestInput(kind=kind, reason=3, reason_text="", lines={line.pk: units}),
        at=at,
        by=by,
    )
    assert created
    return request


def advance(
    request: ReturnRequest,
    to: str,
    people: dict[str, Any],
    *,
    kind: str = "return",
    freight: str = "0",
    refund_amount: Any = None,
) -> ReturnRequest:
    """Walk a requested return to `to` ("accepted", "awaiting_goods", "refused",
    "received") with the role of each step."""
    request = return_accept(
        request=request,
        by=people["sales_rep"],
        kind=kind,
        return_freight=freight,
        refund_amount=refund_amount,
    )
    if to == S.ACCEPTED:
        return request
    return_feedback(request=request, by=people["parts_support"], part="parts")
    request = return_feedback(request=request, by=people["logistics_lead"], part="warehouse")
    if to == S.AWAITING_GOODS:
        return request
    return return_inspect(
        request=request,
        by=people["warehouse_receiver"],
        accepted=to == S.RECEIVED,
        note="" if to == S.RECEIVED else "box crushed",
    )


def resolve(request: ReturnRequest, people: dict[str, Any], outcome: str) -> ReturnRequest:
    return return_resolve(
        request=request,
        by=people["sales_rep"],
        outcome=outcome,
        rep_name="Wang",
        warehouse_name="Liu",
        customer_name="Ma",
        agreement="agreed by phone",
    )


def refund_of(request: ReturnRequest) -> Refund:
    return Refund.objects.get(request=request)


@pytest.fixture
def locked_until() -> Iterator[Callable[[dt.date], None]]:
    """locked_until(day): every day up to `day` is locked (a stand-in for a signed
    settlement)."""
    state: dict[str, dt.date] = {}

    def source(*, division: Any, day: dt.date) -> LockedPeriod | None:
        last = state.get("last")
        if last is not None and day <= last:
            return LockedPeriod(first_day=dt.date(2000, 1, 1), last_day=last)
        return None

    register_period_lock_source(source)
    yield lambda day: state.__setitem__("last", day)
    unregister_period_lock_source(source)


# --- the window -----------------------------------------------------------------------------------
@pytest.mark.parametrize("clock", ["00:00:00", "00:30:00", "09:15:00", "23:59:59"])
def test_day_5_at_23_59_59_is_inside_and_day_6_at_midnight_is_outside(
    delivered: Any, clock: str
) -> None:
    """Receipt day = day 0, whatever the hour (00:30 Beijing is the previous day in UTC)."""
    received_day = timezone.localdate() - dt.timedelta(days=1)
    order = delivered(quantity=2, received_at=beijing(received_day, clock))
    day5 = received_day + dt.timedelta(days=5)

    with pytest.raises(ReturnWindowClosed) as refused:
        submit(order, at=beijing(day5 + dt.timedelta(days=1), "00:00:00"))
    assert refused.value.rule == "return_window" and refused.value.field == "order"
    assert ReturnRequest.objects.count() == 0

    request = submit(order, at=beijing(day5, "23:59:59"))
    assert request.status == S.REQUESTED


def test_the_window_counts_calendar_days_across_a_month_end(delivered: Any) -> None:
    # received 00:30 on 29 October Beijing = 16:30 on the 28th in UTC: day 5 is 3 November
    order = delivered(quantity=2, received_at=beijing("2026-10-29", "00:30:00"))
    assert to_local(order.delivered_at).date() == dt.date(2026, 10, 29)
    assert order.delivered_at.astimezone(dt.UTC).date() == dt.date(2026, 10, 28)

    with pytest.raises(ReturnWindowClosed):
        submit(order, at=beijing("2026-11-04", "00:00:00"))
    assert submit(order, at=beijing("2026-11-03", "23:59:59")).status == S.REQUESTED


def test_an_order_not_yet_delivered_is_refused(confirmed: Any) -> None:
    order = confirmed(quantity=2)

    with pytest.raises(ReturnError) as refused:
        submit(order)

    assert refused.value.rule == "not_delivered" and refused.value.field == "order"
    assert ReturnRequest.objects.count() == 0


def test_a_request_before_the_receipt_is_refused(delivered: Any) -> None:
    """Asking for a return before the goods arrived is not 'inside the window'."""
    order = delivered(quantity=1)

    with pytest.raises(ReturnError) as refused:
        submit(order, at=order.delivered_at - dt.timedelta(minutes=1))

    assert refused.value.rule == "before_receipt"
    assert ReturnRequest.objects.count() == 0


# --- a platform's retries ------------------------------------------------------------------------
def test_a_retried_platform_request_is_the_same_return_even_after_the_window(
    delivered: Any, platform: Any
) -> None:
    from returns.exceptions import ReturnConflict

    order = delivered(quantity=2)
    line = order.lines.get()
    data = RequestInput(
        kind="return", reason=1, reason_text="", lines={line.pk: 1}, platform_request_no="P-1"
    )
    first, created = return_request_submit(order=order, data=data, platform=platform)
    assert created and first.source == ReturnRequest.Source.API

    late = order.delivered_at + dt.timedelta(days=30)
    again, created = return_request_submit(order=order, data=data, platform=platform, at=late)
    assert (again.pk, created) == (first.pk, False)

    changed = RequestInput(
        kind="return", reason=1, reason_text="", lines={line.pk: 2}, platform_request_no="P-1"
    )
    with pytest.raises(ReturnConflict) as conflict:
        return_request_submit(order=order, data=changed, platform=platform)
    assert conflict.value.rule == "conflict" and conflict.value.field == "request_no"
    assert ReturnRequest.objects.count() == 1


# --- approvals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("price", "roles"),
    [
        ("4999.99", ["sales_head"]),
        ("5000.00", ["sales_head"]),
        ("5000.01", ["sales_head", "ecom_leader"]),
    ],
)
def test_the_threshold_table(
    delivered: Any, people: dict[str, Any], price: str, roles: list[str]
) -> None:
    order = delivered(quantity=1, unit_price=price, freight="0.00")
    request = advance(submit(order), S.ACCEPTED, people)

    refund = refund_of(request)
    assert refund.amount == Decimal(price)
    assert refund.required_roles == roles
    assert refund.approvals_missing() == roles


def test_the_threshold_counts_the_refund_with_its_freight(
    delivered: Any, people: dict[str, Any]
) -> None:
    """4,990.00 of goods and 10.01 of return freight: 5,000.01 → both approvals."""
    order = delivered(quantity=1, unit_price="4990.00")
    request = advance(submit(order), S.ACCEPTED, people, freight="10.01")
    assert refund_of(request).required_roles == ["sales_head", "ecom_leader"]


def test_the_threshold_comes_from_the_setting(
    delivered: Any, people: dict[str, Any], settings: Any
) -> None:
    settings.RETURN_REFUND_LEADER_THRESHOLD = "100.00"
    order = delivered(quantity=2, unit_price="100.00")
    line = order.lines.get()
    exactly = advance(submit(order, line=line), S.ACCEPTED, people)
    above = advance(submit(order, line=line), S.ACCEPTED, people, freight="0.01")
    assert refund_of(exactly).required_roles == ["sales_head"]
    assert refund_of(above).required_roles == ["sales_head", "ecom_leader"]


def test_after_the_first_of_two_approvals_nothing_later_is_possible(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=1, unit_price="6000.00")
    request = advance(submit(order), S.RECEIVED, people)
    return_invoice_record(request=request, by=people["division_finance"], handling="credited")
    refund = refund_approve(refund=refund_of(request), by=people["sales_head"])

    assert refund.status == Refund.Status.AWAITING_APPROVAL
    assert refund.approvals_missing() == ["ecom_leader"]
    with pytest.raises(ReturnError) as review:
        refund_review(refund=refund, by=people["division_finance"])
    assert review.value.rule == "not_approved"
    with pytest.raises(ReturnError) as pay:
        refund_pay(refund=refund, by=people["hq_finance"], reference="BANK-1")
    assert pay.value.rule == "not_reviewed"
    # not in finance's queues: neither approved nor reviewed
    assert not Refund.objects.filter(status__in=["approved", "reviewed"]).exists()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.AWAITING_APPROVAL and refund.reviewed_at is None

    # even a row pushed past the approvals by hand cannot be paid: the payout checks them
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.REVIEWED)
    with pytest.raises(ReturnError) as forced:
        refund_pay(refund=refund, by=people["hq_finance"], reference="BANK-1")
    assert forced.value.rule == "not_reviewed"
    assert Refund.objects.get(pk=refund.pk).paid_at is None

    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.AWAITING_APPROVAL)
    refund = refund_approve(refund=refund, by=people["ecom_leader"])
    assert refund.status == Refund.Status.APPROVED and refund.approvals_missing() == []
    refund = refund_review(refund=refund, by=people["division_finance"])
    refund = refund_pay(refund=refund, by=people["hq_finance"], reference="BANK-1")
    assert refund.status == Refund.Status.PAID


def test_the_rep_who_accepted_cannot_approve_as_head_of_sales(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    both = make_user("sales_rep", "sales_head", username="rep_and_head")
    order = delivered(quantity=1)
    request = return_accept(request=submit(order), by=both, kind="return")

    with pytest.raises(NotPermitted) as refused:
        refund_approve(refund=refund_of(request), by=both)

    assert refused.value.rule == "self_approval"
    assert refund_of(request).approvals.count() == 0
    refund_approve(refund=refund_of(request), by=people["sales_head"])
    assert refund_of(request).status == Refund.Status.APPROVED


def test_the_rep_who_keyed_in_the_request_cannot_approve_it(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    both = make_user("sales_rep", "sales_head", username="keyer_and_head")
    order = delivered(quantity=1)
    request = submit(order, by=both)
    request = return_accept(request=request, by=people["sales_rep"], kind="return")

    with pytest.raises(NotPermitted) as refused:
        refund_approve(refund=refund_of(request), by=both)
    assert refused.value.rule == "self_approval"


def test_nobody_approves_twice_nor_gives_both_approvals(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    head_and_leader = make_user("sales_head", "ecom_leader", username="head_and_leader")
    order = delivered(quantity=2, unit_price="6000.00")
    line = order.lines.get()
    first = advance(submit(order, line=line), S.ACCEPTED, people)
    second = advance(submit(order, line=line), S.ACCEPTED, people)

    refund = refund_approve(refund=refund_of(first), by=people["sales_head"])
    with pytest.raises(NotPermitted) as twice:
        refund_approve(refund=refund, by=people["sales_head"])
    assert twice.value.rule == "twice"

    refund = refund_approve(refund=refund_of(second), by=head_and_leader)
    assert list(refund.approvals.values_list("role", flat=True)) == ["sales_head"]
    with pytest.raises(NotPermitted) as both:
        refund_approve(refund=refund, by=head_and_leader)
    assert both.value.rule == "twice"
    refund.refresh_from_db()
    assert refund.status == Refund.Status.AWAITING_APPROVAL
    assert refund.approvals_missing() == ["ecom_leader"]


def test_the_leader_is_not_asked_below_the_threshold(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=1)
    refund = refund_of(advance(submit(order), S.ACCEPTED, people))

    with pytest.raises(NotPermitted) as refused:
        refund_approve(refund=refund, by=people["ecom_leader"])

    assert refused.value.rule == "not_required"
    assert refund.approvals.count() == 0


# --- over-return ----------------------------------------------------------------------------------
def test_two_partial_returns_cannot_exceed_the_shipped_units(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=3)
    line = order.lines.get()
    submit(order, 2, line=line)

    with pytest.raises(ReturnError) as refused:
        submit(order, 2, line=line)
    assert refused.value.rule == "over_return"
    assert refused.value.field == "lines[0].quantity"

    submit(order, 1, line=line)
    assert returnable_by_line(order) == {line.pk: 0}
    with pytest.raises(ReturnError):
        submit(order, 1, line=line)
    assert ReturnRequest.objects.count() == 2


def test_a_rejected_return_frees_its_units(delivered: Any, people: dict[str, Any]) -> None:
    order = delivered(quantity=2)
    line = order.lines.get()
    request = submit(order, 2, line=line)
    assert returnable_by_line(order) == {line.pk: 0}

    return_reject(request=request, by=people["sales_rep"], note="used, not as delivered")

    assert returnable_by_line(order) == {line.pk: 2}
    assert submit(order, 2, line=line).status == S.REQUESTED


def test_goods_sent_back_free_their_units_and_cancel_the_refund(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=2)
    line = order.lines.get()
    request = advance(submit(order, 2, line=line), S.REFUSED, people)
    assert returnable_by_line(order) == {line.pk: 0}

    request = resolve(request, people, "send_back")

    assert request.status == S.CLOSED
    assert refund_of(request).status == Refund.Status.CANCELLED
    assert returnable_by_line(order) == {line.pk: 2}
    submit(order, 1, line=line)


def test_a_line_of_another_order_is_refused(delivered: Any) -> None:
    order, other = delivered(quantity=1), delivered(quantity=1)

    with pytest.raises(ReturnError) as refused:
        submit(order, line=other.lines.get())

    assert refused.value.rule == "unknown_line"


# --- over-refund ----------------------------------------------------------------------------------
def test_a_refund_above_goods_and_return_freight_is_refused(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=2, unit_price="100.00")
    request = submit(order, 1)

    with pytest.raises(ReturnError) as refused:
        return_accept(
            request=request,
            by=people["sales_rep"],
            kind="return",
            refund_amount="112.01",
            return_freight="12.00",
        )

    assert refused.value.rule == "over_refund" and refused.value.field == "refund_amount"
    request.refresh_from_db()
    assert request.status == S.REQUESTED and not Refund.objects.exists()
    request = return_accept(
        request=request,
        by=people["sales_rep"],
        kind="return",
        refund_amount="112.00",
        return_freight="12.00",
    )
    assert refund_of(request).amount == Decimal("112.00")


def test_partial_returns_never_refund_more_than_was_paid_plus_return_freights(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=3, unit_price="33.33", freight="10.00")
    line = order.lines.get()
    freights = ["5.00", "6.00", "7.00"]
    for freight in freights:
        advance(submit(order, 1, line=line), S.ACCEPTED, people, freight=freight)
    with pytest.raises(ReturnError):
        submit(order, 1, line=line)

    refunds = Refund.objects.filter(order=order)
    total = sum((r.amount for r in refunds), Decimal("0"))
    assert total == Decimal("99.99") + Decimal("18.00")
    assert total <= order.goods_amount + order.freight + sum(Decimal(f) for f in freights)


def test_the_order_cap_counts_live_refunds_only(delivered: Any, people: dict[str, Any]) -> None:
    """A cancelled refund (goods sent back) leaves room for the units' next return."""
    order = delivered(quantity=1, unit_price="100.00")
    line = order.lines.get()
    sent_back = resolve(advance(submit(order, line=line), S.REFUSED, people), people, "send_back")
    assert refund_of(sent_back).status == Refund.Status.CANCELLED

    again = advance(submit(order, line=line), S.ACCEPTED, people, freight="8.00")
    assert refund_of(again).amount == Decimal("108.00")


def test_review_may_lower_the_return_freight_but_never_raise_it(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=1, unit_price="100.00")
    request = advance(submit(order), S.RECEIVED, people, freight="12.00")
    return_invoice_record(request=request, by=people["division_finance"], handling="credited")
    refund = refund_approve(refund=refund_of(request), by=people["sales_head"])

    with pytest.raises(ReturnError) as refused:
        refund_review(refund=refund, by=people["division_finance"], return_freight="12.01")
    assert refused.value.rule == "above_approved" and refused.value.field == "return_freight"
    refund.refresh_from_db()
    assert refund.status == Refund.Status.APPROVED and refund.amount == Decimal("112.00")

    refund = refund_review(refund=refund, by=people["division_finance"], return_freight="8.00")
    assert refund.return_freight == Decimal("8.00") and refund.amount == Decimal("108.00")
    assert refund.amount <= refund.goods_amount + refund.return_freight


# --- stock --------------------------------------------------------------------------------------
def test_accepted_goods_go_back_into_the_warehouse_that_shipped_the_same_day(
    delivered: Any, people: dict[str, Any], warehouses: dict[str, Any]
) -> None:
    from fulfilment.models import StockLevel, StockMove

    order = delivered(quantity=3)
    line = order.lines.get()
    request = advance(submit(order, 2, line=line), S.AWAITING_GOODS, people)
    level = StockLevel.objects.get(product=line.product, warehouse=order.warehouse)
    before = level.on_hand
    at = timezone.now()

    request = return_inspect(request=request, by=people["warehouse_receiver"], accepted=True, at=at)

    [move] = StockMove.objects.filter(kind=StockMove.Kind.RETURN)
    assert move.warehouse_id == order.warehouse_id == request.warehouse_id
    assert move.quantity == 2 and move.at == at == request.restocked_at
    assert move.document == request.return_order_number
    level.refresh_from_db()
    assert level.on_hand == before + 2
    other = next(w for w in warehouses.values() if w.pk != order.warehouse_id)
    assert not StockMove.objects.filter(warehouse=other).exists()


def test_inspection_in_a_locked_period_is_refused_and_changes_nothing(
    delivered: Any, people: dict[str, Any], locked_until: Callable[[dt.date], None]
) -> None:
    from fulfilment.models import StockMove

    order = delivered(quantity=1)
    request = advance(submit(order), S.AWAITING_GOODS, people)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    locked_until(yesterday)

    with pytest.raises(PeriodLocked):
        return_inspect(
            request=request,
            by=people["warehouse_receiver"],
            accepted=True,
            at=beijing(yesterday, "16:00:00"),
        )

    request.refresh_from_db()
    assert request.status == S.AWAITING_GOODS and request.inspected_at is None
    assert not StockMove.objects.filter(kind="return").exists()
    return_inspect(request=request, by=people["warehouse_receiver"], accepted=True)
    assert StockMove.objects.filter(kind="return").count() == 1


def test_refused_goods_post_nothing_and_the_accepting_resolution_posts_them(
    delivered: Any, people: dict[str, Any]
) -> None:
    from fulfilment.models import StockLevel, StockMove

    order = delivered(quantity=2)
    line = order.lines.get()
    request = advance(submit(order, 2, line=line), S.REFUSED, people)
    assert not StockMove.objects.filter(kind="return").exists()
    level = StockLevel.objects.get(product=line.product, warehouse=order.warehouse)
    before = level.on_hand

    request = resolve(request, people, "accept")

    assert request.status == S.RECEIVED and request.resolution.outcome == "accept"
    [move] = StockMove.objects.filter(kind="return")
    assert move.quantity == 2 and move.warehouse_id == order.warehouse_id
    level.refresh_from_db()
    assert level.on_hand == before + 2


def test_a_refused_inspection_needs_a_note(delivered: Any, people: dict[str, Any]) -> None:
    order = delivered(quantity=1)
    request = advance(submit(order), S.AWAITING_GOODS, people)

    with pytest.raises(ReturnError) as refused:
        return_inspect(request=request, by=people["warehouse_receiver"], accepted=False)

    assert refused.value.field == "note" and refused.value.rule == "required"


# --- the invoice --------------------------------------------------------------------------------
def test_two_partial_returns_credit_only_their_units_to_the_fen(
    delivered: Any, people: dict[str, Any]
) -> None:
    from billing.models import Invoice

    order = delivered(quantity=3, unit_price="33.33", freight="0.00")
    line = order.lines.get()
    [original] = Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE)
    assert original.total_amount == Decimal("99.99")

    first = advance(submit(order, 1, line=line), S.RECEIVED, people)
    first = return_invoice_record(request=first, by=people["division_finance"], handling="credited")
    [credit] = first.credit_notes.all()
    assert credit.total_amount == Decimal("-33.33")
    assert list(credit.lines.values_list("quantity", flat=True)) == [-1]
    assert credit.original_id == original.pk and credit.return_number == first.number
    original.refresh_from_db()
    assert original.status == Invoice.Status.ISSUED

    second = advance(submit(order, 2, line=line), S.RECEIVED, people)
    second = return_invoice_record(
        request=second, by=people["division_finance"], handling="credited"
    )
    [credit2] = second.credit_notes.all()
    assert credit2.total_amount == Decimal("-66.66")
    original.refresh_from_db()
    assert original.status == Invoice.Status.CREDITED
    notes = Invoice.objects.filter(original=original)
    assert sum(n.total_amount for n in notes) == -original.total_amount
    assert sum(n.tax_amount for n in notes) == -original.tax_amount


def test_recovering_the_invoice_needs_a_note_and_issues_no_credit_note(
    delivered: Any, people: dict[str, Any]
) -> None:
    from billing.models import Invoice

    order = delivered(quantity=1)
    request = advance(submit(order), S.RECEIVED, people)

    with pytest.raises(ReturnError) as refused:
        return_invoice_record(request=request, by=people["division_finance"], handling="recovered")
    assert refused.value.field == "note" and refused.value.rule == "required"
    request.refresh_from_db()
    assert request.invoice_handling == ""

    request = return_invoice_record(
        request=request, by=people["division_finance"], handling="recovered", note="FP 0001 back"
    )
    assert request.invoice_handling == "recovered"
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    with pytest.raises(ReturnError) as again:
        return_invoice_record(request=request, by=people["division_finance"], handling="credited")
    assert again.value.rule == "done"


# --- the exchange -------------------------------------------------------------------------------
def _exchange_received(delivered: Any, people: dict[str, Any], **order: Any) -> ReturnRequest:
    request = advance(
        submit(delivered(**order), kind="exchange"), S.RECEIVED, people, kind="exchange"
    )
    assert not Refund.objects.filter(request=request).exists()
    with pytest.raises(ReturnError) as recovered:
        return_invoice_record(
            request=request, by=people["division_finance"], handling="recovered", note="FP back"
        )
    assert recovered.value.rule == "exchange_needs_credit"  # two live invoices otherwise
    return return_invoice_record(
        request=request, by=people["division_finance"], handling="credited", note="FP back"
    )


def test_an_exchange_ships_its_replacement_on_a_note_of_its_own(
    delivered: Any, people: dict[str, Any], make_user: Any, carrier: Any
) -> None:
    from billing.models import InvoiceLine
    from billing.services.invoices import invoice_issue
    from fulfilment.models import DeliveryNote
    from fulfilment.services import shipment_create
    from orders.models import Order

    request = _exchange_received(delivered, people, quantity=1, freight="10.00")
    assert request.status == S.RECEIVED
    request = return_replacement_create(request=request, by=people["parts_support"])

    note = request.replacement_note
    assert note.kind == DeliveryNote.Kind.EXCHANGE and note.status == DeliveryNote.Status.RESERVED
    assert note.warehouse_id == request.warehouse_id
    assert [(li.order_line_id, li.quantity) for li in note.lines.all()] == [
        (line.order_line_id, line.quantity) for line in request.lines.all()
    ]
    assert request.status == S.CLOSED  # invoice credited and the replacement written
    with pytest.raises(ReturnError):
        return_replacement_create(request=request, by=people["parts_support"])

    invoice = invoice_issue(note=note, by=make_user("division_finance"))
    assert set(invoice.lines.values_list("kind", flat=True)) == {InvoiceLine.Kind.GOODS}
    assert invoice.total_amount == request.goods_amount
    note.refresh_from_db()
    shipment_create(
        note=note,
        by=make_user("warehouse"),
        carrier=carrier,
        tracking_number="SF123456789012",
        parcels=1,
        weight_kg="1",
    )
    note.refresh_from_db()
    assert note.status == DeliveryNote.Status.SHIPPED
    assert Order.objects.get(pk=request.order_id).status == Order.Status.DELIVERED


def test_an_exchange_without_stock_waits_for_it(delivered: Any, people: dict[str, Any]) -> None:
    from fulfilment.models import DeliveryNote, StockMove
    from fulfilment.services import stock_levels_lock, stock_move_post

    request = _exchange_received(delivered, people, quantity=1)
    line = request.lines.get().order_line
    level = stock_levels_lock(warehouse=request.warehouse, product_ids=[line.product_id])[
        line.product_id
    ]
    stock_move_post(level, kind=StockMove.Kind.ADJUSTMENT, quantity=-level.available, by=None)

    request = return_replacement_create(request=request, by=people["parts_support"])

    assert request.replacement_note.status == DeliveryNote.Status.WAITING
    assert request.status == S.CLOSED


def test_only_an_exchange_gets_a_replacement(delivered: Any, people: dict[str, Any]) -> None:
    request = advance(submit(delivered(quantity=1)), S.RECEIVED, people)

    with pytest.raises(ReturnError) as refused:
        return_replacement_create(request=request, by=people["parts_support"])

    assert refused.value.rule == "not_exchange"


# --- the customer's SMS -------------------------------------------------------------------------
def test_every_customer_facing_step_sends_one_sms_with_the_return_number(
    delivered: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """One SMS per step the customer waits on; the halves of a step (one of the two
    feedback parts, the first of two approvals) send none — the step's end does."""
    from core.models import SmsMessage

    order = delivered(quantity=6, unit_price="6000.00")
    line = order.lines.get()
    phone = order.buyer_phone

    def sms_of(step: Callable[[], Any]) -> list[Any]:
        before = set(SmsMessage.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            step()
        return list(SmsMessage.objects.exclude(pk__in=before))

    def one(step: Callable[[], Any], request: Any = None) -> ReturnRequest:
        result: dict[str, Any] = {}
        sent = sms_of(lambda: result.setdefault("value", step()))
        value = result["value"]
        number = (request or value).number
        assert len(sent) == 1, [m.text for m in sent]
        assert sent[0].reference == number
        assert number in sent[0].text or value.return_order_number in sent[0].text
        assert sent[0].phone == phone
        return value

    def none(step: Callable[[], Any]) -> Any:
        result: dict[str, Any] = {}
        assert sms_of(lambda: result.setdefault("value", step())) == []
        return result["value"]

    # a return through to its payout
    request = one(lambda: submit(order, 1, line=line))
    request = one(lambda: return_accept(request=request, by=people["sales_rep"], kind="return"))
    none(lambda: return_feedback(request=request, by=people["parts_support"], part="parts"))
    request = one(  # both parts done: the return order tells where to send the goods
        lambda: return_feedback(request=request, by=people["logistics_lead"], part="warehouse")
    )
    request = one(
        lambda: return_inspect(request=request, by=people["warehouse_receiver"], accepted=True)
    )
    none(lambda: refund_approve(refund=refund_of(request), by=people["sales_head"]))
    refund = one(
        lambda: refund_approve(refund=refund_of(request), by=people["ecom_leader"]), request
    )
    request = one(
        lambda: return_invoice_record(
            request=request, by=people["division_finance"], handling="credited"
        )
    )
    refund = one(lambda: refund_review(refund=refund, by=people["division_finance"]), request)
    sent = sms_of(lambda: refund_pay(refund=refund, by=people["hq_finance"], reference="B-1"))
    assert [m.reference for m in sent] == [request.number] * 2  # paid, and the case closed

    # rejected; refused and settled
    rejected = one(lambda: submit(order, 1, line=line))
    one(lambda: return_reject(request=rejected, by=people["sales_rep"], note="not standard"))
    refused = advance(one(lambda: submit(order, 1, line=line)), S.AWAITING_GOODS, people)
    refused = one(
        lambda: return_inspect(
            request=refused, by=people["warehouse_receiver"], accepted=False, note="broken"
        )
    )
    one(lambda: resolve(refused, people, "accept"))
    sent_back = advance(one(lambda: submit(order, 1, line=line)), S.REFUSED, people)
    one(lambda: resolve(sent_back, people, "send_back"))

    # an exchange: the replacement is a step of its own
    exchange = advance(
        one(lambda: submit(order, 1, line=line, kind="exchange")),
        S.RECEIVED,
        people,
        kind="exchange",
    )
    one(lambda: return_replacement_create(request=exchange, by=people["parts_support"]))


def test_only_units_handed_over_can_be_returned(
    stock: Any, confirmed: Any, product: Any, carrier: Any
) -> None:
    """Four ordered, two shipped (the customer dropped the rest): two returnable."""
    from billing.services.invoices import invoice_issue
    from fulfilment.services import delivery_note_cancel, delivery_note_create, shipment_create
    from orders.services import order_mark_delivered

    stock(product, 2)
    order = confirmed(lines=[{"sku": product.sku, "quantity": 4, "unit_price": "100.00"}])
    line = order.lines.get()
    partial, back_order = delivery_note_create(
        order=order, by=None, quantities={line.pk: 2}, partial_agreed_with="Wang"
    )
    invoice_issue(note=partial, by=None)
    partial.refresh_from_db()
    shipment_create(
        note=partial,
        by=None,
        carrier=carrier,
        tracking_number="SF7700001",
        parcels=1,
        weight_kg="1",
    )
    delivery_note_cancel(note=back_order, by=None, reason="customer dropped the rest")
    order.refresh_from_db()
    order = order_mark_delivered(order=order)

    assert returnable_by_line(order) == {line.pk: 2}
    with pytest.raises(ReturnError) as refused:
        submit(order, 3, line=line)
    assert refused.value.rule == "over_return"
    assert submit(order, 2, line=line).goods_amount == Decimal("200.00")


def test_sms_go_to_a_mobile_number_the_buyer_s_first() -> None:
    from orders.models import Order
    from returns.services import sms_phone

    assert sms_phone(Order(buyer_phone="13812345678", ship_phone="13912345678")) == "13812345678"
    # a company's landline cannot take an SMS: the recipient's mobile does
    assert sms_phone(Order(buyer_phone="010-65123456", ship_phone="+86 139 1234 5678")) == (
        "13912345678"
    )
    assert sms_phone(Order(buyer_phone="010-65123456", ship_phone="021-61234567")) == ""


def test_an_order_does_not_close_while_a_return_is_in_progress(
    delivered: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from django.utils import timezone

    from orders.exceptions import TransitionNotAllowed
    from orders.services import order_close

    order = delivered(quantity=1)
    request = submit(order)
    later = timezone.now() + dt.timedelta(days=8)  # the window has passed
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(TransitionNotAllowed) as refused:
        order_close(order=order, by=None)
    assert request.number in str(refused.value)
    order.refresh_from_db()
    assert order.status == "delivered"
    return_reject(request=request, by=people["sales_rep"], note="不符合退换货标准")
    assert order_close(order=order, by=None).status == "closed"
