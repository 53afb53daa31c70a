"""What a stored text may contain, for every input path (API, forms, services, URLs).

Control characters (C0 and C1, except tab, line feed and carriage return in multi-line
text), lone surrogates and Unicode noncharacters have no business in a name, an address or
an order number: PostgreSQL refuses NUL outright (a 500 if it reaches the database), and
the others print as garbage on invoices and pick lists. A value made only of invisible
characters (spaces of any width, zero-width spaces, joiners, BOM) is empty.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LINE_BREAKS = {"\t", "\n", "\r"}
CONTROL_MESSAGE = _("Control characters (such as NUL) are not allowed.")


def _forbidden(char: str, *, multiline: bool) -> bool:
    if multiline and char in _LINE_BREAKS:
        return False
    code = ord(char)
    category = unicodedata.category(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
    return category in ("Cc", "Cs") or noncharacter


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return any(_forbidden(char, multiline=multiline) for char in value)


def is_blank(value: str) -> bool:
    """Nothing visible: only whitespace (incl. the ideographic space) and invisible format
    characters (zero-width space, joiners, BOM …)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in value)


def refuse_control_characters(value: object) -> None:
    """A form and model validator (single-line text)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def refuse_control_characters_multiline(value: object) -> None:
    if isinstance(value, str) and has_control_characters(value, multiline=True):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
