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
    assert v.clean_phone("010-65123456") == "010-65123456"
    assert v.clean_phone("13812345678") == "13812345678"
    assert rule_of(v.clean_phone, "12345") == "phone_format"


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("+86 10 6512 3456", "01065123456"),  # the trunk 0 is dropped abroad
        ("+86-10-65123456", "010-65123456"),
        ("0086 21 5555 6666", "02155556666"),
        ("(0755)86001234", "075586001234"),
        ("0571-87654321-808", "0571-87654321-808"),
    ],
)
def test_landlines_written_the_usual_ways(value: str, clean: str) -> None:
    assert v.clean_phone(value) == clean


@pytest.mark.parametrize("value", ["00000000000", "000-00000000", "010-01234567", "0123-4567890"])
def test_impossible_landlines_are_refused(value: str) -> None:
    assert rule_of(v.clean_phone, value) == "phone_format"


def _resident(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


@pytest.mark.parametrize(
    "body",
    [
        "32010219790315123",  # Nanjing Xuanwu, abolished 2013: valid on numbers issued before
        "11010319800101123",  # Beijing Chongwen, abolished 2010, born 1980
        "81000019900101123",  # Hong Kong residence permit
        "82000020000229123",  # Macao, a leap day
        "83000019751231123",  # Taiwan
    ],
)
def test_resident_ids_the_standard_allows(body: str) -> None:
    number = _resident(body)
    assert v.clean_resident_id(number) == number


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("32000019790315123", "gb11643_region"),  # a province is not a county
        ("32010019790315123", "gb11643_region"),  # nor is a prefecture-level city
        ("11010320150101123", "gb11643_region"),  # Chongwen was gone before this birth
        ("99999919800101123", "gb11643_region"),  # no such code
        ("11010518990101123", "gb11643_birth_date"),
        ("11010519990229123", "gb11643_birth_date"),  # 1999 had no 29 February
        ("11010520990101123", "gb11643_birth_date"),  # not born yet
    ],
)
def test_resident_ids_the_standard_refuses(body: str, rule: str) -> None:
    assert rule_of(v.clean_resident_id, _resident(body)) == rule


def _credit(body17: str) -> str:
    from stdnum.cn import uscc

    return body17 + uscc.calc_check_digit(body17 + "0")


@pytest.mark.parametrize(
    "body",
    [
        "91110000600037341",  # a business registered in Beijing
        "N2110000600037341",  # a village collective economic organisation
        "Y1110000600037341",  # another authority
        "12100000600037341",  # a public institution registered nationally
        "53310000600037341",  # a foundation
    ],
)
def test_credit_codes_of_every_registration_authority(body: str) -> None:
    code = _credit(body)
    assert v.clean_credit_code(code) == code


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("00000000000000000", "gb32100_authority"),  # the all-zero code
        ("99110000600037341", "gb32100_authority"),  # class 9 is not a business class
        ("Y2110000600037341", "gb32100_authority"),
        ("91999999600037341", "gb32100_region"),
    ],
)
def test_credit_codes_the_standard_refuses(body: str, rule: str) -> None:
    assert rule_of(v.clean_credit_code, _credit(body)) == rule


@pytest.mark.parametrize("value", ["91110000600037341L", "110105600037341", "11010519491231002X12"])
def test_taxpayer_numbers(value: str) -> None:
    assert v.clean_taxpayer_number(value) == value


@pytest.mark.parametrize("value", ["600037341", "60003734-1", "12345", "110105600037342"])
def test_an_organisation_code_is_no_taxpayer_number(value: str) -> None:
    assert rule_of(v.clean_taxpayer_number, value) in {"taxpayer_number_format", "gb11714_checksum"}


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
        (v.clean_phone, "０１０－６５１２３４５６", "010-65123456"),
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
