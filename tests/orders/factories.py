"""Factories and payload builders of the orders tests."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from stdnum.cn import ric, uscc

from catalog.models import Product
from orders.models import Customer, Platform
from orders.models.platform import hash_token
from orders.validators import organisation_code_check_character
from tests.factories import DivisionFactory

TOKEN = "test-platform-token"
CREDIT_CODE = "91110000600037341L"  # valid, embedded organisation code 60003734-1
ID_NUMBER = "11010519491231002X"  # valid resident ID (stdnum's example)


def credit_code(body: str = "60003734", *, region: str = "911100") -> str:
    """A valid 18-character credit code around an 8-character organisation-code body."""
    org = body + organisation_code_check_character(body)
    stem = region + "00" + org
    return stem + uscc.calc_check_digit(stem)


def resident_id(*, region: str = "110105", birth: str = "19800101", serial: str = "123") -> str:
    stem = region + birth + serial
    return stem + ric.calc_check_digit(stem + "0")  # stdnum expects a placeholder digit


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform
        django_get_or_create = ("code",)

    name = "商城"
    code = "mall"
    token_hash = factory.LazyFunction(lambda: hash_token(TOKEN))
    token_hint = TOKEN[-4:]


class ListedProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("sku",)

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"产品 {n}")
    division = factory.SubFactory(DivisionFactory)
    status = Product.Status.LISTED
    selling_price = Decimal("100.00")
    vat_rate = Decimal("0.130")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: f"C9{n:06d}")
    kind = Customer.Kind.CORPORATE
    division = factory.SubFactory(DivisionFactory)
    name = "上海工起机械有限公司"
    org_code = CREDIT_CODE
    contact_name = "王强"
    phone = "13912345678"
    province = "上海市"
    city = "上海市"
    district = "嘉定区"
    street = "工业路 8 号"
    postcode = "201800"


BASE_PAYLOAD: dict[str, Any] = {
    "platform_order_no": "MALL-1001",
    "placed_at": "2026-03-02T10:00:00+08:00",
    "division": "GQ",
    "buyer": {
        "kind": "corporate",
        "name": "北京某某科技有限公司",
        "org_code": CREDIT_CODE,
        "contact_name": "李明",
        "phone": "13812345678",
    },
    "ship_to": {
        "province": "北京市",
        "city": "北京市",
        "district": "东城区",
        "street": "东长安街 1 号",
        "postcode": "100010",
        "recipient": "李明",
        "phone": "13812345678",
    },
    "lines": [{"sku": "SKU-A", "quantity": 2, "unit_price": "100.00"}],
    "freight": "10.00",
    "paid": True,
}


def payload(**changes: Any) -> dict[str, Any]:
    """A valid body; `changes` use dotted paths: payload(**{"buyer.phone": "123"})."""
    body = copy.deepcopy(BASE_PAYLOAD)
    for path, value in changes.items():
        target = body
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return body


DELETE = object()


def individual_payload(**changes: Any) -> dict[str, Any]:
    body = payload(
        **{
            "buyer": {
                "kind": "individual",
                "name": "张三",
                "id_number": ID_NUMBER,
                "phone": "13700001111",
            }
        }
    )
    return payload_apply(body, changes)


def payload_apply(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    for path, value in changes.items():
        target = body
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        target[parts[-1]] = value
    return body


def aware(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --- orders in a given state, through the services -----------------------------------------
_serial = iter(range(1, 1_000_000))


def order_input(**changes: Any) -> Any:
    from orders.api import _order_input
    from orders.api_schemas import OrderIn

    return _order_input(OrderIn(**payload(**changes)))


def receive(platform: Any, **changes: Any) -> Any:
    from orders.services import order_receive

    changes.setdefault("platform_order_no", f"T-{next(_serial):06d}")
    return order_receive(platform=platform, data=order_input(**changes)).order


def order_in_state(state: str, *, platform: Any, division: Any, **changes: Any) -> Any:
    """An order brought to `state` by the services (as the system), conditions met."""
    from django.utils import timezone

    from orders import services
    from orders.models import Order

    order = receive(platform, **changes)
    if state == Order.Status.RECEIVED:
        return order
    if state == Order.Status.CANCELLED:
        return services.order_cancel(order=order, by=None, reason="test")
    customer = CustomerFactory(division=division, org_code=credit_code(f"{next(_serial):08d}"))
    order = services.order_identify(order=order, customer=customer, by=None, method="linked")
    if state == Order.Status.IDENTIFIED:
        return order
    order = services.order_confirm(order=order, by=None, invoice_title=customer.name)
    if state == Order.Status.CONFIRMED:
        return order
    if state == Order.Status.ON_HOLD:
        return services.order_hold(order=order, by=None, reason="no stock")
    now = timezone.now()
    order = services.order_mark_allocated(
        order=order, by=None, delivery_note_number="DN-1", at=now - dt.timedelta(days=9)
    )
    if state == Order.Status.ALLOCATED:
        return order
    order = services.order_mark_invoiced(
        order=order, by=None, invoice_number="INV-1", at=now - dt.timedelta(days=9)
    )
    if state == Order.Status.INVOICED:
        return order
    order = services.order_mark_shipped(
        order=order, by=None, carrier="顺丰", tracking_number="SF1", at=now - dt.timedelta(days=8)
    )
    if state == Order.Status.SHIPPED:
        return order
    order = services.order_mark_delivered(order=order, by=None, at=now - dt.timedelta(days=6))
    if state == Order.Status.DELIVERED:
        return order
    return services.order_close(order=order, by=None)
