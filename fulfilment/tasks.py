"""Celery tasks of fulfilment; each is idempotent and safe to run late or twice."""

from celery import shared_task

from .services.replenishment import low_stock_scan
from .services.reports import logistics_report_run, shipped_list_run


@shared_task
def logistics_report_task() -> str:
    """08:30 daily: the logistics report of the working day (nothing on other days)."""
    report = logistics_report_run()
    return report.number if report else "not a working day"


@shared_task
def shipped_list_task() -> int:
    """17:00 daily: each division's shipped orders of the day to its sales reps, once."""
    return len(shipped_list_run())


@shared_task
def low_stock_scan_task() -> int:
    """Hourly in business hours: open low-stock episodes (alerted once, with a proposed
    replenishment request) and close those no longer low. Returns the episodes opened."""
    return len(low_stock_scan())
