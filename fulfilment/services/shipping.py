"""Hand-over to the carrier (SPEC §3): one shipment per delivery note, refused without
an issued invoice for that note; stock leaves the ledger; the order follows its notes."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.periods import period_assert_open
from orders.services import order_lock

from ..exceptions import FulfilmentError
from ..models import Carrier, DeliveryNote, DeliveryNoteLine, FreightRate, Shipment, StockMove
from .delivery_notes import order_sync, require
from .stock import stock_levels_lock, stock_move_post

TRACKING_NUMBER = re.compile(r"[0-9A-Za-z-]{6,40}")
MAX_PARCELS = 999
MAX_WEIGHT_KG = Decimal("99999.99")


def freight_cost(*, carrier: Carrier, province_code: str, weight_kg: Decimal) -> Decimal | None:
    """The carrier's rate to the province: first weight, then each started kilogram; None
    when the carrier has no rate there."""
    rate = FreightRate.objects.filter(carrier=carrier, province_code=province_code).first()
    if rate is None:
        return None
    extra = max(weight_kg - rate.first_weight_kg, Decimal("0"))
    return (rate.first_price + rate.additional_price_per_kg * math.ceil(extra)).quantize(
        Decimal("0.01")
    )


def _clean(
    *, carrier: Carrier | None, tracking_number: str, parcels: Any, weight_kg: Any
) -> tuple[str, int, Decimal]:
    if carrier is None or not carrier.is_active:
        raise FulfilmentError(_("Choose an active carrier."), field="carrier")
    tracking_number = "".join(str(tracking_number).split()).upper()
    if not TRACKING_NUMBER.fullmatch(tracking_number):
        raise FulfilmentError(
            _("A tracking number has 6 to 40 letters, digits or hyphens."),
            field="tracking_number",
        )
    if carrier.tracking_pattern and not re.fullmatch(carrier.tracking_pattern, tracking_number):
        raise FulfilmentError(
            _("%(carrier)s tracking numbers look like %(pattern)s.")
            % {"carrier": carrier.name, "pattern": carrier.tracking_pattern},
            field="tracking_number",
        )
    try:
        parcels = int(parcels)
    except (TypeError, ValueError):
        parcels = 0
    if not 1 <= parcels <= MAX_PARCELS:
        raise FulfilmentError(
            _("Parcels: a whole number from 1 to %(max)s.") % {"max": MAX_PARCELS},
            field="parcels",
        )
    try:
        weight = Decimal(str(weight_kg))
    except (InvalidOperation, ValueError):
        weight = Decimal("-1")
    if not weight.is_finite() or not Decimal("0") < weight <= MAX_WEIGHT_KG:
        raise FulfilmentError(
            _("Weight: more than 0 and at most %(max)s kg.") % {"max": MAX_WEIGHT_KG},
            field="weight_kg",
        )
    if weight != weight.quantize(Decimal("0.01")):
        raise FulfilmentError(_("Weight: at most two decimal places."), field="weight_kg")
    return tracking_number, parcels, weight


@transaction.atomic
def shipment_create(
    *,
    note: DeliveryNote,
    by: Any,
    carrier: Carrier | None,
    tracking_number: str,
    parcels: Any,
    weight_kg: Any,
    at: dt.datetime | None = None,
) -> Shipment:
    """invoiced note → shipped: the warehouse hands the parcels to the carrier."""
    tracking_number, parcels, weight = _clean(
        carrier=carrier, tracking_number=tracking_number, parcels=parcels, weight_kg=weight_kg
    )
    assert carrier is not None
    at = at or timezone.now()
    order = order_lock(note.order)
    lines = list(DeliveryNoteLine.objects.filter(delivery_note=note).select_related("product"))
    levels = stock_levels_lock(
        warehouse=note.warehouse, product_ids=[ln.product_id for ln in lines]
    )
    note = (
        DeliveryNote.objects.select_for_update(of=("self",))
        .select_related("warehouse")
        .get(pk=note.pk)
    )
    require(by, "fulfilment.add_shipment", note.division_id)
    if note.status == DeliveryNote.Status.RESERVED:
        raise FulfilmentError(
            _("Delivery note %(note)s has no issued invoice yet; the goods travel with it.")
            % {"note": note.number}
        )
    if note.status != DeliveryNote.Status.INVOICED:
        raise FulfilmentError(
            _("Delivery note %(note)s is %(status)s and cannot be handed over.")
            % {"note": note.number, "status": note.get_status_display()}
        )
    used = Shipment.objects.filter(carrier=carrier, tracking_number=tracking_number).first()
    if used is not None:
        raise FulfilmentError(
            _("%(carrier)s tracking number %(tracking)s is already used for order %(order)s.")
            % {"carrier": carrier.name, "tracking": tracking_number, "order": used.order},
            field="tracking_number",
        )
    period_assert_open(division=note.division, at=at)
    for line in lines:
        stock_move_post(
            levels[line.product_id],
            kind=StockMove.Kind.SHIPMENT,
            quantity=-line.quantity,
            by=by,
            document=note.number,
            at=at,
            from_reserved=True,
        )
    before = note.status
    note.ship(at=at)
    note.save(update_fields=["status", "shipped_at"])
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                delivery_note=note,
                order=order,
                warehouse=note.warehouse,
                carrier=carrier,
                tracking_number=tracking_number,
                parcels=parcels,
                weight_kg=weight,
                freight_cost=freight_cost(
                    carrier=carrier, province_code=order.province_code, weight_kg=weight
                ),
                shipped_at=at,
                shipped_by=by,
            )
    except IntegrityError:  # a concurrent hand-over took the tracking number first
        raise FulfilmentError(
            _("%(carrier)s tracking number %(tracking)s is already used.")
            % {"carrier": carrier.name, "tracking": tracking_number},
            field="tracking_number",
        ) from None
    audit_record(
        obj=note,
        action="shipped",
        by=by,
        from_state=before,
        to_state=note.status,
        data={
            "carrier": carrier.code,
            "tracking_number": tracking_number,
            "parcels": parcels,
            "weight_kg": str(weight),
        },
    )
    order_sync(order, by=by, at=at)
    return shipment
