"""Celery beat entries of the orders app (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every minute, day and night (Asia/Shanghai): flag orders whose running SLA step is
    # past due and notify the step's role and its lead, once per order and step.
    "orders-sla-scan": {
        "task": "orders.tasks.sla_scan_task",
        "schedule": crontab(),
    },
}
