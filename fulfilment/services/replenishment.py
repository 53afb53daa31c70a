"""Low stock and replenishment requests (采购申请), SPEC §3.

Low: a product's available quantity in a warehouse lies below what it shipped in the last
`LOW_STOCK_COVER_DAYS` days (less than one week of sales). The scan opens one episode per
low stretch, alerts the operations roles once and proposes a request; the episode closes
when the pair is no longer low (a receipt, or the next scan).

A request above `REPLENISHMENT_APPROVAL_THRESHOLD` needs the decision of the
`REPLENISHMENT_APPROVAL_ROLE`; at or below it the system approves it on submission.
Lock order: a request row is a document row (step 3); no stock row is locked here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from core import working_calendar as calendar
from core.audit import audit_record
from core.models import Warehouse
from core.notifications import notify
from core.roles import Role

from ..exceptions import FulfilmentError, NotPermitted
from ..models import LowStockEpisode, ReplenishmentRequest, StockLevel, StockMove
from ..numbers import REPLENISHMENT, number_next
from .delivery_notes import require

logger = logging.getLogger(__name__)

MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal("999999999999.99")  # amount: 14 digits, 2 of them decimals
CENT = Decimal("0.01")
Status = ReplenishmentRequest.Status


def approval_threshold() -> Decimal:
    return Decimal(str(settings.REPLENISHMENT_APPROVAL_THRESHOLD))


def approval_role() -> str:
    return str(settings.REPLENISHMENT_APPROVAL_ROLE)


def needs_approval(request: ReplenishmentRequest) -> bool:
    """ "Above 1,000 CNY needs approval": exactly the threshold does not."""
    return request.amount > approval_threshold()


def request_link(request: ReplenishmentRequest) -> str:
    return reverse("fulfilment:replenishment-detail", args=[request.pk])


# --- reading ---------------------------------------------------------------------------------
def cover_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.LOW_STOCK_COVER_DAYS)


def shipped_by_pair(
    *, since: dt.datetime, product_ids: Iterable[int] | None = None, warehouse: Any = None
) -> dict[tuple[int, int], int]:
    """Units shipped since `since` per (product, warehouse), in one grouped query."""
    moves = StockMove.objects.filter(kind=StockMove.Kind.SHIPMENT, at__gte=since)
    if product_ids is not None:
        moves = moves.filter(product_id__in=list(product_ids))
    if warehouse is not None:
        moves = moves.filter(warehouse=warehouse)
    rows = (
        moves.order_by()
        .values("product_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
        .values_list("product_id", "warehouse_id", "total")
    )
    return {(product_id, warehouse_id): -total for product_id, warehouse_id, total in rows}


def is_low(*, available: int, shipped_last_week: int) -> bool:
    return shipped_last_week > 0 and available < shipped_last_week


# --- the scan ----------------------------------------------------------------------------------
def low_stock_scan(*, now: dt.datetime | None = None) -> list[LowStockEpisode]:
    """Open an episode (alert once, propose a request) for each newly low pair; close the
    open episodes of pairs no longer low. Returns the episodes opened by this run.
    Idempotent: an open episode that stays low changes nothing."""
    now = now or timezone.now()
    shipped = shipped_by_pair(since=cover_since(now))
    open_episodes = {
        (e.product_id, e.warehouse_id): e
        for e in LowStockEpisode.objects.filter(closed_at__isnull=True)
    }
    pairs = set(shipped) | set(open_episodes)
    available = _available_of(pairs)
    opened: list[LowStockEpisode] = []
    for pair in sorted(pairs):
        low = is_low(available=available.get(pair, 0), shipped_last_week=shipped.get(pair, 0))
        episode = open_episodes.get(pair)
        if low and episode is None:
            created = _episode_open(
                product_id=pair[0],
                warehouse_id=pair[1],
                available=available.get(pair, 0),
                shipped_last_week=shipped[pair],
                at=now,
            )
            if created is not None:
                opened.append(created)
        elif not low and episode is not None:
            _episode_close(episode, at=now, available=available.get(pair, 0))
    return opened


def _available_of(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    if not pairs:
        return {}
    rows = StockLevel.objects.filter(
        product_id__in={p for p, _w in pairs}, warehouse_id__in={w for _p, w in pairs}
    ).values_list("product_id", "warehouse_id", "on_hand", "reserved")
    return {(p, w): on_hand - reserved for p, w, on_hand, reserved in rows if (p, w) in pairs}


def low_stock_episodes_close(
    *, warehouse: Warehouse, product_ids: Iterable[int], now: dt.datetime | None = None
) -> list[LowStockEpisode]:
    """Close the open episodes of these products in `warehouse` that are no longer low
    (after a receipt). Returns the closed episodes."""
    now = now or timezone.now()
    ids = list(product_ids)
    episodes = list(
        LowStockEpisode.objects.filter(
            warehouse=warehouse, product_id__in=ids, closed_at__isnull=True
        )
    )
    if not episodes:
        return []
    shipped = shipped_by_pair(since=cover_since(now), product_ids=ids, warehouse=warehouse)
    available = _available_of({(e.product_id, e.warehouse_id) for e in episodes})
    closed = []
    for episode in episodes:
        pair = (episode.product_id, episode.warehouse_id)
        still_low = is_low(available=available.get(pair, 0), shipped_last_week=shipped.get(pair, 0))
        if not still_low and _episode_close(episode, at=now, available=available.get(pair, 0)):
            closed.append(episode)
    return closed


@transaction.atomic
def _episode_close(episode: LowStockEpisode, *, at: dt.datetime, available: int) -> bool:
    changed = LowStockEpisode.objects.filter(pk=episode.pk, closed_at__isnull=True).update(
        closed_at=at
    )
    if not changed:  # closed meanwhile by a receipt or another scan
        return False
    episode.closed_at = at
    audit_record(
        obj=episode,
        action="low_stock_closed",
        note=_("Available stock covers the last week's shipments again."),
        data={"available": available},
    )
    return True


@transaction.atomic
def _episode_open(
    *, product_id: int, warehouse_id: int, available: int, shipped_last_week: int, at: dt.datetime
) -> LowStockEpisode | None:
    try:
        with transaction.atomic():  # savepoint: a concurrent scan may have opened it
            episode = LowStockEpisode.objects.create(
                product_id=product_id,
                warehouse_id=warehouse_id,
                opened_at=at,
                available=available,
                shipped_last_week=shipped_last_week,
            )
    except IntegrityError:
        return None
    product = Product.objects.get(pk=product_id)
    warehouse = Warehouse.objects.select_related("division").get(pk=warehouse_id)
    audit_record(
        obj=episode,
        action="low_stock_opened",
        data={"sku": product.sku, "available": available, "shipped_last_week": shipped_last_week},
    )
    request = _propose(
        episode=episode,
        product=product,
        warehouse=warehouse,
        available=available,
        at=at,
    )
    notify(
        subject=lambda: (
            _("Low stock: %(sku)s in %(warehouse)s")
            % {"sku": product.sku, "warehouse": warehouse.code}
        ),
        body=lambda: (
            _(
                "%(available)s available, %(shipped)s shipped in the last %(days)s days. "
                "Replenishment request %(request)s is proposed."
            )
            % {
                "available": available,
                "shipped": shipped_last_week,
                "days": settings.LOW_STOCK_COVER_DAYS,
                "request": request.number if request else "—",
            }
        ),
        link=request_link(request) if request else reverse("fulfilment:stock-list"),
        topic="low_stock",
        roles=[Role.PARTS_SUPPORT, Role.WAREHOUSE],
        division=warehouse.division,
    )
    return episode


def proposal_unit_cost(product: Product) -> Decimal:
    """What a unit costs to buy, as far as the catalog knows: the offline market price,
    else the selling price, else 0 (the purchaser corrects it)."""
    for price in (product.offline_market_price, product.selling_price):
        if price is not None:
            return Decimal(price).quantize(CENT)
    return Decimal("0.00")


def proposal_quantity(*, shipped_last_week: int, available: int) -> int:
    """Enough for two weeks of the last week's shipments, at least one unit."""
    return min(max(2 * shipped_last_week - available, 1), MAX_QUANTITY)


def _propose(
    *,
    episode: LowStockEpisode,
    product: Product,
    warehouse: Warehouse,
    available: int,
    at: dt.datetime,
) -> ReplenishmentRequest | None:
    quantity = proposal_quantity(shipped_last_week=episode.shipped_last_week, available=available)
    unit_cost = proposal_unit_cost(product)
    amount = (unit_cost * quantity).quantize(CENT)
    if amount > MAX_AMOUNT:
        logger.warning("Low stock %s: proposal amount %s does not fit", episode, amount)
        return None
    request = ReplenishmentRequest.objects.create(
        number=number_next(
            REPLENISHMENT, division=warehouse.division, day=calendar.to_local(at).date()
        ),
        product=product,
        warehouse=warehouse,
        quantity=quantity,
        unit_cost=unit_cost,
        amount=amount,
        episode=episode,
        created_at=at,
    )
    audit_record(
        obj=request,
        action="proposed",
        to_state=request.status,
        note=_("Proposed by the low-stock scan."),
        data={"sku": product.sku, "quantity": quantity, "amount": str(amount)},
    )
    return request


# --- by hand ---------------------------------------------------------------------------------
def _checked_quantity(quantity: Any) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise FulfilmentError(_("Enter a whole number of units."), field="quantity")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise FulfilmentError(
            _("Enter a quantity from 1 to %(max)s.") % {"max": f"{MAX_QUANTITY:,}"},
            field="quantity",
        )
    return quantity


def _checked_unit_cost(unit_cost: Any) -> Decimal:
    try:
        value = Decimal(str(unit_cost))
    except (InvalidOperation, ValueError):
        raise FulfilmentError(_("Enter the unit cost in CNY."), field="unit_cost") from None
    if not value.is_finite() or value < 0:
        raise FulfilmentError(_("The unit cost cannot be negative."), field="unit_cost")
    if value != value.quantize(CENT):
        raise FulfilmentError(
            _("Give the unit cost with at most 2 decimal places."), field="unit_cost"
        )
    if value >= Decimal("10000000000"):  # unit_cost: 12 digits, 2 of them decimals
        raise FulfilmentError(_("The unit cost is too large."), field="unit_cost")
    return value.quantize(CENT)


@transaction.atomic
def replenishment_create(
    *, product: Product, warehouse: Warehouse, quantity: int, unit_cost: Any, by: Any
) -> ReplenishmentRequest:
    """A request raised by hand (status proposed: it is submitted like a proposal)."""
    require(by, "fulfilment.add_replenishmentrequest", warehouse.division_id)
    if not warehouse.is_active:
        raise FulfilmentError(_("This warehouse is no longer active."), field="warehouse")
    if product.division_id != warehouse.division_id:
        raise FulfilmentError(
            _("%(sku)s is not a product of the division of warehouse %(warehouse)s.")
            % {"sku": product.sku, "warehouse": warehouse.code},
            field="product",
        )
    quantity = _checked_quantity(quantity)
    cost = _checked_unit_cost(unit_cost)
    amount = (cost * quantity).quantize(CENT)
    if amount > MAX_AMOUNT:
        raise FulfilmentError(
            _("The amount (quantity × unit cost) may not exceed %(max)s CNY.")
            % {"max": f"{MAX_AMOUNT:,}"},
            field="quantity",
        )
    now = timezone.now()
    request = ReplenishmentRequest.objects.create(
        number=number_next(
            REPLENISHMENT, division=warehouse.division, day=calendar.to_local(now).date()
        ),
        product=product,
        warehouse=warehouse,
        quantity=quantity,
        unit_cost=cost,
        amount=amount,
        created_at=now,
        created_by=by,
    )
    audit_record(
        obj=request,
        action="created",
        by=by,
        to_state=request.status,
        data={"sku": product.sku, "quantity": quantity, "amount": str(amount)},
    )
    return request


# --- transitions -----------------------------------------------------------------------------
def _locked(request: ReplenishmentRequest) -> ReplenishmentRequest:
    return (
        ReplenishmentRequest.objects.select_for_update(of=("self",))
        .select_related("product", "warehouse__division")
        .get(pk=request.pk)
    )


def _refuse_status(request: ReplenishmentRequest, action: Any) -> FulfilmentError:
    return FulfilmentError(
        _("Request %(number)s is %(status)s; it cannot be %(action)s.")
        % {"number": request.number, "status": request.get_status_display(), "action": action}
    )


@transaction.atomic
def replenishment_submit(*, request: ReplenishmentRequest, by: Any) -> ReplenishmentRequest:
    """proposed → submitted; at or below the threshold the system approves it at once,
    above it the approval role of the division is asked."""
    request = _locked(request)
    require(by, "fulfilment.change_replenishmentrequest", request.warehouse.division_id)
    if request.status != Status.PROPOSED:
        raise _refuse_status(request, _("submitted"))
    now = timezone.now()
    request.submit(at=now)
    request.save(update_fields=["status", "submitted_at"])
    audit_record(
        obj=request,
        action="submitted",
        by=by,
        from_state=Status.PROPOSED,
        to_state=request.status,
        data={"amount": str(request.amount)},
    )
    if not needs_approval(request):
        request.approve(at=now, by=None, note="")
        request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        audit_record(
            obj=request,
            action="approved",
            from_state=Status.SUBMITTED,
            to_state=request.status,
            note=_("At or below %(threshold)s CNY: approved without a decision.")
            % {"threshold": approval_threshold()},
        )
        return request
    notify(
        subject=lambda: (
            _("Replenishment request %(number)s awaits your approval") % {"number": request.number}
        ),
        body=lambda: (
            _("%(sku)s × %(quantity)s for %(warehouse)s, %(amount)s CNY.")
            % {
                "sku": request.product.sku,
                "quantity": request.quantity,
                "warehouse": request.warehouse.code,
                "amount": request.amount,
            }
        ),
        link=request_link(request),
        topic="replenishment",
        roles=[approval_role()],
        division=request.warehouse.division,
    )
    return request


def _require_decider(request: ReplenishmentRequest, by: Any) -> None:
    require(by, "fulfilment.approve_replenishmentrequest", request.warehouse.division_id)
    if by is not None and request.created_by_id == by.pk:
        raise NotPermitted(_("A request is decided by someone other than the one who raised it."))


@transaction.atomic
def replenishment_approve(
    *, request: ReplenishmentRequest, by: Any, note: str = ""
) -> ReplenishmentRequest:
    """submitted → approved by the approval role."""
    request = _locked(request)
    _require_decider(request, by)
    if request.status != Status.SUBMITTED:
        raise _refuse_status(request, _("approved"))
    note = " ".join(note.split())[:200]
    request.approve(at=timezone.now(), by=by, note=note)
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_record(
        obj=request,
        action="approved",
        by=by,
        from_state=Status.SUBMITTED,
        to_state=request.status,
        note=note,
    )
    _notify_decision(request)
    return request


@transaction.atomic
def replenishment_reject(
    *, request: ReplenishmentRequest, by: Any, note: str
) -> ReplenishmentRequest:
    """submitted → rejected, with the reason."""
    note = " ".join((note or "").split())[:200]
    if not note:
        raise FulfilmentError(_("Give the reason for the rejection."), field="note")
    request = _locked(request)
    _require_decider(request, by)
    if request.status != Status.SUBMITTED:
        raise _refuse_status(request, _("rejected"))
    request.reject(at=timezone.now(), by=by, note=note)
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_record(
        obj=request,
        action="rejected",
        by=by,
        from_state=Status.SUBMITTED,
        to_state=request.status,
        note=note,
    )
    _notify_decision(request)
    return request


@transaction.atomic
def replenishment_cancel(
    *, request: ReplenishmentRequest, by: Any, note: str = ""
) -> ReplenishmentRequest:
    """proposed or submitted → cancelled (no longer needed)."""
    request = _locked(request)
    require(by, "fulfilment.change_replenishmentrequest", request.warehouse.division_id)
    if request.status not in (Status.PROPOSED, Status.SUBMITTED):
        raise _refuse_status(request, _("cancelled"))
    before = request.status
    note = " ".join((note or "").split())[:200]
    request.cancel(at=timezone.now(), by=by, note=note)
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_record(
        obj=request,
        action="cancelled",
        by=by,
        from_state=before,
        to_state=request.status,
        note=note,
    )
    return request


def replenishment_mark_received(
    *, request: ReplenishmentRequest, by: Any, receipt_number: str
) -> ReplenishmentRequest:
    """approved → received, inside the receipt's transaction (the row locked by it)."""
    request.receive()
    request.save(update_fields=["status"])
    audit_record(
        obj=request,
        action="received",
        by=by,
        from_state=Status.APPROVED,
        to_state=request.status,
        data={"receipt": receipt_number},
    )
    return request


def _notify_decision(request: ReplenishmentRequest) -> None:
    subject = (
        _("Replenishment request %(number)s approved")
        if request.status == Status.APPROVED
        else _("Replenishment request %(number)s rejected")
    ) % {"number": request.number}
    notify(
        subject=subject,
        body=request.decision_note,
        link=request_link(request),
        topic="replenishment",
        users=[request.created_by] if request.created_by else [],
        roles=[Role.PARTS_SUPPORT],
        division=request.warehouse.division,
    )
