"""Celery tasks of fulfilment; each is idempotent and safe to run late or twice."""

from celery import shared_task

from .services.replenishment import low_stock_scan
from .services.reports import logistics_report_run, shipped_list_run
from .services.stock_take import stock_take_weekly_run


@shared_task
def logistics_report_task() -> int | None:
    """08:30 daily. Idempotent: one report per working day; a shipment joins exactly one
    report; a report is sent once (an unsent one is sent again by the next run). Skips
    non-working days, whose shipments the next working day's report takes."""
    report = logistics_report_run()
    return report.pk if report is not None else None


@shared_task
def shipped_list_task() -> int:
    """17:00 daily: each division's shipped orders of the day to its sales reps, once."""
    return len(shipped_list_run())


@shared_task
def low_stock_scan_task() -> int:
    """Hourly in business hours: open low-stock episodes (alerted once, with a proposed
    replenishment request) and close those no longer low. Returns the episodes opened."""
    return len(low_stock_scan())


@shared_task
def stock_take_weekly_task() -> int:
    """Mondays 07:30: this week's count sheet for every active warehouse without one.
    Idempotent: a warehouse that has this week's sheet is skipped."""
    return len(stock_take_weekly_run())
