"""In-app notifications (the policy's OA messages) with an e-mail copy.

A message goes to given users, or to a role within a division (the role's members of
that division, plus the role's head-office members who see every division).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import smtplib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from . import rawsql
from .audit import audit_record
from .models import Division, Notification

logger = logging.getLogger(__name__)


Text = str | Callable[[], Any]


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


def role_members(*, role: str, division: Division | None = None) -> QuerySet[Any]:
    users = get_user_model().objects.filter(is_active=True, groups__name=role)
    if division is not None and role not in settings.HEAD_OFFICE_ROLES:
        users = users.filter(Q(divisions=division) | Q(is_superuser=True))
    return users.distinct()


def notify(
    *,
    subject: Text,
    body: Text = "",
    link: str = "",
    topic: str = "",
    users: Iterable[Any] = (),
    roles: Iterable[str] = (),
    division: Division | None = None,
    email: bool = True,
) -> list[Notification]:
    """Send one message to every recipient once; the e-mail copy goes after commit.

    `subject` and `body` may be callables returning the text: they are then rendered in
    each recipient's language (a message to an English-speaking user reads in English)."""
    recipients: dict[int, Any] = {user.pk: user for user in users}
    for role in roles:
        for user in role_members(role=role, division=division):
            recipients.setdefault(user.pk, user)
    queued = Notification.EmailState.QUEUED
    rendered: dict[str, tuple[str, str]] = {}

    def texts(user: Any) -> tuple[str, str]:
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (_render(subject), _render(body))
        return rendered[language]

    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                subject=texts(user)[0][:200],
                body=texts(user)[1],
                link=link,
                topic=topic,
                email_state=queued if email and user.email else Notification.EmailState.NONE,
            )
            for user in recipients.values()
        ]
    )
    to_mail = [n.pk for n in created if n.email_state == queued]
    if to_mail:
        transaction.on_commit(lambda: _email_queue(to_mail))
    return created


def _email_queue(notification_ids: list[int]) -> None:
    from .tasks import notification_email_send_task

    for notification_id in notification_ids:
        try:
            notification_email_send_task.delay(notification_id)
        except Exception:  # a broker outage must not fail the request whose rows are saved
            logger.exception("E-mail of notification %s not sent now", notification_id)


def notification_email_send(*, notification_id: int) -> str:
    """Send the e-mail copy of one inbox row, once: the row is locked and its state says
    whether it still has to go, so a retried or duplicated task sends nothing twice.
    On a failure the row keeps `queued` (the task retries) and the error is recorded;
    after `NOTIFICATION_EMAIL_MAX_ATTEMPTS` it is `failed`. Returns the state."""
    error: Exception | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_state != Notification.EmailState.QUEUED:
            return notification.email_state if notification else ""
        try:
            _email_deliver(notification)
        except (smtplib.SMTPException, OSError) as failure:
            error = failure
        _email_record(notification, error)
    if error is not None and notification.email_state == Notification.EmailState.QUEUED:
        raise error
    return notification.email_state


def notification_email_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue the e-mail again for rows still `queued` an hour after they were written:
    their task was lost (broker down at commit, a worker killed). One hour is longer than
    the task's own retries take, and a duplicate task would send nothing twice anyway."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        email_state=Notification.EmailState.QUEUED,
        created_at__lt=now - dt.timedelta(hours=1),
    ).values_list("pk", flat=True)
    ids = list(stale[:1000])
    _email_queue(ids)
    return len(ids)


def _email_deliver(notification: Notification) -> None:
    address = notification.recipient.email
    if not address:
        raise smtplib.SMTPRecipientsRefused({"": (550, b"the recipient has no e-mail address")})
    send_mail(
        notification.subject,
        _mail_body(notification.body, notification.link),
        None,
        [address],
        fail_silently=False,
    )


def _email_record(notification: Notification, error: Exception | None) -> None:
    before = notification.email_state
    notification.email_attempts += 1
    if error is None:
        notification.email_state = Notification.EmailState.SENT
        notification.email_sent_at = timezone.now()
        notification.email_error = ""
    else:
        notification.email_error = f"{type(error).__name__}: {error}"[:300]
        if notification.email_attempts >= settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS:
            notification.email_state = Notification.EmailState.FAILED
    notification.save(
        update_fields=["email_state", "email_sent_at", "email_attempts", "email_error"]
    )
    if notification.email_state != before:
        audit_record(
            obj=notification,
            action=f"email_{notification.email_state}",
            from_state=before,
            to_state=notification.email_state,
            data={"attempts": notification.email_attempts, "error": notification.email_error},
        )


def absolute_url(path: str) -> str:
    """A portal path as a full URL, for e-mail (a mail client cannot follow `/orders/1/`)."""
    if not path or "://" in path:
        return path
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _mail_body(body: str, link: str) -> str:
    url = absolute_url(link)
    return f"{body}\n\n{url}" if url and url not in body else body


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: Any) -> int:
    """How many notifications of `user` are unread: the menu's badge on every page, so a
    fixed statement (core.rawsql; see core.request_reads) rather than a compiled count."""
    return int(rawsql.fetch(_unread_sql(), [user.pk])[0][0])


@functools.cache
def _unread_sql() -> str:
    recipient, read_at = (rawsql.column(Notification, f) for f in ("recipient", "read_at"))
    return (
        f"SELECT COUNT(*) FROM {rawsql.table(Notification)} "  # noqa: S608 (names from the model)
        f"WHERE {recipient} = %s AND {read_at} IS NULL"
    )


LATEST_FIELDS = ("id", "recipient_id", "created_at", "subject", "link", "topic", "read_at")


def latest_for(user: Any, count: int = 5) -> list[Notification]:
    """The user's newest `count` notifications, newest first (the home page's panel on
    every role's home): a fixed statement like `unread_count`. The message body and the
    e-mail's state are not read (deferred)."""
    return rawsql.load(Notification, LATEST_FIELDS, rawsql.fetch(_latest_sql(), [user.pk, count]))


@functools.cache
def _latest_sql() -> str:
    created, pk = rawsql.column(Notification, "created_at"), rawsql.column(Notification, "id")
    return (
        f"SELECT {rawsql.columns(Notification, LATEST_FIELDS)} "  # noqa: S608 (the model's names)
        f"FROM {rawsql.table(Notification)} "
        f"WHERE {rawsql.column(Notification, 'recipient')} = %s "
        f"ORDER BY {created} DESC, {pk} DESC LIMIT %s"
    )
