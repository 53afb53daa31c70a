"""The e-mail copy of an inbox message goes from a Celery task after commit, once, with
retries; the inbox row never depends on it."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail

from core.audit import audit_history
from core.models import Notification
from core.notifications import notification_email_requeue, notification_email_send, notify
from core.tasks import notification_email_send_task

pytestmark = pytest.mark.django_db

FAILING = "tests.core.test_notification_email.RefusingBackend"


class RefusingBackend:
    """An SMTP server that is down."""

    sent_attempts = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        type(self).sent_attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise ConnectionRefusedError("broker down")


@pytest.fixture(autouse=True)
def _reset() -> None:
    RefusingBackend.sent_attempts = 0


def test_the_mail_goes_after_commit_and_the_row_records_it(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rep = make_user("sales_rep", username="rep")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message] = notify(subject="请处理", body="订单待识别", users=[rep])
    assert mail.outbox == []  # nothing leaves inside the transaction
    assert message.email_state == Notification.EmailState.QUEUED

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["rep@example.test"]]
    assert (message.email_state, message.email_attempts) == ("sent", 1)
    assert message.email_sent_at is not None
    assert [(r.action, r.from_state, r.to_state) for r in audit_history(message)] == [
        ("email_sent", "queued", "sent")
    ]


def test_a_retried_or_repeated_task_sends_nothing_twice(make_user: Any) -> None:
    rep = make_user("sales_rep", username="rep")
    [message] = notify(subject="请处理", users=[rep])  # no commit in this test: not sent yet

    first = notification_email_send_task.delay(message.pk).get()
    second = notification_email_send_task.delay(message.pk).get()

    assert (first, second) == ("sent", "sent")
    assert len(mail.outbox) == 1


def test_a_failing_backend_keeps_the_row_and_marks_it_for_retry(
    make_user: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    rep = make_user("sales_rep", username="rep")
    [message] = notify(subject="请处理", users=[rep])

    with pytest.raises(smtplib.SMTPServerDisconnected):
        notification_email_send(notification_id=message.pk)

    message.refresh_from_db()
    assert message.email_state == Notification.EmailState.QUEUED  # the retry will send it
    assert message.email_attempts == 1
    assert message.email_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert Notification.objects.filter(recipient=rep, subject="请处理").count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_email_send(notification_id=message.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_task_asks_for_a_retry_and_finally_gives_up_leaving_the_inbox_row(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = FAILING
    rep = make_user("sales_rep", username="rep")
    attempts = settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS

    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(subject="请处理", users=[rep])  # the request does not fail
    message.refresh_from_db()
    assert (message.email_state, message.email_attempts) == ("queued", 1)

    with pytest.raises(Retry):  # autoretry with backoff on the SMTP error
        notification_email_send_task.apply(args=[message.pk])
    for _ in range(attempts - 3):
        with pytest.raises(smtplib.SMTPException):
            notification_email_send(notification_id=message.pk)
    assert notification_email_send(notification_id=message.pk) == "failed"  # the last one

    message.refresh_from_db()
    assert RefusingBackend.sent_attempts == attempts
    assert (message.email_state, message.email_attempts) == ("failed", attempts)
    assert message.read_at is None and message.subject == "请处理"
    assert [r.action for r in audit_history(message)] == ["email_failed"]
    # a late duplicate of the task does not try again
    assert notification_email_send(notification_id=message.pk) == "failed"
    assert RefusingBackend.sent_attempts == attempts


def test_the_task_retries_smtp_errors_with_backoff(settings: Any) -> None:
    task = notification_email_send_task
    assert smtplib.SMTPException in task.autoretry_for
    assert task.retry_backoff == 30 and task.retry_jitter is True
    assert task.max_retries == settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS - 1


def test_the_inbox_row_is_written_even_when_no_e_mail_can_be_queued(
    make_user: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rep = make_user("sales_rep", username="rep")

    monkeypatch.setattr(notification_email_send_task, "delay", _broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(subject="请处理", users=[rep])  # does not raise

    assert Notification.objects.filter(recipient=rep, email_state="queued").count() == 1
    assert mail.outbox == []


def test_recipients_without_an_address_get_the_inbox_row_only(make_user: Any) -> None:
    rep = make_user("sales_rep", username="rep", email="")

    [message] = notify(subject="请处理", users=[rep])

    assert message.email_state == Notification.EmailState.NONE
    assert notification_email_send(notification_id=message.pk) == ""
    assert mail.outbox == []


def test_rows_whose_task_was_lost_are_queued_again_after_an_hour(
    make_user: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rep = make_user("sales_rep", username="rep")
    monkeypatch.setattr(notification_email_send_task, "delay", _broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        [lost] = notify(subject="请处理", users=[rep])
    monkeypatch.undo()
    written = Notification.objects.get(pk=lost.pk).created_at

    assert notification_email_requeue(now=written + dt.timedelta(minutes=59)) == 0
    assert mail.outbox == []
    assert notification_email_requeue(now=written + dt.timedelta(minutes=61)) == 1

    lost.refresh_from_db()
    assert lost.email_state == Notification.EmailState.SENT
    assert [m.to for m in mail.outbox] == [["rep@example.test"]]
    assert notification_email_requeue(now=written + dt.timedelta(hours=2)) == 0
