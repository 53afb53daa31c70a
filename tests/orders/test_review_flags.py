"""Orders that break no rule but look wrong are accepted and flagged (issue 8 §18): a unit
price far from the listed selling price or zero, one SKU at two prices, a postcode of
another province. The rep sees the flags before confirming; a correction clears them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from orders.flags import postcode_province, review_flags
from orders.services import LineCorrection, order_confirm
from tests.orders.conftest import post_order
from tests.orders.factories import payload

pytestmark = pytest.mark.django_db


def test_pure_rules() -> None:
    flags = review_flags(
        lines=[
            (1, "A", Decimal("0.00"), Decimal("100.00")),
            (2, "B", Decimal("16.67"), Decimal("100.00")),
            (3, "C", Decimal("109.00"), Decimal("100.00")),  # within 10 %
            (4, "C", Decimal("95.00"), Decimal("100.00")),
        ],
        postcode="100010",
        province_code="32",
    )
    codes = [(f["code"], f.get("sku")) for f in flags]
    assert codes == [
        ("price_deviation", "A"),
        ("price_deviation", "B"),
        ("sku_two_prices", "C"),
        ("postcode_province", None),
    ]
    assert postcode_province("830002") == "65" and postcode_province("999077") == "81"
    assert review_flags(lines=[], postcode="215008", province_code="32") == []


def test_intake_accepts_and_flags_then_the_page_shows_it(
    api: Any, make_user: Any, english: Any
) -> None:
    body = payload(
        lines=[
            {"sku": "SKU-A", "quantity": 1, "unit_price": "0.00"},
            {"sku": "SKU-A", "quantity": 1, "unit_price": "100.00"},
        ],
        **{"ship_to.postcode": "830002"},
    )
    response = post_order(api, body)
    assert response.status_code == 201
    from orders.models import Order

    order = Order.objects.get()
    assert order.is_flagged
    assert {f["code"] for f in order.review_flags} == {
        "price_deviation",
        "sku_two_prices",
        "postcode_province",
    }
    client = Client()
    client.force_login(make_user("sales_rep", language="en"))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="review-flags"' in page
    assert "Postcode 830002 belongs to 新疆维吾尔自治区" in page


def test_a_price_correction_at_confirmation_clears_the_price_flag(
    platform: Any, division: Any, product: Any, warehouses: Any
) -> None:
    from tests.orders.factories import order_in_state

    order = order_in_state(
        "identified",
        platform=platform,
        division=division,
        lines=[{"sku": "SKU-A", "quantity": 1, "unit_price": "10.00"}],
    )
    assert order.is_flagged
    order = order_confirm(
        order=order,
        by=None,
        invoice_title=order.invoice_title,
        lines=[LineCorrection(position=1, quantity=1, unit_price=Decimal("100.00"))],
    )
    assert not order.is_flagged and order.review_flags == []


def test_triage_list_marks_and_filters_flagged_orders(
    api: Any, make_user: Any, platform: Any
) -> None:
    post_order(api, payload(platform_order_no="FLAG-1", **{"ship_to.postcode": "830002"}))
    post_order(api, payload(platform_order_no="PLAIN-1"))
    client = Client()
    client.force_login(make_user("sales_rep", language="en"))
    listed = client.get("/orders/", {"status": ["received", "identified"]})
    assert listed.content.decode().count('data-testid="flag-badge"') == 1
    flagged = client.get("/orders/", {"flagged": "on", "status": ["received", "identified"]})
    assert [o.platform_order_no for o in flagged.context["orders"]] == ["FLAG-1"]
