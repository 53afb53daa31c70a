"""A careless or hostile platform and user (issue 8 §4, §5): control characters, invisible
names and amounts that overflow their columns are 4xx naming the field and the rule, never
5xx and never stored. Runs on SQLite and on PostgreSQL (which refuses NUL in SQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from orders import services
from orders.exceptions import OrderError
from orders.models import Order
from tests.orders.conftest import post_order
from tests.orders.factories import order_in_state, payload
from tests.orders.test_views import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("sales_rep"))
    return client


def errors_of(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"buyer.name": "北京\x00科技有限公司"}, "buyer.name"),
        ({"platform_order_no": "MALL-\x00-1"}, "platform_order_no"),
        ({"lines.0.sku": "SKU-A\x00"}, "lines[0].sku"),
        ({"ship_to.street": "东长安街\x1b[31m 1 号"}, "ship_to.street"),
        ({"ship_to.recipient": "李\x85明"}, "ship_to.recipient"),
        ({"division": "G\x00Q"}, "division"),
    ],
)
def test_control_characters_are_refused_by_field(api: Client, change: Any, field: str) -> None:
    response = post_order(api, payload(**change))

    assert response.status_code == 422
    assert errors_of(response) == {(field, "control_characters")}
    assert Order.objects.count() == 0


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u3000 \u3000", "\ufeff\u200d"])
def test_a_name_of_invisible_characters_is_missing(api: Client, name: str) -> None:
    response = post_order(api, payload(**{"buyer.name": name}))

    assert errors_of(response) == {("buyer.name", "required")}
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/orders/MALL%00X", 404),
        ("/api/v1/orders?x=%00", 400),
        ("/orders/?q=%00", 400),
        ("/orders/%00/", 404),
        ("/orders/customers/?q=a%01b", 400),
    ],
)
def test_control_characters_in_addresses_and_search_boxes_are_4xx(
    api: Client, rep_client: Client, path: str, status: int
) -> None:
    client = api if path.startswith("/api/") else rep_client

    response = client.get(path)

    assert response.status_code == status


def test_the_key_in_form_refuses_control_characters_and_keeps_the_input(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    data = _form_data(platform, division, ship_street="工业路\x01 9 号", buyer_name="\u200b")

    response = rep_client.post(reverse("orders:order-create"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["ship_street"]] == ["control_characters"]
    assert [e.code for e in errors["buyer_name"]] == ["required"]
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"lines": [{"sku": "SKU-A", "quantity": 1_000_000, "unit_price": "99999.00"}]},
            {("lines[0].unit_price", "amount_range")},
        ),
        (
            {
                "lines": [
                    {"sku": "SKU-A", "quantity": 1_000, "unit_price": "6000000.00"},
                    {"sku": "SKU-A", "quantity": 1_000, "unit_price": "6000000.00"},
                ]
            },
            {("lines", "total_range")},
        ),
        (
            {
                "lines": [{"sku": "SKU-A", "quantity": 1, "unit_price": "9999999999.00"}],
                "freight": "9999999999.00",
            },
            {("freight", "total_range")},
        ),
    ],
)
def test_amounts_that_do_not_fit_their_columns_are_refused(
    api: Client, rep_client: Client, change: Any, expected: Any
) -> None:
    response = post_order(api, payload(**change))

    assert response.status_code == 422
    assert errors_of(response) == expected
    assert Order.objects.count() == 0
    assert rep_client.get(reverse("orders:order-list") + "?status=received").status_code == 200


def test_a_confirmation_whose_total_does_not_fit_is_refused(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any
) -> None:
    order = order_in_state(Order.Status.IDENTIFIED, platform=platform, division=division)
    line = order.lines.get()
    huge = services.LineCorrection(position=line.position, quantity=1_000_000, unit_price=10**8)

    with pytest.raises(OrderError, match="9,999,999,999.99"):
        services.order_confirm(
            order=order, by=make_user("sales_rep"), invoice_title="某公司", lines=[huge]
        )

    order.refresh_from_db()
    assert (order.status, order.goods_amount, order.lines.get().quantity) == (
        Order.Status.IDENTIFIED,
        line.amount,
        line.quantity,
    )


@pytest.mark.parametrize("typed", ["Jiangsu", "江苏", "32", "jiang su"])
def test_the_ship_to_province_is_stored_as_routing_knows_it(api: Client, typed: str) -> None:
    body = payload(
        **{"ship_to.province": typed, "ship_to.city": "苏州市", "ship_to.postcode": "215000"}
    )

    response = post_order(api, body)

    assert response.status_code == 201, response.content
    assert Order.objects.get().ship_province == "江苏省"
