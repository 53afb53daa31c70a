import smtplib

from celery import shared_task
from django.conf import settings

from .notifications import notification_email_requeue, notification_email_send
from .services import calendar_next_year_check


@shared_task
def calendar_next_year_check_task() -> bool:
    return calendar_next_year_check()


@shared_task
def broker_echo_task(value: str) -> str:
    """Round trip through the configured broker (used by the broker health test)."""
    return value


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    # 30 s, 60 s, 120 s … (jittered, at most an hour apart) until the row says "failed"
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS - 1,
)
def notification_email_send_task(notification_id: int) -> str:
    """Idempotent: the row records that its e-mail went, so a retry sends nothing twice."""
    return notification_email_send(notification_id=notification_id)


@shared_task
def notification_email_requeue_task() -> int:
    return notification_email_requeue()
