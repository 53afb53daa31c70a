"""Field rules shared by the intake API and the keyed-in order form (SPEC §2, §7).

Each function takes raw input and returns the clean value or raises `RuleViolation`
naming the rule; the API turns that into a 422 error item, the form into a field error.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

MAX_FUTURE_SKEW = dt.timedelta(minutes=10)
# The UTC offsets in use on Earth: UTC−12:00 … UTC+14:00, in whole quarter hours.
OFFSET_MIN, OFFSET_MAX = dt.timedelta(hours=-12), dt.timedelta(hours=14)
OFFSET_STEP = dt.timedelta(minutes=15)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY = re.compile(r"^[0-9A-Z]{8}$")
# ASCII digits only (`\d` would also take ３ or ٣); input is NFKC-normalised first, so
# full-width digits arrive here as ASCII and anything else is refused.
# GB 32100's alphabet has no I, O, S, V, Z; characters 3–8 are the region code (digits).
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}", re.ASCII)
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Area code 010, 02x or 0 + three digits from 3; subscriber number of 7–8 digits that
# starts 2–9 (0 and 1 begin trunk and service numbers); optional extension.
_LANDLINE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})-?[2-9][0-9]{6,7}(-[0-9]{1,6})?", re.ASCII)
_POSTCODE = re.compile(r"[0-9]{6}", re.ASCII)
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)


class RuleViolation(ValueError):
    """One broken rule: `rule` is a stable identifier, `message` is for people."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def normalise(value: object) -> str:
    """NFKC (full-width letters and digits → ASCII) and trimmed: the form every rule
    checks and every clean value is stored in, so blind indexes match whatever was typed."""
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def _compact(value: str) -> str:
    return re.sub(r"[\s\-]", "", normalise(value)).upper()


def organisation_code_check_character(body: str) -> str:
    """GB 11714 check character of an 8-character body: weights 3,7,9,10,5,8,4,2, mod 11."""
    total = sum(
        (int(char) if char in "0123456789" else ord(char) - 55) * weight
        for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_organisation_code(value: str) -> bool:
    code = _compact(value)
    if len(code) != 9 or not _ORG_CODE_BODY.fullmatch(code[:8]):
        return False
    return code[8] == organisation_code_check_character(code[:8])


def clean_organisation_code(value: str) -> str:
    """A legacy 9-character organisation code (GB 11714), e.g. `60003734-1` → `600037341`."""
    code = _compact(value)
    if len(code) != 9 or not _ORG_CODE_BODY.fullmatch(code[:8]) or code[8] not in "0123456789X":
        raise RuleViolation(
            "gb11714_format",
            _("An organisation code has 8 digits or capital letters and a check character."),
        )
    if not is_valid_organisation_code(code):
        raise RuleViolation(
            "gb11714_checksum",
            _("The check character of the organisation code (GB 11714) is wrong."),
        )
    return code


def clean_credit_code(value: str) -> str:
    """An 18-character Unified Social Credit Code (GB 32100) whose embedded organisation
    code (characters 9–17) must pass GB 11714 too; stdnum checks only the last character."""
    # python-stdnum's validate() wants 8 leading digits, which refuses the valid N, Y and A
    # authorities; the format is checked here and only the check character taken from it.
    code = _compact(value)
    if not _CREDIT_CODE.fullmatch(code):
        raise RuleViolation(
            "gb32100_format", _("The unified social credit code (GB 32100) is invalid.")
        )
    if code[-1] != uscc.calc_check_digit(code):
        raise RuleViolation(
            "gb32100_checksum", _("The unified social credit code (GB 32100) is invalid.")
        )
    classes = REGISTRATION_AUTHORITIES.get(code[0])
    if classes is None or code[1] not in classes:
        raise RuleViolation(
            "gb32100_authority",
            _(
                "Characters 1–2 of the unified social credit code are no registration "
                "authority and organisation class of GB 32100."
            ),
        )
    if not _credit_code_region_known(code[2:8]):
        raise RuleViolation(
            "gb32100_region",
            _("Characters 3–8 of the unified social credit code are no region code (GB/T 2260)."),
        )
    if not is_valid_organisation_code(code[8:17]):
        raise RuleViolation(
            "gb32100_organisation_code",
            _(
                "The organisation code inside the unified social credit code fails its "
                "GB 11714 check."
            ),
        )
    return code


# GB 32100 (and its amendments): registration authority → the organisation classes it
# registers. 1 institutional staffing, 2 foreign affairs, 3 justice, 4 culture, 5 civil
# affairs, 6 tourism, 7 religion, 8 trade unions, 9 market regulation (businesses),
# A military staffing, N agriculture (rural collective economic organisations), Y others.
REGISTRATION_AUTHORITIES: dict[str, str] = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "1239",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
# Codes registered by a national authority carry this region.
NATIONAL_REGION = "100000"


def _credit_code_region_known(code: str) -> bool:
    """A region code of any level (registration authorities sit at every level), as long
    as it exists or existed."""
    if code == NATIONAL_REGION:
        return True
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return "county" in info


def clean_taxpayer_number(value: str) -> str:
    """The buyer's taxpayer identification number on an invoice: a unified social credit
    code (18 characters), or a legacy taxpayer number — 15 characters (region code and
    organisation code), 17 or 20 characters (an individual's ID-based number). Never a
    bare 9-character organisation code."""
    code = _compact(value)
    if len(code) == 18:
        return clean_credit_code(code)
    if len(code) == 15 and code[:6].isdigit() and _credit_code_region_known(code[:6]):
        clean_organisation_code(code[6:])
        return code
    if len(code) in (17, 20) and code.isalnum() and code.isascii() and code[:15].isdigit():
        return code
    raise RuleViolation(
        "taxpayer_number_format",
        _(
            "A taxpayer number is a unified social credit code (18 characters) or a legacy "
            "taxpayer number of 15, 17 or 20 characters."
        ),
    )


def clean_org_code(value: str) -> str:
    """Either form of organisation code, told apart by length."""
    code = _compact(value)
    if len(code) == 18:
        return clean_credit_code(code)
    if len(code) == 9:
        return clean_organisation_code(code)
    raise RuleViolation(
        "org_code_length",
        _("An organisation code has 18 characters (unified social credit code) or 9 (GB 11714)."),
    )


def organisation_code_core(org_code: str) -> str:
    """The 9-character organisation code inside either form (for matching customers)."""
    return org_code[8:17] if len(org_code) == 18 else org_code


def clean_resident_id(value: str) -> str:
    """An 18-digit resident identity number (GB 11643), or the number of a Hong Kong, Macao
    or Taiwan residence permit (same format, region 810000 / 820000 / 830000): check digit,
    a possible birth date, and a county-level region that existed when the number can have
    been assigned (at or after birth — a county abolished later stays valid on its numbers)."""
    number = _compact(value)
    if len(number) != 18 or not number[:17].isdigit() or not re.fullmatch(r"[0-9X]", number[17]):
        raise RuleViolation(
            "gb11643_format", _("A resident ID number has 17 digits and a check digit (0–9 or X).")
        )
    if number[17] != ric.calc_check_digit(number):
        raise RuleViolation(
            "gb11643_checksum", _("The check digit of the resident ID number (GB 11643) is wrong.")
        )
    try:
        birth = ric.get_birth_date(number)
    except StdnumValidationError as error:
        raise _birth_date_violation() from error
    if birth > timezone.localdate() or birth.year < EARLIEST_BIRTH_YEAR:
        raise _birth_date_violation()
    if not _resident_region_possible(number[:6], birth.year):
        raise RuleViolation(
            "gb11643_region",
            _(
                "The first six digits of the resident ID number are no county-level region "
                "(GB/T 2260) that existed since the birth year."
            ),
        )
    return number


EARLIEST_BIRTH_YEAR = 1900
# Residence permits for Hong Kong, Macao and Taiwan residents carry these region codes.
RESIDENCE_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})


@functools.lru_cache(maxsize=4096)
def region_periods(code: str) -> tuple[tuple[int | None, int | None], ...] | None:
    """When the region `code` existed, from python-stdnum's GB/T 2260 table: (first year,
    last year) pairs, None for an open end; None when the code is unknown. Kept per code
    (the table is part of the installed package; every individual's order asks)."""
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if "county" not in info:
        return None
    periods: list[tuple[int | None, int | None]] = []
    for entry in info["county"].split(","):
        match = re.match(r"\[(\d*)-(\d*)\]", entry)
        if match is None:
            periods.append((None, None))
        else:
            first, last = match.groups()
            periods.append((int(first) if first else None, int(last) if last else None))
    return tuple(periods)


def _resident_region_possible(code: str, birth_year: int) -> bool:
    if code in RESIDENCE_PERMIT_REGIONS:
        return True
    if code.endswith("00"):
        return False  # a province or a prefecture-level city is not where IDs are issued
    periods = region_periods(code) or ()
    return any(last is None or last >= birth_year for _first, last in periods)


def _birth_date_violation() -> RuleViolation:
    return RuleViolation(
        "gb11643_birth_date",
        _("Digits 7–14 of the resident ID number are no possible birth date."),
    )


def clean_postcode(value: str) -> str:
    code = normalise(value)
    if not _POSTCODE.fullmatch(code):
        raise RuleViolation("postcode_format", _("A postcode has exactly 6 digits."))
    return code


def clean_mobile(value: str) -> str:
    """A mainland mobile number, 11 digits starting 13–19; +86/0086 and separators dropped."""
    number = re.sub(r"[\s\-()]", "", normalise(value))
    number = re.sub(r"^(\+86|0086)", "", number)
    if not _MOBILE.fullmatch(number):
        raise RuleViolation(
            "mobile_format", _("A mainland mobile number has 11 digits and starts with 13–19.")
        )
    return number


def clean_phone(value: str) -> str:
    """A mobile number, or a landline with area code (companies often give one)."""
    try:
        return clean_mobile(value)
    except RuleViolation:
        number = re.sub(r"[\s()]", "", normalise(value))
        international = re.match(r"(\+86|0086)-?", number)
        if international:  # +86 10 6512 3456: the trunk 0 is dropped abroad
            number = number[international.end() :]
            number = number if number.startswith("0") else "0" + number
        if _LANDLINE.fullmatch(number):
            return number
        raise RuleViolation(
            "phone_format", _("Give a mainland mobile number or a landline with its area code.")
        ) from None


def is_ascii_decimal(text: str) -> bool:
    """Digits 0–9 with an optional fractional part (no sign, exponent or other digits)."""
    return _DECIMAL.fullmatch(text) is not None


# Every money column holds 12 digits with 2 decimals: at most 9,999,999,999.99.
AMOUNT_LIMIT = Decimal("10000000000")


def amount_fits(amount: Decimal) -> bool:
    """Whether an amount (entered or computed: quantity × price, sums) fits the columns."""
    return abs(amount) < AMOUNT_LIMIT


def clean_amount(value: str) -> Decimal:
    """A non-negative amount written as a decimal string with at most two decimal places."""
    text = normalise(value)
    if text.startswith("-") and is_ascii_decimal(text[1:].strip()):
        # a negative number is well written but out of range: say so, not "not a decimal"
        raise RuleViolation("min_value", _("The amount must be ≥ 0."))
    if not is_ascii_decimal(text):
        raise RuleViolation(
            "decimal_format", _('Write the amount as a decimal string, e.g. "12.50".')
        )
    try:
        amount = Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern already excludes these
        raise RuleViolation("decimal_format", _("Write the amount as a decimal string.")) from error
    if "." in text and len(text.split(".")[1]) > 2:
        raise RuleViolation("decimal_places", _("An amount has at most two decimal places."))
    if not amount_fits(amount):
        raise RuleViolation("decimal_range", _("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def clean_quantity(value: int) -> int:
    """A whole number of units; `True` is not 1 (bool is an int in Python)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleViolation("int_type", _("The quantity must be a whole number."))
    if value <= 0:
        raise RuleViolation("quantity_positive", _("The quantity must be greater than zero."))
    if value > 1_000_000:
        raise RuleViolation("quantity_range", _("The quantity is too large."))
    return value


def parse_placed_at(value: str | dt.datetime, *, now: dt.datetime | None = None) -> dt.datetime:
    """ISO 8601 with a UTC offset; in the past is fine (replays), the future only by 10 min."""
    moment = parse_aware_datetime(value)
    now = now or timezone.now()
    if moment > now + MAX_FUTURE_SKEW:
        raise RuleViolation("not_in_future", _("The time lies more than 10 minutes in the future."))
    days = settings.ORDER_REPLAY_WINDOW_DAYS
    if moment < now - dt.timedelta(days=days):
        raise RuleViolation(
            "replay_window",
            _(
                "The order was placed more than %(days)d days ago, outside the replay window; "
                "key it in by hand if it is genuine."
            )
            % {"days": days},
        )
    return moment


def parse_aware_datetime(value: str | dt.datetime) -> dt.datetime:
    """ISO 8601 with a UTC offset (`Z` or `+08:00`), ASCII digits."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            text = normalise(value)
            if not text.isascii():
                raise ValueError(text)
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as error:
            raise RuleViolation(
                "datetime_format", _("Give the time in ISO 8601, e.g. 2026-03-02T10:15:00+08:00.")
            ) from error
    offset = moment.utcoffset()
    if offset is None:
        raise RuleViolation("offset_required", _("The time must carry a UTC offset, e.g. +08:00."))
    if not OFFSET_MIN <= offset <= OFFSET_MAX or offset % OFFSET_STEP:
        raise RuleViolation(
            "offset_range",
            _("The UTC offset must be a real one: −12:00 to +14:00 in quarter hours."),
        )
    try:
        moment.astimezone(dt.UTC)  # 0001-01-01T00:00+08:00 has no UTC equivalent
    except OverflowError as error:
        raise RuleViolation(
            "datetime_range", _("The time lies outside the range the portal can store.")
        ) from error
    return moment
