"""The intake API at the edges: bodies over the limit, unknown routes, placed_at at the ends
of the calendar and outside the replay window, impossible offsets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order
from tests.orders.conftest import post_order
from tests.orders.factories import payload

pytestmark = pytest.mark.django_db


def errors_of(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["rule"]) for e in response.json()["errors"]}


def test_a_body_over_the_upload_limit_is_413_json_and_stores_nothing(
    api: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = payload(**{"ship_to.street": "长江路" * 2000})

    response = post_order(api, body)

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert errors_of(response) == {("body", "too_large")}
    assert Order.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/orders/A/B/C", "/api/v1/"])
def test_an_unknown_api_route_answers_json_404(api: Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "No endpoint" in response.json()["detail"]


@pytest.mark.parametrize(
    ("placed_at", "rule"),
    [
        ("0001-01-01T00:00:00+08:00", "datetime_range"),
        ("9999-12-31T23:59:59-10:00", "datetime_range"),
        ("9999-12-31T23:59:59+08:00", "not_in_future"),
        ("0001-01-02T00:00:00+00:00", "replay_window"),
        ("2026-03-02T10:00:00+23:59", "offset_range"),
        ("2026-03-02T10:00:00-13:00", "offset_range"),
        ("2026-03-02T10:00:00+08:07", "offset_range"),
    ],
)
def test_placed_at_at_the_ends_of_the_calendar_is_422_never_500(
    api: Client, placed_at: str, rule: str, settings: Any
) -> None:
    settings.ORDER_REPLAY_WINDOW_DAYS = 31
    response = post_order(api, payload(placed_at=placed_at))

    assert response.status_code == 422
    assert errors_of(response) == {("placed_at", rule)}
    assert Order.objects.count() == 0


def test_the_replay_window_bounds_old_orders_and_says_so(api: Client, settings: Any) -> None:
    settings.ORDER_REPLAY_WINDOW_DAYS = 31
    inside = timezone.now() - dt.timedelta(days=30, hours=23)
    outside = timezone.now() - dt.timedelta(days=31, minutes=1)

    assert post_order(api, payload(placed_at=inside.isoformat())).status_code == 201
    response = post_order(api, payload(platform_order_no="MALL-OLD", placed_at=outside.isoformat()))

    assert errors_of(response) == {("placed_at", "replay_window")}
    assert "31" in response.json()["errors"][0]["message"]


def test_nepal_and_chatham_offsets_are_real_ones(api: Client) -> None:
    assert post_order(api, payload(placed_at="2026-03-02T07:45:00+05:45")).status_code == 201
    chatham = payload(platform_order_no="MALL-CHATHAM", placed_at="2026-03-02T15:45:00+13:45")
    assert post_order(api, chatham).status_code == 201
