"""The order state machine (SPEC §2): every state × role × transition, through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from core.audit import audit_history
from core.roles import ALL_ROLES
from orders import hooks, services
from orders.exceptions import OrderError, PermissionDenied, TransitionNotAllowed
from orders.models import Order
from tests.orders.factories import CustomerFactory, credit_code, order_in_state

pytestmark = pytest.mark.django_db

S = Order.Status
REPS = {"sales_rep", "sales_lead", "admin"}

# The specification, written out independently of the implementation:
# transition → (states it may start from, roles that may run it).
SPEC: dict[str, tuple[set[str], set[str]]] = {
    "identify": ({S.RECEIVED}, REPS),
    "confirm": ({S.IDENTIFIED}, REPS),
    "hold": ({S.CONFIRMED}, {"parts_support", "admin"}),
    "allocate": ({S.CONFIRMED, S.ON_HOLD}, {"parts_support", "admin"}),
    "invoice": ({S.ALLOCATED}, {"division_finance", "admin"}),
    "ship": ({S.INVOICED}, {"warehouse", "admin"}),
    "deliver": ({S.SHIPPED}, {"sales_rep", "sales_lead", "logistics_lead", "admin"}),
    "close": ({S.DELIVERED}, REPS),
    "cancel": ({S.RECEIVED, S.IDENTIFIED, S.CONFIRMED, S.ON_HOLD, S.ALLOCATED, S.INVOICED}, REPS),
}
TARGET = {
    "identify": S.IDENTIFIED,
    "confirm": S.CONFIRMED,
    "hold": S.ON_HOLD,
    "allocate": S.ALLOCATED,
    "invoice": S.INVOICED,
    "ship": S.SHIPPED,
    "deliver": S.DELIVERED,
    "close": S.CLOSED,
    "cancel": S.CANCELLED,
}


def run(name: str, order: Order, user: Any, division: Any) -> Order:
    if name == "identify":
        customer = CustomerFactory(division=division, org_code=credit_code("87654321"))
        return services.order_identify(order=order, customer=customer, by=user, method="linked")
    calls = {
        "confirm": lambda: services.order_confirm(order=order, by=user, invoice_title="某公司"),
        "hold": lambda: services.order_hold(order=order, by=user, reason="no stock"),
        "allocate": lambda: services.order_mark_allocated(
            order=order, by=user, delivery_note_number="DN-9"
        ),
        "invoice": lambda: services.order_mark_invoiced(order=order, by=user, invoice_number="I-9"),
        "ship": lambda: services.order_mark_shipped(
            order=order, by=user, carrier="EMS", tracking_number="E9"
        ),
        "deliver": lambda: services.order_mark_delivered(order=order, by=user),
        "close": lambda: services.order_close(order=order, by=user),
        "cancel": lambda: services.order_cancel(order=order, by=user, reason="buyer withdrew"),
    }
    return calls[name]()


class Rollback(Exception):
    pass


@pytest.fixture
def users(make_user: Any) -> dict[str, Any]:
    built = {role: make_user(role, username=role) for role in ALL_ROLES if role != "admin"}
    built["admin"] = make_user(username="admin", is_superuser=True, is_staff=True)
    return built


@pytest.mark.parametrize("state", list(S.values))
@pytest.mark.parametrize("name", list(SPEC))
def test_state_role_table(
    state: str,
    name: str,
    users: dict[str, Any],
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
) -> None:
    order = order_in_state(state, platform=platform, division=division)
    history_before = audit_history(order).count()
    sources, roles = SPEC[name]
    outcomes = {}
    for role, user in users.items():
        try:
            with transaction.atomic():
                changed = run(name, order, user, division)
                outcomes[role] = changed.status
                raise Rollback
        except Rollback:
            pass
        except (TransitionNotAllowed, PermissionDenied) as refusal:
            outcomes[role] = type(refusal).__name__
            order.refresh_from_db()
            assert order.status == state
            assert audit_history(order).count() == history_before
    expected = {
        role: (
            TARGET[name]
            if state in sources and role in roles
            else "TransitionNotAllowed"
            if state not in sources
            else "PermissionDenied"
        )
        for role in users
    }
    assert outcomes == expected


def test_a_user_of_another_division_is_refused(
    make_user: Any,
    other_division: Any,
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
) -> None:
    rep = make_user("sales_rep", divisions=[other_division])
    order = order_in_state(S.IDENTIFIED, platform=platform, division=division)

    with pytest.raises(PermissionDenied):
        services.order_confirm(order=order, by=rep, invoice_title="x")
    order.refresh_from_db()
    assert order.status == S.IDENTIFIED and order.sales_order_number == ""


def test_cannot_ship_without_invoice_or_tracking(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    english: Any,
) -> None:
    order = order_in_state(S.INVOICED, platform=platform, division=division)
    Order.objects.filter(pk=order.pk).update(invoice_number="")
    order.refresh_from_db()

    with pytest.raises(TransitionNotAllowed, match="no invoice"):
        services.order_mark_shipped(order=order, by=None, carrier="EMS", tracking_number="E1")
    Order.objects.filter(pk=order.pk).update(invoice_number="INV-1")
    with pytest.raises(TransitionNotAllowed, match="no tracking number"):
        services.order_mark_shipped(order=order, by=None, carrier="EMS", tracking_number=" ")
    assert Order.objects.get(pk=order.pk).status == S.INVOICED


def test_cannot_close_inside_the_return_window(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    english: Any,
) -> None:
    order = order_in_state(S.SHIPPED, platform=platform, division=division)
    order = services.order_mark_delivered(order=order, by=None)

    with pytest.raises(TransitionNotAllowed, match="return window"):
        services.order_close(order=order, by=None)


def test_confirm_assigns_gap_free_sales_order_numbers_and_records_freight_change(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    from decimal import Decimal

    rep = make_user("sales_rep")
    first = order_in_state(S.IDENTIFIED, platform=platform, division=division)
    second = order_in_state(S.IDENTIFIED, platform=platform, division=division)

    first = services.order_confirm(
        order=first, by=rep, invoice_title="甲", freight=Decimal("12.00")
    )
    second = services.order_confirm(order=second, by=rep, invoice_title="乙")

    year = first.confirmed_at.astimezone().year
    assert first.sales_order_number == f"SO-GQ-{year}-000001"
    assert second.sales_order_number == f"SO-GQ-{year}-000002"
    row = audit_history(first).get(action="confirmed")
    assert (row.actor, row.from_state, row.to_state) == (rep, "identified", "confirmed")
    assert row.data["freight"] == {"old": "10.00", "new": "12.00"}
    assert first.delivery_note_due_at is not None and first.next_step == "delivery_note"


def test_each_transition_records_who_when_from_to_and_note(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    rep = make_user("sales_rep")
    order = order_in_state(S.CONFIRMED, platform=platform, division=division)

    services.order_cancel(order=order, by=rep, reason="buyer withdrew")

    actions = [(r.action, r.from_state, r.to_state) for r in audit_history(order)]
    assert actions == [
        ("received", "", "received"),
        ("identified", "received", "identified"),
        ("confirmed", "identified", "confirmed"),
        ("cancelled", "confirmed", "cancelled"),
    ]
    last = audit_history(order).last()
    assert last is not None and (last.actor, last.note) == (rep, "buyer withdrew")


def test_cancel_calls_the_registered_stock_release_inside_the_transaction(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    rep = make_user("sales_rep")
    order = order_in_state(S.ALLOCATED, platform=platform, division=division)
    released: list[tuple[int, Any]] = []

    def release(*, order: Order, by: Any, reason: str) -> None:
        released.append((order.pk, by))

    hooks.register_cancellation_participant(release, stage=hooks.STAGE_STOCK, name="stock")
    try:
        services.order_cancel(order=order, by=rep, reason="no longer needed")
    finally:
        hooks.unregister_cancellation_participant(release)

    assert released == [(order.pk, rep)]
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


def test_a_failing_stock_release_rolls_the_cancellation_back(
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    rep = make_user("sales_rep")
    order = order_in_state(S.ALLOCATED, platform=platform, division=division)

    def broken(*, order: Order, by: Any, reason: str) -> None:
        raise OrderError("stock ledger unavailable")

    hooks.register_cancellation_participant(broken, stage=hooks.STAGE_STOCK, name="stock")
    try:
        with pytest.raises(OrderError):
            services.order_cancel(order=order, by=rep, reason="x")
    finally:
        hooks.unregister_cancellation_participant(broken)

    assert Order.objects.get(pk=order.pk).status == S.ALLOCATED


def test_cancel_needs_a_reason(
    platform: Any, product: Any, division: Any, warehouses: Any, make_user: Any
) -> None:
    order = order_in_state(S.RECEIVED, platform=platform, division=division)

    with pytest.raises(OrderError):
        services.order_cancel(order=order, by=make_user("sales_rep"), reason="  ")
    assert Order.objects.get(pk=order.pk).status == S.RECEIVED


def test_a_receipt_in_the_future_is_refused(
    platform: Any, product: Any, division: Any, warehouses: Any, make_user: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from orders.exceptions import ReceiptInvalid

    order = order_in_state(S.SHIPPED, platform=platform, division=division)

    with pytest.raises(ReceiptInvalid) as caught:
        services.order_mark_delivered(
            order=order, by=make_user("sales_rep"), at=timezone.now() + dt.timedelta(minutes=5)
        )

    assert [(e.field, e.rule) for e in caught.value.errors] == [("received_at", "not_in_future")]
    order.refresh_from_db()
    assert (order.status, order.delivered_at) == (S.SHIPPED, None)
    assert not audit_history(order).filter(action="delivered").exists()


@pytest.mark.parametrize(
    "corrections",
    [
        [(1, 2, "0.00")],
        [(1, 0, "100.00")],
        [(1, True, "100.00")],
        [(2, 1, "100.00")],  # no such line
        [(1, 3, "100.00"), (1, 4, "100.00")],  # the same line twice
    ],
)
def test_confirm_refuses_bad_line_corrections(
    corrections: list[tuple[int, Any, str]],
    platform: Any,
    product: Any,
    division: Any,
    warehouses: Any,
    make_user: Any,
) -> None:
    from decimal import Decimal

    order = order_in_state(S.IDENTIFIED, platform=platform, division=division)
    lines = [services.LineCorrection(p, q, Decimal(price)) for p, q, price in corrections]

    with pytest.raises(OrderError):
        services.order_confirm(
            order=order, by=make_user("sales_rep"), invoice_title="某公司", lines=lines
        )

    order.refresh_from_db()
    line = order.lines.get()
    assert (order.status, str(order.goods_amount)) == (S.IDENTIFIED, "200.00")
    assert (line.quantity, str(line.unit_price), str(line.amount)) == (2, "100.00", "200.00")


def test_confirm_checks_the_role_before_the_lines(
    platform: Any, product: Any, division: Any, warehouses: Any, make_user: Any
) -> None:
    from decimal import Decimal

    order = order_in_state(S.IDENTIFIED, platform=platform, division=division)

    with pytest.raises(PermissionDenied):
        services.order_confirm(
            order=order,
            by=make_user("warehouse"),
            invoice_title="某公司",
            lines=[services.LineCorrection(1, 5, Decimal("1.00"))],
        )
    assert Order.objects.get(pk=order.pk).lines.get().quantity == 2
