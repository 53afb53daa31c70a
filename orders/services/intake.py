"""Order intake (SPEC §2, §7): the same checks and the same creation path for the API
and for orders keyed in by a sales representative."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Product
from catalog.selectors import products_by_sku, products_by_sku_statement
from core import rawsql
from core.audit import audit_row
from core.models import Division, Warehouse
from core.numbering import (
    commit_early_available,
    commit_now_wait_durable,
    commit_wait_durable,
)
from core.text import CONTROL_MESSAGE, has_control_characters, is_blank
from core.working_calendar import to_local

from .. import clocks, validators
from ..exceptions import FieldError, IntakeConflict, IntakeInvalid
from ..flags import review_flags
from ..matching import id_number_index, phone_index
from ..models import Customer, Order, OrderLine, Platform, ProvinceRoute
from ..provinces import BY_CODE
from ..validators import organisation_code_core
from .fingerprints import order_fingerprint, same_content
from .numbers import order_number_next
from .routing import province_resolve, warehouse_for_province

_PLATFORM_ORDER_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", re.ASCII)


@dataclass
class BuyerInput:
    kind: str
    name: str
    phone: str
    org_code: str = ""
    id_number: str = ""
    contact_name: str = ""


@dataclass
class ShipToInput:
    province: str
    city: str
    street: str
    postcode: str
    recipient: str
    phone: str
    district: str = ""


@dataclass
class LineInput:
    sku: str
    quantity: int
    unit_price: str


@dataclass
class OrderInput:
    """An order as received: strings as sent, nothing checked yet."""

    platform_order_no: str
    placed_at: str | dt.datetime
    division: str
    buyer: BuyerInput
    ship_to: ShipToInput
    lines: list[LineInput]
    freight: str = "0"
    paid: bool = False

    def fingerprint(self) -> str:
        """Hash of the cleaned content, to tell a replay from a different order with the
        same number (see `fingerprints`)."""
        return order_fingerprint(self)


@dataclass
class CleanLine:
    product: Product
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(Decimal("0.01"))


@dataclass
class CleanOrder:
    platform_order_no: str
    placed_at: dt.datetime
    division: Division
    buyer: BuyerInput
    ship_to: ShipToInput
    province_code: str
    lines: list[CleanLine]
    freight: Decimal
    paid: bool
    errors: list[FieldError] = field(default_factory=list)
    # The routed warehouse when the division's warehouses came with the division
    # (`routed`); otherwise `_create` asks routing.warehouse_for_province.
    warehouse: Warehouse | None = None
    routed: bool = False


class _Checker:
    """Collects every broken rule instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, rule: str, message: str) -> None:
        self.errors.append(FieldError(path, rule, str(message)))

    def text(self, path: str, value: str, *, max_length: int, required: bool = True) -> str:
        text = (value or "").strip()
        if is_blank(text):
            text = ""  # only invisible characters (zero-width spaces, U+3000 …) is nothing
        if required and not text:
            self.add(path, "required", _("This field is required."))
        elif len(text) > max_length:
            self.add(path, "max_length", _("At most %(n)d characters.") % {"n": max_length})
        return text

    def rule(self, path: str, clean: Any, value: Any) -> Any:
        try:
            return clean(value)
        except validators.RuleViolation as violation:
            self.add(path, violation.rule, violation.message)
            return None


def order_input_check(
    *, data: OrderInput, now: dt.datetime | None = None, place: _Place | None = None
) -> CleanOrder:
    """Every rule of SPEC §2/§7; raises IntakeInvalid listing each broken one. `place` is
    the division's, when order_receive has read it already (with its replay check)."""
    if place is None:  # (order_receive checked the control characters before reading it)
        control = control_character_errors(data)
        if control:
            raise IntakeInvalid(control)
    check = _Checker()
    number = (data.platform_order_no or "").strip()
    if not _PLATFORM_ORDER_NO.fullmatch(number):
        check.add(
            "platform_order_no",
            "platform_order_no_format",
            _("Letters, digits, '.', '_' and '-', at most 64 characters."),
        )
    placed_at = check.rule(
        "placed_at", lambda v: validators.parse_placed_at(v, now=now), data.placed_at
    )
    province_text = _text(data.ship_to.province)
    province_code = province_resolve(province_text) if province_text else None
    if place is None:
        place = _division_place((data.division or "").strip(), province_code)
    division = place.division
    if division is None:
        check.add("division", "division_unknown", _("No active division has this code."))
    buyer = _check_buyer(check, data.buyer)
    ship_to, code = _check_ship_to(check, data.ship_to, province_code)
    lines = _check_lines(check, data.lines, division, place.products)
    freight = check.rule("freight", validators.clean_amount, data.freight)
    goods = sum((line.amount for line in lines), Decimal("0.00"))
    if (
        freight is not None
        and validators.amount_fits(goods)  # else the lines already carry the error
        and not validators.amount_fits(goods + freight)
    ):
        check.add("freight", "total_range", str(TOTAL_TOO_LARGE))
    if not isinstance(data.paid, bool):
        check.add("paid", "bool_type", _("Either true or false."))
    if check.errors:
        raise IntakeInvalid(check.errors)
    assert division is not None and code is not None and placed_at is not None
    clean = CleanOrder(number, placed_at, division, buyer, ship_to, code, lines, freight, data.paid)
    if place.warehouses is not None:
        kind = place.route_kind if place.route_kind is not None else Warehouse.Kind.MAIN
        clean.warehouse = place.warehouses.get(kind) or place.warehouses.get(Warehouse.Kind.MAIN)
        clean.routed = True
    return clean


@dataclass
class _Place:
    division: Division | None
    warehouses: dict[str, Warehouse] | None = None  # the division's active ones, by kind
    route_kind: str | None = None  # the routing table's kind for the province, if a row
    existing: int | None = None  # the order already received under the number (replay)
    products: dict[str, Product] | None = None  # products_by_sku's answer, if read with it


def _division_place(
    code: str,
    province_code: str | None,
    replay: tuple[int, str] | None = None,
    skus: list[str] | None = None,
) -> _Place:
    """The active division with this code, its active warehouses and the routing table's
    warehouse kind for the province, in one query (routing.warehouse_for_province's rule,
    applied by order_input_check) — with `replay` (platform, platform order number), also
    the order already received under that number, and with `skus` the order's products
    (catalog's products_by_sku statement, appended with UNION ALL: one round trip for
    every read before the transaction). A division without an active warehouse costs a
    second query and routes to no warehouse, as warehouse_for_province does.

    Hand-written SQL (columns from the models' metadata): this runs for every order a
    platform sends, and compiling the equivalent queryset costs more than running it."""
    if not code and replay is None:
        return _Place(None)
    warehouse_fields = [f.attname for f in Warehouse._meta.concrete_fields]
    division_fields = [f.attname for f in Division._meta.concrete_fields]
    existing, route_kind = "NULL", "NULL"
    params: list[Any] = []
    if replay is not None:
        existing = (
            f"(SELECT {_c(Order, 'id')} FROM {_t(Order)} WHERE {_c(Order, 'platform')} = %s "  # noqa: S608
            f"AND {_c(Order, 'platform_order_no')} = %s)"
        )
        params.extend(replay)
    if province_code is not None:
        route_kind = (
            f"(SELECT {_c(ProvinceRoute, 'warehouse_kind')} FROM {_t(ProvinceRoute)} "  # noqa: S608
            f"WHERE {_c(ProvinceRoute, 'code')} = %s LIMIT 1)"
        )
        params.append(province_code)
    products = (
        products_by_sku_statement(skus=skus, fields=_PRODUCT_FIELDS) if skus is not None else None
    )
    asked = products is not None and bool(products.source)
    width = len(warehouse_fields) + len(division_fields)
    padding = [] if products is None else ["NULL"] * len(products.columns)
    columns = ", ".join(
        ["1", existing, route_kind]
        + [f"w.{_c(Warehouse, n)}" for n in warehouse_fields]
        + [f"d.{_c(Division, n)}" for n in division_fields]
        + padding
    )
    # one row at least (the replay check's answer), with NULL columns when no warehouse
    sql = (
        f"SELECT {columns} FROM (SELECT 1 AS one) o LEFT JOIN ({_t(Warehouse)} w "  # noqa: S608
        f"JOIN {_t(Division)} d ON d.{_c(Division, 'id')} = w.{_c(Warehouse, 'division_id')} "
        f"AND d.{_c(Division, 'code')} = %s AND d.{_c(Division, 'is_active')}) "
        f"ON w.{_c(Warehouse, 'is_active')}"
    )
    params.append(code)
    if asked:
        assert products is not None
        sql += (
            f" UNION ALL SELECT 2, NULL, NULL, {', '.join(['NULL'] * width)}, "
            f"{', '.join(products.columns)} {products.source}"
        )
        params.extend(products.params)
    # the warehouses in code order (the first column of a row is its part: 1 place, 2 product)
    sql += f" ORDER BY 1, {4 + warehouse_fields.index('code')}"
    rows = rawsql.fetch(sql, params)
    found_products = (
        None
        if products is None
        else products.found([r for r in rows if r[0] == 2], offset=3 + width)
        if asked
        else {}
    )
    rows = [row[1:] for row in rows if row[0] == 1]
    found = rows[0][0]
    if rows[0][2] is None:  # no active warehouse (or no such division)
        division = Division.objects.filter(code=code, is_active=True).first() if code else None
        return _Place(
            division, {} if division is not None else None, existing=found, products=found_products
        )
    # converted as the ORM converts them (SQLite's booleans), in the models' field order
    division = rawsql.load(Division, division_fields, rows[:1], offset=2 + len(warehouse_fields))[0]
    warehouses: dict[str, Warehouse] = {}
    for warehouse in rawsql.load(Warehouse, warehouse_fields, rows, offset=2):
        warehouse.division = division
        warehouses[warehouse.kind] = warehouse
    return _Place(division, warehouses, rows[0][1], existing=found, products=found_products)


# quoted names, kept per process (core.rawsql)
_t, _c = rawsql.table, rawsql.column


def _text(value: str) -> str:
    """A text as _Checker.text keeps it (stripped; only invisible characters is nothing)."""
    text = (value or "").strip()
    return "" if is_blank(text) else text


def _check_buyer(check: _Checker, buyer: BuyerInput) -> BuyerInput:
    kind = buyer.kind
    if kind not in Customer.Kind.values:
        check.add("buyer.kind", "choice", _("Either corporate or individual."))
    clean = BuyerInput(
        kind=kind, name=check.text("buyer.name", buyer.name, max_length=200), phone=""
    )
    if kind == Customer.Kind.CORPORATE:
        if not (buyer.org_code or "").strip():
            check.add(
                "buyer.org_code", "required", _("A corporate buyer needs its organisation code.")
            )
        else:
            clean.org_code = (
                check.rule("buyer.org_code", validators.clean_org_code, buyer.org_code) or ""
            )
        clean.contact_name = check.text("buyer.contact_name", buyer.contact_name, max_length=100)
        clean.phone = check.rule("buyer.phone", validators.clean_phone, buyer.phone) or ""
    elif kind == Customer.Kind.INDIVIDUAL:
        if not (buyer.id_number or "").strip():
            check.add(
                "buyer.id_number", "required", _("An individual buyer needs a resident ID number.")
            )
        else:
            clean.id_number = (
                check.rule("buyer.id_number", validators.clean_resident_id, buyer.id_number) or ""
            )
        clean.contact_name = check.text(
            "buyer.contact_name", buyer.contact_name, max_length=100, required=False
        )
        clean.phone = check.rule("buyer.phone", validators.clean_mobile, buyer.phone) or ""
    return clean


def _check_ship_to(
    check: _Checker, ship_to: ShipToInput, code: str | None
) -> tuple[ShipToInput, str | None]:
    """`code` is province_resolve() of the province as _text() keeps it."""
    province = check.text("ship_to.province", ship_to.province, max_length=32)
    if province and code is None:
        check.add(
            "ship_to.province",
            "province_unknown",
            _("Unknown province; give its name or GB/T 2260 code."),
        )
    if code in BY_CODE:  # stored as routing knows it: Jiangsu, 江苏, 32 → 江苏省
        province = BY_CODE[code].name
    clean = ShipToInput(
        province=province,
        city=check.text("ship_to.city", ship_to.city, max_length=64),
        district=check.text("ship_to.district", ship_to.district, max_length=64, required=False),
        street=check.text("ship_to.street", ship_to.street, max_length=200),
        postcode=check.rule("ship_to.postcode", validators.clean_postcode, ship_to.postcode) or "",
        recipient=check.text("ship_to.recipient", ship_to.recipient, max_length=100),
        phone=check.rule("ship_to.phone", validators.clean_mobile, ship_to.phone) or "",
    )
    return clean, code


def _check_lines(
    check: _Checker,
    lines: list[LineInput],
    division: Division | None,
    products: dict[str, Product] | None = None,
) -> list[CleanLine]:
    """`products`: products_by_sku's answer for the lines' SKUs, when already read."""
    if not lines:
        check.add("lines", "required", _("An order needs at least one line."))
        return []
    if products is None:
        products = products_by_sku(
            skus=[(line.sku or "").strip() for line in lines], fields=_PRODUCT_FIELDS
        )
    clean: list[CleanLine] = []
    for index, line in enumerate(lines):
        path = f"lines[{index}]"
        product = products.get((line.sku or "").strip())
        if product is None:
            check.add(f"{path}.sku", "sku_unknown", _("No product has this SKU."))
        elif product.status != Product.Status.LISTED:
            check.add(f"{path}.sku", "sku_not_listed", _("This product is not listed."))
        elif division is not None and product.division_id != division.pk:
            check.add(
                f"{path}.sku", "sku_other_division", _("This product belongs to another division.")
            )
        quantity = check.rule(f"{path}.quantity", validators.clean_quantity, line.quantity)
        price = check.rule(f"{path}.unit_price", validators.clean_amount, line.unit_price)
        if (
            quantity is not None
            and price is not None
            and not validators.amount_fits(quantity * price)
        ):
            check.add(f"{path}.unit_price", "amount_range", str(AMOUNT_TOO_LARGE))
        elif product is not None and quantity is not None and price is not None:
            clean.append(CleanLine(product, quantity, price))
    goods = sum((line.amount for line in clean), Decimal("0.00"))
    if not validators.amount_fits(goods):
        check.add("lines", "total_range", str(TOTAL_TOO_LARGE))
    return clean


# What the intake reads of a product (the line's copy of it, the listing and division
# checks, the price flag); products_by_sku leaves the rest unread.
_PRODUCT_FIELDS = ("name", "unit", "vat_rate", "division_id", "selling_price")

AMOUNT_TOO_LARGE = gettext_lazy(
    "Quantity × unit price exceeds the largest amount the portal keeps (9,999,999,999.99)."
)
TOTAL_TOO_LARGE = gettext_lazy(
    "The order's total exceeds the largest amount the portal keeps (9,999,999,999.99)."
)


def control_character_errors(data: OrderInput) -> list[FieldError]:
    """Every text of the order that carries a control character (core.text), by path."""
    texts: list[tuple[str, Any]] = [
        ("platform_order_no", data.platform_order_no),
        ("division", data.division),
        *((f"buyer.{name}", getattr(data.buyer, name)) for name in _BUYER_TEXTS),
        *((f"ship_to.{name}", getattr(data.ship_to, name)) for name in _SHIP_TO_TEXTS),
        *((f"lines[{i}].sku", line.sku) for i, line in enumerate(data.lines)),
        *((f"lines[{i}].unit_price", line.unit_price) for i, line in enumerate(data.lines)),
        ("freight", data.freight),
    ]
    if isinstance(data.placed_at, str):
        texts.append(("placed_at", data.placed_at))
    return [
        FieldError(path, "control_characters", str(CONTROL_MESSAGE))
        for path, value in texts
        if isinstance(value, str) and has_control_characters(value)
    ]


_BUYER_TEXTS = ("kind", "name", "phone", "org_code", "id_number", "contact_name")
_SHIP_TO_TEXTS = ("province", "city", "district", "street", "postcode", "recipient", "phone")


@dataclass
class IntakeResult:
    order: Order
    created: bool


def order_receive(
    *,
    platform: Platform,
    data: OrderInput,
    source: str = Order.Source.API,
    by: Any = None,
    now: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> IntakeResult:
    """Take in an order, idempotently on (platform, platform order number).

    The same content again returns the existing order (created=False) even if the
    rules have since changed (a delisted product); other content raises IntakeConflict;
    broken rules raise IntakeInvalid. A known customer is identified at once.

    `at` is when the order was received (default now, right for the API and the form);
    imports and demo data pass it so that the receipt and the automatic identification
    carry the time they happened. `now` (default `at`) is the reference for the
    placed-at rule.
    """
    control = control_character_errors(data)
    if control:  # before any look-up: PostgreSQL refuses NUL in a query parameter
        raise IntakeInvalid(control)
    fingerprint = data.fingerprint()
    # the replay check, the division's place and the products: one statement
    place = _division_place(
        (data.division or "").strip(),
        province_resolve(_text(data.ship_to.province)) if _text(data.ship_to.province) else None,
        replay=(platform.pk, (data.platform_order_no or "").strip()),
        skus=[(line.sku or "").strip() for line in data.lines],
    )
    if place.existing is not None:
        return IntakeResult(_existing_order(place.existing, data), False)
    clean = order_input_check(data=data, now=now or at, place=place)
    try:
        with transaction.atomic():
            # The order number counter of the division and day is the one lock every
            # intake of the division queues for: release it with the commit, not after
            # the disk flush (core.numbering), and wait for the disk below.
            early = commit_early_available()
            order = _create(platform, clean, source, fingerprint, by, at or timezone.now(), early)
            # COMMIT and the wait for the disk in one round trip (core.numbering)
            durable = early and commit_now_wait_durable()
    except IntegrityError:
        # Another request created the same number meanwhile (the unique constraint won).
        existing = _existing(platform, data)
        if existing is None:
            raise
        return IntakeResult(existing, False)
    if early and not durable:
        commit_wait_durable()  # the platform hears of the order once it is on disk
    return IntakeResult(order, True)


def _existing(platform: Platform, data: OrderInput) -> Order | None:
    """The order already received under this platform order number, if any (raises
    IntakeConflict when its content differs). A new number — the usual case — costs one
    narrow look-up; only a replay loads the whole order for the answer."""
    number = (data.platform_order_no or "").strip()
    found = rawsql.fetch(
        f"SELECT {_c(Order, 'id')} FROM {_t(Order)} "  # noqa: S608 (names from the model)
        f"WHERE {_c(Order, 'platform')} = %s AND {_c(Order, 'platform_order_no')} = %s",
        [platform.pk, number],
    )
    if not found:
        return None
    return _existing_order(found[0][0], data)


def _existing_order(pk: int, data: OrderInput) -> Order:
    """The order received before under the same number: the answer to a replay of the same
    content; IntakeConflict for different content."""
    order = Order.objects.select_related("warehouse", "division", "platform").get(pk=pk)
    if not same_content(order.payload_hash, data):
        raise IntakeConflict(order)
    return order


# What identification needs of the customer; every other field loads on first use.
_CUSTOMER_FIELDS = ("id", "number", "kind", "division_id", "name", "org_code", "merged_into_id")


def _customer_lock_exact(buyer: BuyerInput) -> tuple[Customer | None, str]:
    """customers.customer_find_exact's look-up (the active customer with this organisation
    code or ID number), locking the row found in the same statement: a merge (or a
    correction) running now cannot slip in before the order is stored (docs/architecture.md,
    "Lock order": customer rows before the number counter). Call inside the transaction.

    A share lock (FOR SHARE): it holds off a merge's FOR UPDATE and any UPDATE of the row
    as an exclusive lock would, but intakes of the same customer do not queue for each
    other — a platform replaying a big customer's orders would otherwise run them one at
    a time. Hand-written SQL like _division_place, and for the same reason."""
    if buyer.kind == Customer.Kind.CORPORATE and buyer.org_code:
        field, value = "org_code_core", organisation_code_core(buyer.org_code)
        method = Order.IdentifiedBy.ORG_CODE
    elif buyer.kind == Customer.Kind.INDIVIDUAL and buyer.id_number:
        field, value = "id_number_index", id_number_index(buyer.id_number)
        method = Order.IdentifiedBy.ID_NUMBER
    else:
        return None, ""
    columns = ", ".join(_c(Customer, name) for name in _CUSTOMER_FIELDS)
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    rows = rawsql.fetch(
        f"SELECT {columns} FROM {_t(Customer)} "  # noqa: S608 (names from the model)
        f"WHERE {_c(Customer, 'kind')} = %s AND {_c(Customer, field)} = %s "
        f"AND {_c(Customer, 'merged_into')} IS NULL "
        f"ORDER BY {_c(Customer, 'name')}, {_c(Customer, 'id')} LIMIT 1{lock}",
        [buyer.kind, value],
    )
    if not rows:
        return None, method
    return rawsql.load(Customer, _CUSTOMER_FIELDS, rows)[0], method


def _create(
    platform: Platform,
    clean: CleanOrder,
    source: str,
    fingerprint: str,
    by: Any,
    received_at: dt.datetime,
    commit_early: bool = False,
) -> Order:
    """Store the checked order in the caller's transaction, identified at once when its
    customer is known. Statements: the customer (look-up and lock), the order number (the
    counter's lock is taken last and held only for the inserts and the commit), the order,
    its lines and its audit rows (received, identified) — nothing is read back."""
    from .transitions import order_identify_new

    ship_by = clocks.ship_by(clean.placed_at)
    buyer, ship_to = clean.buyer, clean.ship_to
    flags = review_flags(
        lines=[
            (position, line.product.sku, line.unit_price, line.product.selling_price)
            for position, line in enumerate(clean.lines, start=1)
        ],
        postcode=ship_to.postcode,
        province_code=clean.province_code,
    )
    warehouse = (
        clean.warehouse
        if clean.routed
        else warehouse_for_province(division=clean.division, code=clean.province_code)
    )
    order = Order(
        platform=platform,
        platform_order_no=clean.platform_order_no,
        source=source,
        payload_hash=fingerprint,
        division=clean.division,
        warehouse=warehouse,
        placed_at=clean.placed_at,
        received_at=received_at,
        ship_by=ship_by,
        keyed_in_by=by if source == Order.Source.KEYED_IN else None,
        buyer_kind=buyer.kind,
        buyer_name=buyer.name,
        buyer_org_code=buyer.org_code,
        buyer_contact_name=buyer.contact_name,
        buyer_id_number=buyer.id_number,
        buyer_id_number_index=id_number_index(buyer.id_number) if buyer.id_number else "",
        buyer_phone=buyer.phone,
        buyer_phone_index=phone_index(buyer.phone),
        ship_province=ship_to.province,
        province_code=clean.province_code,
        ship_city=ship_to.city,
        ship_district=ship_to.district,
        ship_street=ship_to.street,
        ship_postcode=ship_to.postcode,
        ship_recipient=ship_to.recipient,
        ship_phone=ship_to.phone,
        goods_amount=sum((line.amount for line in clean.lines), Decimal("0.00")),
        freight=clean.freight,
        is_paid=clean.paid,
        identify_due_at=clocks.identify_due(clean.placed_at),
        delivery_note_window_at=clocks.delivery_note_window(clean.placed_at),
        invoice_due_at=clocks.invoice_due(ship_by, None),
        handover_due_at=clocks.handover_due(ship_by),
        review_flags=flags,
        is_flagged=bool(flags),
    )
    order._step_changed()
    received = order.status
    customer, method = _customer_lock_exact(buyer)
    identified = (
        order_identify_new(order=order, customer=customer, method=method, at=received_at)
        if customer is not None
        else None
    )
    # The order, its lines and its audit rows: one statement on PostgreSQL (the children
    # read the order's new key in it), written once per process (core.rawsql).
    lines = [
        OrderLine(
            position=position,
            product=line.product,
            sku=line.product.sku,
            name=line.product.name,
            unit=line.product.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.product.vat_rate,
            amount=line.amount,
        )
        for position, line in enumerate(clean.lines, start=1)
    ]
    # the counter last (core.numbering): its lock is held until the commit
    order.number = order_number_next(
        division=clean.division, day=to_local(received_at).date(), commit_early=commit_early
    )
    rows = [
        audit_row(
            obj=order,
            action="received",
            by=by,
            to_state=received,
            data={
                "source": source,
                "platform": platform.code,
                "platform_order_no": order.platform_order_no,
            },
        )
    ]
    if identified is not None:
        rows.append(audit_row(obj=order, **identified))
    rawsql.insert_family(
        order, [(lines, {"order_id": rawsql.KEY}), (rows, {"object_id": rawsql.KEY_TEXT})]
    )
    for order_line in lines:
        order_line.order = order  # the instance itself, as `order.lines` would give it
    return order
