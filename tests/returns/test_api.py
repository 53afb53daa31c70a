"""The returns API contract (SPEC §7, issue 11 point 1): POST /api/v1/returns (multipart)
and GET /api/v1/returns/{id}."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from returns.models import Refund, ReturnRequest

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


# --- helpers ------------------------------------------------------------------------------------
def png(size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def form(order: Any, **changes: Any) -> dict[str, Any]:
    """A valid request for one unit of the order's first line; `changes` replace fields
    (None drops one)."""
    body: dict[str, Any] = {
        "platform_order_no": order.platform_order_no,
        "kind": "return",
        "reason": "3",
        "text": "外箱破损",
        "lines": json.dumps([{"sku": order.lines.get(position=1).sku, "quantity": 1}]),
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/returns", body)  # the test client sends multipart/form-data


def errors_of(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


@pytest.fixture
def api(platform: Any) -> Client:
    from tests.orders.factories import TOKEN

    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.fixture
def other_api(db: Any) -> Client:
    from orders.services.platforms import platform_set_token
    from tests.orders.factories import PlatformFactory

    other = PlatformFactory(code="other", name="其他平台", token_hash="2" * 64)
    platform_set_token(platform=other, by=None, token="other-platform-token")
    return Client(HTTP_AUTHORIZATION="Bearer other-platform-token")


def clock_at(monkeypatch: Any, moment: dt.datetime) -> None:
    """Every `timezone.now()` of the request (the services read it) answers `moment`."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- create -------------------------------------------------------------------------------------
def test_a_request_is_201_with_the_request(
    api: Client, delivered: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from core.models import SmsMessage

    order = delivered(quantity=2, unit_price="100.00")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, form(order, evidence=[png()], request_no="MALL-R-1"))

    assert response.status_code == 201
    request = ReturnRequest.objects.get()
    body = response.json()
    assert body["id"] == request.pk
    assert body["number"] == request.number and request.number.startswith("RR-GQ-")
    assert (body["status"], body["kind"], body["resolution"]) == ("requested", "return", None)
    assert (body["reason"], body["text"], body["request_no"]) == (3, "外箱破损", "MALL-R-1")
    assert body["platform_order_no"] == order.platform_order_no
    assert body["order_number"] == order.number
    assert body["lines"] == [
        {
            "line": 1,
            "sku": order.lines.get().sku,
            "quantity": 1,
            "unit_price": "100.00",
            "amount": "100.00",
        }
    ]
    assert body["goods_amount"] == "100.00"
    assert body["evidence_count"] == 1
    assert body["warehouse"]["code"] == order.warehouse.code
    assert body["refund"] is None
    assert body["approvals"] == {"required": [], "recorded": [], "missing": []}
    received_day = order.delivered_at.astimezone(BEIJING).date()
    window_end = dt.datetime.combine(received_day + dt.timedelta(days=6), dt.time(0, 0))
    assert body["window_ends_at"] == window_end.isoformat() + "+08:00"
    assert body["requested_at"].endswith("+08:00")
    assert (request.source, request.platform_request_no) == ("api", "MALL-R-1")
    assert request.platform.code == "mall"
    assert SmsMessage.objects.get().reference == request.number


def test_an_exchange_of_one_of_two_lines(api: Client, delivered: Any, second_product: Any) -> None:
    order = delivered(
        lines=[
            {"sku": "SKU-A", "quantity": 1, "unit_price": "100.00"},
            {"sku": "SKU-B", "quantity": 3, "unit_price": "20.00"},
        ]
    )

    response = post(
        api,
        form(order, kind="exchange", reason="4", lines='[{"sku": "SKU-B", "quantity": 2}]'),
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "exchange" and body["goods_amount"] == "40.00"
    assert [(line["line"], line["sku"], line["quantity"]) for line in body["lines"]] == [
        (2, "SKU-B", 2)
    ]


def test_a_sku_on_two_lines_needs_the_line_position(api: Client, delivered: Any) -> None:
    order = delivered(
        lines=[
            {"sku": "SKU-A", "quantity": 1, "unit_price": "100.00"},
            {"sku": "SKU-A", "quantity": 1, "unit_price": "90.00"},
        ]
    )

    ambiguous = post(api, form(order, lines='[{"sku": "SKU-A", "quantity": 1}]'))
    wrong = post(api, form(order, lines='[{"sku": "SKU-A", "quantity": 1, "line": 3}]'))
    assert ReturnRequest.objects.count() == 0
    chosen = post(api, form(order, lines='[{"sku": "SKU-A", "quantity": 1, "line": 2}]'))

    assert ambiguous.status_code == 422
    assert errors_of(ambiguous) == {("lines[0].line", "ambiguous_sku")}
    assert "1, 2" in ambiguous.json()["errors"][0]["message"]
    assert errors_of(wrong) == {("lines[0].line", "unknown_line")}
    assert chosen.status_code == 201
    assert [(line["line"], line["unit_price"]) for line in chosen.json()["lines"]] == [(2, "90.00")]


# --- idempotency --------------------------------------------------------------------------------
def test_the_same_request_again_is_200_with_the_same_request(api: Client, delivered: Any) -> None:
    order = delivered()
    first = post(api, form(order, request_no="MALL-R-7", evidence=[png()]))

    again = post(api, form(order, request_no="MALL-R-7", evidence=[png()]))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert ReturnRequest.objects.count() == 1


def test_the_same_request_after_the_window_closed_is_still_200(
    api: Client, delivered: Any, monkeypatch: Any
) -> None:
    order = delivered()
    first = post(api, form(order, request_no="MALL-R-8"))
    clock_at(monkeypatch, order.delivered_at + dt.timedelta(days=10))

    again = post(api, form(order, request_no="MALL-R-8"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize("change", ["reason", "text", "kind", "quantity", "evidence", "order"])
def test_other_content_under_the_same_request_no_is_409(
    api: Client, delivered: Any, change: str
) -> None:
    order = delivered(quantity=3)
    first = post(api, form(order, request_no="MALL-R-9")).json()
    sku = order.lines.get().sku
    changed = {
        "reason": lambda: form(order, reason="4"),
        "text": lambda: form(order, text="另一个说法"),
        "kind": lambda: form(order, kind="exchange"),
        "quantity": lambda: form(order, lines=json.dumps([{"sku": sku, "quantity": 2}])),
        "evidence": lambda: form(order, evidence=[png()]),
        "order": lambda: form(delivered(quantity=1)),
    }[change]()

    response = post(api, {**changed, "request_no": "MALL-R-9"})

    assert response.status_code == 409
    assert response.json()["number"] == first["number"]
    assert errors_of(response) == {("request_no", "conflict")}
    assert ReturnRequest.objects.count() == 1
    assert ReturnRequest.objects.get().reason == 3


def test_without_request_no_each_call_is_a_new_request(api: Client, delivered: Any) -> None:
    order = delivered(quantity=2)

    statuses = [post(api, form(order)).status_code for _ in range(2)]

    assert statuses == [201, 201]
    assert ReturnRequest.objects.count() == 2


def test_the_same_request_no_of_another_platform_is_another_request(
    api: Client, other_api: Client, delivered: Any
) -> None:
    order = delivered()
    post(api, form(order, request_no="R-1"))

    # the other platform's call does not even find the order
    assert post(other_api, form(order, request_no="R-1")).status_code == 404
    assert ReturnRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_twice_at_once_is_one_return(delivered: Any, platform: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    from tests.orders.factories import TOKEN

    order = delivered(quantity=2)
    body = form(order, request_no="MALL-R-CONCURRENT")
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    numbers: list[str] = []

    def send() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        try:
            barrier.wait()
            response = post(client, body)
            statuses.append(response.status_code)
            numbers.append(response.json().get("number", ""))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 201]
    assert ReturnRequest.objects.count() == 1
    assert numbers == [ReturnRequest.objects.get().number] * 2


# --- the window, through the API ----------------------------------------------------------------
def _day(order: Any, day: int, clock: dt.time) -> dt.datetime:
    """Beijing time on the `day`-th calendar day after the receipt (its day is day 0)."""
    received_day = order.delivered_at.astimezone(BEIJING).date()
    return dt.datetime.combine(received_day + dt.timedelta(days=day), clock, tzinfo=BEIJING)


def test_day_five_at_23_59_59_beijing_is_accepted(
    api: Client, delivered: Any, monkeypatch: Any
) -> None:
    order = delivered()
    clock_at(monkeypatch, _day(order, 5, dt.time(23, 59, 59)))

    response = post(api, form(order))

    assert response.status_code == 201
    requested = ReturnRequest.objects.get().requested_at.astimezone(BEIJING)
    assert requested == _day(order, 5, dt.time(23, 59, 59))


def test_day_six_at_midnight_beijing_is_422_return_window(
    api: Client, delivered: Any, monkeypatch: Any
) -> None:
    order = delivered()
    clock_at(monkeypatch, _day(order, 6, dt.time(0, 0)))

    response = post(api, form(order))

    assert response.status_code == 422
    assert errors_of(response) == {("platform_order_no", "return_window")}
    assert ReturnRequest.objects.count() == 0


def test_a_receipt_six_days_ago_is_outside_the_window(api: Client, delivered: Any) -> None:
    from django.utils import timezone

    order = delivered(received_at=timezone.now() - dt.timedelta(days=7))

    response = post(api, form(order))

    assert response.status_code == 422
    assert errors_of(response) == {("platform_order_no", "return_window")}


def test_an_order_without_receipt_confirmation_is_422(
    api: Client, confirmed: Any, platform: Any
) -> None:
    order = confirmed()

    response = post(api, form(order))

    assert response.status_code == 422
    assert errors_of(response) == {("platform_order_no", "not_delivered")}


# --- quantities ---------------------------------------------------------------------------------
def test_a_second_partial_return_cannot_exceed_what_is_left(api: Client, delivered: Any) -> None:
    order = delivered(quantity=3)
    sku = order.lines.get().sku
    first = post(api, form(order, lines=json.dumps([{"sku": sku, "quantity": 2}])))

    over = post(api, form(order, lines=json.dumps([{"sku": sku, "quantity": 2}])))
    rest = post(api, form(order, lines=json.dumps([{"sku": sku, "quantity": 1}])))
    nothing_left = post(api, form(order, lines=json.dumps([{"sku": sku, "quantity": 1}])))

    assert first.status_code == 201
    assert over.status_code == 422
    assert errors_of(over) == {("lines[0].quantity", "over_return")}
    assert "1" in over.json()["errors"][0]["message"]
    assert rest.status_code == 201
    assert errors_of(nothing_left) == {("lines[0].quantity", "over_return")}
    assert ReturnRequest.objects.count() == 2


def test_more_than_was_shipped_is_422(api: Client, delivered: Any) -> None:
    order = delivered(quantity=2)

    response = post(
        api, form(order, lines=json.dumps([{"sku": order.lines.get().sku, "quantity": 3}]))
    )

    assert errors_of(response) == {("lines[0].quantity", "over_return")}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("not json", {("lines", "json")}),
        ("[" * 100_000, {("lines", "json")}),
        ('{"sku": "SKU-A", "quantity": 1}', {("lines", "type")}),
        ("[]", {("lines", "required")}),
        ('["SKU-A"]', {("lines[0]", "type")}),
        ('[{"quantity": 1}]', {("lines[0].sku", "required")}),
        ('[{"sku": "NOPE", "quantity": 1}]', {("lines[0].sku", "unknown_sku")}),
        ('[{"sku": "SKU-A", "quantity": 0}]', {("lines[0].quantity", "positive")}),
        ('[{"sku": "SKU-A", "quantity": "1"}]', {("lines[0].quantity", "positive")}),
        ('[{"sku": "SKU-A", "quantity": 1.5}]', {("lines[0].quantity", "positive")}),
        ('[{"sku": "SKU-A", "quantity": true}]', {("lines[0].quantity", "positive")}),
        ('[{"sku": "SKU-A"}]', {("lines[0].quantity", "positive")}),
        (
            '[{"sku": "SKU-A", "quantity": 1}, {"sku": "SKU-A", "quantity": 1}]',
            {("lines[1]", "duplicate")},
        ),
    ],
)
def test_bad_lines_are_422_naming_the_item(
    api: Client, delivered: Any, lines: str, expected: set[tuple[str, str]]
) -> None:
    order = delivered(quantity=2)

    response = post(api, form(order, lines=lines))

    assert response.status_code == 422
    assert errors_of(response) == expected
    assert ReturnRequest.objects.count() == 0


# --- the other fields ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"reason": "5", "text": ""}, {("text", "required")}),
        ({"reason": "5", "text": None}, {("text", "required")}),
        ({"reason": "5", "text": " \u3000 "}, {("text", "required")}),
        ({"reason": "7"}, {("reason", "choice")}),
        ({"reason": "0"}, {("reason", "choice")}),
        ({"reason": "three"}, {("reason", "int_parsing")}),
        ({"kind": "swap"}, {("kind", "choice")}),
        ({"kind": None}, {("kind", "missing")}),
        ({"lines": None}, {("lines", "missing")}),
        ({"text": "坏了\x00"}, {("text", "control_chars")}),
        ({"text": "坏了\x07"}, {("text", "control_chars")}),
        ({"request_no": "R-\x00-1"}, {("request_no", "control_chars")}),
        ({"request_no": "R" * 65}, {("request_no", "max_length")}),
        ({"platform_order_no": "MALL\x00"}, {("platform_order_no", "control_chars")}),
        ({"text": "退" * 501}, {("text", "max_length")}),
    ],
)
def test_invalid_fields_are_422_naming_field_and_rule(
    api: Client, delivered: Any, changes: dict[str, Any], expected: set[tuple[str, str]]
) -> None:
    order = delivered()

    response = post(api, form(order, **changes))

    assert response.status_code == 422
    assert errors_of(response) == expected
    assert response.json()["detail"]
    assert ReturnRequest.objects.count() == 0


def test_reason_five_with_the_customers_words_is_accepted(api: Client, delivered: Any) -> None:
    order = delivered()

    response = post(api, form(order, reason="5", text="颜色\r\n与图片不符"))

    assert response.status_code == 201
    assert response.json()["text"] == "颜色 与图片不符"


def test_text_of_exactly_500_characters_is_accepted(api: Client, delivered: Any) -> None:
    order = delivered()

    response = post(api, form(order, text="退" * 500))

    assert response.status_code == 201
    assert len(ReturnRequest.objects.get().reason_text) == 500


# --- who may ask --------------------------------------------------------------------------------
def test_without_a_token_it_is_401_and_nothing_is_stored(delivered: Any) -> None:
    order = delivered()

    response = post(Client(), form(order))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="ecomops"'
    assert ReturnRequest.objects.count() == 0
    assert Client().get("/api/v1/returns/1").status_code == 401


def test_an_order_of_another_platform_or_unknown_is_404(
    api: Client, other_api: Client, delivered: Any
) -> None:
    order = delivered()

    foreign = post(other_api, form(order))
    unknown = post(api, form(order, platform_order_no="MALL-NOPE"))

    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert foreign.json() == unknown.json()
    assert ReturnRequest.objects.count() == 0


# --- GET ----------------------------------------------------------------------------------------
def test_get_by_number_or_id_shows_the_request(api: Client, delivered: Any) -> None:
    order = delivered()
    created = post(api, form(order)).json()

    by_number = api.get(f"/api/v1/returns/{created['number']}")
    by_lower_number = api.get(f"/api/v1/returns/{created['number'].lower()}")
    by_id = api.get(f"/api/v1/returns/{created['id']}")

    assert by_number.status_code == by_id.status_code == by_lower_number.status_code == 200
    assert by_number.json() == by_id.json() == by_lower_number.json() == created


@pytest.mark.parametrize("key", ["999999", "RR-GQ-2026-999999", "9" * 40, "x", "%00"])
def test_get_unknown_is_404(api: Client, delivered: Any, key: str) -> None:
    post(api, form(delivered()))

    response = api.get(f"/api/v1/returns/{key}")

    assert response.status_code == 404
    assert set(response.json()) <= {"detail", "errors"}  # nothing of the request


def test_get_of_another_platforms_request_is_404(
    api: Client, other_api: Client, delivered: Any
) -> None:
    created = post(api, form(delivered())).json()

    by_number = other_api.get(f"/api/v1/returns/{created['number']}")
    by_id = other_api.get(f"/api/v1/returns/{created['id']}")

    assert (by_number.status_code, by_id.status_code) == (404, 404)


def test_get_shows_both_approvals_missing_above_5000_after_the_rep_accepts(
    api: Client, delivered: Any, people: dict[str, Any]
) -> None:
    from returns.services import refund_approve, return_accept

    order = delivered(quantity=1, unit_price="6000.00")
    created = post(api, form(order)).json()
    request = ReturnRequest.objects.get()
    return_accept(request=request, by=people["sales_rep"], kind="return", return_freight="15.00")

    accepted = api.get(f"/api/v1/returns/{created['number']}").json()
    refund_approve(refund=Refund.objects.get(), by=people["sales_head"])
    one_approved = api.get(f"/api/v1/returns/{created['number']}").json()

    assert accepted["status"] == "accepted" and accepted["resolution"] == "return"
    assert accepted["decided_at"].endswith("+08:00")
    assert accepted["refund"] == {
        "number": Refund.objects.get().number,
        "status": "awaiting_approval",
        "amount": "6015.00",
        "goods_amount": "6000.00",
        "return_freight": "15.00",
        "approved_at": None,
        "paid_at": None,
    }
    assert accepted["approvals"] == {
        "required": ["sales_head", "ecom_leader"],
        "recorded": [],
        "missing": ["sales_head", "ecom_leader"],
    }
    assert one_approved["approvals"]["missing"] == ["ecom_leader"]
    [approval] = one_approved["approvals"]["recorded"]
    assert approval["role"] == "sales_head" and approval["at"].endswith("+08:00")
    assert "by" not in approval  # staff names stay inside
    assert one_approved["refund"]["status"] == "awaiting_approval"


def test_get_shows_the_return_order_and_the_warehouse_once_feedback_is_done(
    api: Client, delivered: Any, people: dict[str, Any]
) -> None:
    from returns.services import return_accept, return_feedback

    order = delivered(quantity=1, unit_price="4999.99")
    created = post(api, form(order)).json()
    request = ReturnRequest.objects.get()
    return_accept(request=request, by=people["sales_rep"], kind="return")
    return_feedback(request=request, by=people["parts_support"], part="parts")
    return_feedback(request=request, by=people["logistics_lead"], part="warehouse")

    body = api.get(f"/api/v1/returns/{created['id']}").json()

    request.refresh_from_db()
    assert body["status"] == "awaiting_goods"
    assert body["return_order_number"] == request.return_order_number
    assert body["return_order_number"].startswith("TH-")
    assert body["warehouse"] == {
        "code": order.warehouse.code,
        "name": order.warehouse.name,
        "address": order.warehouse.address,
    }
    assert body["approvals"]["required"] == ["sales_head"]


# --- the OpenAPI document -----------------------------------------------------------------------
def test_the_openapi_document_describes_the_returns_endpoints(api: Client) -> None:
    document = Client().get("/api/v1/openapi.json").json()

    paths = document["paths"]
    assert {"/api/v1/returns", "/api/v1/returns/{id}"} <= set(paths)
    create = paths["/api/v1/returns"]["post"]
    assert set(create["responses"]) == {"200", "201", "400", "401", "404", "409", "413", "422"}
    schema = create["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(schema["required"]) == {"platform_order_no", "kind", "reason", "lines"}
    assert schema["properties"]["evidence"]["items"]["format"] == "binary"
    assert set(paths["/api/v1/returns/{id}"]["get"]["responses"]) == {"200", "401", "404"}
