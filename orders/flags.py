"""Review flags (issue 8 §18): an order that breaks no rule but looks wrong is accepted and
flagged so the rep looks before confirming — a unit price far from the listed selling
price (or zero), one SKU on two lines at two prices, a postcode of another province.

Flags are stored as codes with their figures (`Order.review_flags`) and worded at display
time in the reader's language (`flag_texts`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# First two digits of a postcode (邮政编码) → the GB/T 2260 province code it belongs to.
POSTCODE_PROVINCES: dict[str, str] = {
    "10": "11", "30": "12", "05": "13", "06": "13", "07": "13", "03": "14", "04": "14",
    "01": "15", "02": "15", "11": "21", "12": "21", "13": "22", "15": "23", "16": "23",
    "20": "31", "21": "32", "22": "32", "31": "33", "32": "33", "23": "34", "24": "34",
    "35": "35", "36": "35", "33": "36", "34": "36", "25": "37", "26": "37", "27": "37",
    "45": "41", "46": "41", "47": "41", "43": "42", "44": "42", "41": "43", "42": "43",
    "51": "44", "52": "44", "53": "45", "54": "45", "57": "46", "40": "50", "61": "51",
    "62": "51", "63": "51", "64": "51", "55": "52", "56": "52", "65": "53", "66": "53",
    "67": "53", "85": "54", "86": "54", "71": "61", "72": "61", "73": "62", "74": "62",
    "81": "63", "75": "64", "83": "65", "84": "65",
}  # fmt: skip
# Hong Kong 999077, Macao 999078; Taiwan has no mainland postcode
SPECIAL_POSTCODES = {"999077": "81", "999078": "82"}

PRICE = "price_deviation"
TWO_PRICES = "sku_two_prices"
POSTCODE = "postcode_province"


def price_tolerance() -> Decimal:
    """How far (a fraction) a unit price may lie from the listed selling price unflagged."""
    return Decimal(str(getattr(settings, "ORDER_PRICE_TOLERANCE", "0.10")))


def postcode_province(postcode: str) -> str | None:
    if postcode in SPECIAL_POSTCODES:
        return SPECIAL_POSTCODES[postcode]
    return POSTCODE_PROVINCES.get(postcode[:2])


def review_flags(
    *, lines: Iterable[tuple[int, str, Decimal, Decimal | None]], postcode: str, province_code: str
) -> list[dict[str, Any]]:
    """`lines`: (position, sku, unit price, listed selling price or None)."""
    flags: list[dict[str, Any]] = []
    tolerance = price_tolerance()
    prices: dict[str, set[Decimal]] = {}
    for position, sku, unit_price, listed in lines:
        prices.setdefault(sku, set()).add(unit_price)
        if listed is None or listed <= 0:
            continue
        deviation = abs(unit_price - listed) / listed
        if unit_price <= 0 or deviation > tolerance:
            flags.append(
                {
                    "code": PRICE,
                    "position": position,
                    "sku": sku,
                    "price": str(unit_price),
                    "listed": str(listed),
                }
            )
    for sku, seen in sorted(prices.items()):
        if len(seen) > 1:
            flags.append({"code": TWO_PRICES, "sku": sku, "prices": [str(p) for p in sorted(seen)]})
    expected = postcode_province(postcode)
    if expected and province_code and expected != province_code:
        flags.append(
            {
                "code": POSTCODE,
                "postcode": postcode,
                "province": province_code,
                "expected": expected,
            }
        )
    return flags


def flag_texts(flags: Iterable[dict[str, Any]]) -> list[str]:
    """The flags worded in the active language."""
    from .provinces import BY_CODE

    texts = []
    for flag in flags:
        code = flag.get("code")
        if code == PRICE:
            texts.append(
                _("Line %(position)s %(sku)s: unit price %(price)s, listed at %(listed)s.") % flag
            )
        elif code == TWO_PRICES:
            texts.append(
                _("%(sku)s appears on several lines at different prices: %(prices)s.")
                % {"sku": flag.get("sku"), "prices": ", ".join(flag.get("prices", []))}
            )
        elif code == POSTCODE:
            expected = BY_CODE.get(flag.get("expected", ""))
            province = BY_CODE.get(flag.get("province", ""))
            texts.append(
                _("Postcode %(postcode)s belongs to %(expected)s, the address to %(province)s.")
                % {
                    "postcode": flag.get("postcode"),
                    "expected": expected.name if expected else flag.get("expected"),
                    "province": province.name if province else flag.get("province"),
                }
            )
    return texts


def flags_for_order(order: Any) -> list[dict[str, Any]]:
    """The flags of an order as its lines stand now (after a rep's corrections)."""
    lines = order.lines.select_related("product").order_by("position")
    return review_flags(
        lines=[
            (line.position, line.sku, line.unit_price, line.product.selling_price) for line in lines
        ],
        postcode=order.ship_postcode,
        province_code=order.province_code,
    )
