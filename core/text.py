"""What a stored text may contain, for every input path (API, forms, services, URLs).

Control characters (C0 and C1, except tab, line feed and carriage return in multi-line
text), lone surrogates and Unicode noncharacters have no business in a name, an address or
an order number: PostgreSQL refuses NUL outright (a 500 if it reaches the database), and
the others print as garbage on invoices and pick lists. A value made only of invisible
characters (spaces of any width, zero-width spaces, joiners, BOM) is empty.
"""

from __future__ import annotations

import re
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


def _forbidden_class(*, multiline: bool) -> re.Pattern[str]:
    """`_forbidden` as one character class (Cc is U+0000–U+001F and U+007F–U+009F, Cs the
    surrogates; the noncharacters U+FDD0–U+FDEF and the last two code points of every
    plane): one regular-expression search per value instead of a Unicode look-up per
    character — every text field of every intake passes here. tests/core/test_text.py
    holds the two equal over every code point."""
    controls = r"\x00-\x08\x0b\x0c\x0e-\x1f" if multiline else r"\x00-\x1f"
    planes = "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17))
    surrogates_and_nonchars = r"\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    return re.compile(rf"[{controls}\x7f-\x9f{surrogates_and_nonchars}{planes}]")


_FORBIDDEN = {False: _forbidden_class(multiline=False), True: _forbidden_class(multiline=True)}


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    return _FORBIDDEN[multiline].search(value) is not None


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
