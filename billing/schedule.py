"""Celery beat entries of billing (merged into CELERY_BEAT_SCHEDULE by settings; times are
Beijing time, CELERY_TIMEZONE)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # 08:00 each working day: the daily close (sales ledger + internal statement) of every
    # day since each division's last close; the task skips Sundays and holidays, and the
    # next working day's run catches their days up.
    "billing-daily-close": {
        "task": "billing.tasks.daily_close_task",
        "schedule": crontab(hour=8, minute=0),
    },
}
