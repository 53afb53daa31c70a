"""Celery beat entries of fulfilment (merged into CELERY_BEAT_SCHEDULE by settings;
times are Beijing time, CELERY_TIMEZONE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Before 09:00 each working day: the shipments since the last report; the task skips
    # Sundays and holidays, and the next working day's run catches them up.
    "fulfilment-logistics-report": {
        "task": "fulfilment.tasks.logistics_report_task",
        "schedule": crontab(hour=8, minute=30),
    },
    # Before the end of each working day: the day's shipped orders to the sales reps.
    "fulfilment-shipped-list": {
        "task": "fulfilment.tasks.shipped_list_task",
        "schedule": crontab(hour=17, minute=0),
    },
    # Hourly at :05, 08:05–17:05 Monday–Saturday: the low-stock scan (idempotent).
    "fulfilment-low-stock-scan": {
        "task": "fulfilment.tasks.low_stock_scan_task",
        "schedule": crontab(minute=5, hour="8-17", day_of_week="mon-sat"),
    },
    # Monday 07:30: this week's stock-take sheet for every active warehouse (idempotent).
    "fulfilment-stock-take-weekly": {
        "task": "fulfilment.tasks.stock_take_weekly_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}
