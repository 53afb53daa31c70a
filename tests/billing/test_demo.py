"""seed_demo: the billing part of the demo contract (invoices in every state, a credit
note, closed days — one reconciled, one held open by a discrepancy), idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from billing.models import DailyClose, Discrepancy, Invoice, Settlement
from fulfilment.models import DeliveryNote
from orders.models import Order

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_billing() -> None:
    _seed()
    counts = (Invoice.objects.count(), DailyClose.objects.count())
    _seed()
    assert (Invoice.objects.count(), DailyClose.objects.count()) == counts
    assert set(Invoice.objects.values_list("status", flat=True)) == set(Invoice.Status.values)
    # the cancellation's credit note (the returns demo's credit notes carry a return number)
    credit = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE, return_number="")
    assert credit.original is not None and credit.total_amount == -credit.original.total_amount
    assert credit.order.status == Order.Status.CANCELLED
    # every invoiced or shipped note has its invoice, and the order's number is the invoice's
    for note in DeliveryNote.objects.filter(status__in=["invoiced", "shipped"]):
        invoice = Invoice.objects.get(delivery_note=note, kind="invoice")
        assert note.invoice_number == invoice.number
    assert DailyClose.objects.filter(status=DailyClose.Status.RECONCILED).exists()
    assert Discrepancy.objects.filter(resolved_at__isnull=True).exists()
    locked, open_ = Settlement.objects.order_by("first_day")
    assert locked.status == Settlement.Status.LOCKED and locked.signatures.count() == 3
    assert open_.status == Settlement.Status.COMPUTED
    assert open_.signatures.filter(withdrawn_at__isnull=True).count() == 2
