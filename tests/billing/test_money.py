"""Rounding to the fen, the VAT inside tax-inclusive amounts and amounts in Chinese capitals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.money import amount_in_chinese, fen, line_tax


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),  # the half fen rounds up
        ("0.004", "0.00"),
        ("0.0049999", "0.00"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # half-up, not banker's rounding (which gives 0.02)
        ("2.675", "2.68"),  # exact in Decimal (a float would give 2.67)
        ("1.005", "1.01"),
        ("-0.005", "-0.01"),  # away from zero on credit notes
        ("-2.675", "-2.68"),
        ("10", "10.00"),
        ("99999999999.995", "100000000000.00"),
    ],
)
def test_fen_rounds_half_up(value: str, expected: str) -> None:
    assert fen(Decimal(value)) == Decimal(expected)
    assert str(fen(Decimal(value))) == expected


def test_fen_accepts_ints_strings_and_floats_without_binary_error() -> None:
    assert fen(3) == Decimal("3.00")
    assert fen("0.125") == Decimal("0.13")
    assert fen(2.675) == Decimal("2.68")  # Decimal(2.675) is 2.67499999…


@pytest.mark.parametrize(
    ("amount", "rate", "tax"),
    [
        ("113.00", "0.13", "13.00"),
        ("100.00", "0.13", "11.50"),  # 11.5044…
        ("0.05", "0.13", "0.01"),  # 0.00575… rounds up to one fen
        ("0.04", "0.13", "0.00"),  # 0.00460… rounds down
        ("0.01", "0.13", "0.00"),
        ("0.09", "0.13", "0.01"),
        ("10.00", "0.13", "1.15"),  # 1.1504…
        ("4.35", "0.13", "0.50"),  # 0.50044…
        ("4.34", "0.13", "0.50"),  # 0.49929… (just under the half fen above)
        ("109.00", "0.09", "9.00"),
        ("100.00", "0.09", "8.26"),  # 8.2568…
        ("106.00", "0.06", "6.00"),
        ("0.09", "0.06", "0.01"),  # 0.005094… crosses the half fen
        ("0.08", "0.06", "0.00"),  # 0.004528…
        ("123.45", "0.00", "0.00"),
        ("-0.05", "0.13", "-0.01"),
        ("-100.00", "0.13", "-11.50"),
    ],
)
def test_line_tax_of_a_tax_inclusive_amount(amount: str, rate: str, tax: str) -> None:
    assert line_tax(Decimal(amount), Decimal(rate)) == Decimal(tax)


def test_per_line_taxes_differ_from_the_tax_of_the_total() -> None:
    amounts = [Decimal("0.05")] * 30
    per_line = sum(line_tax(a, Decimal("0.13")) for a in amounts)
    naive = line_tax(sum(amounts), Decimal("0.13"))
    assert per_line == Decimal("0.30")
    assert naive == Decimal("0.17")  # 1.50 × 13 / 113 = 0.1725…


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("0.05", "伍分"),
        ("100000000", "壹亿元整"),
        ("1001.01", "壹仟零壹元零壹分"),
        ("-12.30", "负壹拾贰元叁角整"),
        ("-0.05", "负伍分"),
        ("0", "零元整"),
        ("0.50", "伍角整"),
        ("0.15", "壹角伍分"),
        ("1", "壹元整"),
        ("1.02", "壹元零贰分"),
        ("10", "壹拾元整"),
        ("10.05", "壹拾元零伍分"),
        ("15", "壹拾伍元整"),
        ("20", "贰拾元整"),
        ("100", "壹佰元整"),
        ("105", "壹佰零伍元整"),
        ("110", "壹佰壹拾元整"),
        ("1000.05", "壹仟元零伍分"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10010", "壹万零壹拾元整"),
        ("60003.07", "陆万零叁元零柒分"),
        ("100010", "壹拾万零壹拾元整"),
        ("1010000", "壹佰零壹万元整"),
        ("10000500", "壹仟万零伍佰元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("100000001", "壹亿零壹元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1000000000000", "壹万亿元整"),
        ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ("1130.00", "壹仟壹佰叁拾元整"),
        ("0.005", "壹分"),  # rounded to the fen first
    ],
)
def test_amount_in_chinese_capitals(value: str, words: str) -> None:
    assert amount_in_chinese(Decimal(value)) == words


def test_amount_in_chinese_refuses_what_no_invoice_can_hold() -> None:
    with pytest.raises(ValueError, match="too large"):
        amount_in_chinese(Decimal("10000000000000000"))
