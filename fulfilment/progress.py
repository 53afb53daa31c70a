"""The order's fulfilment progress as one pure function over its delivery notes.

The order's status (allocated, invoiced, shipped; on hold while only waiting notes exist)
and its "partially shipped" view are derived here and nowhere else; the services move
the order's state machine forward to what this returns (never back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WAITING, RESERVED, INVOICED, SHIPPED, CANCELLED = (
    "waiting",
    "reserved",
    "invoiced",
    "shipped",
    "cancelled",
)
# The order statuses this function can name (values of orders.Order.Status).
ORDER_CONFIRMED, ORDER_ON_HOLD, ORDER_ALLOCATED, ORDER_INVOICED, ORDER_SHIPPED = (
    "confirmed",
    "on_hold",
    "allocated",
    "invoiced",
    "shipped",
)


@dataclass(frozen=True)
class NoteState:
    status: str
    quantity: int  # units on the note


@dataclass(frozen=True)
class Progress:
    status: str  # the order status the notes call for
    ordered: int
    shipped: int  # units on shipped notes
    open: int  # units on waiting, reserved or invoiced notes
    waiting: int  # units waiting for stock

    @property
    def partially_shipped(self) -> bool:
        return self.shipped > 0 and self.status != ORDER_SHIPPED

    @property
    def not_noted(self) -> int:
        """Units of the order on no delivery note (yet)."""
        return max(self.ordered - self.shipped - self.open, 0)


def order_progress(*, ordered: int, notes: Iterable[NoteState]) -> Progress:
    """`ordered`: the order's units; `notes`: its delivery notes (any status).

    shipped — nothing left open and something shipped (a cancelled back-order closes the rest);
    invoiced — some note is invoiced or shipped; allocated — some note has stock reserved;
    on_hold — only waiting notes; confirmed — no live note at all.
    """
    live = [n for n in notes if n.status != CANCELLED]
    shipped = sum(n.quantity for n in live if n.status == SHIPPED)
    open_ = sum(n.quantity for n in live if n.status in (WAITING, RESERVED, INVOICED))
    waiting = sum(n.quantity for n in live if n.status == WAITING)
    statuses = {n.status for n in live}
    if shipped and not open_:
        status = ORDER_SHIPPED
    elif statuses & {INVOICED, SHIPPED}:
        status = ORDER_INVOICED
    elif RESERVED in statuses:
        status = ORDER_ALLOCATED
    elif WAITING in statuses:
        status = ORDER_ON_HOLD
    else:
        status = ORDER_CONFIRMED
    return Progress(status=status, ordered=ordered, shipped=shipped, open=open_, waiting=waiting)
