from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Monday 03:00 Asia/Shanghai: sales-velocity classes A/B/C of listed products from the
    # last 90 days' units, and the slow-mover flag (no sale in 30 days). Idempotent.
    "catalog-velocity-classify": {
        "task": "catalog.tasks.velocity_classify_task",
        "schedule": crontab(hour=3, minute=0, day_of_week="mon"),
    },
}
