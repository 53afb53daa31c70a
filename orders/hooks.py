"""Callbacks that later apps register, so orders never imports them (STYLE: one-way
dependencies).

**Cancellation participants.** Cancelling an order may need other apps: fulfilment
releases the stock reserved by its delivery notes, billing issues a red-letter credit note
for an issued invoice (or refuses the cancellation). Each registers once, in its
AppConfig.ready():

    from orders.hooks import register_cancellation_participant
    register_cancellation_participant(release_reserved_stock, stage=STAGE_STOCK, name="fulfilment")

`order_cancel` calls every participant as `fn(*, order, by, reason)` inside the cancelling
transaction, after the order row is locked and its transition checked, before it is saved
as cancelled, in ascending `stage` (then registration order). Participants follow the lock
order (docs/architecture.md): the order row is already held; they lock stock rows in
primary-key order, then their documents. A participant refuses by raising an
`orders.exceptions.OrderError` (e.g. `CancellationRefused`) with a message for the user;
any exception rolls the whole cancellation back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Stages: what must happen first comes first. Billing decides before stock is touched
# (a refusal then costs nothing), stock is released before documents are cancelled.
STAGE_BILLING = 100
STAGE_STOCK = 200
STAGE_DOCUMENTS = 300

Participant = Callable[..., None]


@dataclass(frozen=True)
class _Registered:
    stage: int
    name: str
    callback: Participant


_participants: list[_Registered] = []


def register_cancellation_participant(callback: Participant, *, stage: int, name: str) -> None:
    """Register once; registering the same callable again is a no-op."""
    if any(entry.callback is callback for entry in _participants):
        return
    _participants.append(_Registered(stage, name, callback))
    _participants.sort(key=lambda entry: entry.stage)  # stable: registration order kept


def unregister_cancellation_participant(callback: Participant) -> None:
    _participants[:] = [entry for entry in _participants if entry.callback is not callback]


def cancellation_participants() -> list[tuple[int, str]]:
    """(stage, name) in calling order, for the docs and the tests."""
    return [(entry.stage, entry.name) for entry in _participants]


def cancellation_run(*, order: Any, by: Any, reason: str) -> None:
    for entry in list(_participants):
        entry.callback(order=order, by=by, reason=reason)


# --- Shipments (the intake API shows every shipment's tracking) ---------------------------
# Fulfilment registers one callable `fn(order) -> list[dict]`, each dict with carrier,
# carrier_code, tracking_number, shipped_at, parcels, delivery_note and warehouse, oldest
# first; without it (or before anything shipped) the list is empty.
ShipmentsSource = Callable[[Any], list[dict[str, Any]]]
_shipments_sources: list[ShipmentsSource] = []


def register_shipments_source(source: ShipmentsSource) -> None:
    if source not in _shipments_sources:
        _shipments_sources.append(source)


def order_shipments(order: Any) -> list[dict[str, Any]]:
    shipments: list[dict[str, Any]] = []
    for source in _shipments_sources:
        shipments.extend(source(order))
    return shipments


# --- Sections of the order page -------------------------------------------------------------
# A later app adds a section to the order page (fulfilment: its delivery notes and
# shipments) with `fn(request, order) -> (template, context) | None`.
OrderSection = Callable[[Any, Any], "tuple[str, dict[str, Any]] | None"]
_order_sections: list[OrderSection] = []


def register_order_section(section: OrderSection) -> None:
    if section not in _order_sections:
        _order_sections.append(section)


def order_sections(request: Any, order: Any) -> list[dict[str, Any]]:
    sections = []
    for section in _order_sections:
        found = section(request, order)
        if found is not None:
            sections.append({"template": found[0], "context": found[1]})
    return sections


# --- close blockers ---------------------------------------------------------------------------
# Closing a delivered order (after its return window) is refused while a later app still has
# open business with it — returns registers one for a return in progress.
# `fn(*, order) -> str` returns the reason (for the user) or "" when the order may close.
CloseBlocker = Callable[..., str]
_close_blockers: list[CloseBlocker] = []


def register_close_blocker(blocker: CloseBlocker) -> None:
    if blocker not in _close_blockers:
        _close_blockers.append(blocker)


def unregister_close_blocker(blocker: CloseBlocker) -> None:
    if blocker in _close_blockers:
        _close_blockers.remove(blocker)


def close_blocked(*, order: Any) -> str:
    """The first blocker's reason, or "" when nothing holds the order open."""
    for blocker in list(_close_blockers):
        reason = blocker(order=order)
        if reason:
            return str(reason)
    return ""
