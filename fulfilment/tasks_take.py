"""The weekly stock-take job (beat: Mondays 07:30 Asia/Shanghai)."""

from celery import shared_task

from .services.stock_take import stock_take_weekly_run


@shared_task
def stock_take_weekly_task() -> int:
    """Idempotent: a warehouse that has this week's sheet is skipped. Returns how many
    sheets were opened."""
    return len(stock_take_weekly_run())
