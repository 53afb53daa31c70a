"""Writes of the fulfilment app (SPEC §3); views, jobs and later apps call these."""

from .delivery_notes import (
    delivery_note_cancel,
    delivery_note_create,
    delivery_note_create_replacement,
    delivery_note_mark_invoiced,
    order_remaining,
    order_sync,
    progress_of,
    waiting_notes_release,
)
from .shipping import freight_cost, shipment_create
from .stock import stock_levels_lock, stock_move_post, stock_release, stock_reserve

__all__ = [
    "delivery_note_cancel",
    "delivery_note_create",
    "delivery_note_create_replacement",
    "delivery_note_mark_invoiced",
    "freight_cost",
    "order_remaining",
    "order_sync",
    "progress_of",
    "shipment_create",
    "stock_levels_lock",
    "stock_move_post",
    "stock_release",
    "stock_reserve",
    "waiting_notes_release",
]
