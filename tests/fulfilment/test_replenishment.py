"""Low-stock scan (one alert per episode, a proposed request) and replenishment requests
(approval above the threshold by the approval role, rejection with a reason)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import AuditRecord, Notification
from fulfilment.exceptions import FulfilmentError, NotPermitted
from fulfilment.models import LowStockEpisode, ReplenishmentRequest, StockMove
from fulfilment.services import stock_levels_lock, stock_move_post
from fulfilment.services.receipts import inbound_receipt_book
from fulfilment.services.replenishment import (
    low_stock_scan,
    replenishment_approve,
    replenishment_cancel,
    replenishment_create,
    replenishment_reject,
    replenishment_submit,
)
from fulfilment.tasks import low_stock_scan_task
from tests.factories import WarehouseFactory
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db
Status = ReplenishmentRequest.Status


@pytest.fixture
def ship(warehouses: Any) -> Any:
    """ship(product, 3, days_ago=1) → a shipment move out of GQ-MAIN (or `warehouse=`)."""

    def post(product: Any, quantity: int, *, days_ago: float = 1, warehouse: Any = None) -> None:
        warehouse = warehouse or warehouses["main"]
        with transaction.atomic():
            level = stock_levels_lock(warehouse=warehouse, product_ids=[product.pk])[product.pk]
            stock_move_post(
                level,
                kind=StockMove.Kind.SHIPMENT,
                quantity=-quantity,
                by=None,
                at=timezone.now() - dt.timedelta(days=days_ago),
            )

    return post


def _alerts() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(topic="low_stock").values_list("recipient__username", "link")
    )


# --- the scan ---------------------------------------------------------------------------------
def test_scan_opens_one_episode_alerts_once_and_proposes_a_request(
    product: Any, stock: Any, ship: Any, make_user: Any, other_division: Any, warehouses: Any
) -> None:
    make_user("parts_support", username="parts")
    make_user("warehouse", username="keeper")
    make_user("warehouse", username="elsewhere", divisions=[other_division])
    make_user("sales_rep", username="rep")
    stock(product, 10)
    ship(product, 5, days_ago=2)
    ship(product, 3, days_ago=6)  # 8 shipped this week, 2 available

    opened = low_stock_scan()

    [episode] = opened
    assert (episode.product, episode.warehouse) == (product, warehouses["main"])
    assert (episode.available, episode.shipped_last_week, episode.closed_at) == (2, 8, None)
    [request] = ReplenishmentRequest.objects.all()
    assert request.status == Status.PROPOSED
    assert request.episode == episode
    assert request.number.startswith("PR-GQ-")
    assert request.quantity == 2 * 8 - 2
    assert request.unit_cost == Decimal("100.00")  # no offline market price: the selling price
    assert request.amount == Decimal("1400.00")
    link = reverse("fulfilment:replenishment-detail", args=[request.pk])
    assert _alerts() == [("keeper", link), ("parts", link)]

    assert low_stock_scan() == []  # still low: nothing new
    assert LowStockEpisode.objects.count() == 1
    assert ReplenishmentRequest.objects.count() == 1
    assert len(_alerts()) == 2


def test_episode_closes_when_stock_arrives_and_the_next_one_alerts_again(
    product: Any,
    stock: Any,
    ship: Any,
    make_user: Any,
    warehouses: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_user("parts_support", username="parts")
    stock(product, 10)
    ship(product, 8)
    [first] = low_stock_scan()
    keeper = make_user("warehouse", username="keeper")  # joins after the first alert

    with django_capture_on_commit_callbacks(execute=True):
        inbound_receipt_book(
            warehouse=warehouses["main"],
            by=keeper,
            supplier="S",
            lines=[(product, 20)],
        )
    first.refresh_from_db()
    assert first.closed_at is not None  # 22 available covers the 8 shipped
    assert AuditRecord.objects.filter(
        object_type="fulfilment.lowstockepisode", action="low_stock_closed"
    ).exists()
    assert low_stock_scan() == []

    ship(product, 20)  # 28 shipped this week, 2 available: low again
    [second] = low_stock_scan()
    assert second.pk != first.pk
    assert (second.available, second.shipped_last_week) == (2, 28)
    assert [u for u, _link in _alerts()] == ["keeper", "parts", "parts"]
    assert ReplenishmentRequest.objects.filter(episode=second).get().quantity == 54


def test_scan_closes_an_episode_when_shipments_age_out(product: Any, stock: Any, ship: Any) -> None:
    stock(product, 4)
    ship(product, 3, days_ago=1)
    [episode] = low_stock_scan()
    low_stock_scan(now=timezone.now() + dt.timedelta(days=7))  # the shipment is 8 days old
    episode.refresh_from_db()
    assert episode.closed_at is not None


def test_old_shipments_and_covered_stock_are_not_low(
    product: Any, second_product: Any, stock: Any, ship: Any
) -> None:
    stock(product, 10)
    ship(product, 9, days_ago=8)  # outside the 7 days
    stock(second_product, 10)
    ship(second_product, 5)  # 5 available, 5 shipped: covered exactly
    assert low_stock_scan() == []
    assert not LowStockEpisode.objects.exists()


def test_proposal_prefers_the_offline_market_price(
    division: Any, stock: Any, ship: Any, warehouses: Any
) -> None:
    product = ListedProductFactory(sku="OMP-1", division=division)
    product.offline_market_price = Decimal("12.35")
    product.save(update_fields=["offline_market_price"])
    stock(product, 4, warehouse=warehouses["central"])
    ship(product, 3, warehouse=warehouses["central"])  # 1 available, 3 shipped
    low_stock_scan()
    request = ReplenishmentRequest.objects.get(product=product)
    assert request.warehouse == warehouses["central"]
    assert (request.quantity, request.unit_cost, request.amount) == (
        5,
        Decimal("12.35"),
        Decimal("61.75"),
    )


def test_scan_aggregates_in_a_fixed_number_of_queries(
    division: Any, stock: Any, ship: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        item = ListedProductFactory(sku=f"BULK-{n}", division=division)
        stock(item, 10)
        ship(item, 2)  # covered: not low
    with django_assert_max_num_queries(3):
        assert low_stock_scan() == []


def test_task_runs_the_scan_idempotently(product: Any, stock: Any, ship: Any) -> None:
    stock(product, 3)
    ship(product, 2)
    assert low_stock_scan_task() == 1
    assert low_stock_scan_task() == 0


# --- approval --------------------------------------------------------------------------------
def _request(product: Any, warehouses: Any, by: Any, quantity: int, unit_cost: str) -> Any:
    return replenishment_create(
        product=product, warehouse=warehouses["main"], quantity=quantity, unit_cost=unit_cost, by=by
    )


def test_exactly_the_threshold_is_approved_on_submission(
    product: Any, warehouses: Any, make_user: Any
) -> None:
    parts = make_user("parts_support")
    leader = make_user("ecom_leader")
    request = _request(product, warehouses, parts, 10, "100.00")
    assert request.amount == Decimal("1000.00")
    request = replenishment_submit(request=request, by=parts)
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert request.decided_by is None
    actions = list(
        AuditRecord.objects.filter(
            object_type="fulfilment.replenishmentrequest", object_id=str(request.pk)
        )
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("created", parts.pk), ("submitted", parts.pk), ("approved", None)]
    assert not Notification.objects.filter(recipient=leader).exists()


def test_above_the_threshold_waits_for_the_ecom_leader(
    product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    parts = make_user("parts_support")
    leader = make_user("ecom_leader", divisions=[])
    request = _request(product, warehouses, parts, 1, "1000.01")
    request = replenishment_submit(request=request, by=parts)
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    [message] = Notification.objects.filter(recipient=leader)
    assert message.link == reverse("fulfilment:replenishment-detail", args=[request.pk])
    assert request.number in message.subject

    with pytest.raises(NotPermitted):  # parts_support cannot approve its own request
        replenishment_approve(request=request, by=parts)
    with pytest.raises(NotPermitted):
        replenishment_approve(request=request, by=make_user("warehouse"))
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED

    replenishment_approve(request=request, by=leader, note="ok, order it")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (
        Status.APPROVED,
        leader,
        "ok, order it",
    )
    with pytest.raises(FulfilmentError):
        replenishment_approve(request=request, by=leader)


def test_proposed_request_cannot_be_approved_before_submission(
    product: Any, warehouses: Any, make_user: Any
) -> None:
    request = _request(product, warehouses, make_user("parts_support"), 100, "50")
    with pytest.raises(FulfilmentError):
        replenishment_approve(request=request, by=make_user("ecom_leader"))
    request.refresh_from_db()
    assert request.status == Status.PROPOSED


def test_reject_needs_a_reason(product: Any, warehouses: Any, make_user: Any) -> None:
    parts, leader = make_user("parts_support"), make_user("ecom_leader")
    request = replenishment_submit(
        request=_request(product, warehouses, parts, 100, "50"), by=parts
    )
    with pytest.raises(FulfilmentError) as refused:
        replenishment_reject(request=request, by=leader, note="   ")
    assert refused.value.field == "note"
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    replenishment_reject(request=request, by=leader, note="too many: half will do")
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (Status.REJECTED, "too many: half will do")
    assert AuditRecord.objects.filter(
        object_id=str(request.pk), action="rejected", note="too many: half will do"
    ).exists()


def test_cancel_only_before_a_decision(product: Any, warehouses: Any, make_user: Any) -> None:
    parts = make_user("parts_support")
    request = _request(product, warehouses, parts, 1, "5")
    replenishment_cancel(request=request, by=parts, note="not needed")
    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    approved = replenishment_submit(request=_request(product, warehouses, parts, 1, "5"), by=parts)
    with pytest.raises(FulfilmentError):
        replenishment_cancel(request=approved, by=parts)


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "field"),
    [
        (0, "1", "quantity"),
        (1_000_001, "1", "quantity"),
        (2.5, "1", "quantity"),
        (1, "-0.01", "unit_cost"),
        (1, "1.234", "unit_cost"),
        (1, "abc", "unit_cost"),
        (1_000_000, "9999999999.99", "quantity"),  # amount beyond 12 digits
    ],
)
def test_request_by_hand_is_checked(
    quantity: Any, unit_cost: str, field: str, product: Any, warehouses: Any, make_user: Any
) -> None:
    with pytest.raises(FulfilmentError) as refused:
        _request(product, warehouses, make_user("parts_support"), quantity, unit_cost)
    assert refused.value.field == field
    assert not ReplenishmentRequest.objects.exists()


def test_request_by_hand_for_another_divisions_warehouse_is_refused(
    product: Any, other_division: Any, make_user: Any
) -> None:
    foreign = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    with pytest.raises(NotPermitted):
        replenishment_create(
            product=product, warehouse=foreign, quantity=1, unit_cost="1", by=make_user("warehouse")
        )


# --- the pages ------------------------------------------------------------------------------
def test_submit_and_approve_through_the_pages(
    client: Any, product: Any, warehouses: Any, make_user: Any, english: Any
) -> None:
    parts, leader = make_user("parts_support"), make_user("ecom_leader")
    client.force_login(parts)
    response = client.post(
        reverse("fulfilment:replenishment-create"),
        {
            "product": "sku-a",
            "warehouse": warehouses["main"].pk,
            "quantity": "30",
            "unit_cost": "50",
        },
    )
    request = ReplenishmentRequest.objects.get()
    detail = reverse("fulfilment:replenishment-detail", args=[request.pk])
    assert response.status_code == 302 and response["Location"] == detail
    assert request.amount == Decimal("1500.00")

    response = client.post(reverse("fulfilment:replenishment-submit", args=[request.pk]))
    assert response["Location"] == detail
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED

    response = client.post(
        reverse("fulfilment:replenishment-approve", args=[request.pk]), {"note": ""}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED

    client.force_login(leader)
    page = client.get(detail)
    assert page.status_code == 200 and page.context["can_decide"]
    response = client.post(reverse("fulfilment:replenishment-reject", args=[request.pk]), {})
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED  # no reason: refused
    client.post(reverse("fulfilment:replenishment-approve", args=[request.pk]), {"note": "go"})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (Status.APPROVED, leader)


def test_request_form_keeps_input_on_error(
    client: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    client.force_login(make_user("warehouse"))
    assert client.get(reverse("fulfilment:replenishment-create")).status_code == 200
    response = client.post(
        reverse("fulfilment:replenishment-create"),
        {
            "product": "NO-SUCH",
            "warehouse": warehouses["main"].pk,
            "quantity": "3",
            "unit_cost": "1",
        },
    )
    assert response.status_code == 422
    assert 'value="NO-SUCH"' in response.content.decode()
    assert response.context["form"].errors["product"]
    assert not ReplenishmentRequest.objects.exists()


def test_replenishment_list_is_scoped(
    client: Any, product: Any, warehouses: Any, other_division: Any, make_user: Any
) -> None:
    parts = make_user("parts_support")
    mine = _request(product, warehouses, parts, 1, "5")
    foreign_wh = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    foreign_product = ListedProductFactory(sku="DQ-9", division=other_division)
    theirs = replenishment_create(
        product=foreign_product, warehouse=foreign_wh, quantity=1, unit_cost="5", by=None
    )
    client.force_login(parts)
    listed = list(client.get(reverse("fulfilment:replenishment-list")).context["requests"])
    assert listed == [mine]
    assert (
        client.get(reverse("fulfilment:replenishment-detail", args=[theirs.pk])).status_code == 404
    )


def test_a_second_opener_of_the_same_episode_backs_off_quietly(
    product: Any, stock: Any, ship: Any, make_user: Any, warehouses: Any
) -> None:
    """Two scans racing: the unique open-episode constraint lets one win; the other's
    savepoint rolls back without an error, a second alert or a second request."""
    from fulfilment.services.replenishment import _episode_open

    make_user("parts_support", username="parts")
    stock(product, 3)
    ship(product, 2)
    [episode] = low_stock_scan()
    again = _episode_open(
        product_id=product.pk,
        warehouse_id=warehouses["main"].pk,
        available=1,
        shipped_last_week=2,
        at=timezone.now(),
    )
    assert again is None
    assert LowStockEpisode.objects.get() == episode
    assert ReplenishmentRequest.objects.count() == 1
    assert len(_alerts()) == 1


def test_proposed_request_page_shows_its_origin_and_submit(
    client: Any, product: Any, stock: Any, ship: Any, make_user: Any
) -> None:
    stock(product, 3)
    ship(product, 2)
    low_stock_scan()
    request = ReplenishmentRequest.objects.get()
    client.force_login(make_user("parts_support"))
    page = client.get(reverse("fulfilment:replenishment-detail", args=[request.pk]))
    assert page.status_code == 200
    assert page.context["can_submit"] and not page.context["can_decide"]
    assert reverse("fulfilment:replenishment-submit", args=[request.pk]) in page.content.decode()
    client.post(reverse("fulfilment:replenishment-submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == Status.APPROVED  # 3 × 100.00 is below the threshold
