"""Pure helpers for finding customers: name normalisation and candidate scoring."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from core.crypto import blind_index

# Legal-form words that differ between spellings of the same company.
_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "companylimited",
    "coltd",
    "limited",
    "ltd",
    "inc",
    "corporation",
    "corp",
    "company",
    "co",
)
_NOISE = re.compile(r"[\s\-_'’.,，。·()（）\[\]【】&/]+")


def normalise_company_name(value: str) -> str:
    """`上海 某某（集团）有限公司` and `上海某某集团有限公司 ` both → `上海某某`."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", value or "")).lower()
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
    return text


def normalise_person_name(value: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", value or "")).lower()


def normalise_name(value: str, *, corporate: bool) -> str:
    return normalise_company_name(value) if corporate else normalise_person_name(value)


def id_number_index(value: str) -> str:
    return blind_index(value.upper(), purpose="customer.id_number")


def phone_index(value: str) -> str:
    return blind_index(value, purpose="customer.phone")


def name_similarity(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right).ratio()
