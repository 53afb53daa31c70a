"""The weekly stock take (每周盘点, SPEC §3): a count sheet per warehouse and week, counted
on a tablet, submitted by the warehouse, approved by the warehouse lead
(settings.STOCK_TAKE_APPROVAL_ROLE), who posts one stock-take move per line whose count
differs from the book quantity.

The book quantity (`expected`) is frozen when the sheet opens; the variance
(counted − expected) is applied to the on hand of the moment of approval, so receipts and
shipments booked while the count ran stay accounted.

Lock order (core.lock_order): stock rows in primary-key order, then the sheet row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from catalog.models import ProductBin
from core import working_calendar as calendar
from core.audit import audit_record
from core.models import Warehouse
from core.notifications import notify
from core.periods import period_assert_open
from core.roles import Role
from orders.services.customers import user_can_reach_division

from ..exceptions import FulfilmentError, NotPermitted, StockShort
from ..models import StockLevel, StockMove, StockTake, StockTakeLine
from ..numbers import STOCK_TAKE, number_next
from .delivery_notes import require, waiting_notes_release
from .stock import stock_levels_lock, stock_move_post

COUNT_MAX = 10_000_000
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,12}")
TOPIC = "stock_take"


class StockTakeCountErrors(FulfilmentError):
    """Several counts refused at once: `errors` maps each field (`count_<line pk>`) to its
    message; the message and `field` of the exception are the first of them."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        field, message = next(iter(self.errors.items()))
        super().__init__(message, field=field)


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def stock_take_link(stock_take: StockTake) -> str:
    return reverse("fulfilment:stock-take-detail", args=[stock_take.pk])


def _lock(stock_take: StockTake) -> StockTake:
    return (
        StockTake.objects.select_for_update(of=("self",))
        .select_related("warehouse__division")
        .get(pk=stock_take.pk)
    )


def _refuse_status(stock_take: StockTake, *, needed: str) -> None:
    if stock_take.status == StockTake.Status.POSTED:
        raise FulfilmentError(
            _("Stock take %(number)s is already posted; it cannot change any more.")
            % {"number": stock_take.number}
        )
    if stock_take.status != needed:
        raise FulfilmentError(
            _("Stock take %(number)s is %(status)s; this step needs it %(needed)s.")
            % {
                "number": stock_take.number,
                "status": stock_take.get_status_display(),
                "needed": StockTake.Status(needed).label,
            }
        )


# --- opening the sheet ----------------------------------------------------------------------
def _sheet_products(warehouse: Warehouse) -> dict[int, tuple[str, int]]:
    """product pk → (bin code, on hand) of every product kept in the warehouse: a stock row
    or a bin location there."""
    on_hand = dict(
        StockLevel.objects.filter(warehouse=warehouse).values_list("product_id", "on_hand")
    )
    bins = dict(
        ProductBin.objects.filter(warehouse=warehouse).values_list("product_id", "bin_code")
    )
    return {pid: (bins.get(pid, ""), on_hand.get(pid, 0)) for pid in on_hand.keys() | bins.keys()}


def _week_taken_refusal(
    warehouse: Warehouse, week: dt.date, existing: StockTake
) -> FulfilmentError:
    return FulfilmentError(
        _("%(warehouse)s already has stock take %(number)s for the week of %(week)s.")
        % {"warehouse": warehouse.code, "number": existing.number, "week": week.isoformat()},
        field="warehouse",
    )


@transaction.atomic
def stock_take_open(
    *,
    warehouse: Warehouse,
    by: Any = None,
    week: dt.date | None = None,
    at: dt.datetime | None = None,
) -> StockTake:
    """The count sheet of `warehouse` for the week of `week` (default: this week), one line
    per product kept there with its book quantity now. One live sheet per warehouse and
    week: refused while another (not cancelled) exists."""
    at = at or timezone.now()
    require(by, "fulfilment.add_stocktake", warehouse.division_id)
    today = calendar.to_local(at).date()
    week = week_of(week or today)
    existing = (
        StockTake.objects.filter(warehouse=warehouse, week=week)
        .exclude(status=StockTake.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        raise _week_taken_refusal(warehouse, week, existing)
    try:
        with transaction.atomic():  # a concurrent opener hits the unique constraint
            stock_take = StockTake.objects.create(
                number=number_next(STOCK_TAKE, division=warehouse.division, day=today),
                warehouse=warehouse,
                week=week,
                created_at=at,
            )
    except IntegrityError:
        existing = StockTake.objects.filter(warehouse=warehouse, week=week).exclude(
            status=StockTake.Status.CANCELLED
        )
        raise _week_taken_refusal(warehouse, week, existing.get()) from None
    products = _sheet_products(warehouse)
    StockTakeLine.objects.bulk_create(
        StockTakeLine(stock_take=stock_take, product_id=pid, bin_code=bin_code, expected=on_hand)
        for pid, (bin_code, on_hand) in sorted(products.items())
    )
    audit_record(
        obj=stock_take,
        action="opened",
        by=by,
        to_state=stock_take.status,
        data={"warehouse": warehouse.code, "week": week.isoformat(), "lines": len(products)},
    )
    return stock_take


def stock_take_weekly_run(*, now: dt.datetime | None = None) -> list[StockTake]:
    """The Monday job: this week's sheet for every active warehouse that has none yet, and
    a message to the division's warehouse role. Safe to run late or twice: a warehouse with
    a sheet for the week (even a cancelled one, which was somebody's decision) is skipped."""
    now = now or timezone.now()
    week = week_of(calendar.to_local(now).date())
    opened: list[StockTake] = []
    warehouses = (
        Warehouse.objects.filter(is_active=True, division__is_active=True)
        .exclude(stock_takes__week=week)
        .select_related("division")
        .order_by("pk")
    )
    for warehouse in warehouses:
        try:
            with transaction.atomic():
                stock_take = stock_take_open(warehouse=warehouse, by=None, week=week, at=now)
                _notify_opened(stock_take)
        except FulfilmentError:  # opened meanwhile by hand or by a parallel run
            continue
        opened.append(stock_take)
    return opened


def _notify_opened(stock_take: StockTake) -> None:
    warehouse = stock_take.warehouse
    notify(
        subject=lambda: (
            _("Weekly stock take %(number)s: count %(warehouse)s")
            % {"number": stock_take.number, "warehouse": warehouse.code}
        ),
        body=lambda: (
            _("The count sheet for the week of %(week)s is open with %(lines)s lines.")
            % {"week": stock_take.week.isoformat(), "lines": stock_take.lines.count()}
        ),
        link=stock_take_link(stock_take),
        topic=TOPIC,
        roles=[Role.WAREHOUSE],
        division=warehouse.division,
    )


# --- counting ---------------------------------------------------------------------------------
def count_value(raw: int | str | None) -> int | None:
    """A counted quantity from what was entered: None or blank clears the count; otherwise a
    whole number from 0 to COUNT_MAX. Raises ValueError with the message for the user."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("Enter a whole number of 0 or more."))
    if isinstance(raw, str):
        text = raw.strip()
        if not WHOLE_NUMBER.fullmatch(text):
            raise ValueError(_("Enter a whole number of 0 or more."))
        raw = int(text)
    if not isinstance(raw, int):
        raise ValueError(_("Enter a whole number of 0 or more."))
    if raw < 0:
        raise ValueError(_("A count cannot be negative; enter 0 or more."))
    if raw > COUNT_MAX:
        raise ValueError(
            _("At most %(max)s can be counted on one line.") % {"max": f"{COUNT_MAX:,}"}
        )
    return raw


@transaction.atomic
def stock_take_count(
    *, stock_take: StockTake, by: Any, counts: Mapping[int, int | str | None]
) -> int:
    """Record counted quantities (line pk → units; None clears) while the sheet is open.
    Every value is checked before any is saved; the refusals name each field
    (`count_<line pk>`). Returns how many lines changed."""
    stock_take = _lock(stock_take)
    require(by, "fulfilment.change_stocktake", stock_take.warehouse.division_id)
    _refuse_status(stock_take, needed=StockTake.Status.OPEN)
    lines = {line.pk: line for line in stock_take.lines.select_related("product")}
    errors: dict[str, str] = {}
    values: dict[int, int | None] = {}
    for line_pk, raw in counts.items():
        field = f"count_{line_pk}"
        if line_pk not in lines:
            errors[field] = _("This line is not on stock take %(number)s.") % {
                "number": stock_take.number
            }
            continue
        try:
            values[line_pk] = count_value(raw)
        except ValueError as error:
            errors[field] = str(error)
    if errors:
        raise StockTakeCountErrors(errors)
    changed = [lines[pk] for pk, value in values.items() if lines[pk].counted != value]
    for line in changed:
        line.counted = values[line.pk]
    StockTakeLine.objects.bulk_update(changed, ["counted"])
    if changed:
        audit_record(
            obj=stock_take,
            action="counted",
            by=by,
            data={"counts": {line.product.sku: line.counted for line in changed}},
        )
    return len(changed)


# --- submitting, approving, sending back, cancelling ----------------------------------------
@transaction.atomic
def stock_take_submit(
    *, stock_take: StockTake, by: Any, at: dt.datetime | None = None
) -> StockTake:
    """open → submitted once every line is counted; the approval role is told."""
    at = at or timezone.now()
    stock_take = _lock(stock_take)
    require(by, "fulfilment.change_stocktake", stock_take.warehouse.division_id)
    _refuse_status(stock_take, needed=StockTake.Status.OPEN)
    total = stock_take.lines.count()
    missing = stock_take.lines.filter(counted__isnull=True).count()
    if missing:
        raise FulfilmentError(
            _("%(missing)s of %(total)s lines are not counted yet; count every line first.")
            % {"missing": missing, "total": total}
        )
    stock_take.submit(at=at, by=by if getattr(by, "is_authenticated", False) else None)
    stock_take.save(update_fields=["status", "submitted_at", "submitted_by"])
    variances = stock_take.lines.exclude(counted=F("expected")).count()
    audit_record(
        obj=stock_take,
        action="submitted",
        by=by,
        from_state=StockTake.Status.OPEN,
        to_state=stock_take.status,
        data={"lines": total, "variances": variances},
    )
    notify(
        subject=lambda: (
            _("Stock take %(number)s of %(warehouse)s awaits your approval")
            % {"number": stock_take.number, "warehouse": stock_take.warehouse.code}
        ),
        body=lambda: (
            _("%(total)s lines counted, %(variances)s with a variance.")
            % {"total": total, "variances": variances}
        ),
        link=stock_take_link(stock_take),
        topic=TOPIC,
        roles=[settings.STOCK_TAKE_APPROVAL_ROLE],
        division=stock_take.warehouse.division,
    )
    return stock_take


def _variance_lines(stock_take: StockTake) -> list[StockTakeLine]:
    return [
        line
        for line in stock_take.lines.select_related("product").order_by("product_id")
        if line.counted is not None and line.counted != line.expected
    ]


def _short_refusal(line: StockTakeLine, level: StockLevel, variance: int) -> FulfilmentError:
    return FulfilmentError(
        _(
            "%(sku)s: the count is %(short)s below the book quantity, but %(on_hand)s are on "
            "hand now and %(reserved)s of them reserved for delivery notes; posting would cut "
            "into reserved stock. Recount %(sku)s or settle its delivery notes first."
        )
        % {
            "sku": line.product.sku,
            "short": -variance,
            "on_hand": level.on_hand,
            "reserved": level.reserved,
        },
        field=f"count_{line.pk}",
    )


@transaction.atomic
def stock_take_approve(
    *, stock_take: StockTake, by: Any, at: dt.datetime | None = None
) -> list[StockMove]:
    """submitted → posted: one stock-take move per line whose count differs from the book
    quantity, applied to the current on hand. Refused as a whole when a shortfall would
    take a product's on hand below what delivery notes have reserved."""
    at = at or timezone.now()
    division_id = Warehouse.objects.values_list("division_id", flat=True).get(
        pk=stock_take.warehouse_id
    )
    require(by, "fulfilment.approve_stocktake", division_id)
    planned = {line.product_id for line in _variance_lines(stock_take)}
    levels = stock_levels_lock(warehouse=stock_take.warehouse, product_ids=planned)
    stock_take = _lock(stock_take)
    _refuse_status(stock_take, needed=StockTake.Status.SUBMITTED)
    lines = _variance_lines(stock_take)
    if not {line.product_id for line in lines} <= planned:  # sent back and recounted meanwhile
        raise ConcurrentTransition("stock take lines changed while approving")
    period_assert_open(division=stock_take.warehouse.division, at=at)
    moves = []
    for line in lines:
        level, variance = levels[line.product_id], line.variance or 0
        try:
            moves.append(
                stock_move_post(
                    level,
                    kind=StockMove.Kind.STOCK_TAKE,
                    quantity=variance,
                    by=by,
                    document=stock_take.number,
                    note="stock take",
                    at=at,
                )
            )
        except StockShort:
            raise _short_refusal(line, level, variance) from None
    stock_take.post(at=at, by=by if getattr(by, "is_authenticated", False) else None)
    stock_take.save(update_fields=["status", "posted_at", "approved_by"])
    audit_record(
        obj=stock_take,
        action="posted",
        by=by,
        from_state=StockTake.Status.SUBMITTED,
        to_state=stock_take.status,
        data={"variances": {line.product.sku: line.variance for line in lines}},
    )
    gained = [line.product_id for line in lines if (line.variance or 0) > 0]
    if gained:  # units found: orders waiting for them are released, oldest first
        warehouse = stock_take.warehouse
        transaction.on_commit(
            lambda: waiting_notes_release(warehouse=warehouse, product_ids=gained)
        )
    return moves


@transaction.atomic
def stock_take_reopen(*, stock_take: StockTake, by: Any, note: str) -> StockTake:
    """submitted → open: the approver sends the sheet back to be recounted, saying why."""
    note = " ".join(note.split())[:200]
    stock_take = _lock(stock_take)
    require(by, "fulfilment.approve_stocktake", stock_take.warehouse.division_id)
    if not note:
        raise FulfilmentError(_("Say what should be recounted."), field="note")
    _refuse_status(stock_take, needed=StockTake.Status.SUBMITTED)
    stock_take.reopen()
    stock_take.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit_record(
        obj=stock_take,
        action="reopened",
        by=by,
        from_state=StockTake.Status.SUBMITTED,
        to_state=stock_take.status,
        note=note,
    )
    notify(
        subject=lambda: (
            _("Stock take %(number)s sent back for recounting") % {"number": stock_take.number}
        ),
        body=note,
        link=stock_take_link(stock_take),
        topic=TOPIC,
        roles=[Role.WAREHOUSE],
        division=stock_take.warehouse.division,
    )
    return stock_take


@transaction.atomic
def stock_take_cancel(*, stock_take: StockTake, by: Any, reason: str) -> StockTake:
    """open | submitted → cancelled (the warehouse or the approver); the week is free for a
    new sheet. Nothing is posted."""
    reason = " ".join(reason.split())[:200]
    stock_take = _lock(stock_take)
    division_id = stock_take.warehouse.division_id
    if by is not None and not (
        (by.has_perm("fulfilment.change_stocktake") or by.has_perm("fulfilment.approve_stocktake"))
        and user_can_reach_division(by, division_id)
    ):
        raise NotPermitted(_("Your role may not do this here."))
    if not reason:
        raise FulfilmentError(_("Give a reason for the cancellation."), field="reason")
    if stock_take.status not in (StockTake.Status.OPEN, StockTake.Status.SUBMITTED):
        _refuse_status(stock_take, needed=StockTake.Status.OPEN)
    before = stock_take.status
    stock_take.cancel()
    stock_take.save(update_fields=["status"])
    audit_record(
        obj=stock_take,
        action="cancelled",
        by=by,
        from_state=before,
        to_state=stock_take.status,
        note=reason,
    )
    return stock_take
