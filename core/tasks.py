from celery import shared_task

from .services import calendar_next_year_check


@shared_task
def calendar_next_year_check_task() -> bool:
    return calendar_next_year_check()


@shared_task
def broker_echo_task(value: str) -> str:
    """Round trip through the configured broker (used by the broker health test)."""
    return value
