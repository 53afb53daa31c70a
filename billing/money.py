"""Money on invoices: rounding to the fen, the VAT inside a tax-inclusive amount, and the
amount in Chinese capitals (金额大写) that every invoice prints beside the figures.

Amounts are tax-inclusive (含税价, as the platform sells): the tax of a line is
amount × rate / (1 + rate), rounded half-up to the fen per line; an invoice's tax is the
sum of its lines' taxes, never the tax of the summed amounts (which may differ by fen).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_LIMIT = Decimal(10) ** 16  # up to 万亿 (the database holds 12 integer digits)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # through str: Decimal(0.1) would carry the binary error into the rounding
        return Decimal(str(value))
    return Decimal(value)


def fen(value: Any) -> Decimal:
    """`value` rounded half-up (away from zero at .5) to the fen: 0.005 → 0.01."""
    return _decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def line_tax(amount: Any, rate: Any) -> Decimal:
    """The VAT contained in the tax-inclusive `amount` at `rate` (0.13 for 13 %)."""
    amount, rate = _decimal(amount), _decimal(rate)
    return fen(amount * rate / (1 + rate))


def _section(digits: str, *, started: bool) -> tuple[str, bool]:
    """Up to four digits (千 … 个) in capitals, and whether a zero waits to be written.
    A run of zeros after a written digit becomes one 零, written only before the next
    digit (never at the end)."""
    text, pending = "", False
    padded = digits.rjust(4, "0")
    for index, char in enumerate(padded):
        if char == "0":
            pending = pending or started
            continue
        text += ("零" if pending else "") + _DIGITS[int(char)] + _UNITS[3 - index]
        pending, started = False, True
    return text, pending


def _integer_in_chinese(number: int) -> str:
    """1001 → 壹仟零壹; 100000001 → 壹亿零壹; 0 → ''."""
    digits = str(number)
    sections = [digits[max(0, end - 4) : end] for end in range(len(digits), 0, -4)][::-1]
    count = len(sections)
    text, pending = "", False
    for position, section in enumerate(sections):
        level = count - 1 - position  # 0 个, 1 万, 2 亿, 3 万亿
        if int(section) == 0:
            pending = pending or bool(text)
            continue
        part, trailing = _section(section, started=bool(text))
        if pending and not part.startswith("零"):
            part = "零" + part
        text += part
        if level == 1:
            text += "万"
        elif level == 2:
            text += "亿"
        elif level == 3:
            # 壹万贰仟亿 shares the 亿 of the next section; alone it is 壹万亿
            text += "万" if int(sections[position + 1]) else "万亿"
        pending = trailing
    return text


def amount_in_chinese(value: Any) -> str:
    """The amount in Chinese capitals as written on invoices and cheques:
    1234.50 → 壹仟贰佰叁拾肆元伍角整; 0.05 → 伍分; 1001.01 → 壹仟零壹元零壹分;
    100000000 → 壹亿元整; 0 → 零元整; −3 → 负叁元整."""
    amount = fen(value)
    if amount < 0:
        return "负" + amount_in_chinese(-amount)
    if amount >= _LIMIT:
        raise ValueError(f"{amount} is too large to write in Chinese capitals.")
    cents = int(amount * 100)
    yuan, jiao, fen_digit = cents // 100, cents // 10 % 10, cents % 10
    text = _integer_in_chinese(yuan)
    if text:
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen_digit and text:
        text += "零"  # 壹元零伍分: the empty 角 is spoken
    if fen_digit:
        return text + _DIGITS[fen_digit] + "分"
    return (text or "零元") + "整"
