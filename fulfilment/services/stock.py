"""The stock ledger's one writer (SPEC §3). Every change of on hand or reserved goes
through here: stock rows are locked in primary-key order (core.lock_order, step 2),
changed with F() expressions in the caller's transaction, and each on-hand change writes
its append-only StockMove. The database constraints (on hand ≥ 0, reserved ≤ on hand)
stand behind the checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.lock_order import rows_lock
from core.models import Warehouse
from core.periods import period_assert_open

from ..exceptions import FulfilmentError, StockShort
from ..models import StockLevel, StockMove


def stock_levels_lock(*, warehouse: Warehouse, product_ids: Iterable[int]) -> dict[int, StockLevel]:
    """The stock rows of `product_ids` in `warehouse`, created at zero where missing and
    locked in primary-key order until the transaction ends. Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock stock rows inside the transaction that changes them.")
    ids = sorted(set(product_ids))
    existing = set(
        StockLevel.objects.filter(warehouse=warehouse, product_id__in=ids).values_list(
            "product_id", flat=True
        )
    )
    missing = [pid for pid in ids if pid not in existing]
    if missing:
        # ON CONFLICT DO NOTHING: a concurrent creator of the same row wins quietly.
        StockLevel.objects.bulk_create(
            [StockLevel(warehouse=warehouse, product_id=pid) for pid in missing],
            ignore_conflicts=True,
        )
    levels = rows_lock(StockLevel.objects.filter(warehouse=warehouse, product_id__in=ids))
    return {level.product_id: level for level in levels}


def stock_reserve(level: StockLevel, quantity: int, *, sku: str = "") -> None:
    """Reserve `quantity` of a locked row; refused when less is available."""
    if quantity <= 0:
        raise FulfilmentError(_("A reservation needs a positive quantity."))
    if level.available < quantity:
        raise StockShort(
            _("%(sku)s: %(asked)s asked, %(available)s available in %(warehouse)s.")
            % {
                "sku": sku or level.product_id,
                "asked": quantity,
                "available": level.available,
                "warehouse": level.warehouse_id,
            }
        )
    StockLevel.objects.filter(pk=level.pk).update(reserved=F("reserved") + quantity)
    level.reserved += quantity


def stock_release(level: StockLevel, quantity: int) -> None:
    """Give back `quantity` reserved units of a locked row."""
    quantity = min(quantity, level.reserved)
    if quantity <= 0:
        return
    StockLevel.objects.filter(pk=level.pk).update(reserved=F("reserved") - quantity)
    level.reserved -= quantity


def stock_move_post(
    level: StockLevel,
    *,
    kind: str,
    quantity: int,
    by: Any,
    document: str = "",
    note: str = "",
    at: dt.datetime | None = None,
    from_reserved: bool = False,
) -> StockMove:
    """Change on hand of a locked row by `quantity` (signed) and write the move.
    `from_reserved`: an outgoing move that consumes reserved units (a shipment)."""
    if quantity == 0:
        raise FulfilmentError(_("A stock move needs a quantity other than zero."))
    period_assert_open(division=level.warehouse.division, at=at or timezone.now())
    if level.on_hand + quantity < 0:
        raise StockShort(
            _("Only %(on_hand)s on hand; %(quantity)s cannot go out.")
            % {"on_hand": level.on_hand, "quantity": -quantity}
        )
    changes: dict[str, Any] = {"on_hand": F("on_hand") + quantity}
    if from_reserved:
        changes["reserved"] = F("reserved") + quantity  # quantity < 0
        level.reserved += quantity
    elif level.on_hand + quantity < level.reserved:
        raise StockShort(
            _(
                "%(quantity)s cannot go out: %(reserved)s of the %(on_hand)s on hand are "
                "reserved for delivery notes."
            )
            % {"quantity": -quantity, "reserved": level.reserved, "on_hand": level.on_hand}
        )
    StockLevel.objects.filter(pk=level.pk).update(**changes)
    level.on_hand += quantity
    return StockMove.objects.create(
        product_id=level.product_id,
        warehouse_id=level.warehouse_id,
        kind=kind,
        quantity=quantity,
        on_hand_after=level.on_hand,
        at=at or timezone.now(),
        by=by if getattr(by, "is_authenticated", False) else None,
        document=document[:40],
        note=note[:200],
    )
