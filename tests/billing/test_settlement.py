"""The monthly settlement: the period (26th 00:00 → 25th 23:59:59 Beijing), the figures
against a hand-computed sum over shipments made through the fulfilment services, the
three sign-offs and the lock, the exports, the Celery task."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from billing.hooks import register_settlement_source, unregister_settlement_source
from billing.models import Invoice, Settlement, SettlementSignature
from billing.services.settlement import (
    SettlementError,
    SettlementNotPermitted,
    period_of,
    period_span,
    settlement_compute,
    settlement_locked_period,
    settlement_open,
    settlement_pdf,
    settlement_sign,
    settlement_withdraw,
    settlement_xlsx,
)
from billing.tasks_settlement import settlement_compute_task
from core.models import AuditRecord, Notification
from core.periods import register_period_lock_source, unregister_period_lock_source
from core.working_calendar import at_local
from fulfilment.models import Carrier, DeliveryNote
from fulfilment.services import (
    delivery_note_create,
    delivery_note_mark_invoiced,
    shipment_create,
    waiting_notes_release,
)
from orders.models import Order
from tests.fulfilment.conftest import confirmed, stock  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
ROLES = ("sales_lead", "division_finance", "hq_finance")


# --- helpers shared by the settlement tests (imported by the other two files) ----------------
def periods() -> dict[str, tuple[dt.date, dt.date]]:
    """The current period (holding today) and the previous one, whatever today is."""
    current = period_of(timezone.localdate())
    return {"current": current, "previous": period_of(current[0] - dt.timedelta(days=1))}


def moment(day: dt.date, clock: str = "12:00") -> dt.datetime:
    return at_local(day, dt.time.fromisoformat(clock))


@pytest.fixture
def carrier(db: Any) -> Any:
    return Carrier.objects.create(code="SF", name="顺丰速运")


@pytest.fixture
def ship(stock: Any, confirmed: Any, product: Any, carrier: Any) -> Callable[..., Any]:  # noqa: F811
    """ship(at=…, quantity=2, unit_price="100.00", freight="10.00", part=None) → the order,
    its delivery note invoiced and handed over at `at`; with `part`, only `part` units go
    now (a partial note) and the back-order note is returned for ship_note later."""
    tracking = itertools.count(100000001)

    def ship_note(note: DeliveryNote, at: dt.datetime) -> Any:
        delivery_note_mark_invoiced(note=note, by=None, invoice_number=f"I{note.pk}", at=at)
        return shipment_create(
            note=note,
            by=None,
            carrier=carrier,
            tracking_number=f"SF{next(tracking)}",
            parcels=1,
            weight_kg="1",
            at=at,
        )

    def build(
        *,
        at: dt.datetime,
        quantity: int = 2,
        unit_price: str = "100.00",
        freight: str = "10.00",
        part: int | None = None,
    ) -> Any:
        stock(product, quantity)
        order = confirmed(
            lines=[{"sku": product.sku, "quantity": quantity, "unit_price": unit_price}],
            freight=freight,
        )
        if part is None:
            [note] = delivery_note_create(order=order, by=None)
            ship_note(note, at)
            return order
        line = order.lines.get()
        partial, back_order = delivery_note_create(
            order=order, by=None, quantities={line.pk: part}, partial_agreed_with="王芳"
        )
        ship_note(partial, at)
        waiting_notes_release(warehouse=order.warehouse)
        back_order.refresh_from_db()
        return order, back_order

    build.ship_note = ship_note  # type: ignore[attr-defined]
    return build


@pytest.fixture
def signers(make_user: Any) -> dict[str, Any]:
    return {role: make_user(role, username=role, first_name=role.upper()) for role in ROLES}


@pytest.fixture
def lock_source() -> Iterator[None]:
    """The lead registers this in billing's AppConfig.ready(); here a test does."""
    from core.periods import _sources

    registered_here = settlement_locked_period not in _sources
    register_period_lock_source(settlement_locked_period)
    yield
    if registered_here:
        unregister_period_lock_source(settlement_locked_period)


def computed_settlement(division: Any, day: dt.date) -> Settlement:
    return settlement_compute(settlement=settlement_open(division=division, day=day))


def sign_all(settlement: Settlement, signers: dict[str, Any]) -> Settlement:
    for role in ROLES:
        settlement_sign(settlement=settlement, by=signers[role], role=role)
    return Settlement.objects.get(pk=settlement.pk)


# --- the period -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (dt.date(2026, 11, 25), dt.date(2026, 10, 26), dt.date(2026, 11, 25)),
        (dt.date(2026, 11, 26), dt.date(2026, 11, 26), dt.date(2026, 12, 25)),
        (dt.date(2026, 11, 1), dt.date(2026, 10, 26), dt.date(2026, 11, 25)),
        (dt.date(2026, 12, 25), dt.date(2026, 11, 26), dt.date(2026, 12, 25)),
        (dt.date(2026, 12, 26), dt.date(2026, 12, 26), dt.date(2027, 1, 25)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 26), dt.date(2027, 1, 25)),
        (dt.date(2027, 1, 1), dt.date(2026, 12, 26), dt.date(2027, 1, 25)),
        (dt.date(2027, 1, 25), dt.date(2026, 12, 26), dt.date(2027, 1, 25)),
        (dt.date(2027, 1, 26), dt.date(2027, 1, 26), dt.date(2027, 2, 25)),
        (dt.date(2028, 2, 29), dt.date(2028, 2, 26), dt.date(2028, 3, 25)),
        (dt.date(2026, 3, 10), dt.date(2026, 2, 26), dt.date(2026, 3, 25)),
    ],
)
def test_period_of_a_day(day: dt.date, first: dt.date, last: dt.date) -> None:
    assert period_of(day) == (first, last)


@pytest.mark.parametrize(
    ("instant", "last_day"),
    [
        (dt.datetime(2026, 11, 25, 23, 59, 59, tzinfo=BEIJING), dt.date(2026, 11, 25)),
        (dt.datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=BEIJING), dt.date(2026, 11, 25)),
        (dt.datetime(2026, 11, 26, 0, 0, 0, tzinfo=BEIJING), dt.date(2026, 12, 25)),
        # 16:00 UTC on the 25th is already 00:00 on the 26th in Beijing: the NEXT period
        (dt.datetime(2026, 11, 25, 16, 0, 0, tzinfo=dt.UTC), dt.date(2026, 12, 25)),
        (dt.datetime(2026, 11, 25, 15, 59, 59, tzinfo=dt.UTC), dt.date(2026, 11, 25)),
        (dt.datetime(2026, 12, 25, 16, 0, 0, tzinfo=dt.UTC), dt.date(2027, 1, 25)),
    ],
)
def test_period_of_an_instant_is_its_beijing_date(instant: dt.datetime, last_day: dt.date) -> None:
    assert period_of(instant)[1] == last_day


def test_period_span_is_26th_midnight_through_25th_last_microsecond_beijing() -> None:
    start, end = period_span(dt.date(2026, 10, 26), dt.date(2026, 11, 25))
    assert start == dt.datetime(2026, 10, 26, tzinfo=BEIJING)
    assert end == dt.datetime(2026, 11, 25, 23, 59, 59, 999999, tzinfo=BEIJING)
    assert end.astimezone(dt.UTC) == dt.datetime(2026, 11, 25, 15, 59, 59, 999999, tzinfo=dt.UTC)


def test_opening_is_idempotent_and_audited(division: Any, make_user: Any) -> None:
    finance = make_user("division_finance")
    first = settlement_open(division=division, day=dt.date(2026, 11, 26), by=finance)
    again = settlement_open(division=division, day=dt.date(2026, 12, 25), by=finance)
    assert first.pk == again.pk
    assert (first.first_day, first.last_day) == (dt.date(2026, 11, 26), dt.date(2026, 12, 25))
    assert first.status == Settlement.Status.OPEN
    opened = AuditRecord.objects.filter(object_type="billing.settlement", action="opened")
    assert opened.count() == 1


def test_opening_needs_the_permission(division: Any, make_user: Any) -> None:
    with pytest.raises(SettlementNotPermitted):
        settlement_open(division=division, day=dt.date(2026, 11, 26), by=make_user("sales_lead"))
    assert not Settlement.objects.exists()


# --- the figures ------------------------------------------------------------------------------
def _credit_note(order: Order, total: str, at: dt.datetime, return_number: str = "") -> Invoice:
    note = DeliveryNote.objects.filter(order=order).first()
    amount = Decimal(total)
    original = Invoice.objects.create(
        number=f"FP-T-{order.pk}",
        division=order.division,
        order=order,
        delivery_note=note,
        buyer_title="买方",
        issued_at=at,
        net_amount=abs(amount),
        tax_amount=Decimal("0.00"),
        total_amount=abs(amount),
    )
    return Invoice.objects.create(
        number=f"FP-T-{order.pk}-R",
        kind=Invoice.Kind.CREDIT_NOTE,
        division=order.division,
        order=order,
        delivery_note=note,
        original=original,
        buyer_title="买方",
        issued_at=at,
        return_number=return_number,
        net_amount=amount,
        tax_amount=Decimal("0.00"),
        total_amount=amount,
    )


def test_figures_equal_the_hand_computed_sums_of_the_period(
    ship: Any, division: Any, make_user: Any
) -> None:
    previous, current = periods()["previous"], periods()["current"]
    # in the previous period
    a = ship(at=moment(previous[0], "00:00"), quantity=2, unit_price="100.00", freight="10.00")
    ship(at=moment(previous[0], "09:30"), quantity=3, unit_price="55.55", freight="12.34")
    ship(
        at=dt.datetime.combine(previous[1], dt.time.max, tzinfo=BEIJING),
        quantity=1,
        unit_price="0.01",
        freight="0.00",
    )
    split, back_order = ship(
        at=moment(previous[1], "10:00"), quantity=5, unit_price="19.99", freight="8.00", part=3
    )
    # in the current period: the back order of the split (goods only, no second freight)
    # and an order handed over at 00:00:00 of the 26th
    ship.ship_note(back_order, moment(current[0], "00:00"))
    ship(at=moment(current[0], "00:00"), quantity=4, unit_price="7.50", freight="6.00")
    _credit_note(a, "-50.00", moment(previous[0], "15:00"))  # stored negative
    _credit_note(split, "-1.00", moment(current[0], "00:00"))  # next period

    settlement = computed_settlement(division, previous[0])
    goods = 2 * Decimal("100.00") + 3 * Decimal("55.55") + Decimal("0.01")
    goods += 3 * Decimal("19.99")  # the split's first part
    freight = Decimal("10.00") + Decimal("12.34") + Decimal("0.00") + Decimal("8.00")
    assert settlement.status == Settlement.Status.COMPUTED
    assert settlement.progress == 100 and settlement.computed_at is not None
    assert settlement.shipment_count == 4
    assert settlement.shipped_sales == goods == Decimal("426.63")
    assert settlement.freight == freight == Decimal("30.34")
    assert settlement.credit_notes == Decimal("-50.00")
    assert (settlement.returns, settlement.refunds) == (Decimal("0.00"), Decimal("0.00"))
    assert settlement.net_due == goods + freight - Decimal("50.00") == Decimal("406.97")

    following = computed_settlement(division, current[0])
    assert following.shipment_count == 2
    assert following.shipped_sales == 2 * Decimal("19.99") + 4 * Decimal("7.50")
    assert following.freight == Decimal("6.00")  # the split's freight went with its 1st part
    assert following.credit_notes == Decimal("-1.00")


def test_an_invoiced_note_not_handed_over_is_not_shipped_sales(
    stock: Any,  # noqa: F811
    confirmed: Any,  # noqa: F811
    product: Any,
    division: Any,
) -> None:
    stock(product, 2)
    order = confirmed(quantity=2)
    [note] = delivery_note_create(order=order, by=None)
    delivery_note_mark_invoiced(note=note, by=None, invoice_number="I1")
    settlement = computed_settlement(division, timezone.localdate())
    assert (settlement.shipped_sales, settlement.freight, settlement.shipment_count) == (
        Decimal("0.00"),
        Decimal("0.00"),
        0,
    )


def test_credit_notes_of_unshipped_notes_and_of_returns_stay_out_of_the_net(
    ship: Any,
    stock: Any,  # noqa: F811
    confirmed: Any,  # noqa: F811
    product: Any,
    division: Any,
) -> None:
    """Only a credit note of handed-over goods corrects shipped sales: one of a note that
    never shipped (a cancellation) reverses goods that never counted, and one of a return
    is counted by the returns source (refunds / exchanged goods)."""
    previous = periods()["previous"]
    shipped = ship(at=moment(previous[0]), quantity=1, unit_price="80.00", freight="0.00")
    _credit_note(shipped, "-30.00", moment(previous[0], "15:00"))  # a correction: counts
    returned = ship(at=moment(previous[0]), quantity=1, unit_price="70.00", freight="0.00")
    _credit_note(returned, "-70.00", moment(previous[0], "16:00"), "RR-GQ-2026-000001")
    stock(product, 1)
    unshipped = confirmed(quantity=1)
    delivery_note_create(order=unshipped, by=None)
    _credit_note(unshipped, "-100.00", moment(previous[0], "17:00"))

    settlement = computed_settlement(division, previous[0])
    assert settlement.shipped_sales == Decimal("150.00")
    assert settlement.credit_notes == Decimal("-30.00")
    assert settlement.net_due == Decimal("120.00")


def test_returns_and_refunds_come_from_the_registered_sources(ship: Any, division: Any) -> None:
    previous = periods()["previous"]
    ship(at=moment(previous[0]), quantity=1, unit_price="300.00", freight="20.00")
    calls: list[dict[str, Any]] = []

    def returns_source(*, division: Any, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
        calls.append({"division": division, "start": start, "end": end})
        return {"returns": Decimal("120.00"), "refunds": Decimal("15.50")}

    register_settlement_source(returns_source)
    try:
        settlement = computed_settlement(division, previous[0])
    finally:
        unregister_settlement_source(returns_source)
    assert calls == [
        {
            "division": division,
            "start": moment(previous[0], "00:00"),
            "end": moment(previous[1] + dt.timedelta(days=1), "00:00"),
        }
    ]
    assert (settlement.returns, settlement.refunds) == (Decimal("120.00"), Decimal("15.50"))
    # net due = shipped sales + freight + credit notes − returns − refunds
    assert settlement.net_due == Decimal("300.00") + Decimal("20.00") - Decimal("135.50")


def test_progress_is_stored_chunk_by_chunk_while_computing(
    ship: Any, division: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.services import settlement as service

    seen: list[int] = []
    original = service._progress_set

    def spy(settlement: Settlement, percent: int) -> None:
        original(settlement, percent)
        seen.append(Settlement.objects.values_list("progress", flat=True).get(pk=settlement.pk))

    monkeypatch.setattr(service, "_progress_set", spy)
    previous = periods()["previous"]
    days = (previous[1] - previous[0]).days + 1
    settlement = settlement_open(division=division, day=previous[0])
    settlement = settlement_compute(settlement=settlement, step_days=1)
    assert len(seen) == 2 * days  # per day: goods, then shipments and freight
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] == 95
    assert settlement.progress == 100


def test_a_big_period_is_cut_into_chunks_of_about_chunk_shipments(
    ship: Any, division: Any, other_division: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.services import settlement as service

    first, last = periods()["previous"]

    def step_days(of: Any = division) -> int:
        return service.compute_step_days(first, last, division_id=of.pk)

    days = (last - first).days + 1
    assert step_days() == days  # no shipment: one pass
    for day in range(3):
        ship(at=moment(first + dt.timedelta(days=day)))
    assert step_days() == days  # 3 of 250,000: one pass
    monkeypatch.setattr(service, "CHUNK_SHIPMENTS", 1)
    assert step_days() == -(-days // 3)  # three chunks
    assert step_days(other_division) == days  # counted per division
    for day in range(3, days):
        ship(at=moment(first + dt.timedelta(days=day)))
    assert step_days() == 1  # never finer than a day


def test_the_celery_task_computes(division: Any) -> None:
    settlement = settlement_open(division=division, day=timezone.localdate())
    assert settlement_compute_task.delay(settlement.pk).get() == "computed"
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.COMPUTED


def test_the_figures_are_sql_aggregates_not_a_loop_over_orders(
    ship: Any, division: Any, django_assert_max_num_queries: Any
) -> None:
    previous = periods()["previous"]
    for _ in range(3):
        ship(at=moment(previous[0]))
    settlement = settlement_open(division=division, day=previous[0])
    days = (previous[1] - previous[0]).days + 1
    # per chunk: goods + shipments + 2 progress; the same count for 3 orders as for 3,000
    with django_assert_max_num_queries(4 * days + 20):
        settlement = settlement_compute(settlement=settlement, step_days=1)
    assert settlement.shipment_count == 3


# --- recomputing ------------------------------------------------------------------------------
def test_recompute_is_refused_while_signed_and_allowed_after_withdrawal(
    ship: Any, division: Any, signers: dict[str, Any]
) -> None:
    previous = periods()["previous"]
    settlement = computed_settlement(division, previous[0])
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    ship(at=moment(previous[0]), quantity=1, unit_price="10.00", freight="0.00")
    with pytest.raises(SettlementError, match="withdraw"):
        settlement_compute(settlement=settlement)
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.COMPUTED
    assert settlement.shipped_sales == Decimal("0.00")
    settlement_withdraw(settlement=settlement, by=signers["sales_lead"])
    settlement = settlement_compute(settlement=settlement)
    assert settlement.shipped_sales == Decimal("10.00")


def test_recompute_is_refused_once_locked(division: Any, signers: dict[str, Any]) -> None:
    settlement = sign_all(computed_settlement(division, timezone.localdate()), signers)
    with pytest.raises(SettlementError, match="locked"):
        settlement_compute(settlement=settlement)
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.LOCKED


# --- signing ----------------------------------------------------------------------------------
def test_signing_before_the_figures_are_computed_is_refused(
    division: Any, signers: dict[str, Any]
) -> None:
    settlement = settlement_open(division=division, day=timezone.localdate())
    with pytest.raises(SettlementError, match="computed"):
        settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    assert not SettlementSignature.objects.exists()


def test_signing_for_a_role_the_user_lacks_is_refused(
    division: Any, signers: dict[str, Any]
) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    with pytest.raises(SettlementNotPermitted) as refused:
        settlement_sign(settlement=settlement, by=signers["sales_lead"], role="hq_finance")
    assert refused.value.field == "role"
    with pytest.raises(SettlementError):
        settlement_sign(settlement=settlement, by=signers["sales_lead"], role="warehouse")
    assert not SettlementSignature.objects.exists()


def test_signing_needs_the_permission_and_the_division(
    division: Any, other_division: Any, make_user: Any
) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    elsewhere = make_user("division_finance", divisions=[other_division])
    with pytest.raises(SettlementNotPermitted):
        settlement_sign(settlement=settlement, by=elsewhere, role="division_finance")
    assert not SettlementSignature.objects.exists()


def test_the_same_person_cannot_sign_twice_nor_for_two_roles(division: Any, make_user: Any) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    both = make_user("division_finance", "sales_lead")
    settlement_sign(settlement=settlement, by=both, role="division_finance")
    with pytest.raises(SettlementError, match="one person signs for one role"):
        settlement_sign(settlement=settlement, by=both, role="division_finance")
    with pytest.raises(SettlementError, match="one person signs for one role"):
        settlement_sign(settlement=settlement, by=both, role="sales_lead")
    assert SettlementSignature.objects.count() == 1


def test_one_live_signature_per_role(division: Any, make_user: Any) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    first, second = make_user("division_finance"), make_user("division_finance")
    settlement_sign(settlement=settlement, by=first, role="division_finance")
    with pytest.raises(SettlementError, match="signed already"):
        settlement_sign(settlement=settlement, by=second, role="division_finance")
    settlement_withdraw(settlement=settlement, by=first)
    settlement_sign(settlement=settlement, by=second, role="division_finance")
    live = SettlementSignature.objects.filter(withdrawn_at__isnull=True)
    assert [(s.role, s.signed_by) for s in live] == [("division_finance", second)]


def test_withdraw_before_the_third_signature(division: Any, signers: dict[str, Any]) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    settlement_sign(settlement=settlement, by=signers["hq_finance"], role="hq_finance")
    withdrawn = settlement_withdraw(settlement=settlement, by=signers["hq_finance"])
    assert withdrawn.withdrawn_at is not None
    with pytest.raises(SettlementError, match="no signature"):
        settlement_withdraw(settlement=settlement, by=signers["hq_finance"])
    settlement_sign(settlement=settlement, by=signers["division_finance"], role="division_finance")
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.COMPUTED
    assert AuditRecord.objects.filter(action="signature withdrawn").count() == 1


def test_the_third_signature_locks_audits_and_tells_the_three_roles(
    division: Any, signers: dict[str, Any]
) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    settlement_sign(settlement=settlement, by=signers["division_finance"], role="division_finance")
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.COMPUTED
    Notification.objects.all().delete()
    settlement_sign(settlement=settlement, by=signers["hq_finance"], role="hq_finance")
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.LOCKED and settlement.locked_at is not None
    locked = AuditRecord.objects.get(object_type="billing.settlement", action="locked")
    assert locked.actor == signers["hq_finance"] and locked.to_state == "locked"
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == set(ROLES)


def test_withdrawing_after_the_third_signature_is_refused(
    division: Any, signers: dict[str, Any]
) -> None:
    settlement = sign_all(computed_settlement(division, timezone.localdate()), signers)
    with pytest.raises(SettlementError, match="locked"):
        settlement_withdraw(settlement=settlement, by=signers["sales_lead"])
    assert SettlementSignature.objects.filter(withdrawn_at__isnull=True).count() == 3


def test_the_lock_source_names_the_locked_period(
    division: Any, other_division: Any, signers: dict[str, Any]
) -> None:
    first, last = periods()["current"]
    settlement = computed_settlement(division, first)
    assert settlement_locked_period(division=division, day=first) is None  # not yet locked
    sign_all(settlement, signers)
    period = settlement_locked_period(division=division, day=last)
    assert period is not None and (period.first_day, period.last_day) == (first, last)
    assert settlement_locked_period(division=division.pk, day=first) == period
    assert settlement_locked_period(division=division, day=last + dt.timedelta(days=1)) is None
    assert settlement_locked_period(division=division, day=first - dt.timedelta(days=1)) is None
    assert settlement_locked_period(division=other_division, day=first) is None


# --- exports ----------------------------------------------------------------------------------
def test_xlsx_has_the_chinese_headers_figures_and_signatures(
    ship: Any, division: Any, signers: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    previous = periods()["previous"]
    ship(at=moment(previous[0]), quantity=2, unit_price="100.00", freight="10.00")
    settlement = sign_all(computed_settlement(division, previous[0]), signers)
    sheet = load_workbook(io.BytesIO(settlement_xlsx(settlement))).active
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    header = rows.index(["期间", "发货销售额", "运费", "红字发票", "退货", "退款", "应结净额"])
    figures = rows[header + 1]
    assert figures[0] == f"{previous[0]:%Y-%m-%d} 至 {previous[1]:%Y-%m-%d}"
    assert [Decimal(str(value)) for value in figures[1:]] == [
        Decimal("200"),
        Decimal("10"),
        Decimal("0"),
        Decimal("0"),
        Decimal("0"),
        Decimal("210"),
    ]
    signed = rows[rows.index(["签字角色", "签字人", "签字时间"]) + 1 :]
    assert [row[:2] for row in signed] == [
        ["电商销售组长", "SALES_LEAD"],
        ["事业部财务", "DIVISION_FINANCE"],
        ["总部财务", "HQ_FINANCE"],
    ]
    assert all(len(row) == 3 for row in signed)  # each with its time


def test_pdf_embeds_the_font_and_shows_figures_and_three_signature_blocks(
    ship: Any, division: Any, signers: dict[str, Any], tmp_path: Any
) -> None:
    from tests.fulfilment.test_pdf import ReadBack, assert_font_embedded

    previous = periods()["previous"]
    ship(at=moment(previous[0]), quantity=3, unit_price="1234.50", freight="15.00")
    settlement = computed_settlement(division, previous[0])
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    document = ReadBack(settlement_pdf(settlement), tmp_path)
    assert_font_embedded(document)
    text = document.text()
    for expected in (
        "月度结算单",
        "发货销售额",
        "3,703.50",
        "运费",
        "15.00",
        "应结净额",
        "3,718.50",
    ):
        assert expected in text, expected
    for role in ("电商销售组长", "事业部财务", "总部财务"):
        assert role in text
    assert "SALES_LEAD" in text and text.count("签字人：—") == 2


# --- concurrency (PostgreSQL) -------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_three_signatures_at_once_lock_exactly_once(division: Any, signers: dict[str, Any]) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    barrier = threading.Barrier(3)
    outcomes: list[Any] = []

    def sign(role: str) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                settlement_sign(
                    settlement=Settlement.objects.get(pk=settlement.pk),
                    by=signers[role],
                    role=role,
                )
            )
        except Exception as error:  # the test inspects it
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(role,)) for role in ROLES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(o, SettlementSignature) for o in outcomes), outcomes
    assert SettlementSignature.objects.filter(withdrawn_at__isnull=True).count() == 3
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.LOCKED
    locks = AuditRecord.objects.filter(object_type="billing.settlement", action="locked")
    assert locks.count() == 1
