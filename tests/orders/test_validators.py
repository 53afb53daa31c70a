"""The shared field rules (used by the API and the keyed-in form)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import validators as v
from tests.orders.factories import CREDIT_CODE, ID_NUMBER, credit_code, resident_id


def rule_of(clean, value) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(v.RuleViolation) as caught:
        clean(value)
    return caught.value.rule


@pytest.mark.parametrize(
    ("body", "expected"),
    # 6·3+0·7+0·9+0·10+3·5+7·8+3·4+4·2 = 109; 109 mod 11 = 10; 11 − 10 = 1
    [("60003734", "1"), ("D2143569", "X"), ("12345678", "8")],
)
def test_organisation_code_check_character(body: str, expected: str) -> None:
    assert v.organisation_code_check_character(body) == expected


def test_organisation_code_check_character_maps_10_to_x_and_11_to_0() -> None:
    # Search bodies whose raw check value is 10 and 11 and compare with the table rule.
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    seen = {}
    for n in range(10_000_000, 10_000_200):
        body = str(n)[:8]
        remainder = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
        seen.setdefault(remainder, body)
    assert v.organisation_code_check_character(seen[10]) == "X"
    assert v.organisation_code_check_character(seen[11]) == "0"
    assert v.organisation_code_check_character(seen[5]) == "5"


def test_legacy_organisation_code_accepts_hyphen_and_lower_case() -> None:
    assert v.clean_org_code("60003734-1") == "600037341"
    assert v.clean_org_code(" 60003734 1 ") == "600037341"
    assert v.clean_org_code("d2143569-x") == "D2143569X"


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("600037342", "gb11714_checksum"),
        ("60003734Y", "gb11714_format"),
        ("6000 37", "org_code_length"),
        ("91110000600037341L0", "org_code_length"),
    ],
)
def test_bad_organisation_codes(value: str, rule: str) -> None:
    assert rule_of(v.clean_org_code, value) == rule


def test_credit_code_valid_and_embedded_code_returned() -> None:
    assert v.clean_org_code(CREDIT_CODE) == CREDIT_CODE
    assert v.organisation_code_core(CREDIT_CODE) == "600037341"
    assert v.organisation_code_core("600037341") == "600037341"


def test_credit_code_with_wrong_check_character() -> None:
    assert rule_of(v.clean_org_code, CREDIT_CODE[:-1] + "X") == "gb32100_checksum"


def test_credit_code_whose_embedded_organisation_code_fails_gb11714() -> None:
    from stdnum.cn import uscc

    stem = "91110000" + "600037342"  # embedded org code with a wrong check character
    code = stem + uscc.calc_check_digit(stem)
    assert uscc.is_valid(code)  # stdnum alone would accept it
    assert rule_of(v.clean_org_code, code) == "gb32100_organisation_code"


def test_credit_code_builder_makes_valid_codes() -> None:
    assert v.clean_org_code(credit_code("12345678")) == credit_code("12345678")


def test_resident_id() -> None:
    assert v.clean_resident_id(ID_NUMBER) == ID_NUMBER
    assert v.clean_resident_id(resident_id()) == resident_id()


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("110105194912310021", "gb11643_checksum"),
        (resident_id(birth="19801301"), "gb11643_birth_date"),  # month 13, right check digit
        (resident_id(birth="19800230"), "gb11643_birth_date"),  # 30 February
        (resident_id(birth="20991231"), "gb11643_birth_date"),  # not born yet
        (resident_id(region="000000"), "gb11643_region"),  # no such region
        (resident_id(region="000000", birth="19801301"), "gb11643_birth_date"),
        ("110105491231002", "gb11643_format"),  # 15 digits
        ("abc", "gb11643_format"),
    ],
)
def test_bad_resident_ids(value: str, rule: str) -> None:
    assert rule_of(v.clean_resident_id, value) == rule


def test_postcode() -> None:
    assert v.clean_postcode("100010") == "100010"
    for bad in ("10001", "1000100", "10001a", ""):
        assert rule_of(v.clean_postcode, bad) == "postcode_format"


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("008619912345678", "19912345678"),
    ],
)
def test_mobile(value: str, clean: str) -> None:
    assert v.clean_mobile(value) == clean


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "010-12345678", "23812345678"])
def test_bad_mobile(value: str) -> None:
    assert rule_of(v.clean_mobile, value) == "mobile_format"


def test_phone_accepts_landline_for_companies() -> None:
    assert v.clean_phone("010-12345678") == "010-12345678"
    assert v.clean_phone("13812345678") == "13812345678"
    assert rule_of(v.clean_phone, "12345") == "phone_format"


@pytest.mark.parametrize(
    ("value", "amount"), [("12", "12.00"), ("12.5", "12.50"), ("0.01", "0.01")]
)
def test_amounts(value: str, amount: str) -> None:
    assert v.clean_amount(value) == Decimal(amount)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("12.345", "decimal_places"),
        ("-1.00", "min_value"),
        ("1e3", "decimal_format"),
        ("abc", "decimal_format"),
        ("", "decimal_format"),
        ("10000000000", "decimal_range"),
    ],
)
def test_bad_amounts(value: str, rule: str) -> None:
    assert rule_of(v.clean_amount, value) == rule


def test_quantity() -> None:
    assert v.clean_quantity(3) == 3
    assert rule_of(v.clean_quantity, 0) == "quantity_positive"
    assert rule_of(v.clean_quantity, -2) == "quantity_positive"


def test_placed_at_rules() -> None:
    now = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    assert v.parse_placed_at("2026-03-02T10:09:59+08:00", now=now) == dt.datetime(
        2026, 3, 2, 2, 9, 59, tzinfo=dt.UTC
    )
    assert v.parse_placed_at("2026-03-02T02:10:00Z", now=now).utcoffset() == dt.timedelta(0)
    assert v.parse_placed_at("2020-01-01T00:00:00+08:00", now=now).year == 2020  # replay
    assert (
        rule_of(lambda x: v.parse_placed_at(x, now=now), "2026-03-02T10:10:01+08:00")
        == "not_in_future"
    )
    assert (
        rule_of(lambda x: v.parse_placed_at(x, now=now), "2026-03-02T10:00:00") == "offset_required"
    )
    assert rule_of(lambda x: v.parse_placed_at(x, now=now), "yesterday") == "datetime_format"
    assert v.parse_placed_at(timezone.now()) is not None


# --- digits: full-width ones are normalised, other scripts refused ---------------------------
@pytest.mark.parametrize(
    ("clean", "value", "expected"),
    [
        (v.clean_postcode, "１０００１０", "100010"),
        (v.clean_mobile, "１３８ １２３４ ５６７８", "13812345678"),
        (v.clean_phone, "０１０－１２３４５６７８", "010-12345678"),
        (v.clean_amount, "１２.５", Decimal("12.50")),
        (v.clean_org_code, "６０００３７３４－１", "600037341"),
        (v.clean_org_code, "９１１１００００６０００３７３４１Ｌ", CREDIT_CODE),
        (v.clean_resident_id, "１１０１０５１９４９１２３１００２ｘ", ID_NUMBER),
    ],
)
def test_full_width_input_is_stored_in_ascii(clean, value, expected) -> None:  # type: ignore[no-untyped-def]
    assert clean(value) == expected


@pytest.mark.parametrize(
    ("clean", "value", "rule"),
    [
        (v.clean_postcode, "١٠٠٠١٠", "postcode_format"),  # Arabic-Indic digits
        (v.clean_postcode, "१०००१०", "postcode_format"),  # Devanagari digits
        (v.clean_mobile, "١٣٨١٢٣٤٥٦٧٨", "mobile_format"),
        (v.clean_phone, "٠١٠-١٢٣٤٥٦٧٨", "phone_format"),
        (v.clean_amount, "١٢.٥٠", "decimal_format"),
        (v.clean_org_code, "٦٠٠٠٣٧٣٤١", "gb11714_format"),
    ],
)
def test_digits_of_other_scripts_are_refused(clean, value, rule) -> None:  # type: ignore[no-untyped-def]
    assert rule_of(clean, value) == rule


def test_placed_at_with_other_digits_is_refused() -> None:
    assert rule_of(v.parse_placed_at, "٢٠٢٦-03-02T10:00:00+08:00") == "datetime_format"
    now = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
    assert v.parse_placed_at("２０２６-03-02T10:00:00+08:00", now=now) == dt.datetime(
        2026, 3, 2, 2, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("value", [True, False, 2.0, "2"])
def test_quantity_is_a_whole_number_not_a_boolean(value) -> None:  # type: ignore[no-untyped-def]
    assert rule_of(v.clean_quantity, value) == "int_type"


def test_intake_refuses_a_paid_flag_that_is_no_boolean(db) -> None:  # type: ignore[no-untyped-def]
    from orders.exceptions import IntakeInvalid
    from orders.services import order_input_check
    from tests.orders.factories import order_input

    data = order_input()
    data.paid = "yes"  # type: ignore[assignment]

    with pytest.raises(IntakeInvalid) as caught:
        order_input_check(data=data)
    assert ("paid", "bool_type") in {(e.field, e.rule) for e in caught.value.errors}
