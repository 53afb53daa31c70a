"""In-app notifications (the policy's OA messages) with an e-mail copy.

A message goes to given users, or to a role within a division (the role's members of
that division, plus the role's head-office members who see every division).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Division, Notification


def role_members(*, role: str, division: Division | None = None) -> QuerySet[Any]:
    users = get_user_model().objects.filter(is_active=True, groups__name=role)
    if division is not None and role not in settings.HEAD_OFFICE_ROLES:
        users = users.filter(Q(divisions=division) | Q(is_superuser=True))
    return users.distinct()


def notify(
    *,
    subject: str,
    body: str = "",
    link: str = "",
    topic: str = "",
    users: Iterable[Any] = (),
    roles: Iterable[str] = (),
    division: Division | None = None,
    email: bool = True,
) -> list[Notification]:
    """Send one message to every recipient once; the e-mail copy goes after commit."""
    recipients: dict[int, Any] = {user.pk: user for user in users}
    for role in roles:
        for user in role_members(role=role, division=division):
            recipients.setdefault(user.pk, user)
    created = Notification.objects.bulk_create(
        [
            Notification(recipient=user, subject=subject[:200], body=body, link=link, topic=topic)
            for user in recipients.values()
        ]
    )
    if email:
        addresses = [user.email for user in recipients.values() if user.email]
        if addresses:
            messages = [(subject, _mail_body(body, link), None, [a]) for a in addresses]
            transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return created


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
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
