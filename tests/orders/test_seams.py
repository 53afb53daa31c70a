"""The seams later apps stand on: cancellation participants, the period-lock check, the lock
order (order row first) — including two connections on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.utils import timezone

from catalog.models import Product
from core.audit import audit_history
from core.lock_order import rows_lock
from core.periods import LockedPeriod, register_period_lock_source, unregister_period_lock_source
from orders import hooks, services
from orders.exceptions import CancellationRefused, OrderError, OrderPeriodLocked
from orders.models import Order
from tests.orders.factories import CustomerFactory, credit_code, order_in_state

S = Order.Status


@pytest.fixture
def participants() -> Iterator[list[Any]]:
    """Register participants for one test and always unregister them."""
    registered: list[Any] = []
    yield registered
    for callback in registered:
        hooks.unregister_cancellation_participant(callback)


def _register(registered: list[Any], callback: Any, stage: int, name: str) -> None:
    hooks.register_cancellation_participant(callback, stage=stage, name=name)
    registered.append(callback)


@pytest.mark.django_db
def test_participants_run_in_stage_order_inside_the_cancel(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any, participants: Any
) -> None:
    order = order_in_state(S.INVOICED, platform=platform, division=division)
    calls: list[tuple[str, str, str]] = []

    def stock(*, order: Order, by: Any, reason: str) -> None:
        # the order row is already locked by the cancel, still in its old state
        calls.append(("stock", Order.objects.get(pk=order.pk).status, reason))

    def billing(*, order: Order, by: Any, reason: str) -> None:
        calls.append(("billing", Order.objects.get(pk=order.pk).status, reason))

    _register(participants, stock, hooks.STAGE_STOCK, "test-stock")  # registered first …
    _register(participants, billing, hooks.STAGE_BILLING, "test-billing")  # … runs second

    services.order_cancel(order=order, by=make_user("sales_rep"), reason=" customer withdrew ")

    assert calls == [
        ("billing", S.INVOICED, "customer withdrew"),
        ("stock", S.INVOICED, "customer withdrew"),
    ]
    registered = [
        entry
        for entry in hooks.cancellation_participants()
        if entry[1] in ("test-billing", "test-stock")
    ]
    assert registered == [(hooks.STAGE_BILLING, "test-billing"), (hooks.STAGE_STOCK, "test-stock")]
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


@pytest.mark.django_db
def test_a_refusing_participant_leaves_the_order_and_the_other_participants_untouched(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any, participants: Any
) -> None:
    order = order_in_state(S.INVOICED, platform=platform, division=division)
    written: list[int] = []

    def billing(*, order: Order, by: Any, reason: str) -> None:
        raise CancellationRefused("发票已交付客户，请先办理红字发票。")

    def stock(*, order: Order, by: Any, reason: str) -> None:
        written.append(order.pk)

    _register(participants, billing, hooks.STAGE_BILLING, "billing")
    _register(participants, stock, hooks.STAGE_STOCK, "fulfilment")
    history_before = len(audit_history(order))

    with pytest.raises(CancellationRefused, match="红字发票"):
        services.order_cancel(order=order, by=make_user("sales_rep"), reason="x")

    order.refresh_from_db()
    assert (order.status, order.cancelled_at, written) == (S.INVOICED, None, [])
    assert len(audit_history(order)) == history_before


class _Settled:
    """A stand-in for billing's settlement: one locked period."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.period = LockedPeriod(first, last)
        self.asked: list[tuple[Any, dt.date]] = []

    def __call__(self, *, division: Any, day: dt.date) -> LockedPeriod | None:
        self.asked.append((division.code, day))
        return self.period if self.period.first_day <= day <= self.period.last_day else None


@pytest.fixture
def locked_october() -> Iterator[_Settled]:
    source = _Settled(dt.date(2026, 9, 26), dt.date(2026, 10, 25))
    register_period_lock_source(source)
    yield source
    unregister_period_lock_source(source)


def _beijing(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+08:00")


@pytest.mark.django_db
def test_a_transition_dated_in_a_locked_period_is_refused_naming_the_period(
    platform: Any, division: Any, warehouses: Any, product: Any, locked_october: _Settled
) -> None:
    order = order_in_state(S.INVOICED, platform=platform, division=division)

    with pytest.raises(OrderPeriodLocked, match="2026-09-26 – 2026-10-25"):
        services.order_mark_shipped(
            order=order,
            by=None,
            carrier="EMS",
            tracking_number="E1",
            at=_beijing("2026-10-25T23:59:00"),
        )

    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (S.INVOICED, "")
    shipped = services.order_mark_shipped(
        order=order,
        by=None,
        carrier="EMS",
        tracking_number="E1",
        at=_beijing("2026-10-26T00:00:00"),
    )
    assert shipped.status == S.SHIPPED
    assert ("GQ", dt.date(2026, 10, 26)) in locked_october.asked


@pytest.mark.django_db
def test_a_merge_keeps_orders_shipped_in_a_locked_period_and_moves_the_rest(
    platform: Any,
    division: Any,
    warehouses: Any,
    product: Any,
    make_user: Any,
    locked_october: _Settled,
) -> None:
    source = CustomerFactory(division=division, org_code="")
    target = CustomerFactory(division=division, org_code=credit_code("11223344"))
    settled = order_in_state(S.INVOICED, platform=platform, division=division)
    Order.objects.filter(pk=settled.pk).update(customer=source)
    settled = services.order_mark_shipped(
        order=settled,
        by=None,
        carrier="EMS",
        tracking_number="E2",
        at=_beijing("2026-10-26T09:00:00"),
    )
    Order.objects.filter(pk=settled.pk).update(shipped_at=_beijing("2026-10-20T09:00:00"))
    open_order = order_in_state(
        S.CONFIRMED, platform=platform, division=division, platform_order_no="P-OPEN"
    )
    Order.objects.filter(pk=open_order.pk).update(customer=source)

    result = services.customer_merge(source=source, target=target, by=make_user("sales_lead"))

    assert (result.moved_order_ids, result.kept_order_ids) == ([open_order.pk], [settled.pk])
    assert Order.objects.get(pk=settled.pk).customer_id == source.pk
    assert Order.objects.get(pk=open_order.pk).customer_id == target.pk


def _thread(target: Any) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except Exception as error:  # the test inspects it
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_cancel_while_allocating_cannot_deadlock(
    platform: Any, division: Any, warehouses: Any, product: Any, participants: Any
) -> None:
    """Two connections: an allocator (order row, then stock rows in pk order) and a cancel
    whose participant releases the same stock rows. With one lock order the second waits
    for the first and both finish; no deadlock error on either side."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    order = order_in_state(S.CONFIRMED, platform=platform, division=division)
    stock_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    allocator_holds_order = threading.Event()
    seen: list[str] = []

    def release_stock(*, order: Order, by: Any, reason: str) -> None:
        rows_lock(Product.objects.filter(pk__in=reversed(stock_ids)))  # asked in any order
        seen.append(f"cancel saw {Order.objects.get(pk=order.pk).status}")

    _register(participants, release_stock, hooks.STAGE_STOCK, "fulfilment")

    def allocate() -> str:
        with transaction.atomic():
            locked = services.order_lock(order)
            allocator_holds_order.set()
            time.sleep(0.3)  # the cancel arrives and must wait on the order row
            rows_lock(Product.objects.filter(pk__in=stock_ids))
            return services.order_mark_allocated(
                order=locked, by=None, delivery_note_number="DN-LOCK"
            ).status

    def cancel() -> str:
        allocator_holds_order.wait(5)
        return services.order_cancel(order=order, by=None, reason="customer withdrew").status

    first, allocated = _thread(allocate)
    second, cancelled = _thread(cancel)
    first.join(20)
    second.join(20)

    assert (allocated, cancelled) == ([S.ALLOCATED], [S.CANCELLED])
    assert seen == ["cancel saw allocated"]  # the cancel ran after the allocation committed
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


@pytest.mark.django_db
def test_identify_after_a_merge_refuses_the_merged_customer(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any
) -> None:
    order = order_in_state(S.RECEIVED, platform=platform, division=division)
    duplicate = CustomerFactory(division=division, org_code="")
    keeper = CustomerFactory(division=division, org_code=credit_code("55667788"))
    stale = type(duplicate).objects.get(pk=duplicate.pk)  # loaded before the merge
    services.customer_merge(source=duplicate, target=keeper, by=make_user("sales_lead"))

    with pytest.raises(OrderError, match="合并"):
        services.order_identify(
            order=order, customer=stale, by=None, method="linked", at=timezone.now()
        )


@pytest.mark.django_db
def test_the_stored_delivery_note_due_time_follows_the_window_of_the_order(
    platform: Any, division: Any, warehouses: Any, product: Any
) -> None:
    """Placed 11:20, confirmed 11:45 on a working day: due by the 12:00 window, not 12:45;
    the window is stored for the parts-support queue."""
    from tests.orders.factories import receive

    order = receive(platform, placed_at="2026-03-02T11:20:00+08:00")
    customer = CustomerFactory(division=division, org_code=credit_code("99887766"))
    services.order_identify(
        order=order, customer=customer, by=None, method="linked", at=_beijing("2026-03-02T11:30:00")
    )
    order = services.order_confirm(
        order=order, by=None, invoice_title=customer.name, at=_beijing("2026-03-02T11:45:00")
    )

    assert order.delivery_note_window_at == _beijing("2026-03-02T12:00:00")
    assert order.delivery_note_due_at == _beijing("2026-03-02T12:00:00")
