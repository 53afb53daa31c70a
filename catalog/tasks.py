from __future__ import annotations

from celery import shared_task

from .services import velocity_classify


@shared_task
def velocity_classify_task() -> dict[str, int]:
    """Weekly sales-velocity classes; idempotent, safe to run late or twice."""
    result = velocity_classify()
    return {**result.counts, "slow_movers": result.slow_movers, "changed": result.changed}
