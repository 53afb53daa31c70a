"""Pick lists (waves): the warehouse prints one pick list for the delivery notes of one
ship-by day and warehouse, or for a selection of them. A pick list changes no stock and no
note: it records what was printed, when and by whom (reprinting it is allowed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import Warehouse
from core.scoping import scope_to_user_divisions

from ..exceptions import FulfilmentError
from ..models import DeliveryNote, PickList
from ..numbers import PICK_LIST, number_next
from .delivery_notes import require

PICKABLE = (DeliveryNote.Status.RESERVED, DeliveryNote.Status.INVOICED)


def _visible_notes(by: Any) -> Any:
    notes = DeliveryNote.objects.all()
    return notes if by is None else scope_to_user_divisions(notes, user=by)


def _day_wave(warehouse: Warehouse, ship_by: dt.date) -> list[DeliveryNote]:
    notes = list(
        DeliveryNote.objects.filter(warehouse=warehouse, ship_by=ship_by, status__in=PICKABLE)
    )
    if not notes:
        raise FulfilmentError(
            _(
                "No delivery note of %(warehouse)s ships on %(day)s with its stock reserved: "
                "a pick list needs at least one reserved or invoiced note."
            )
            % {"warehouse": warehouse.code, "day": ship_by.isoformat()},
            field="notes",
        )
    return notes


def _selected_wave(warehouse: Warehouse, note_ids: Iterable[int], by: Any) -> list[DeliveryNote]:
    wanted = set(note_ids)
    if not wanted:
        raise FulfilmentError(
            _("Select at least one delivery note: a pick list is never empty."), field="notes"
        )
    notes = list(_visible_notes(by).filter(pk__in=wanted).select_related("warehouse"))
    if len(notes) != len(wanted):
        raise FulfilmentError(
            _("A selected delivery note does not exist or is not yours to see."), field="notes"
        )
    for note in sorted(notes, key=lambda n: n.number):
        if note.warehouse_id != warehouse.pk:
            raise FulfilmentError(
                _(
                    "Delivery note %(note)s ships from %(other)s, not %(warehouse)s: a pick "
                    "list covers one warehouse."
                )
                % {"note": note.number, "other": note.warehouse.code, "warehouse": warehouse.code},
                field="notes",
            )
        if note.status not in PICKABLE:
            raise FulfilmentError(
                _(
                    "Delivery note %(note)s is %(status)s: only notes with reserved stock or "
                    "invoiced can be picked."
                )
                % {"note": note.number, "status": note.get_status_display()},
                field="notes",
            )
    return notes


@transaction.atomic
def pick_list_create(
    *,
    warehouse: Warehouse,
    by: Any,
    ship_by: dt.date | None = None,
    note_ids: Iterable[int] | None = None,
) -> PickList:
    """The pick list of a wave: every reserved or invoiced note of `warehouse` shipping on
    `ship_by`, or the notes `note_ids` (all of that warehouse, reserved or invoiced)."""
    require(by, "fulfilment.add_picklist", warehouse.division_id)
    if note_ids is not None:
        notes = _selected_wave(warehouse, note_ids, by)
        days = {note.ship_by for note in notes}
        wave_day = days.pop() if len(days) == 1 else None
    elif ship_by is not None:
        notes, wave_day = _day_wave(warehouse, ship_by), ship_by
    else:
        raise FulfilmentError(
            _("Choose a ship-by day or the delivery notes to pick."), field="notes"
        )
    now = timezone.now()
    pick_list = PickList.objects.create(
        number=number_next(PICK_LIST, division=warehouse.division, day=timezone.localdate(now)),
        warehouse=warehouse,
        ship_by=wave_day,
        printed_at=now,
        printed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    pick_list.delivery_notes.set(notes)
    audit_record(
        obj=pick_list,
        action="created",
        by=by,
        note=_("Wave of %(count)d delivery notes") % {"count": len(notes)},
        data={
            "warehouse": warehouse.code,
            "ship_by": wave_day.isoformat() if wave_day else None,
            "selection": note_ids is not None,
            "delivery_notes": sorted(note.number for note in notes),
        },
    )
    return pick_list


def waves_for(*, user: Any, day: dt.date) -> list[dict[str, Any]]:
    """The waves to pick up to and including `day` (overdue ones too): reserved or invoiced
    notes of the user's divisions grouped by warehouse and ship-by day, with the pick lists
    already printed for their notes."""
    notes = scope_to_user_divisions(DeliveryNote.objects.all(), user=user).filter(
        status__in=PICKABLE, ship_by__lte=day
    )
    groups = list(
        notes.values("warehouse", "ship_by")
        .annotate(notes=Count("pk", distinct=True), units=Sum("lines__quantity"))
        .order_by("ship_by", "warehouse")
    )
    warehouses = Warehouse.objects.in_bulk({group["warehouse"] for group in groups})
    printed: dict[tuple[int, dt.date], dict[int, PickList]] = defaultdict(dict)
    links = PickList.delivery_notes.through.objects.filter(deliverynote__in=notes).select_related(
        "picklist", "deliverynote"
    )
    for link in links:
        key = (link.deliverynote.warehouse_id, link.deliverynote.ship_by)
        printed[key][link.picklist_id] = link.picklist
    waves = []
    for group in groups:
        key = (group["warehouse"], group["ship_by"])
        waves.append(
            {
                "warehouse": warehouses[group["warehouse"]],
                "ship_by": group["ship_by"],
                "notes": group["notes"],
                "units": group["units"] or 0,
                "overdue": group["ship_by"] < day,
                "pick_lists": sorted(
                    printed[key].values(), key=lambda p: (p.printed_at, p.pk), reverse=True
                ),
            }
        )
    waves.sort(key=lambda wave: (wave["ship_by"], wave["warehouse"].code))
    return waves
