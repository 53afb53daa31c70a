"""The low-stock scan as a Celery task (to be merged into fulfilment/tasks.py)."""

from __future__ import annotations

from celery import shared_task

from .services.replenishment import low_stock_scan


@shared_task
def low_stock_scan_task() -> int:
    """Idempotent: an open episode is alerted once; a second run opens nothing new.
    Returns the number of episodes opened."""
    return len(low_stock_scan())
