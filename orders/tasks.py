from celery import shared_task

from .services.sla import sla_scan


@shared_task
def sla_scan_task() -> int:
    """Idempotent: a breach already flagged is neither flagged nor notified again."""
    return sla_scan()
