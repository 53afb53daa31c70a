"""The order state machine's services (SPEC §2). One service per transition: lock the
row, check state, conditions, role and division, transition, save, write the audit
row, close any open SLA breach of the finished step.

Later apps call these and never write `order.status`:
fulfilment → order_hold / order_mark_allocated / order_mark_shipped,
billing → order_mark_invoiced, the intake API → order_mark_delivered.
`by=None` means the system (a scheduled job, the platform); role checks then do not apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.periods import PeriodLocked, period_assert_open
from core.transitions import (
    transition_permitted,
    transition_possible,
    transition_unmet_conditions,
)
from core.working_calendar import to_local

from .. import clocks, validators
from ..exceptions import (
    FieldError,
    OrderError,
    OrderPeriodLocked,
    PermissionDenied,
    ReceiptInvalid,
    TransitionNotAllowed,
)
from ..flags import flags_for_order
from ..hooks import cancellation_run, close_blocked
from ..models import Customer, Order, OrderLine, SlaBreach, Step
from .customers import user_can_reach_division
from .lines import LineCorrection, order_lines_correct
from .numbers import sales_order_number_next

_ALWAYS = ("status", "next_step", "next_due_at")
# How far a receipt time may lie ahead of our clock (the platform's clock may run fast).
RECEIPT_CLOCK_SKEW = dt.timedelta(seconds=60)

CONDITION_MESSAGES: dict[str, Any] = {
    "has_customer": lambda: _("the customer is not identified"),
    "has_goods": lambda: _("the order has no goods amount"),
    "has_invoice_title": lambda: _("the invoice title is missing"),
    "has_sales_order": lambda: _("there is no sales order"),
    "has_delivery_note": lambda: _("there is no delivery note"),
    "has_invoice": lambda: _("there is no invoice"),
    "has_tracking": lambda: _("there is no tracking number"),
    "has_receipt": lambda: _("the customer has not confirmed receipt"),
    "return_window_passed": lambda: _("the return window is still open"),
}


def order_lock(order: Order) -> Order:
    """The order again, its row locked until the transaction ends: the first lock of every
    service that changes an order (core.lock_order — the order row first, then stock rows
    in primary-key order, then documents). Call inside a transaction. Only the order row
    is locked (`of=self`): the joined division row stays free, or every order service of a
    division would queue behind one another."""
    return Order.objects.select_for_update(of=("self",)).select_related("division").get(pk=order.pk)


def _unmet_conditions(order: Order, name: str) -> list[str]:
    return [
        str(CONDITION_MESSAGES.get(condition, lambda name=condition: name)())
        for condition in transition_unmet_conditions(order, name)
    ]


def _check(order: Order, name: str, by: Any) -> Callable[..., Any]:
    method = getattr(order, name)
    if not transition_possible(order, name):
        raise TransitionNotAllowed(
            _("Order %(number)s is %(status)s; this step is not possible now.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    unmet = _unmet_conditions(order, name)
    if unmet:
        raise TransitionNotAllowed(
            _("Order %(number)s cannot go on: %(reasons)s.")
            % {"number": order.number, "reasons": "; ".join(unmet)}
        )
    if by is not None and not (
        transition_permitted(order, name, user=by)
        and user_can_reach_division(by, order.division_id)
    ):
        raise PermissionDenied(
            _("Your role may not do this on order %(number)s.") % {"number": order.number}
        )
    return method


def _assert_period_open(order: Order, at: dt.datetime) -> None:
    """A step dated in a settled, locked period is refused (core.periods)."""
    try:
        period_assert_open(division=order.division, at=at)
    except PeriodLocked as locked:
        raise OrderPeriodLocked(str(locked)) from locked


def _finish(
    order: Order,
    *,
    action: str,
    before: str,
    by: Any,
    fields: tuple[str, ...],
    note: str = "",
    data: dict[str, Any] | None = None,
    step_done: str | None = None,
    at: dt.datetime | None = None,
) -> Order:
    order._step_changed()
    order.save(update_fields=[*_ALWAYS, *fields])
    audit_record(
        obj=order,
        action=action,
        by=by,
        from_state=before,
        to_state=order.status,
        note=note,
        data=data,
    )
    if step_done:
        SlaBreach.objects.filter(order=order, step=step_done, completed_at__isnull=True).update(
            completed_at=at or timezone.now()
        )
    return order


def transition_allowed(*, order: Order, name: str, user: Any) -> bool:
    """Whether `user` could run transition `name` on the order now (for buttons)."""
    try:
        _check(order, name, user)
    except OrderError:
        return False
    return True


@transaction.atomic
def order_identify(
    *, order: Order, customer: Customer, by: Any, method: str, at: dt.datetime | None = None
) -> Order:
    """received → identified: the order belongs to `customer` (found automatically at
    intake, linked by a rep, or newly created). Starts the 30-minute sales-order clock.
    `at` (default now) exists for imports and demo data."""
    order = order_lock(order)
    # then the customer (core.lock_order): a merge running now cannot slip in between
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.is_active:
        raise OrderError(_("This customer was merged into another one."))
    now = at or timezone.now()
    before = _identify_apply(order, customer, by=by, method=method, now=now)
    return _finish(
        order,
        action="identified",
        before=before,
        by=by,
        step_done=Step.IDENTIFY,
        at=now,
        fields=_IDENTIFY_FIELDS,
        data={"customer": customer.number, "method": method},
    )


_IDENTIFY_FIELDS = (
    "customer",
    "identification_method",
    "identified_at",
    "identified_by",
    "sales_order_due_at",
    "invoice_title",
    "invoice_tax_number",
)


def _identify_apply(
    order: Order, customer: Customer, *, by: Any, method: str, now: dt.datetime
) -> str:
    """order_identify's checks and changes on the order in memory; the state before."""
    before = order.status
    order.customer = customer
    # The invoice goes to the customer of record unless the rep changes it at confirmation.
    order.invoice_title = order.invoice_title or customer.name
    if customer.is_corporate and not order.invoice_tax_number:
        order.invoice_tax_number = customer.org_code
    _check(order, "identify", by)
    _assert_period_open(order, now)
    order.identify(
        identified_how=method, at=now, by=by, sales_order_due_at=clocks.sales_order_due(now)
    )
    return before


def order_identify_new(
    *, order: Order, customer: Customer, method: str, at: dt.datetime
) -> dict[str, Any]:
    """The intake's identification of an order it is creating (SPEC §2: a known customer
    is identified at once), by the system: order_identify's rules, transition and clocks,
    without re-reading and re-writing the row just inserted.

    Preconditions (orders.services.intake): `order` is not saved yet and will be inserted
    in the caller's transaction; the caller holds `customer`'s row lock (taken with its
    look-up, before the number counter — the lock order) and found it active. No other
    transaction can see the order before it commits, so it needs no lock of its own and
    has no SLA breach to close. Returns the keyword arguments of the "identified" audit row
    (core.audit.audit_row), which the caller writes once the order has its primary key."""
    if not customer.is_active:
        raise OrderError(_("This customer was merged into another one."))
    before = _identify_apply(order, customer, by=None, method=method, now=at)
    order._step_changed()
    return {
        "action": "identified",
        "by": None,
        "from_state": before,
        "to_state": order.status,
        "data": {"customer": customer.number, "method": method},
    }


@transaction.atomic
def order_confirm(
    *,
    order: Order,
    by: Any,
    invoice_title: str,
    invoice_tax_number: str = "",
    freight: Decimal | None = None,
    lines: Iterable[LineCorrection] = (),
    note: str = "",
    at: dt.datetime | None = None,
) -> Order:
    """identified → confirmed: the rep confirms the sales order (line quantities and unit
    prices, freight, invoice title); totals are recomputed, each change is kept with old
    and new value, and a gap-free sales-order number is assigned. `at` defaults to now."""
    order = order_lock(order)
    before, now = order.status, at or timezone.now()
    data: dict[str, Any] = {}
    for name, value in (
        ("invoice_title", invoice_title),
        ("invoice_tax_number", invoice_tax_number),
    ):
        if value.strip() != getattr(order, name):
            data[name] = {"old": getattr(order, name), "new": value.strip()}
            setattr(order, name, value.strip())
    if freight is not None and freight.quantize(Decimal("0.01")) != order.freight:
        freight = freight.quantize(Decimal("0.01"))
        data["freight"] = {"old": str(order.freight), "new": str(freight)}
        order.freight = freight
    _check(order, "confirm", by)
    _assert_period_open(order, now)
    corrected = order_lines_correct(order=order, corrections=lines)
    if corrected.changed:
        OrderLine.objects.bulk_update(corrected.changed, ["quantity", "unit_price", "amount"])
        data["lines"] = corrected.history
        data["goods_amount"] = {"old": str(order.goods_amount), "new": str(corrected.goods_amount)}
        order.goods_amount = corrected.goods_amount
        # the rep's corrections may settle (or raise) a price flag
        order.review_flags = flags_for_order(order)
        order.is_flagged = bool(order.review_flags)
    if not validators.amount_fits(order.goods_amount + order.freight):
        raise OrderError(
            _("The order's total exceeds the largest amount the portal keeps (9,999,999,999.99)."),
            field="freight",
        )
    number = sales_order_number_next(division=order.division, year=to_local(now).year)
    order.confirm(
        sales_order_number=number,
        at=now,
        by=by,
        delivery_note_due_at=clocks.delivery_note_due(
            now, order.delivery_note_window_at or clocks.delivery_note_window(order.placed_at)
        ),
    )
    data["sales_order_number"] = number
    return _finish(
        order,
        action="confirmed",
        before=before,
        by=by,
        note=note,
        data=data,
        step_done=Step.SALES_ORDER,
        at=now,
        fields=(
            "invoice_title",
            "invoice_tax_number",
            "freight",
            "goods_amount",
            "sales_order_number",
            "confirmed_at",
            "confirmed_by",
            "delivery_note_due_at",
            "review_flags",
            "is_flagged",
        ),
    )


@transaction.atomic
def order_hold(*, order: Order, by: Any, reason: str) -> Order:
    """confirmed → on_hold: no stock for the delivery note; fulfilment releases it with
    order_mark_allocated once stock arrives. The delivery-note clock keeps running."""
    order = order_lock(order)
    before = order.status
    _check(order, "hold", by)
    order.hold(reason=reason, at=timezone.now())
    return _finish(
        order,
        action="put_on_hold",
        before=before,
        by=by,
        note=reason,
        fields=("hold_reason", "on_hold_at"),
    )


@transaction.atomic
def order_mark_allocated(
    *, order: Order, by: Any, delivery_note_number: str, at: dt.datetime | None = None
) -> Order:
    """confirmed | on_hold → allocated: fulfilment created delivery note
    `delivery_note_number` and reserved the stock. Fixes the invoice due time (15:00 on
    the ship-by day, or 60 business minutes after the note if later)."""
    order = order_lock(order)
    before, at = order.status, at or timezone.now()
    _check(order, "allocate", by)
    _assert_period_open(order, at)
    order.allocate(
        delivery_note_number=delivery_note_number,
        at=at,
        by=by,
        invoice_due_at=clocks.invoice_due(order.ship_by, at),
    )
    return _finish(
        order,
        action="allocated",
        before=before,
        by=by,
        step_done=Step.DELIVERY_NOTE,
        at=at,
        data={"delivery_note": delivery_note_number},
        fields=(
            "delivery_note_number",
            "delivery_note_at",
            "delivery_note_by",
            "invoice_due_at",
            "hold_reason",
        ),
    )


@transaction.atomic
def order_mark_invoiced(
    *, order: Order, by: Any, invoice_number: str, at: dt.datetime | None = None
) -> Order:
    """allocated → invoiced: billing issued invoice `invoice_number` (needs the delivery note)."""
    order = order_lock(order)
    before, at = order.status, at or timezone.now()
    _check(order, "invoice", by)
    _assert_period_open(order, at)
    order.invoice(invoice_number=invoice_number, at=at, by=by)
    return _finish(
        order,
        action="invoiced",
        before=before,
        by=by,
        step_done=Step.INVOICE,
        at=at,
        data={"invoice": invoice_number},
        fields=("invoice_number", "invoiced_at", "invoiced_by"),
    )


@transaction.atomic
def order_mark_shipped(
    *, order: Order, by: Any, carrier: str, tracking_number: str, at: dt.datetime | None = None
) -> Order:
    """invoiced → shipped: the warehouse handed the parcels to `carrier`. Refused
    without an invoice, a delivery note and a tracking number."""
    order = order_lock(order)
    before, at = order.status, at or timezone.now()
    order.carrier, order.tracking_number = carrier.strip(), tracking_number.strip()
    _check(order, "ship", by)
    _assert_period_open(order, at)
    order.ship(at=at, by=by)
    return _finish(
        order,
        action="shipped",
        before=before,
        by=by,
        step_done=Step.HANDOVER,
        at=at,
        data={"carrier": order.carrier, "tracking_number": order.tracking_number},
        fields=("carrier", "tracking_number", "shipped_at", "shipped_by"),
    )


@transaction.atomic
def order_mark_delivered(
    *, order: Order, by: Any = None, at: dt.datetime | None = None, note: str = ""
) -> Order:
    """shipped → delivered: the customer confirmed receipt at `at` (platform API or a
    rep recording it); starts the 5-day return window. The receipt cannot lie in the
    future (beyond a minute of clock skew) nor before the shipment."""
    order = order_lock(order)
    now = timezone.now()
    before, at = order.status, at or now
    _check(order, "deliver", by)
    _assert_period_open(order, at)
    if at > now + RECEIPT_CLOCK_SKEW:
        raise ReceiptInvalid(
            [FieldError("received_at", "not_in_future", _("The receipt cannot lie in the future."))]
        )
    if order.shipped_at and at < order.shipped_at:
        raise ReceiptInvalid(
            [
                FieldError(
                    "received_at",
                    "after_shipment",
                    _("The receipt cannot precede the shipment."),
                )
            ]
        )
    order.deliver(at=at)
    return _finish(
        order,
        action="delivered",
        before=before,
        by=by,
        note=note,
        data={"received_at": at.isoformat()},
        fields=("delivered_at",),
    )


@transaction.atomic
def order_close(*, order: Order, by: Any = None, note: str = "") -> Order:
    """delivered → closed, once the return window after receipt has passed."""
    order = order_lock(order)
    before = order.status
    _check(order, "close", by)
    blocked = close_blocked(order=order)
    if blocked:
        raise TransitionNotAllowed(blocked)
    order.close(at=timezone.now())
    return _finish(order, action="closed", before=before, by=by, note=note, fields=("closed_at",))


@transaction.atomic
def order_cancel(*, order: Order, by: Any, reason: str) -> Order:
    """Any state before shipment → cancelled. The registered cancellation participants
    (orders.hooks: billing credits or refuses, fulfilment frees reserved stock) run inside
    this transaction after the order lock; a refusal rolls everything back."""
    if not reason.strip():
        raise OrderError(_("Give a reason for the cancellation."))
    order = order_lock(order)
    before = order.status
    _check(order, "cancel", by)
    cancellation_run(order=order, by=by, reason=reason.strip())
    order.cancel(reason=reason.strip(), at=timezone.now(), by=by)
    return _finish(
        order,
        action="cancelled",
        before=before,
        by=by,
        note=reason,
        fields=("cancel_reason", "cancelled_at", "cancelled_by"),
    )
