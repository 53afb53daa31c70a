"""Celery tasks of billing; each is idempotent and safe to run late or twice."""

from celery import shared_task

from .services.daily_close import daily_close_run


@shared_task
def daily_close_task() -> int:
    """08:00 daily: close every day not closed yet (through yesterday) for each active
    division. Skips non-working days, whose days the next working day's run catches up.
    Idempotent: one close per division and day. Returns the closes produced."""
    return len(daily_close_run())


# the settlement's computing task lives with its service; the worker discovers `tasks`
from .tasks_settlement import settlement_compute_task  # noqa: E402, F401
