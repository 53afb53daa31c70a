"""Delivery notes (交货单): stock check, reservation, partial delivery and back-orders,
release of held orders when stock arrives, the interim invoice record, cancellation.

Lock order (core.lock_order): the order row, then stock rows in primary-key order, then
the delivery-note rows and the number counters. The order's state follows its notes
through `order_sync` (fulfilment.progress), never by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import working_calendar as calendar
from core.audit import audit_record
from core.models import Warehouse
from core.notifications import notify
from core.periods import period_assert_open
from core.roles import Role
from core.transitions import transition_permitted
from orders.exceptions import CancellationRefused
from orders.models import Order, OrderLine
from orders.services import (
    order_hold,
    order_lock,
    order_mark_allocated,
    order_mark_invoiced,
    order_mark_shipped,
)
from orders.services.customers import user_can_reach_division

from ..exceptions import FulfilmentError, NotPermitted, StockShort
from ..models import DeliveryNote, DeliveryNoteLine, Shipment, StockLevel
from ..numbers import DELIVERY_NOTE, number_next
from ..progress import NoteState, Progress, order_progress
from .stock import stock_levels_lock, stock_release, stock_reserve

INVOICE_NUMBER = re.compile(r"[0-9A-Za-z-]{1,32}")
_RANK: dict[str, int] = {
    Order.Status.CONFIRMED: 0,
    Order.Status.ON_HOLD: 1,
    Order.Status.ALLOCATED: 2,
    Order.Status.INVOICED: 3,
    Order.Status.SHIPPED: 4,
}


def require(by: Any, permission: str, division_id: int) -> None:
    """`by=None` is the system (jobs, demo data); a user needs the permission and the division."""
    if by is None:
        return
    if not (by.has_perm(permission) and user_can_reach_division(by, division_id)):
        raise NotPermitted(_("Your role may not do this here."))


def note_link(note: DeliveryNote) -> str:
    return reverse("fulfilment:note-detail", args=[note.pk])


# --- reading -----------------------------------------------------------------------------
def order_remaining(order: Order) -> dict[int, int]:
    """Units of each order line on no live delivery note (order-line pk → units)."""
    noted = dict(
        DeliveryNoteLine.objects.filter(delivery_note__order=order)
        .exclude(delivery_note__status=DeliveryNote.Status.CANCELLED)
        .exclude(delivery_note__kind=DeliveryNote.Kind.EXCHANGE)
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )
    return {
        line.pk: line.quantity - (noted.get(line.pk) or 0)
        for line in order.lines.all().order_by("position")
    }


def progress_of(order: Order, *, notes: Iterable[DeliveryNote] | None = None) -> Progress:
    """fulfilment.progress over the order's notes, read from the database — or over
    `notes`, every note of the order already read with `units` (the sum of its lines'
    quantities), as the order page's section has them."""
    ordered = order.lines.aggregate(total=Sum("quantity"))["total"] or 0
    exchange = DeliveryNote.Kind.EXCHANGE  # a replacement is not the order's progress
    if notes is None:
        states = (
            DeliveryNote.objects.filter(order=order)
            .exclude(kind=exchange)
            .annotate(units=Sum("lines__quantity"))
            .values_list("status", "units")
        )
    else:
        states = [(n.status, n.units) for n in notes if n.kind != exchange]  # type: ignore[attr-defined]
    return order_progress(
        ordered=ordered, notes=[NoteState(status, units or 0) for status, units in states]
    )


# --- the order follows its notes ---------------------------------------------------------
def _actor(order: Order, name: str, by: Any) -> Any:
    """The user when their role may run the order transition, else the system: the
    document action that causes it was checked by its own permission."""
    if by is not None and transition_permitted(order, name, user=by):
        return by
    return None


def order_sync(order: Order, *, by: Any, at: dt.datetime | None = None) -> Order:
    """Move the order's state machine forward to what its notes call for (never back).
    The order row must be locked by the caller."""
    target = progress_of(order).status
    notes = DeliveryNote.objects.filter(order=order).exclude(status=DeliveryNote.Status.CANCELLED)
    while _RANK.get(order.status, 99) < _RANK[target]:
        if order.status == Order.Status.CONFIRMED and target == Order.Status.ON_HOLD:
            waiting = notes.filter(status=DeliveryNote.Status.WAITING).first()
            order = order_hold(
                order=order,
                by=_actor(order, "hold", by),
                reason=_("No stock for delivery note %(note)s") % {"note": waiting},
            )
        elif order.status in (Order.Status.CONFIRMED, Order.Status.ON_HOLD):
            latest = notes.exclude(status=DeliveryNote.Status.WAITING).order_by("-pk").first()
            order = order_mark_allocated(
                order=order,
                by=_actor(order, "allocate", by),
                delivery_note_number=latest.number if latest else "",
                at=at,
            )
        elif order.status == Order.Status.ALLOCATED:
            latest = notes.exclude(invoice_number="").order_by("-invoiced_at", "-pk").first()
            order = order_mark_invoiced(
                order=order,
                by=_actor(order, "invoice", by),
                invoice_number=latest.invoice_number if latest else "",
                at=at,
            )
        elif order.status == Order.Status.INVOICED:
            shipment = (
                Shipment.objects.filter(order=order)
                .select_related("carrier")
                .order_by("-shipped_at", "-pk")
                .first()
            )
            order = order_mark_shipped(
                order=order,
                by=_actor(order, "ship", by),
                carrier=shipment.carrier.name if shipment else "",
                tracking_number=shipment.tracking_number if shipment else "",
                at=at,
            )
        else:  # pragma: no cover - every open status is handled above
            break
    return order


# --- creating ----------------------------------------------------------------------------
def _note_create(
    *,
    order: Order,
    kind: str,
    quantities: Mapping[int, int],
    lines: Mapping[int, OrderLine],
    by: Any,
    at: dt.datetime,
    partial_agreed_with: str = "",
    note: str = "",
) -> DeliveryNote:
    delivery_note = DeliveryNote.objects.create(
        number=number_next(
            DELIVERY_NOTE, division=order.division, day=calendar.to_local(at).date()
        ),
        order=order,
        division=order.division,
        warehouse=order.warehouse,
        kind=kind,
        ship_by=max(order.ship_by, calendar.ship_by(at)),
        partial_agreed_with=partial_agreed_with,
        note=note,
        created_at=at,
        created_by=by,
    )
    DeliveryNoteLine.objects.bulk_create(
        DeliveryNoteLine(
            delivery_note=delivery_note,
            order_line_id=line_id,
            product_id=lines[line_id].product_id,
            quantity=quantity,
        )
        for line_id, quantity in quantities.items()
        if quantity > 0
    )
    return delivery_note


def _note_reserve(
    note: DeliveryNote,
    *,
    wanted: Mapping[int, int],
    lines: Mapping[int, OrderLine],
    levels: Mapping[int, StockLevel],
    at: dt.datetime,
) -> None:
    """Reserve the units of a new note on its locked stock rows; the note → reserved."""
    for line_id, quantity in wanted.items():
        if quantity:
            stock_reserve(levels[lines[line_id].product_id], quantity, sku=lines[line_id].sku)
    note.reserve(at=at)
    note.save(update_fields=["status", "reserved_at"])


def _notify_reserved(note: DeliveryNote, *, released: bool = False) -> None:
    """The policy: each note goes to finance (to invoice) and to the warehouse (to pick)."""

    def subject() -> str:  # rendered in each recipient's language
        return (
            _("Delivery note %(note)s released: stock arrived for order %(order)s")
            if released
            else _("Delivery note %(note)s for order %(order)s")
        ) % {"note": note.number, "order": note.order.number}

    def body() -> str:
        return _("Ship by %(day)s from %(warehouse)s.") % {
            "day": note.ship_by.isoformat(),
            "warehouse": note.warehouse.code,
        }

    notify(
        subject=subject,
        body=body,
        link=note_link(note),
        topic="delivery_note",
        roles=[Role.DIVISION_FINANCE, Role.WAREHOUSE] + ([Role.PARTS_SUPPORT] if released else []),
        division=note.division,
    )


def _check_quantities(
    *, requested: Mapping[int, int], remaining: Mapping[int, int], lines: Mapping[int, OrderLine]
) -> None:
    for line_id, quantity in requested.items():
        if line_id not in remaining:
            raise FulfilmentError(_("This line is not part of the order."), field=f"line_{line_id}")
        if not isinstance(quantity, int) or quantity < 0:
            raise FulfilmentError(_("Enter a whole number of 0 or more."), field=f"line_{line_id}")
        if quantity > remaining[line_id]:
            raise FulfilmentError(
                _("%(sku)s: at most %(remaining)s remain to be delivered.")
                % {"sku": lines[line_id].sku, "remaining": remaining[line_id]},
                field=f"line_{line_id}",
            )
    if not any(requested.values()):
        raise FulfilmentError(_("Deliver at least one unit."))


def _shortages(
    *, wanted: Mapping[int, int], lines: Mapping[int, OrderLine], levels: Mapping[int, StockLevel]
) -> list[tuple[int, int, int]]:
    """(order-line pk, wanted, available for it) of each line that cannot be reserved;
    lines of the same product share its stock, first line first."""
    left = {pid: level.available for pid, level in levels.items()}
    short = []
    for line_id, quantity in wanted.items():
        pid = lines[line_id].product_id
        if quantity > left[pid]:
            short.append((line_id, quantity, max(left[pid], 0)))
        left[pid] -= quantity
    return short


@transaction.atomic
def delivery_note_create(
    *,
    order: Order,
    by: Any,
    quantities: Mapping[int, int] | None = None,
    partial_agreed_with: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> list[DeliveryNote]:
    """Stock check and delivery note for a confirmed order (parts_support).

    Without `quantities` every remaining unit is asked for: in stock, one note reserves
    it; short, one note waits for stock and the order goes on hold (released oldest first
    when stock arrives). With `quantities` (order-line pk → units now), units below what
    remains make a partial delivery, which needs the rep's agreement
    (`partial_agreed_with`), and the rest becomes a back-order note waiting for stock;
    asking for more than is available is refused, naming the line.
    """
    order = order_lock(order)
    at = at or timezone.now()
    require(by, "fulfilment.add_deliverynote", order.division_id)
    if order.status == Order.Status.ON_HOLD:
        raise FulfilmentError(
            _("Order %(order)s is on hold waiting for stock; it is released when stock arrives.")
            % {"order": order.number}
        )
    if order.status != Order.Status.CONFIRMED:
        raise FulfilmentError(
            _("Order %(order)s is %(status)s; a delivery note needs a confirmed sales order.")
            % {"order": order.number, "status": order.get_status_display()}
        )
    if order.warehouse_id is None:
        raise FulfilmentError(
            _("Order %(order)s has no warehouse: check the province routing.")
            % {"order": order.number}
        )
    period_assert_open(division=order.division, at=at)
    warehouse = order.warehouse
    assert warehouse is not None
    lines = {line.pk: line for line in order.lines.all()}
    remaining = order_remaining(order)
    if not any(remaining.values()):
        raise FulfilmentError(_("Every unit of this order is on a delivery note already."))
    partial_agreed_with = " ".join(partial_agreed_with.split())[:100]
    note = " ".join(note.split())[:200]
    explicit = quantities is not None
    wanted = {lid: q for lid, q in remaining.items() if q > 0}
    if quantities is not None:
        _check_quantities(requested=quantities, remaining=remaining, lines=lines)
        wanted = {lid: quantities.get(lid, 0) for lid in wanted}
    levels = stock_levels_lock(
        warehouse=warehouse, product_ids=[lines[lid].product_id for lid in wanted]
    )
    short = _shortages(wanted={k: v for k, v in wanted.items() if v}, lines=lines, levels=levels)
    is_partial = any(wanted[lid] < remaining[lid] for lid in wanted)
    if explicit and short:
        line_id, asked, available = short[0]
        raise StockShort(
            _("%(sku)s: %(asked)s asked, only %(available)s available in %(warehouse)s.")
            % {
                "sku": lines[line_id].sku,
                "asked": asked,
                "available": available,
                "warehouse": warehouse.code,
            },
            field=f"line_{line_id}",
        )
    if explicit and is_partial and not partial_agreed_with:
        raise FulfilmentError(
            _("A partial delivery needs the sales representative's agreement: name who agreed."),
            field="partial_agreed_with",
        )

    created: list[DeliveryNote] = []
    if short:  # nothing asked explicitly: the whole remainder waits for stock
        waiting = _note_create(
            order=order,
            kind=DeliveryNote.Kind.FULL,
            quantities=wanted,
            lines=lines,
            by=by,
            at=at,
            note=note,
        )
        audit_record(
            obj=waiting,
            action="created",
            by=by,
            to_state=waiting.status,
            note=note,
            data={
                "order": order.number,
                "short": {lines[lid].sku: {"asked": q, "available": a} for lid, q, a in short},
            },
        )
        created.append(waiting)
    else:
        kind = DeliveryNote.Kind.PARTIAL if is_partial else DeliveryNote.Kind.FULL
        reserved = _note_create(
            order=order,
            kind=kind,
            quantities=wanted,
            lines=lines,
            by=by,
            at=at,
            partial_agreed_with=partial_agreed_with if is_partial else "",
            note=note,
        )
        _note_reserve(reserved, wanted=wanted, lines=lines, levels=levels, at=at)
        audit_record(
            obj=reserved,
            action="created",
            by=by,
            to_state=reserved.status,
            note=note,
            data={
                "order": order.number,
                "lines": {lines[lid].sku: q for lid, q in wanted.items() if q},
                **({"partial_agreed_with": partial_agreed_with} if is_partial else {}),
            },
        )
        created.append(reserved)
        if is_partial:
            rest = {lid: remaining[lid] - wanted.get(lid, 0) for lid in remaining}
            back_order = _note_create(
                order=order,
                kind=DeliveryNote.Kind.BACK_ORDER,
                quantities=rest,
                lines=lines,
                by=by,
                at=at,
                partial_agreed_with=partial_agreed_with,
            )
            audit_record(
                obj=back_order,
                action="created",
                by=by,
                to_state=back_order.status,
                data={
                    "order": order.number,
                    "back_order_of": reserved.number,
                    "lines": {lines[lid].sku: q for lid, q in rest.items() if q},
                },
            )
            created.append(back_order)
    order_sync(order, by=by, at=at)
    for delivery_note in created:
        if delivery_note.status == DeliveryNote.Status.RESERVED:
            _notify_reserved(delivery_note)
    return created


@transaction.atomic
def delivery_note_create_replacement(
    *,
    order: Order,
    by: Any,
    quantities: Mapping[int, int],
    reference: str,
    at: dt.datetime | None = None,
) -> DeliveryNote:
    """The delivery note of an exchange (returns): the replacement units of a delivered
    order (order-line pk → units), from the order's warehouse, invoiced and handed over
    like any note. In stock it reserves at once; short, it waits and is released oldest
    first when stock arrives. The order's own state does not move (it stays delivered).
    `reference` names the return that asks for it. The caller checks the quantities
    against what was returned; the order row must not be locked after stock rows."""
    order = order_lock(order)
    at = at or timezone.now()
    require(by, "fulfilment.add_deliverynote", order.division_id)
    if order.warehouse_id is None:
        raise FulfilmentError(
            _("Order %(order)s has no warehouse: check the province routing.")
            % {"order": order.number}
        )
    period_assert_open(division=order.division, at=at)
    warehouse = order.warehouse
    assert warehouse is not None
    lines = {line.pk: line for line in order.lines.all()}
    wanted = {lid: q for lid, q in quantities.items() if q}
    if not wanted or any(lid not in lines or q < 0 for lid, q in wanted.items()):
        raise FulfilmentError(_("A replacement needs units of the order's own lines."))
    levels = stock_levels_lock(
        warehouse=warehouse, product_ids=[lines[lid].product_id for lid in wanted]
    )
    short = _shortages(wanted=wanted, lines=lines, levels=levels)
    replacement = _note_create(
        order=order,
        kind=DeliveryNote.Kind.EXCHANGE,
        quantities=wanted,
        lines=lines,
        by=by,
        at=at,
        note=reference[:200],
    )
    if not short:
        _note_reserve(replacement, wanted=wanted, lines=lines, levels=levels, at=at)
    audit_record(
        obj=replacement,
        action="created",
        by=by,
        to_state=replacement.status,
        note=reference,
        data={
            "order": order.number,
            "exchange_for": reference,
            "lines": {lines[lid].sku: q for lid, q in wanted.items()},
        },
    )
    if replacement.status == DeliveryNote.Status.RESERVED:
        _notify_reserved(replacement)
    return replacement


# --- releasing held demand when stock arrives ----------------------------------------
def waiting_notes_release(
    *, warehouse: Any = None, product_ids: Any = None, at: dt.datetime | None = None
) -> list[DeliveryNote]:
    """Reserve waiting notes, oldest first, each in its own transaction. A note that still
    cannot be filled blocks its products for younger notes (no one jumps the queue).
    Runs outside the receipt's transaction (the lock order starts at the order)."""
    candidates = DeliveryNote.objects.filter(status=DeliveryNote.Status.WAITING)
    if warehouse is not None:
        candidates = candidates.filter(warehouse=warehouse)
    if product_ids is not None:
        candidates = candidates.filter(lines__product_id__in=list(product_ids)).distinct()
    blocked: set[tuple[int, int]] = set()
    released: list[DeliveryNote] = []
    for note_pk, warehouse_id in candidates.order_by("created_at", "pk").values_list(
        "pk", "warehouse_id"
    ):
        products = {
            (warehouse_id, pid)
            for pid in DeliveryNoteLine.objects.filter(delivery_note_id=note_pk).values_list(
                "product_id", flat=True
            )
        }
        if products & blocked:
            continue
        try:
            note = _release_one(note_pk, at=at)
        except StockShort:
            blocked |= products
            continue
        if note is not None:
            released.append(note)
    return released


@transaction.atomic
def _release_one(note_pk: int, *, at: dt.datetime | None = None) -> DeliveryNote | None:
    at = at or timezone.now()
    order_id = DeliveryNote.objects.values_list("order_id", flat=True).get(pk=note_pk)
    order = order_lock(Order(pk=order_id))
    lines = list(
        DeliveryNoteLine.objects.filter(delivery_note_id=note_pk).select_related("product")
    )
    note = DeliveryNote.objects.select_related("warehouse", "division").get(pk=note_pk)
    levels = stock_levels_lock(
        warehouse=note.warehouse, product_ids=[ln.product_id for ln in lines]
    )
    note = (
        DeliveryNote.objects.select_for_update(of=("self",))
        .select_related("warehouse", "division", "order")
        .get(pk=note_pk)
    )
    if note.status != DeliveryNote.Status.WAITING:
        return None
    left = {pid: level.available for pid, level in levels.items()}
    for line in lines:
        if line.quantity > left[line.product_id]:
            raise StockShort(_("Not enough stock yet."))
        left[line.product_id] -= line.quantity
    for line in lines:
        stock_reserve(levels[line.product_id], line.quantity, sku=line.product.sku)
    note.reserve(at=at)
    note.ship_by = max(order.ship_by, calendar.ship_by(at))
    note.save(update_fields=["status", "reserved_at", "ship_by"])
    audit_record(
        obj=note,
        action="released",
        from_state=DeliveryNote.Status.WAITING,
        to_state=note.status,
        note=_("Stock arrived; reserved automatically, oldest first."),
    )
    order_sync(order, by=None, at=at)
    _notify_reserved(note, released=True)
    return note


# --- invoice (interim: billing will issue the invoice and call this) -----------------------
@transaction.atomic
def delivery_note_mark_invoiced(
    *, note: DeliveryNote, by: Any, invoice_number: str, at: dt.datetime | None = None
) -> DeliveryNote:
    """reserved → invoiced: the invoice for this note is issued (the goods travel with it)."""
    order = order_lock(note.order)
    at = at or timezone.now()
    note = DeliveryNote.objects.select_for_update().get(pk=note.pk)
    require(by, "fulfilment.record_invoice_deliverynote", note.division_id)
    invoice_number = invoice_number.strip()
    if not INVOICE_NUMBER.fullmatch(invoice_number):
        raise FulfilmentError(
            _("Enter the invoice number: 1 to 32 letters, digits or hyphens."),
            field="invoice_number",
        )
    clash = (
        DeliveryNote.objects.filter(division=note.division, invoice_number=invoice_number)
        .exclude(pk=note.pk)
        .first()
    )
    if clash is not None:
        raise FulfilmentError(
            _("Invoice %(invoice)s is already recorded on delivery note %(note)s.")
            % {"invoice": invoice_number, "note": clash.number},
            field="invoice_number",
        )
    if note.status != DeliveryNote.Status.RESERVED:
        raise FulfilmentError(
            _("Delivery note %(note)s is %(status)s; only a note with reserved stock is invoiced.")
            % {"note": note.number, "status": note.get_status_display()}
        )
    period_assert_open(division=note.division, at=at)
    before = note.status
    note.invoice(invoice_number=invoice_number, at=at)
    note.save(update_fields=["status", "invoice_number", "invoiced_at"])
    audit_record(
        obj=note,
        action="invoiced",
        by=by,
        from_state=before,
        to_state=note.status,
        data={"invoice": invoice_number},
    )
    order_sync(order, by=by, at=at)
    return note


# --- cancelling ----------------------------------------------------------------------------
@transaction.atomic
def delivery_note_cancel(*, note: DeliveryNote, by: Any, reason: str) -> DeliveryNote:
    """Cancel a back-order note still waiting for stock (the customer no longer wants the
    rest). Other notes end with the order's cancellation, which frees their stock."""
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise FulfilmentError(_("Give a reason for the cancellation."), field="reason")
    order = order_lock(note.order)
    note = DeliveryNote.objects.select_for_update().get(pk=note.pk)
    require(by, "fulfilment.cancel_deliverynote", note.division_id)
    if note.status != DeliveryNote.Status.WAITING or note.kind != DeliveryNote.Kind.BACK_ORDER:
        raise FulfilmentError(
            _(
                "Only a back-order note still waiting for stock can be cancelled on its own; "
                "cancel the order to cancel %(note)s."
            )
            % {"note": note.number}
        )
    before = note.status
    note.cancel(reason=reason, at=timezone.now())
    note.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    audit_record(
        obj=note, action="cancelled", by=by, from_state=before, to_state=note.status, note=reason
    )
    order_sync(order, by=by)
    return note


def release_on_order_cancel(*, order: Order, by: Any, reason: str) -> None:
    """Cancellation participant (orders.hooks, stage stock): the order's live notes are
    cancelled and their reserved stock freed; refused once part of the order has shipped."""
    notes = list(
        DeliveryNote.objects.filter(order=order)
        .exclude(status=DeliveryNote.Status.CANCELLED)
        .order_by("pk")
    )
    shipped = [n.number for n in notes if n.status == DeliveryNote.Status.SHIPPED]
    if shipped:
        raise CancellationRefused(
            _(
                "Part of order %(order)s has shipped (%(notes)s): cancel its back-order note "
                "instead, or take the goods back as a return."
            )
            % {"order": order.number, "notes": ", ".join(shipped)}
        )
    holding = [
        n for n in notes if n.status in (DeliveryNote.Status.RESERVED, DeliveryNote.Status.INVOICED)
    ]
    by_warehouse: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in DeliveryNoteLine.objects.filter(delivery_note__in=holding):
        warehouse_id = next(n.warehouse_id for n in holding if n.pk == line.delivery_note_id)
        by_warehouse[warehouse_id][line.product_id] += line.quantity
    for warehouse_id in sorted(by_warehouse):
        wanted = by_warehouse[warehouse_id]
        levels = stock_levels_lock(warehouse=Warehouse(pk=warehouse_id), product_ids=wanted)
        for product_id, quantity in wanted.items():
            stock_release(levels[product_id], quantity)
    now = timezone.now()
    for note in (
        DeliveryNote.objects.select_for_update().filter(pk__in=[n.pk for n in notes]).order_by("pk")
    ):
        before = note.status
        note.cancel(reason=reason[:200], at=now)
        note.save(update_fields=["status", "cancel_reason", "cancelled_at"])
        audit_record(
            obj=note,
            action="cancelled",
            by=by,
            from_state=before,
            to_state=note.status,
            note=reason,
            data={"order_cancelled": order.number},
        )
    if holding:
        transaction.on_commit(
            lambda: waiting_notes_release(product_ids=[p for w in by_warehouse.values() for p in w])
        )
