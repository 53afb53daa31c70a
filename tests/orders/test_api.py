"""The intake API contract (SPEC §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from stdnum.cn import uscc

from catalog.models import Product
from orders.models import Order, Platform
from orders.services import order_mark_allocated, order_mark_invoiced, order_mark_shipped
from tests.orders.conftest import post_order
from tests.orders.factories import (
    DELETE,
    CustomerFactory,
    ListedProductFactory,
    PlatformFactory,
    individual_payload,
    payload,
    resident_id,
)

pytestmark = pytest.mark.django_db


def errors_of(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


# --- authentication ---------------------------------------------------------------------------
def test_no_token_is_401(api: Client) -> None:
    response = Client().post("/api/v1/orders", payload(), content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="ecomops"'
    assert Order.objects.count() == 0


def test_wrong_token_is_401(api: Client) -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer nope-nope-nope").get("/api/v1/orders/MALL-1001")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="ecomops", error="invalid_token"'
    assert set(response.json()) == {"detail"}


def test_inactive_platform_is_401(api: Client, platform: Platform) -> None:
    Platform.objects.filter(pk=platform.pk).update(is_active=False)

    assert post_order(api, payload()).status_code == 401


# --- create and idempotency --------------------------------------------------------------------
def test_create_returns_201_with_the_order(api: Client) -> None:
    response = post_order(api, payload())

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body["number"] == order.number
    assert order.number.startswith("GQ-")
    assert body["status"] == "received"
    assert body["platform_order_no"] == "MALL-1001"
    assert body["ship_by"] == "2026-03-02"
    assert body["warehouse"] == "GQ-MAIN"
    assert body["due"] == {
        "identify": "2026-03-02T10:15:00+08:00",
        "invoice": "2026-03-02T15:00:00+08:00",
        "handover": "2026-03-02T17:30:00+08:00",
    }
    assert body["tracking"] is None
    line = order.lines.get()
    assert (line.sku, line.quantity, str(line.unit_price), str(line.amount)) == (
        "SKU-A",
        2,
        "100.00",
        "200.00",
    )
    assert str(order.goods_amount) == "200.00" and str(order.freight) == "10.00"
    assert order.is_paid is True and order.source == Order.Source.API


def test_same_body_again_is_200_with_the_same_order(api: Client) -> None:
    first = post_order(api, payload()).json()

    again = post_order(api, payload())

    assert again.status_code == 200
    assert again.json() == first
    assert Order.objects.count() == 1


def test_same_body_after_the_product_was_delisted_is_still_200(
    api: Client, product: Product
) -> None:
    post_order(api, payload())
    Product.objects.filter(pk=product.pk).update(status=Product.Status.DELISTED)

    assert post_order(api, payload()).status_code == 200


def test_different_body_same_number_is_409_and_changes_nothing(api: Client) -> None:
    first = post_order(api, payload()).json()

    response = post_order(api, payload(freight="20.00"))

    assert response.status_code == 409
    assert response.json()["number"] == first["number"]
    assert str(Order.objects.get().freight) == "10.00"


@pytest.mark.parametrize(
    "changes",
    [
        {"freight": "10", "lines.0.unit_price": "100"},
        {"freight": "10.0", "lines.0.unit_price": "100.0"},
        {"placed_at": "2026-03-02T02:00:00Z"},
        {"placed_at": "2026-03-02T02:00:00.000+00:00"},
        {"platform_order_no": "  MALL-1001 "},
        {"buyer.org_code": "91110000 6000 3734 1l", "buyer.phone": "+86 138-1234-5678"},
        {"buyer.name": " 北京某某科技有限公司 ", "ship_to.street": "东长安街 1 号  "},
        {"lines.0.sku": " sku-a"},
    ],
)
def test_the_same_content_written_differently_is_a_replay(
    api: Client, changes: dict[str, Any]
) -> None:
    first = post_order(api, payload())

    again = post_order(api, payload(**changes))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"freight": "10.01"},
        {"placed_at": "2026-03-02T10:00:01+08:00"},
        {"lines.0.quantity": 3},
        {"buyer.phone": "13812345679"},
        {"paid": False},
        {"ship_to.district": "西城区"},
    ],
)
def test_other_content_under_the_same_number_is_still_409(
    api: Client, changes: dict[str, Any]
) -> None:
    post_order(api, payload())

    response = post_order(api, payload(**changes))

    assert response.status_code == 409
    assert Order.objects.count() == 1 and str(Order.objects.get().freight) == "10.00"


def test_fingerprint_is_versioned_and_stable() -> None:
    from tests.orders.factories import order_input

    fingerprint = order_input().fingerprint()

    # A change here breaks the idempotency of every order already received: add a
    # new version instead.
    assert fingerprint == "v2:" + FINGERPRINT_OF_BASE_PAYLOAD


FINGERPRINT_OF_BASE_PAYLOAD = "8e6eb529829f6ab3d94f0f1160a82d63704838c5719e64ec926f553c4e2015cf"
# The first release stored the SHA-256 of the JSON of the body as sent.
LEGACY_FINGERPRINT_OF_BASE_PAYLOAD = (
    "adbb4f5ae203644dedc3d748ac0e98c5aa70b6a35ef6bf9e910d65f3c73fba8a"
)


def test_orders_with_a_first_release_fingerprint_compare_the_old_way(api: Client) -> None:
    post_order(api, payload())
    Order.objects.update(payload_hash=LEGACY_FINGERPRINT_OF_BASE_PAYLOAD)

    same = post_order(api, payload())
    other = post_order(api, payload(freight="10.50"))

    assert (same.status_code, other.status_code) == (200, 409)
    assert Order.objects.count() == 1
    assert Order.objects.get().payload_hash == LEGACY_FINGERPRINT_OF_BASE_PAYLOAD


def test_same_number_from_another_platform_is_another_order(api: Client) -> None:
    PlatformFactory(code="other", name="其他", token_hash="0" * 64)
    post_order(api, payload())
    other = Platform.objects.get(code="other")
    from orders.services.platforms import platform_set_token

    platform_set_token(platform=other, by=None, token="other-platform-token")

    response = post_order(Client(HTTP_AUTHORIZATION="Bearer other-platform-token"), payload())

    assert response.status_code == 201
    assert Order.objects.count() == 2


def test_platforms_need_no_csrf_token(api: Client) -> None:
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer test-platform-token")

    assert post_order(strict, payload()).status_code == 201


def test_malformed_json_is_400(api: Client) -> None:
    response = api.post("/api/v1/orders", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert Order.objects.count() == 0


# --- validation: each rule names field and rule ----------------------------------------------
# Valid check character, but the embedded organisation code 60003734-2 fails GB 11714.
BAD_EMBEDDED = "91110000600037342" + uscc.calc_check_digit("91110000600037342")

FIELD_RULES = [
    ({"buyer.org_code": "91110000600037341X"}, "buyer.org_code", "gb32100_checksum"),
    ({"buyer.org_code": BAD_EMBEDDED}, "buyer.org_code", "gb32100_organisation_code"),
    ({"buyer.org_code": "600037342"}, "buyer.org_code", "gb11714_checksum"),
    ({"buyer.org_code": "12345"}, "buyer.org_code", "org_code_length"),
    ({"buyer.org_code": ""}, "buyer.org_code", "required"),
    ({"buyer.contact_name": ""}, "buyer.contact_name", "required"),
    ({"buyer.name": "  "}, "buyer.name", "required"),
    ({"buyer.phone": "12345"}, "buyer.phone", "phone_format"),
    ({"ship_to.postcode": "10001"}, "ship_to.postcode", "postcode_format"),
    ({"ship_to.phone": "010-12345678"}, "ship_to.phone", "mobile_format"),
    ({"ship_to.province": "Atlantis"}, "ship_to.province", "province_unknown"),
    ({"ship_to.city": ""}, "ship_to.city", "required"),
    ({"lines.0.sku": "NO-SUCH"}, "lines[0].sku", "sku_unknown"),
    ({"lines.0.quantity": 0}, "lines[0].quantity", "quantity_positive"),
    ({"lines.0.quantity": -1}, "lines[0].quantity", "quantity_positive"),
    ({"lines.0.unit_price": "1.234"}, "lines[0].unit_price", "decimal_places"),
    ({"lines.0.unit_price": "-1"}, "lines[0].unit_price", "min_value"),
    ({"freight": "abc"}, "freight", "decimal_format"),
    ({"freight": "0.001"}, "freight", "decimal_places"),
    ({"lines": []}, "lines", "required"),
    ({"placed_at": "2026-03-02T10:00:00"}, "placed_at", "offset_required"),
    ({"placed_at": "2.3.2026"}, "placed_at", "datetime_format"),
    ({"division": "XX"}, "division", "division_unknown"),
    ({"platform_order_no": "bad number/1"}, "platform_order_no", "platform_order_no_format"),
    # shape errors from the schema keep the same format
    ({"ship_to.street": DELETE}, "ship_to.street", "missing"),
    ({"lines.0.quantity": "many"}, "lines[0].quantity", "int_type"),
    # strict types: no coercion of booleans, strings or floats
    ({"lines.0.quantity": True}, "lines[0].quantity", "int_type"),
    ({"lines.0.quantity": "2"}, "lines[0].quantity", "int_type"),
    ({"lines.0.quantity": 2.0}, "lines[0].quantity", "int_type"),
    ({"paid": "yes"}, "paid", "bool_type"),
    ({"paid": "true"}, "paid", "bool_type"),
    ({"paid": 1}, "paid", "bool_type"),
    ({"paid": None}, "paid", "bool_type"),
    ({"lines.0.unit_price": 12.5}, "lines[0].unit_price", "string_type"),
    ({"buyer.kind": "robot"}, "buyer.kind", "literal_error"),
]


@pytest.mark.parametrize(("changes", "field", "rule"), FIELD_RULES)
def test_invalid_data_is_422_naming_field_and_rule(
    api: Client, changes: dict[str, Any], field: str, rule: str
) -> None:
    response = post_order(api, payload(**changes))

    assert response.status_code == 422
    assert errors_of(response) == {(field, rule)}
    assert all(e["message"] for e in response.json()["errors"])
    assert Order.objects.count() == 0


INDIVIDUAL_RULES = [
    ({"buyer.id_number": "110105194912310021"}, "buyer.id_number", "gb11643_checksum"),
    ({"buyer.id_number": "11010519491231002"}, "buyer.id_number", "gb11643_format"),
    ({"buyer.id_number": resident_id(birth="19491331")}, "buyer.id_number", "gb11643_birth_date"),
    ({"buyer.id_number": resident_id(region="999999")}, "buyer.id_number", "gb11643_region"),
    ({"buyer.id_number": ""}, "buyer.id_number", "required"),
    ({"buyer.phone": "010-12345678"}, "buyer.phone", "mobile_format"),
]


@pytest.mark.parametrize(("changes", "field", "rule"), INDIVIDUAL_RULES)
def test_invalid_individual_buyer_is_422(
    api: Client, changes: dict[str, Any], field: str, rule: str
) -> None:
    from tests.orders.factories import payload_apply

    response = post_order(api, payload_apply(individual_payload(), changes))

    assert response.status_code == 422
    assert errors_of(response) == {(field, rule)}


def test_full_width_digits_are_stored_in_ascii(api: Client) -> None:
    from orders.matching import phone_index

    body = payload(
        **{
            "ship_to.postcode": "１０００１０",
            "ship_to.phone": "１３８１２３４５６７８",
            "buyer.phone": "１３８-１２３４-５６７８",
            "lines.0.unit_price": "１００.００",
            "freight": "１０.００",
        }
    )

    response = post_order(api, body)

    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.ship_postcode, order.ship_phone, order.buyer_phone) == (
        "100010",
        "13812345678",
        "13812345678",
    )
    assert order.buyer_phone_index == phone_index("13812345678")
    assert (str(order.goods_amount), str(order.freight)) == ("200.00", "10.00")


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"ship_to.postcode": "١٠٠٠١٠"}, "ship_to.postcode", "postcode_format"),
        ({"ship_to.phone": "١٣٨١٢٣٤٥٦٧٨"}, "ship_to.phone", "mobile_format"),
        ({"buyer.phone": "१३८१२३४५६७८"}, "buyer.phone", "phone_format"),
        ({"lines.0.unit_price": "١٠٠"}, "lines[0].unit_price", "decimal_format"),
        ({"freight": "१०"}, "freight", "decimal_format"),
    ],
)
def test_digits_of_other_scripts_are_422(
    api: Client, changes: dict[str, Any], field: str, rule: str
) -> None:
    response = post_order(api, payload(**changes))

    assert response.status_code == 422
    assert errors_of(response) == {(field, rule)}
    assert Order.objects.count() == 0


def test_unlisted_product_is_422(api: Client, division: Any) -> None:
    ListedProductFactory(sku="SKU-DRAFT", division=division, status=Product.Status.DRAFT)

    response = post_order(api, payload(**{"lines.0.sku": "SKU-DRAFT"}))

    assert response.status_code == 422
    assert errors_of(response) == {("lines[0].sku", "sku_not_listed")}


def test_product_of_another_division_is_422(api: Client, other_division: Any) -> None:
    ListedProductFactory(sku="SKU-DQ", division=other_division)

    response = post_order(api, payload(**{"lines.0.sku": "SKU-DQ"}))

    assert errors_of(response) == {("lines[0].sku", "sku_other_division")}


def test_placed_at_more_than_ten_minutes_ahead_is_422(api: Client) -> None:
    soon = timezone.now() + dt.timedelta(minutes=9)
    later = timezone.now() + dt.timedelta(minutes=11)

    assert post_order(api, payload(placed_at=soon.isoformat())).status_code == 201
    response = post_order(api, payload(platform_order_no="MALL-2", placed_at=later.isoformat()))
    assert errors_of(response) == {("placed_at", "not_in_future")}


def test_every_broken_rule_is_listed(api: Client) -> None:
    body = payload(**{"ship_to.postcode": "1", "lines.0.quantity": 0, "buyer.org_code": "1"})

    response = post_order(api, body)

    assert errors_of(response) == {
        ("ship_to.postcode", "postcode_format"),
        ("lines[0].quantity", "quantity_positive"),
        ("buyer.org_code", "org_code_length"),
    }


# --- routing and identification at intake ------------------------------------------------------
@pytest.mark.parametrize(
    ("province", "warehouse"),
    [
        ("新疆维吾尔自治区", "GQ-CENTRAL"),
        ("新疆", "GQ-CENTRAL"),
        ("Xinjiang", "GQ-CENTRAL"),
        ("内蒙古自治区", "GQ-CENTRAL"),
        ("Inner Mongolia", "GQ-CENTRAL"),
        ("650102", "GQ-CENTRAL"),
        ("辽宁省", "GQ-CENTRAL"),
        ("甘肃", "GQ-CENTRAL"),
        ("宁夏", "GQ-CENTRAL"),
        ("西藏", "GQ-CENTRAL"),
        ("云南", "GQ-CENTRAL"),
        ("北京市", "GQ-MAIN"),
        ("Guangdong", "GQ-MAIN"),
        ("44", "GQ-MAIN"),
    ],
)
def test_routing_by_province(api: Client, province: str, warehouse: str) -> None:
    response = post_order(api, payload(**{"ship_to.province": province}))

    assert response.json()["warehouse"] == warehouse


def test_known_corporate_customer_is_identified_at_intake(api: Client, division: Any) -> None:
    customer = CustomerFactory(division=division, org_code="600037341")  # legacy form

    body = post_order(api, payload()).json()

    order = Order.objects.get()
    assert body["status"] == "identified"
    assert order.customer == customer
    assert order.identification_method == Order.IdentifiedBy.ORG_CODE
    assert set(body["due"]) == {"identify", "sales_order", "invoice", "handover"}


def test_known_individual_is_identified_by_id_number(api: Client, division: Any) -> None:
    from tests.orders.factories import ID_NUMBER

    customer = CustomerFactory(
        division=division, kind="individual", name="张三", org_code="", id_number=ID_NUMBER
    )

    body = post_order(api, individual_payload()).json()

    assert body["status"] == "identified"
    assert Order.objects.get().customer == customer


# --- reads and receipt ---------------------------------------------------------------------------
def test_get_returns_the_order(api: Client) -> None:
    created = post_order(api, payload()).json()

    response = api.get("/api/v1/orders/MALL-1001")

    assert response.status_code == 200
    assert response.json() == created


def test_get_unknown_or_other_platforms_order_is_404(api: Client) -> None:
    post_order(api, payload())
    from orders.services.platforms import platform_set_token

    other = PlatformFactory(code="other", name="其他", token_hash="1" * 64)
    platform_set_token(platform=other, by=None, token="other-platform-token")

    assert api.get("/api/v1/orders/NOPE").status_code == 404
    other_client = Client(HTTP_AUTHORIZATION="Bearer other-platform-token")
    assert other_client.get("/api/v1/orders/MALL-1001").status_code == 404


def _ship(order: Order) -> Order:
    order = Order.objects.get(pk=order.pk)
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.CONFIRMED, sales_order_number="SO-1"
    )
    order = Order.objects.get(pk=order.pk)
    order = order_mark_allocated(order=order, by=None, delivery_note_number="DN-1")
    order = order_mark_invoiced(order=order, by=None, invoice_number="INV-1")
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    return order_mark_shipped(
        order=order, by=None, carrier="顺丰", tracking_number="SF123", at=two_days_ago
    )


def test_receipt_of_an_unshipped_order_is_409(api: Client) -> None:
    post_order(api, payload())

    response = api.post("/api/v1/orders/MALL-1001/receipt", {}, content_type="application/json")

    assert response.status_code == 409
    assert Order.objects.get().status == Order.Status.RECEIVED


def test_receipt_marks_delivered_with_its_time_and_is_idempotent(api: Client) -> None:
    post_order(api, payload())
    order = _ship(Order.objects.get())
    received = (order.shipped_at + dt.timedelta(hours=30)).isoformat()

    response = api.post(
        "/api/v1/orders/MALL-1001/receipt",
        {"received_at": received},
        content_type="application/json",
    )
    again = api.post("/api/v1/orders/MALL-1001/receipt", {}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "delivered"
    assert body["tracking"]["tracking_number"] == "SF123"
    assert body["tracking"]["carrier"] == "顺丰"
    order.refresh_from_db()
    assert order.delivered_at == dt.datetime.fromisoformat(received)
    assert again.status_code == 200 and again.json() == body


def _post_receipt(api: Client, received_at: dt.datetime) -> Any:
    return api.post(
        "/api/v1/orders/MALL-1001/receipt",
        {"received_at": received_at.isoformat()},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("ahead", "status"),
    [
        (dt.timedelta(seconds=50), 200),  # clock skew
        (dt.timedelta(seconds=90), 422),
        (dt.timedelta(minutes=9), 422),  # the placed-at allowance does not apply
    ],
)
def test_receipt_may_not_lie_in_the_future(api: Client, ahead: dt.timedelta, status: int) -> None:
    post_order(api, payload())
    _ship(Order.objects.get())

    response = _post_receipt(api, timezone.now() + ahead)

    assert response.status_code == status
    order = Order.objects.get()
    if status == 422:
        assert errors_of(response) == {("received_at", "not_in_future")}
        assert (order.status, order.delivered_at) == (Order.Status.SHIPPED, None)
    else:
        assert order.status == Order.Status.DELIVERED


def test_receipt_may_not_precede_the_shipment(api: Client) -> None:
    post_order(api, payload())
    order = _ship(Order.objects.get())

    response = _post_receipt(api, order.shipped_at - dt.timedelta(minutes=1))

    assert response.status_code == 422
    assert errors_of(response) == {("received_at", "after_shipment")}
    order.refresh_from_db()
    assert (order.status, order.delivered_at) == (Order.Status.SHIPPED, None)


def test_receipt_time_must_carry_an_offset(api: Client) -> None:
    post_order(api, payload())
    _ship(Order.objects.get())

    response = api.post(
        "/api/v1/orders/MALL-1001/receipt",
        {"received_at": "2026-03-03T10:00:00"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert errors_of(response) == {("received_at", "offset_required")}
    assert Order.objects.get().status == Order.Status.SHIPPED


def test_receipt_of_unknown_order_is_404(api: Client) -> None:
    assert (
        api.post("/api/v1/orders/NOPE/receipt", {}, content_type="application/json").status_code
        == 404
    )


def test_openapi_document(api: Client) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    # the intake's own paths; later apps mount theirs beside them (returns: tests/returns)
    paths = {
        path: operations
        for path, operations in response.json()["paths"].items()
        if path.startswith("/api/v1/orders")
    }
    assert set(paths) == {
        "/api/v1/orders",
        "/api/v1/orders/{platform_order_no}",
        "/api/v1/orders/{platform_order_no}/receipt",
    }
    responses = {
        (path, method): set(operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
    }
    assert responses == {
        ("/api/v1/orders", "post"): {"200", "201", "400", "401", "409", "413", "422"},
        ("/api/v1/orders/{platform_order_no}", "get"): {"200", "401", "404"},
        ("/api/v1/orders/{platform_order_no}/receipt", "post"): {
            "200",
            "400",
            "401",
            "404",
            "409",
            "422",
        },
    }


# --- the API reads through a selector and writes through services ------------------------------
def test_order_get_for_platform_finds_only_the_platforms_own_order(
    api: Client, platform: Platform
) -> None:
    from orders.selectors import order_get_for_platform
    from orders.services.platforms import platform_set_token

    post_order(api, payload())
    other = PlatformFactory(code="other", name="其他", token_hash="2" * 64)
    platform_set_token(platform=other, by=None, token="other-platform-token")

    found = order_get_for_platform(platform=platform, platform_order_no="MALL-1001")
    assert found == Order.objects.get()
    assert order_get_for_platform(platform=platform, platform_order_no=" MALL-1001 ") == found
    assert order_get_for_platform(platform=other, platform_order_no="MALL-1001") is None
    assert order_get_for_platform(platform=platform, platform_order_no="MALL-9") is None


def test_receipt_service_is_idempotent_and_checks_the_time(api: Client) -> None:
    from orders.exceptions import ReceiptInvalid, TransitionNotAllowed
    from orders.services import order_receipt_record

    post_order(api, payload())
    order = Order.objects.get()
    with pytest.raises(TransitionNotAllowed):
        order_receipt_record(order=order, received_at=None)
    order = _ship(order)
    with pytest.raises(ReceiptInvalid) as caught:
        order_receipt_record(order=order, received_at="tomorrow")
    assert [(e.field, e.rule) for e in caught.value.errors] == [("received_at", "datetime_format")]
    received = order.shipped_at + dt.timedelta(hours=1)

    first = order_receipt_record(order=order, received_at=received.isoformat())
    again = order_receipt_record(order=order, received_at=timezone.now().isoformat())

    assert first.delivered_at == again.delivered_at == received
    assert again.status == Order.Status.DELIVERED


def test_the_api_module_neither_queries_orders_nor_checks_states() -> None:
    import inspect

    import orders.api

    source = inspect.getsource(orders.api)
    assert "Order.objects" not in source
    assert "Order.Status" not in source and ".status !=" not in source
