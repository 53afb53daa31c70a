"""Issuing invoices and red-letter credit notes: lines, rounding, freight, numbering,
immutability, the period lock and the cancellation of an invoiced order."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from billing.models import Invoice, InvoiceLine
from billing.money import line_tax
from billing.services import invoices as invoice_services
from billing.services.invoices import (
    InvoiceError,
    invoice_cancellation_participant,
    invoice_credit,
    invoice_issue,
)
from core.models import AuditRecord, DocumentSequence
from core.periods import (
    LockedPeriod,
    PeriodLocked,
    register_period_lock_source,
    unregister_period_lock_source,
)
from fulfilment.exceptions import NotPermitted
from fulfilment.models import Carrier, DeliveryNote
from fulfilment.services import delivery_note_create, shipment_create, waiting_notes_release
from orders.exceptions import CancellationRefused
from orders.models import Order
from orders.services import order_cancel
from tests.fulfilment.conftest import level_of
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db

D = Decimal


def year() -> int:
    return timezone.localdate().year


def invoice_counter() -> int:
    sequence = DocumentSequence.objects.filter(key=f"FP-GQ-{year()}").first()
    return sequence.last_value if sequence else 0


def number(value: int) -> str:
    return f"FP-GQ-{year()}-{value:06d}"


def audit_actions(obj: Any) -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def line_values(invoice: Invoice) -> list[tuple[Any, ...]]:
    return list(
        invoice.lines.order_by("position").values_list(
            "position",
            "kind",
            "sku",
            "quantity",
            "unit_price",
            "vat_rate",
            "amount",
            "tax_amount",
            "net_amount",
        )
    )


# --- issuing -------------------------------------------------------------------------------
def test_issue_writes_goods_and_freight_lines_and_invoices_note_and_order(
    reserved_note: Any, finance: Any, make_user: Any
) -> None:
    keeper = make_user("warehouse")
    note = reserved_note(quantity=2)  # 2 × 100.00, freight 10.00
    order = note.order

    invoice = invoice_issue(note=note, by=finance)

    assert invoice.number == number(1)
    assert (invoice.kind, invoice.status) == ("invoice", "issued")
    assert line_values(invoice) == [
        (1, "goods", "SKU-A", 2, D("100.00"), D("0.130"), D("200.00"), D("23.01"), D("176.99")),
        (2, "freight", "", 1, D("10.00"), D("0.130"), D("10.00"), D("1.15"), D("8.85")),
    ]
    assert invoice.lines.get(position=1).description == order.lines.get().name
    assert invoice.lines.get(position=2).description == "运费"
    assert (invoice.total_amount, invoice.tax_amount, invoice.net_amount) == (
        D("210.00"),
        D("24.16"),
        D("185.84"),
    )
    assert invoice.buyer_title == order.invoice_title and invoice.buyer_title
    assert invoice.buyer_tax_number == order.invoice_tax_number
    assert (invoice.issued_by, invoice.delivery_note, invoice.order) == (finance, note, order)
    note.refresh_from_db()
    order.refresh_from_db()
    assert (note.status, note.invoice_number) == ("invoiced", invoice.number)
    assert (order.status, order.invoice_number) == (Order.Status.INVOICED, invoice.number)
    assert audit_actions(invoice) == ["issued"]
    assert "invoiced" in audit_actions(note)
    [message] = keeper.notifications.filter(topic="invoice")
    assert note.number in message.subject and invoice.number in message.subject


def test_issue_is_refused_for_a_waiting_or_invoiced_note_and_nothing_changes(
    confirmed: Any, reserved_note: Any, finance: Any, english: Any
) -> None:
    [waiting] = delivery_note_create(order=confirmed(quantity=3), by=None)  # no stock
    assert waiting.status == "waiting"
    with pytest.raises(InvoiceError, match="waits for stock"):
        invoice_issue(note=waiting, by=finance)
    assert not Invoice.objects.exists() and invoice_counter() == 0

    note = reserved_note()
    invoice_issue(note=note, by=finance)
    with pytest.raises(InvoiceError, match="only a note with reserved stock"):
        invoice_issue(note=note, by=finance)
    assert Invoice.objects.count() == 1
    assert invoice_counter() == 1


def test_issue_needs_the_role_and_the_division(
    reserved_note: Any, make_user: Any, other_division: Any
) -> None:
    note = reserved_note()
    for user in (make_user("sales_rep"), make_user("division_finance", divisions=[other_division])):
        with pytest.raises(NotPermitted):
            invoice_issue(note=note, by=user)
    note.refresh_from_db()
    assert note.status == "reserved" and not Invoice.objects.exists()


def test_the_one_invoice_per_note_constraint_becomes_a_clear_refusal(
    reserved_note: Any, finance: Any, monkeypatch: Any
) -> None:
    note = reserved_note()
    invoice_issue(note=note, by=finance)
    # a stale check (as if the note were still reserved) meets the database constraint
    monkeypatch.setattr(invoice_services, "_check_issuable", lambda note: None)
    with pytest.raises(InvoiceError, match="has an invoice already"):
        invoice_issue(note=note, by=finance)
    assert Invoice.objects.count() == 1


# --- rounding ------------------------------------------------------------------------------
def test_thirty_line_invoice_taxes_each_line_and_sums_the_lines(
    division: Any, confirmed: Any, stock: Any, finance: Any
) -> None:
    rates = [D("0.130"), D("0.090"), D("0.060")]
    products = [
        ListedProductFactory(sku=f"SKU-L{i:02d}", division=division, vat_rate=rates[i % 3])
        for i in range(30)
    ]
    for product in products:
        stock(product, 3)
    lines = [
        {"sku": p.sku, "quantity": 1 + i % 3, "unit_price": "0.05" if i % 2 else "0.09"}
        for i, p in enumerate(products)
    ]
    order = confirmed(lines=lines, freight="0.00")
    [note] = delivery_note_create(order=order, by=None)

    invoice = invoice_issue(note=note, by=finance)

    stored = list(invoice.lines.order_by("position"))
    assert len(stored) == 30 and {line.kind for line in stored} == {"goods"}  # no freight
    for line, ordered in zip(stored, order.lines.order_by("position"), strict=True):
        assert (line.sku, line.quantity, line.unit_price, line.vat_rate) == (
            ordered.sku,
            ordered.quantity,
            ordered.unit_price,
            ordered.vat_rate,
        )
        assert line.amount == ordered.quantity * ordered.unit_price
        assert line.tax_amount == line_tax(line.amount, line.vat_rate)
        assert line.net_amount == line.amount - line.tax_amount
    sums = invoice.lines.aggregate(
        total=Sum("amount"), tax=Sum("tax_amount"), net=Sum("net_amount")
    )
    assert (invoice.total_amount, invoice.tax_amount, invoice.net_amount) == (
        sums["total"],
        sums["tax"],
        sums["net"],
    )
    # the tax of the summed amounts per rate differs from the sum of the line taxes
    naive = sum(
        line_tax(sum(ln.amount for ln in stored if ln.vat_rate == rate), rate) for rate in rates
    )
    assert invoice.tax_amount != naive
    assert (invoice.total_amount, invoice.tax_amount) == (D("4.20"), D("0.35"))
    assert naive == D("0.32")


def test_small_lines_round_each_half_fen_up(
    division: Any, confirmed: Any, stock: Any, finance: Any
) -> None:
    products = [ListedProductFactory(sku=f"SKU-S{i}", division=division) for i in range(3)]
    for product in products:
        stock(product, 1)
    order = confirmed(
        lines=[{"sku": p.sku, "quantity": 1, "unit_price": "0.05"} for p in products],
        freight="0.05",
    )
    [note] = delivery_note_create(order=order, by=None)

    invoice = invoice_issue(note=note, by=finance)

    assert [line.tax_amount for line in invoice.lines.order_by("position")] == [D("0.01")] * 4
    assert (invoice.total_amount, invoice.tax_amount, invoice.net_amount) == (
        D("0.20"),
        D("0.04"),
        D("0.16"),
    )
    assert line_tax(D("0.20"), D("0.13")) == D("0.02")  # the naive total tax


def test_freight_uses_the_freight_vat_rate(reserved_note: Any, finance: Any, settings: Any) -> None:
    settings.FREIGHT_VAT_RATE = "0.09"
    invoice = invoice_issue(note=reserved_note(quantity=1), by=finance)
    freight = invoice.lines.get(kind="freight")
    assert (freight.vat_rate, freight.amount, freight.tax_amount) == (
        D("0.090"),
        D("10.00"),
        D("0.83"),
    )


# --- freight only once per order ------------------------------------------------------------
def test_freight_only_on_the_first_invoice_of_a_partially_delivered_order(
    confirmed: Any, stock: Any, product: Any, finance: Any, warehouses: Any
) -> None:
    stock(product, 1)
    order = confirmed(quantity=3)
    line = order.lines.get()
    partial, back_order = delivery_note_create(
        order=order, by=None, quantities={line.pk: 1}, partial_agreed_with="王芳"
    )

    first = invoice_issue(note=partial, by=finance)
    stock(product, 2)
    [released] = waiting_notes_release(warehouse=warehouses["main"])
    assert released.pk == back_order.pk
    second = invoice_issue(note=released, by=finance)

    assert [(ln.kind, ln.quantity, ln.amount) for ln in first.lines.order_by("position")] == [
        ("goods", 1, D("100.00")),
        ("freight", 1, D("10.00")),
    ]
    assert [(ln.kind, ln.quantity, ln.amount) for ln in second.lines.all()] == [
        ("goods", 2, D("200.00"))
    ]
    assert (first.number, second.number) == (number(1), number(2))
    assert first.total_amount + second.total_amount == order.total_amount


# --- numbering -----------------------------------------------------------------------------
def test_numbers_are_sequential_and_a_failed_issue_leaves_no_gap(
    reserved_note: Any, finance: Any, monkeypatch: Any
) -> None:
    first, failing, third = reserved_note(), reserved_note(), reserved_note()
    assert invoice_issue(note=first, by=finance).number == number(1)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the note could not be marked")

    with monkeypatch.context() as patch:
        patch.setattr(invoice_services, "delivery_note_mark_invoiced", broken)
        with pytest.raises(RuntimeError):
            invoice_issue(note=failing, by=finance)
    failing.refresh_from_db()
    assert failing.status == "reserved" and Invoice.objects.count() == 1

    assert invoice_issue(note=third, by=finance).number == number(2)
    assert invoice_issue(note=failing, by=finance).number == number(3)


# --- credit notes --------------------------------------------------------------------------
def test_credit_note_is_a_negative_copy_and_marks_the_original_credited(
    reserved_note: Any, finance: Any
) -> None:
    original = invoice_issue(note=reserved_note(), by=finance)

    credit = invoice_credit(invoice=original, by=finance, reason="  wrong   title ")

    original.refresh_from_db()
    assert original.status == "credited"
    assert (credit.kind, credit.status, credit.original) == ("credit_note", "issued", original)
    assert credit.number == number(2) and credit.reason == "wrong title"
    assert (credit.total_amount, credit.tax_amount, credit.net_amount) == (
        -original.total_amount,
        -original.tax_amount,
        -original.net_amount,
    )
    assert (credit.order_id, credit.delivery_note_id, credit.buyer_title) == (
        original.order_id,
        original.delivery_note_id,
        original.buyer_title,
    )
    assert line_values(credit) == [
        (p, k, s, -q, price, rate, -a, -t, -n)
        for p, k, s, q, price, rate, a, t, n in line_values(original)
    ]
    assert list(original.credit_notes.all()) == [credit]
    assert audit_actions(original) == ["issued", "credited"]
    assert audit_actions(credit) == ["issued"]


def test_partial_credit_notes_sum_to_the_invoice_to_the_fen(
    reserved_note: Any, finance: Any
) -> None:
    """A return takes back some units: each partial credit note is its units at the line's
    price, the last one takes exactly what is left (no rounding drift), and the original
    turns credited only when nothing is left on it."""
    original = invoice_issue(note=reserved_note(3, freight="10.00"), by=finance)
    goods = original.lines.get(kind="goods")
    first = invoice_credit(
        invoice=original, by=finance, reason="return 1", quantities={goods.position: 1}
    )
    original.refresh_from_db()
    assert original.status == "issued"
    assert first.total_amount == -goods.unit_price
    with pytest.raises(InvoiceError) as over:
        invoice_credit(
            invoice=original, by=finance, reason="too many", quantities={goods.position: 3}
        )
    assert over.value.field == f"line_{goods.position}"
    invoice_credit(invoice=original, by=finance, reason="return 2", quantities={goods.position: 2})
    original.refresh_from_db()
    assert original.status == "issued"  # the freight line is still on it
    last = invoice_credit(invoice=original, by=finance, reason="the rest")
    original.refresh_from_db()
    assert original.status == "credited"
    assert [line.kind for line in last.lines.all()] == ["freight"]
    credits = original.credit_notes.all()
    assert sum(c.total_amount for c in credits) == -original.total_amount
    assert sum(c.tax_amount for c in credits) == -original.tax_amount
    with pytest.raises(InvoiceError):
        invoice_credit(invoice=original, by=finance, reason="again")


def test_credit_refusals_change_nothing(
    reserved_note: Any, finance: Any, make_user: Any, english: Any
) -> None:
    original = invoice_issue(note=reserved_note(), by=finance)
    with pytest.raises(InvoiceError) as blank:
        invoice_credit(invoice=original, by=finance, reason="   ")
    assert blank.value.field == "reason"
    with pytest.raises(NotPermitted):
        invoice_credit(invoice=original, by=make_user("hq_finance"), reason="x")
    assert not Invoice.objects.filter(kind="credit_note").exists()

    credit = invoice_credit(invoice=original, by=finance, reason="wrong title")
    with pytest.raises(InvoiceError, match="credited already"):
        invoice_credit(invoice=original, by=finance, reason="again")
    with pytest.raises(InvoiceError, match="is a credit note"):
        invoice_credit(invoice=credit, by=finance, reason="again")
    assert Invoice.objects.count() == 2
    assert invoice_counter() == 2


# --- period lock ---------------------------------------------------------------------------
@pytest.fixture
def everything_locked() -> Any:
    def locked(*, division: Any, day: Any) -> LockedPeriod:
        return LockedPeriod(first_day=day, last_day=day)

    register_period_lock_source(locked)
    yield
    unregister_period_lock_source(locked)


def test_issue_and_credit_are_refused_in_a_locked_period(
    reserved_note: Any, finance: Any, request: Any
) -> None:
    note = reserved_note()
    original = invoice_issue(note=note, by=finance)
    other = reserved_note()
    request.getfixturevalue("everything_locked")

    with pytest.raises(PeriodLocked):
        invoice_issue(note=other, by=finance)
    with pytest.raises(PeriodLocked):
        invoice_credit(invoice=original, by=finance, reason="wrong title")

    original.refresh_from_db()
    other.refresh_from_db()
    assert original.status == "issued" and other.status == "reserved"
    assert Invoice.objects.count() == 1


# --- immutability --------------------------------------------------------------------------
def test_invoice_lines_are_append_only(reserved_note: Any, finance: Any) -> None:
    invoice = invoice_issue(note=reserved_note(), by=finance)
    line = invoice.lines.first()
    assert line is not None
    with pytest.raises(PermissionError):
        InvoiceLine.objects.filter(invoice=invoice).update(amount=D("1.00"))
    with pytest.raises(PermissionError):
        InvoiceLine.objects.filter(invoice=invoice).delete()
    line.amount = D("1.00")
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.delete()
    assert invoice.lines.count() == 2 and invoice.lines.get(pk=line.pk).amount == D("200.00")


def test_the_database_refuses_to_change_an_issued_invoice(reserved_note: Any, finance: Any) -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("the trigger of migration billing 0002 is PostgreSQL's")
    invoice = invoice_issue(note=reserved_note(), by=finance)
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total_amount=D("1.00"))
    cursor = connections["default"].cursor  # raw SQL: below the ORM's own refusals
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), cursor() as sql:
        sql.execute("UPDATE billing_invoiceline SET amount = 1 WHERE invoice_id = %s", [invoice.pk])
    with (
        pytest.raises(DatabaseError, match="cannot be deleted"),
        transaction.atomic(),
        cursor() as sql,
    ):
        sql.execute("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.total_amount == D("210.00")


# --- cancellation --------------------------------------------------------------------------
def test_cancelling_an_invoiced_order_credits_the_invoice_and_frees_the_stock(
    reserved_note: Any, finance: Any, product: Any, warehouses: Any, billing_cancellation: Any
) -> None:
    note = reserved_note(quantity=2)
    invoice = invoice_issue(note=note, by=finance)
    assert level_of(product, warehouses["main"]).reserved == 2

    order = order_cancel(order=note.order, by=None, reason="customer withdrew")

    assert order.status == Order.Status.CANCELLED
    invoice.refresh_from_db()
    assert invoice.status == "credited"
    credit = invoice.credit_notes.get()
    assert (credit.reason, credit.total_amount) == ("customer withdrew", -invoice.total_amount)
    note.refresh_from_db()
    assert note.status == "cancelled"
    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (2, 0)


def test_cancellation_is_refused_once_invoiced_goods_shipped(
    confirmed: Any,
    stock: Any,
    product: Any,
    finance: Any,
    billing_cancellation: Any,
    english: Any,
) -> None:
    stock(product, 1)
    order = confirmed(quantity=3)
    partial, _back_order = delivery_note_create(
        order=order, by=None, quantities={order.lines.get().pk: 1}, partial_agreed_with="王芳"
    )
    invoice = invoice_issue(note=partial, by=finance)
    shipment_create(
        note=partial,
        by=None,
        carrier=Carrier.objects.create(code="SF", name="顺丰速运"),
        tracking_number="SF100000000001",
        parcels=1,
        weight_kg="1",
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.INVOICED

    with pytest.raises(CancellationRefused, match=invoice.number):
        order_cancel(order=order, by=None, reason="customer withdrew")
    with pytest.raises(CancellationRefused, match="shipped"):
        invoice_cancellation_participant(order=order, by=None, reason="customer withdrew")

    invoice.refresh_from_db()
    assert invoice.status == "issued" and Invoice.objects.count() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.INVOICED


def test_cancelling_an_order_without_invoice_issues_nothing(
    reserved_note: Any, billing_cancellation: Any
) -> None:
    note = reserved_note()
    order_cancel(order=note.order, by=None, reason="customer withdrew")
    assert not Invoice.objects.exists()
    assert DeliveryNote.objects.get(pk=note.pk).status == "cancelled"


# --- concurrency (PostgreSQL) --------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_every_number_once_without_gaps(
    reserved_note: Any, finance: Any
) -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    notes = [reserved_note(quantity=1) for _ in range(11)]
    failing = notes[4]
    barrier = threading.Barrier(len(notes))
    issued: list[str] = []
    errors: list[BaseException] = []

    class Abandon(Exception):
        pass

    def issue(note: DeliveryNote) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                invoice = invoice_issue(note=note, by=finance)
                if note.pk == failing.pk:
                    raise Abandon  # the caller's transaction fails after drawing its number
            issued.append(invoice.number)
        except Abandon:
            pass
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(note,)) for note in notes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(issued) == [number(value) for value in range(1, 11)]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == sorted(issued)
    assert DeliveryNote.objects.get(pk=failing.pk).status == "reserved"
    assert invoice_counter() == 10
