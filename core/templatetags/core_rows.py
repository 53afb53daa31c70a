"""`{% load core_rows %}`: the rows of core's own lists written in Python (core.rows): the
SMS outbox's — the HTML of the template loop it replaced (templates/core/
smsmessage_list.html), compared in both languages by tests/core/test_sms_rows.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.rows import escape, local_minute

register = template.Library()


@register.simple_tag
def sms_rows(messages: Iterable[Any]) -> SafeString:
    """`{% sms_rows messages_sent %}`: each message's time (sent, else queued), masked phone
    (`masked_phone`, set by the view), the document it is about as a filter link, its text
    and gateway."""
    zone = timezone.get_current_timezone()
    rows = []
    for m in messages:
        reference = m.reference
        about = (
            f'<a href="?reference={escape(quote(reference, safe="/"))}">{escape(reference)}</a>'
            if reference
            else "—"
        )
        rows.append(
            f"\n    <tr><td>{local_minute(m.sent_at or m.created_at, zone)}</td>"
            f"<td>{escape(m.masked_phone)}</td><td>{about}</td>"
            f"<td>{escape(m.text)}</td><td>{escape(m.backend)}</td></tr>\n  "
        )
    if not rows:
        word = escape(gettext("No SMS sent."))
        rows.append(f'<tr><td colspan="5" class="muted">{word}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
