"""SMS gateway interface. The default backend stores outgoing messages (admins see them)."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SmsMessage

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(
        self, *, phone: str, text: str, reference: str = "", division: Any = None
    ) -> SmsMessage | None: ...


class OutboxSmsBackend:
    """Keeps every outgoing SMS in the database (the outbox); nothing leaves the system."""

    def send(
        self, *, phone: str, text: str, reference: str = "", division: Any = None
    ) -> SmsMessage:
        return SmsMessage.objects.create(
            phone=phone,
            text=text,
            reference=reference[:40],
            division=division,
            backend=type(self).__name__,
            sent_at=timezone.now(),
        )


class ConsoleSmsBackend:
    """Writes the message to the log and keeps a copy in the outbox."""

    def send(
        self, *, phone: str, text: str, reference: str = "", division: Any = None
    ) -> SmsMessage:
        logger.info("SMS to %s: %s", phone, text)
        return SmsMessage.objects.create(
            phone=phone,
            text=text,
            reference=reference[:40],
            division=division,
            backend=type(self).__name__,
            sent_at=timezone.now(),
        )


def get_sms_backend() -> SmsBackend:
    backend_class = import_string(settings.SMS_BACKEND)
    backend: SmsBackend = backend_class()
    return backend


def sms_send(
    *, phone: str, text: str, reference: str = "", division: Any = None
) -> SmsMessage | None:
    """Send through the configured gateway; `reference` names the document the message is
    about (e.g. a return's number), so its page can list what the customer was told;
    `division` whose staff may read it in the outbox."""
    return get_sms_backend().send(phone=phone, text=text, reference=reference, division=division)
