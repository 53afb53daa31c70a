"""Fulfilment cannot oversell (issue 9, item 3): simultaneous reservations, a reservation
racing the order's cancellation, a release racing a new reservation and two hand-overs
with one tracking number, each on its own PostgreSQL connection (skipped on SQLite).

Threads start together at a barrier; each thread has its own connection (Django's
connections are per thread, the pool is widened so none waits for one) and closes it at
the end. One test runs the reservations in separate processes (a small Django script
each, started together) to rule out anything shared inside one Python process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from core import working_calendar as calendar
from fulfilment.exceptions import FulfilmentError
from fulfilment.models import (
    Carrier,
    DeliveryNote,
    DeliveryNoteLine,
    Shipment,
    StockLevel,
    StockMove,
)
from fulfilment.services import (
    delivery_note_create,
    delivery_note_mark_invoiced,
    shipment_create,
    stock_levels_lock,
    stock_move_post,
    waiting_notes_release,
)
from orders.models import Order
from orders.services import order_cancel
from tests.orders.factories import ListedProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]

HOLDING = (DeliveryNote.Status.RESERVED, DeliveryNote.Status.INVOICED)
THREAD_POOL_SIZE = 20


@pytest.fixture(autouse=True)
def _connection_per_thread() -> Iterator[None]:
    """The settings' pool (4 connections, one process) would queue the threads on the
    pool instead of on the row locks: give every thread a connection of its own."""
    options = connection.settings_dict["OPTIONS"]
    pool = options.get("pool")
    if not pool:
        yield
        return
    connection.close()
    connection.close_pool()
    options["pool"] = {**pool, "max_size": THREAD_POOL_SIZE, "timeout": 30}
    try:
        yield
    finally:
        connections.close_all()
        connection.close_pool()
        options["pool"] = pool


# --- helpers -------------------------------------------------------------------------------
def _together(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls in threads released at once; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connected before the start, not queued on the pool
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except BaseException as error:  # the test inspects it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs (lock wait?)"
    return outcomes


def _held_by_notes(product: Any, warehouse: Any) -> int:
    """Units on reserved or invoiced notes: what the stock row must show as reserved."""
    return (
        DeliveryNoteLine.objects.filter(
            product=product,
            delivery_note__warehouse=warehouse,
            delivery_note__status__in=HOLDING,
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )


def _assert_ledger(product: Any, warehouse: Any) -> StockLevel:
    """The invariants of one stock row: moves add up to on hand, reserved matches the
    holding notes, nothing negative."""
    level = StockLevel.objects.get(product=product, warehouse=warehouse)
    moved = StockMove.objects.filter(product=product, warehouse=warehouse).aggregate(
        total=Sum("quantity")
    )["total"]
    assert level.on_hand == (moved or 0)
    assert level.reserved == _held_by_notes(product, warehouse)
    assert 0 <= level.reserved <= level.on_hand
    return level


def _dn_numbers(count: int) -> list[str]:
    year = calendar.to_local(timezone.now()).year
    return [f"DN-GQ-{year}-{value:06d}" for value in range(1, count + 1)]


def _order_for(product: Any, quantity: int, *, confirmed: Any) -> Order:
    return confirmed(lines=[{"sku": product.sku, "quantity": quantity, "unit_price": "100.00"}])


def _receive(product: Any, quantity: int, warehouse: Any) -> None:
    """A stock receipt: the move in its own transaction, then the release of held notes."""
    with transaction.atomic():
        level = stock_levels_lock(warehouse=warehouse, product_ids=[product.pk])[product.pk]
        stock_move_post(level, kind=StockMove.Kind.RECEIPT, quantity=quantity, by=None)
    waiting_notes_release(warehouse=warehouse, product_ids=[product.pk])


def _watch_available(product_pk: int, done: threading.Event, seen: list[int]) -> None:
    """Read the row's available units until `done`, on a connection of its own."""
    try:
        while not done.is_set():
            for on_hand, reserved in StockLevel.objects.filter(product_id=product_pk).values_list(
                "on_hand", "reserved"
            ):
                seen.append(on_hand - reserved)
            time.sleep(0.002)
    finally:
        connections.close_all()


def _assert_last_units_split(
    *, orders: list[Order], units: int, stock_units: int, product: Any, warehouse: Any
) -> None:
    fits = stock_units // units
    level = _assert_ledger(product, warehouse)
    assert (level.on_hand, level.reserved) == (stock_units, fits * units)
    statuses = sorted(Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status"))
    assert statuses.count((Order.Status.ALLOCATED,)) == fits
    assert statuses.count((Order.Status.ON_HOLD,)) == len(orders) - fits
    notes = DeliveryNote.objects.filter(order__in=orders)
    assert notes.filter(status=DeliveryNote.Status.RESERVED).count() == fits
    assert notes.filter(status=DeliveryNote.Status.WAITING).count() == len(orders) - fits
    for note in notes.select_related("order"):  # each order follows its own note
        expected = {
            DeliveryNote.Status.RESERVED: Order.Status.ALLOCATED,
            DeliveryNote.Status.WAITING: Order.Status.ON_HOLD,
        }[note.status]
        assert note.order.status == expected
    assert sorted(notes.values_list("number", flat=True)) == _dn_numbers(len(orders))


# --- 1. many reservations for the last units -----------------------------------------------
@pytest.mark.parametrize("units", [1, 2])
def test_twelve_reservations_at_once_share_the_last_five_units_without_overselling(
    units: int, confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    stock(product, 5)
    parts = make_user("parts_support")
    orders = [_order_for(product, units, confirmed=confirmed) for _ in range(12)]

    outcomes = _together(
        *[
            (lambda order=order: delivery_note_create(order=Order(pk=order.pk), by=parts))
            for order in orders
        ]
    )

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    assert all(len(notes) == 1 for notes in outcomes)
    _assert_last_units_split(
        orders=orders, units=units, stock_units=5, product=product, warehouse=warehouses["main"]
    )


# --- 2. the same from separate processes ---------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
RESERVE_SCRIPT = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connections
from fulfilment.services import delivery_note_create
from orders.models import Order

user = get_user_model().objects.get(pk=int(sys.argv[2]))
print("ready", flush=True)
sys.stdin.readline()  # the parent's start signal, sent to every process at once
try:
    notes = delivery_note_create(order=Order(pk=int(sys.argv[1])), by=user)
    print(json.dumps({"statuses": [note.status for note in notes]}), flush=True)
except Exception as error:
    print(json.dumps({"error": repr(error)}), flush=True)
finally:
    connections.close_all()
"""


def _database_url() -> str:
    """The test database this process uses, for the child processes."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def test_twelve_processes_reserving_at_once_share_the_last_five_units(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    stock(product, 5)
    parts = make_user("parts_support")
    orders = [_order_for(product, 1, confirmed=confirmed) for _ in range(12)]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "ecomops.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RESERVE_SCRIPT, str(order.pk), str(parts.pk)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in orders
    ]
    try:
        for process in processes:  # every process set up and connected before the start
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready", process.stderr
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outcomes = []
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-3000:]
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()

    assert [o for o in outcomes if "error" in o] == []
    assert sorted(s for o in outcomes for s in o["statuses"]) == ["reserved"] * 5 + ["waiting"] * 7
    _assert_last_units_split(
        orders=orders, units=1, stock_units=5, product=product, warehouse=warehouses["main"]
    )


# --- 3. a reservation racing the order's cancellation --------------------------------------
def test_a_reservation_racing_the_cancellation_never_leaves_stock_held_by_a_cancelled_order(
    confirmed: Any, stock: Any, product: Any, warehouses: Any, make_user: Any
) -> None:
    stock(product, 6)
    parts = make_user("parts_support")
    warehouse = warehouses["main"]
    seen: dict[str, int] = {"reserved first": 0, "cancelled first": 0}

    for round_ in range(20):
        # even rounds fit the stock (a reserved note), odd rounds do not (a waiting note)
        quantity = 2 if round_ % 2 == 0 else 50
        order = _order_for(product, quantity, confirmed=confirmed)

        created, cancelled = _together(
            lambda pk=order.pk: delivery_note_create(order=Order(pk=pk), by=parts),
            lambda pk=order.pk: order_cancel(order=Order(pk=pk), by=None, reason="withdrawn"),
        )

        assert not isinstance(cancelled, BaseException), cancelled
        if isinstance(created, BaseException):
            # the cancellation came first: the note is refused for the cancelled order
            assert isinstance(created, FulfilmentError), created
            assert not DeliveryNote.objects.filter(order=order).exists()
            seen["cancelled first"] += 1
        else:
            seen["reserved first"] += 1
        order.refresh_from_db()
        notes = DeliveryNote.objects.filter(order=order)
        if order.status == Order.Status.CANCELLED:
            assert set(notes.values_list("status", flat=True)) <= {DeliveryNote.Status.CANCELLED}
        else:  # the note won and the cancellation was refused
            assert order.status in (Order.Status.ALLOCATED, Order.Status.ON_HOLD)
        level = _assert_ledger(product, warehouse)
        assert level.on_hand == 6
        if order.status == Order.Status.CANCELLED:
            assert level.reserved == 0

    assert sum(seen.values()) == 20
    assert not DeliveryNote.objects.filter(
        status__in=HOLDING, order__status=Order.Status.CANCELLED
    ).exists()


# --- 4. a release racing a new reservation -------------------------------------------------
def test_a_release_after_a_receipt_racing_a_new_reservation_never_oversells(
    confirmed: Any, stock: Any, division: Any, warehouses: Any, make_user: Any
) -> None:
    parts = make_user("parts_support")
    warehouse = warehouses["main"]
    lowest_available: list[int] = []

    for round_ in range(20):
        product = ListedProductFactory(sku=f"SKU-RACE-{round_:02d}", division=division)
        stock(product, 2)
        # an older order waits for 3 units; a receipt of 2 makes 4 on hand; the new order
        # wants 2: whichever is first is served, the other waits
        held = _order_for(product, 3, confirmed=confirmed)
        [waiting] = delivery_note_create(order=held, by=parts)
        assert waiting.status == DeliveryNote.Status.WAITING
        fresh = _order_for(product, 2, confirmed=confirmed)
        done = threading.Event()
        watcher = threading.Thread(
            target=_watch_available, args=(product.pk, done, lowest_available), name="watcher"
        )
        watcher.start()
        try:
            received, created = _together(
                lambda p=product: _receive(p, 2, warehouse),
                lambda pk=fresh.pk: delivery_note_create(order=Order(pk=pk), by=parts),
            )
        finally:
            done.set()
            watcher.join(timeout=30)

        assert not isinstance(received, BaseException), received
        assert not isinstance(created, BaseException), created
        level = _assert_ledger(product, warehouse)
        assert level.on_hand == 4
        statuses = {o.pk: o.status for o in Order.objects.filter(pk__in=[held.pk, fresh.pk])}
        # exactly one of the two is served (3 + 2 > 4), the other waits on hold
        assert sorted(statuses.values()) == [Order.Status.ALLOCATED, Order.Status.ON_HOLD]
        assert level.reserved == (3 if statuses[held.pk] == Order.Status.ALLOCATED else 2)
        for note in DeliveryNote.objects.filter(order__in=[held, fresh]).select_related("order"):
            assert (note.status == DeliveryNote.Status.RESERVED) == (
                note.order.status == Order.Status.ALLOCATED
            )

    assert lowest_available and min(lowest_available) >= 0


# --- 5. two hand-overs with one tracking number --------------------------------------------
@pytest.mark.parametrize("same_product", [True, False], ids=["same-product", "two-products"])
def test_two_hand_overs_with_one_tracking_number_at_once_ship_one(
    same_product: bool,
    confirmed: Any,
    stock: Any,
    product: Any,
    second_product: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    # two products: the stock rows do not queue the two hand-overs, the unique index does
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    keeper = make_user("warehouse")
    parts = make_user("parts_support")
    products = [product, product if same_product else second_product]
    for item in set(products):
        stock(item, 10)

    for round_ in range(5):
        notes = []
        for index, item in enumerate(products):
            [note] = delivery_note_create(order=_order_for(item, 1, confirmed=confirmed), by=parts)
            delivery_note_mark_invoiced(note=note, by=None, invoice_number=f"INV-{round_}-{index}")
            notes.append(note)
        tracking = f"SF9000000{round_:04d}"

        outcomes = _together(
            *[
                (
                    lambda note=note, tracking=tracking: shipment_create(
                        note=DeliveryNote.objects.get(pk=note.pk),
                        by=keeper,
                        carrier=carrier,
                        tracking_number=tracking,
                        parcels=1,
                        weight_kg="1.5",
                    )
                )
                for note in notes
            ]
        )

        shipped = [o for o in outcomes if isinstance(o, Shipment)]
        refused = [o for o in outcomes if isinstance(o, FulfilmentError)]
        assert len(shipped) == 1 and len(refused) == 1, outcomes
        assert refused[0].field == "tracking_number"
        assert Shipment.objects.filter(carrier=carrier, tracking_number=tracking).count() == 1
        statuses = sorted(
            DeliveryNote.objects.filter(pk__in=[n.pk for n in notes]).values_list(
                "status", flat=True
            )
        )
        assert statuses == sorted([DeliveryNote.Status.INVOICED, DeliveryNote.Status.SHIPPED])
        for item in set(products):
            _assert_ledger(item, warehouses["main"])

    moves = StockMove.objects.filter(kind=StockMove.Kind.SHIPMENT)
    assert moves.count() == 5 and sum(m.quantity for m in moves) == -5


def test_order_lock_leaves_the_division_row_free(confirmed: Any) -> None:
    """order_lock locks the order row only: another transaction can still lock the
    division (before `of=self`, every order service of a division queued behind one)."""
    from django.db import DatabaseError

    from core.models import Division
    from orders.services import order_lock

    order = confirmed(quantity=1)
    outcome: dict[str, bool] = {}

    def lock_division() -> None:
        try:
            with transaction.atomic():
                Division.objects.select_for_update(nowait=True).get(pk=order.division_id)
            outcome["free"] = True
        except DatabaseError:
            outcome["free"] = False
        finally:
            connection.close()

    with transaction.atomic():
        order_lock(order)
        worker = threading.Thread(target=lock_division)
        worker.start()
        worker.join(10)
    assert outcome == {"free": True}
