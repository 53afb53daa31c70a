from decimal import Decimal

import pytest

from core.templatetags.money import amount, cny, percent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("6180"), "¥6,180.00"),
        (Decimal("1234567.895"), "¥1,234,567.90"),
        (Decimal("0.005"), "¥0.01"),
        (Decimal("-12"), "-¥12.00"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_cny(value, expected):
    assert cny(value) == expected


def test_amount_has_no_currency_sign():
    assert amount(Decimal("2801")) == "2,801.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("0.130"), "13%"), (Decimal("0.065"), "6.5%"), (Decimal("0"), "0%"), (None, "—")],
)
def test_percent(value, expected):
    assert percent(value) == expected
