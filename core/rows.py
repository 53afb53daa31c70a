"""Helpers for list rows written in Python (the template tags of the long lists: triage,
delivery-note queue and notes, invoices, daily closes, returns).

A row writer gives the HTML its template loop gave, with what is the same for every row —
the words, the addresses, the number format, the time zone — looked up once per page; each
writer's test compares it with the loop it replaced, in both languages.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

# each address comes from one reversal with this number in the row's place
_PK_PLACEHOLDER = 987654321


def escape(value: Any) -> str:
    """`django.utils.html.escape` (the same replacements) without its check for lazy
    arguments on every call; a lazy string is translated here."""
    return html.escape(str(value))


def address(name: str) -> tuple[str, str]:
    """What comes before and after the row's primary key in the address `name` (escaped):
    `f"{before}{pk}{after}"` is `reverse(name, args=[pk])`."""
    reversed_ = reverse(name, args=[_PK_PLACEHOLDER])
    before, after = reversed_.split(str(_PK_PLACEHOLDER), 1)
    return escape(before), escape(after)


class Numbers:
    """`{{ value }}` of a value as the template engine writes it (localised): an integer or
    a finite decimal, without thousands grouping, is its plain digits with the language's
    decimal separator (looked up once); anything else goes through Django's formatting;
    None is "None", as the engine writes it."""

    def __init__(self) -> None:
        self.grouped = settings.USE_THOUSAND_SEPARATOR
        self.separator = str(formats.get_format("DECIMAL_SEPARATOR"))

    def __call__(self, value: Any) -> str:
        if value is None:
            return "None"
        if self.grouped or isinstance(value, bool) or not isinstance(value, int | Decimal):
            return escape(formats.localize(value))
        if isinstance(value, int):
            return str(value)
        if not value.is_finite():
            return escape(formats.localize(value))
        text = f"{value:f}"
        return text.replace(".", self.separator) if self.separator != "." else text


def local_minute(moment: dt.datetime | None, zone: Any) -> str:
    """`{{ moment|date:"Y-m-d H:i" }}` of an aware moment, in `zone` (the active one)."""
    if moment is None:
        return ""
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")
