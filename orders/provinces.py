"""Province-level divisions of GB/T 2260 and the names people write them with.

`province_code("新疆")`, `province_code("650102")`, `province_code("Xinjiang")` → "65".
Routing (which warehouse kind serves a province) is a table in the database
(`ProvinceRoute`); this module only knows names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    code: str
    name: str  # the full Chinese name
    short_name: str
    pinyin: str
    english: tuple[str, ...] = ()
    # other spellings people write (common misspellings, traditional characters)
    aliases: tuple[str, ...] = ()


PROVINCES: tuple[Province, ...] = (
    Province("11", "北京市", "北京", "Beijing", ("Peking",)),
    Province("12", "天津市", "天津", "Tianjin"),
    Province("13", "河北省", "河北", "Hebei"),
    Province("14", "山西省", "山西", "Shanxi"),
    Province(
        "15",
        "内蒙古自治区",
        "内蒙古",
        "Neimenggu",
        ("Inner Mongolia", "Nei Mongol"),
        ("内蒙", "内蒙古蒙古族自治区"),
    ),
    Province("21", "辽宁省", "辽宁", "Liaoning"),
    Province("22", "吉林省", "吉林", "Jilin"),
    Province("23", "黑龙江省", "黑龙江", "Heilongjiang"),
    Province("31", "上海市", "上海", "Shanghai"),
    Province("32", "江苏省", "江苏", "Jiangsu"),
    Province("33", "浙江省", "浙江", "Zhejiang"),
    Province("34", "安徽省", "安徽", "Anhui"),
    Province("35", "福建省", "福建", "Fujian"),
    Province("36", "江西省", "江西", "Jiangxi"),
    Province("37", "山东省", "山东", "Shandong"),
    Province("41", "河南省", "河南", "Henan"),
    Province("42", "湖北省", "湖北", "Hubei"),
    Province("43", "湖南省", "湖南", "Hunan"),
    Province("44", "广东省", "广东", "Guangdong", ("Canton",)),
    Province(
        "45",
        "广西壮族自治区",
        "广西",
        "Guangxi",
        ("Guangxi Zhuang",),
        ("广西壮自治区", "广西僮族自治区", "廣西壯族自治區"),
    ),
    Province("46", "海南省", "海南", "Hainan"),
    Province("50", "重庆市", "重庆", "Chongqing"),
    Province("51", "四川省", "四川", "Sichuan"),
    Province("52", "贵州省", "贵州", "Guizhou"),
    Province("53", "云南省", "云南", "Yunnan"),
    Province("54", "西藏自治区", "西藏", "Xizang", ("Tibet",), ("西藏藏族自治区",)),
    Province("61", "陕西省", "陕西", "Shaanxi"),
    Province("62", "甘肃省", "甘肃", "Gansu"),
    Province("63", "青海省", "青海", "Qinghai"),
    Province("64", "宁夏回族自治区", "宁夏", "Ningxia", ("Ningxia Hui",), ("寧夏回族自治區",)),
    Province(
        "65",
        "新疆维吾尔自治区",
        "新疆",
        "Xinjiang",
        ("Xinjiang Uygur", "Xinjiang Uyghur", "Xinjiang Uighur"),
        ("新疆维吾尔族自治区", "新疆维族自治区", "新疆維吾爾自治區"),
    ),
    Province("71", "台湾省", "台湾", "Taiwan", (), ("台灣", "臺灣", "台灣省", "臺灣省")),
    Province(
        "81",
        "香港特别行政区",
        "香港",
        "Xianggang",
        ("Hong Kong", "Hong Kong SAR", "HKSAR"),
        ("香港特別行政區",),
    ),
    Province(
        "82",
        "澳门特别行政区",
        "澳门",
        "Aomen",
        ("Macao", "Macau", "Macao SAR", "Macau SAR"),
        ("澳門", "澳門特別行政區"),
    ),
)

# The seven remote regions of the policy ship from the division's central warehouse.
REMOTE_PROVINCE_CODES: frozenset[str] = frozenset({"21", "62", "64", "54", "65", "53", "15"})

BY_CODE: dict[str, Province] = {province.code: province for province in PROVINCES}

_CHINESE_SUFFIXES = ("特别行政区", "特別行政區", "自治区", "自治區", "省", "市")
# The people named in an autonomous region's name, as written right or wrong
# (新疆维吾尔族自治区, 广西壮自治区 …); dropped after the administrative suffix.
_ETHNIC_WORDS = ("维吾尔族", "维吾尔", "维族", "壮族", "壮", "僮族", "回族", "回", "藏族", "蒙古族")
_LATIN_SUFFIXES = (
    "autonomousregion",
    "specialadministrativeregion",
    "sar",
    "municipality",
    "province",
    "region",
    "zizhiqu",
    "sheng",
    "city",
    "shi",
)
_SEPARATORS = re.compile(r"[\s\-_'’.,·()（）]+")


def normalise_name(value: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).lower()


def _strip_suffixes(name: str) -> str:
    for suffix in (*_CHINESE_SUFFIXES, *_LATIN_SUFFIXES):
        if name.endswith(suffix) and len(name) > len(suffix):
            return _strip_suffixes(name[: -len(suffix)])
    return name


def _strip_ethnic_word(name: str) -> str:
    for word in _ETHNIC_WORDS:
        if name.endswith(word) and len(name) > len(word):
            return name[: -len(word)]
    return name


def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for province in PROVINCES:
        names = (
            province.name,
            province.short_name,
            province.pinyin,
            *province.english,
            *province.aliases,
        )
        for name in names:
            key = normalise_name(name)
            aliases[key] = province.code
            aliases[_strip_suffixes(key)] = province.code
    return aliases


_ALIASES = _aliases()


def province_code(value: str) -> str | None:
    """The two-digit GB/T 2260 code of a province name or code, or None when unknown.

    Accepts a two-digit province code, a six-digit area code (the province is its first
    two digits), the full or short Chinese name, pinyin or the usual English name.
    """
    key = normalise_name(value or "")
    if not key:
        return None
    if key.isdigit():
        if len(key) in (2, 6) and key[:2] in BY_CODE:
            return key[:2]
        return None
    stripped = _strip_suffixes(key)
    return _ALIASES.get(key) or _ALIASES.get(stripped) or _ALIASES.get(_strip_ethnic_word(stripped))


def province_split(value: str) -> tuple[str, str] | None:
    """The province's full Chinese name and what follows it, for an address typed as one
    piece (`Jiangsu苏州市` → `江苏省`, `苏州市`); None when no province leads the text."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    code = province_code(text)
    if code is not None:
        return BY_CODE[code].name, ""
    lowered = text.lower()
    for alias in sorted(_ALIASES, key=len, reverse=True):
        if len(alias) >= 2 and lowered.startswith(alias):
            rest = text[len(alias) :].strip(" ,，-")
            return BY_CODE[_ALIASES[alias]].name, rest
    return None
