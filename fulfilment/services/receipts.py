"""Inbound receipts (入库单): received goods are checked and booked the same day (SPEC §3).

One transaction: the stock rows (lock order step 2, primary-key order), then the linked
replenishment request and the number counter (step 3), one receipt move per line. After
commit the orders waiting for these products are released oldest first — that takes
order rows, which come before stock rows in the lock order, so never inside this
transaction — and the low-stock episodes that the receipt (and what is left after the
release) ends are closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from core import working_calendar as calendar
from core.audit import audit_record
from core.models import Warehouse
from core.periods import period_assert_open

from ..exceptions import FulfilmentError
from ..models import InboundReceipt, InboundReceiptLine, ReplenishmentRequest, StockMove
from ..numbers import INBOUND_RECEIPT, number_next
from .delivery_notes import require, waiting_notes_release
from .replenishment import MAX_QUANTITY, low_stock_episodes_close, replenishment_mark_received
from .stock import stock_levels_lock, stock_move_post


def _text(value: str, *, field: str, max_length: int, label: Any, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise FulfilmentError(_("Enter the %(label)s.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise FulfilmentError(
            _("The %(label)s may have at most %(max)s characters.")
            % {"label": label, "max": max_length},
            field=field,
        )
    return value


def _check_lines(
    lines: Sequence[tuple[Product | None, Any]], *, warehouse: Warehouse
) -> list[tuple[Product, int]]:
    if not lines:
        raise FulfilmentError(_("Enter at least one line: SKU and quantity."), field="lines")
    seen: set[int] = set()
    checked = []
    for index, (product, quantity) in enumerate(lines):
        field = f"lines-{index}-product"
        if product is None:
            raise FulfilmentError(_("Enter the SKU of a product."), field=field)
        if product.division_id != warehouse.division_id:
            raise FulfilmentError(
                _("%(sku)s is not a product of the division of warehouse %(warehouse)s.")
                % {"sku": product.sku, "warehouse": warehouse.code},
                field=field,
            )
        if product.pk in seen:
            raise FulfilmentError(
                _("%(sku)s appears twice: put all its units on one line.") % {"sku": product.sku},
                field=field,
            )
        seen.add(product.pk)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise FulfilmentError(
                _("Enter a whole number of units."), field=f"lines-{index}-quantity"
            )
        if not 1 <= quantity <= MAX_QUANTITY:
            raise FulfilmentError(
                _("Enter a quantity from 1 to %(max)s.") % {"max": f"{MAX_QUANTITY:,}"},
                field=f"lines-{index}-quantity",
            )
        checked.append((product, quantity))
    return checked


def _check_request(
    request: ReplenishmentRequest, *, warehouse: Warehouse, product_ids: set[int]
) -> ReplenishmentRequest:
    locked = ReplenishmentRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ReplenishmentRequest.Status.APPROVED:
        raise FulfilmentError(
            _("Replenishment request %(number)s is %(status)s; only an approved one is received.")
            % {"number": locked.number, "status": locked.get_status_display()},
            field="request",
        )
    if locked.warehouse_id != warehouse.pk or locked.product_id not in product_ids:
        raise FulfilmentError(
            _(
                "Replenishment request %(number)s is for another product or warehouse: "
                "its product must be on the receipt, into the same warehouse."
            )
            % {"number": locked.number},
            field="request",
        )
    return locked


@transaction.atomic
def inbound_receipt_book(
    *,
    warehouse: Warehouse,
    by: Any,
    supplier: str,
    lines: Sequence[tuple[Product | None, Any]],
    supplier_document: str = "",
    request: ReplenishmentRequest | None = None,
    note: str = "",
    received_on: dt.date | None = None,
) -> InboundReceipt:
    """Book the goods received today into `warehouse`: one receipt move per line."""
    require(by, "fulfilment.add_inboundreceipt", warehouse.division_id)
    now = timezone.now()
    today = calendar.to_local(now).date()
    if received_on is None:
        received_on = today
    if received_on != today:
        raise FulfilmentError(
            _("Goods are booked the day they arrive: the receipt date must be today (%(today)s).")
            % {"today": today.isoformat()},
            field="received_on",
        )
    if not warehouse.is_active:
        raise FulfilmentError(_("This warehouse is no longer active."), field="warehouse")
    supplier = _text(supplier, field="supplier", max_length=200, label=_("supplier"), required=True)
    supplier_document = _text(
        supplier_document,
        field="supplier_document",
        max_length=64,
        label=_("supplier's delivery note"),
    )
    note = _text(note, field="note", max_length=200, label=_("note"))
    checked = _check_lines(lines, warehouse=warehouse)
    period_assert_open(division=warehouse.division, at=now, field="received_on")
    product_ids = [product.pk for product, _quantity in checked]

    levels = stock_levels_lock(warehouse=warehouse, product_ids=product_ids)
    if request is not None:
        request = _check_request(request, warehouse=warehouse, product_ids=set(product_ids))
    receipt = InboundReceipt.objects.create(
        number=number_next(INBOUND_RECEIPT, division=warehouse.division, day=today),
        warehouse=warehouse,
        supplier=supplier,
        supplier_document=supplier_document,
        request=request,
        received_on=received_on,
        booked_at=now,
        booked_by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
    )
    InboundReceiptLine.objects.bulk_create(
        InboundReceiptLine(receipt=receipt, product=product, quantity=quantity)
        for product, quantity in checked
    )
    for product, quantity in checked:
        stock_move_post(
            levels[product.pk],
            kind=StockMove.Kind.RECEIPT,
            quantity=quantity,
            by=by,
            document=receipt.number,
            note=supplier,
            at=now,
        )
    audit_record(
        obj=receipt,
        action="booked",
        by=by,
        note=note,
        data={
            "supplier": supplier,
            "lines": {product.sku: quantity for product, quantity in checked},
            **({"request": request.number} if request else {}),
        },
    )
    if request is not None:
        replenishment_mark_received(request=request, by=by, receipt_number=receipt.number)
    transaction.on_commit(
        lambda: _after_booking(warehouse=warehouse, product_ids=product_ids), robust=True
    )
    return receipt


def _after_booking(*, warehouse: Warehouse, product_ids: list[int]) -> None:
    """Held orders first (oldest first), then the low-stock episodes on what is left."""
    try:
        waiting_notes_release(warehouse=warehouse, product_ids=product_ids)
    finally:
        low_stock_episodes_close(warehouse=warehouse, product_ids=product_ids)
