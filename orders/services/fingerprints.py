"""Content fingerprints of received orders: tell a replay from a different order sent
under the same platform order number (SPEC §7: same body → 200, other body → 409).

The fingerprint hashes an explicit, versioned list of cleaned values, so that
`"10.5"` and `"10.50"`, `…T02:00Z` and `…T10:00+08:00`, or a padded order number count
as the same content, and so that adding a field to the input dataclasses later does
not change the fingerprint of orders already received. Values that do not pass the
rules are hashed as sent (trimmed): such a body is refused by the checks anyway.

Fingerprints stored before versioning (64 hex digits, the JSON of the input as sent)
are still compared the old way by `same_content`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from catalog.rules import normalise_sku

from .. import validators

if TYPE_CHECKING:
    from .intake import OrderInput

VERSION = "v2"
_CENT = Decimal("0.01")
_SEPARATORS = re.compile(r"[\s\-()]")


def order_fingerprint(data: OrderInput) -> str:
    """`v2:` and the SHA-256 of the cleaned values, in a fixed order."""
    buyer, ship_to = data.buyer, data.ship_to
    values: list[Any] = [
        _text(data.platform_order_no),
        _instant(data.placed_at),
        _text(data.division),
        [
            _text(buyer.kind),
            _text(buyer.name),
            _code(buyer.org_code),
            _code(buyer.id_number),
            _text(buyer.contact_name),
            _phone(buyer.phone),
        ],
        [
            _text(ship_to.province),
            _text(ship_to.city),
            _text(ship_to.district),
            _text(ship_to.street),
            _text(ship_to.postcode),
            _text(ship_to.recipient),
            _phone(ship_to.phone),
        ],
        [
            [normalise_sku(_text(line.sku)), _quantity(line.quantity), _amount(line.unit_price)]
            for line in data.lines
        ],
        _amount(data.freight),
        data.paid is True,
    ]
    canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return f"{VERSION}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def same_content(stored: str, data: OrderInput) -> bool:
    """Whether `data` is the content the stored fingerprint was made from."""
    if stored.startswith(f"{VERSION}:"):
        return stored == order_fingerprint(data)
    return stored == legacy_fingerprint(data)


def legacy_fingerprint(data: OrderInput) -> str:
    """The fingerprint of the first release: the JSON of the input exactly as sent.
    Frozen here (field by field) so later changes to the dataclasses leave it alone."""
    buyer, ship_to = data.buyer, data.ship_to
    content = {
        "platform_order_no": data.platform_order_no,
        "placed_at": data.placed_at,
        "division": data.division,
        "buyer": {
            "kind": buyer.kind,
            "name": buyer.name,
            "phone": buyer.phone,
            "org_code": buyer.org_code,
            "id_number": buyer.id_number,
            "contact_name": buyer.contact_name,
        },
        "ship_to": {
            "province": ship_to.province,
            "city": ship_to.city,
            "street": ship_to.street,
            "postcode": ship_to.postcode,
            "recipient": ship_to.recipient,
            "phone": ship_to.phone,
            "district": ship_to.district,
        },
        "lines": [
            {"sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price}
            for line in data.lines
        ],
        "freight": data.freight,
        "paid": data.paid,
    }
    canonical = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- cleaning that never fails ----------------------------------------------------------------
def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _code(value: Any) -> str:
    return _SEPARATORS.sub("", _text(value)).upper()


def _phone(value: Any) -> str:
    try:
        return validators.clean_mobile(_text(value))
    except validators.RuleViolation:
        return _SEPARATORS.sub("", _text(value))


def _instant(value: Any) -> str:
    """The moment in UTC; a text that is no aware ISO time stays as it is."""
    moment = value
    if not isinstance(value, dt.datetime):
        try:
            moment = dt.datetime.fromisoformat(_text(value).replace("Z", "+00:00"))
        except ValueError:
            return _text(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return _text(value)
    try:
        return moment.astimezone(dt.UTC).isoformat()
    except OverflowError:  # year 1 or 9999 with an offset: validation refuses it later
        return _text(value)


def _amount(value: Any) -> str:
    """Exactly representable in cents → `12.50`; anything else stays as sent."""
    text = _text(value)
    if not validators.is_ascii_decimal(text):
        return text
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        return text
    cents = amount.quantize(_CENT)
    return str(cents) if cents == amount else text


def _quantity(value: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else _text(value)
