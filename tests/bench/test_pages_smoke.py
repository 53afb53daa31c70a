"""A tiny run of the page benchmark and its data generator, so neither can rot (issue 12).

The generator writes set-based PostgreSQL SQL (generate_series): skipped elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from bench import bench_pages, generate_year
from billing.models import Invoice, Settlement
from core.models import Division, SmsMessage, User
from core.numbering import document_number_next
from core.working_calendar import to_local
from orders.models import Order, OrderLine
from orders.models.conditions import return_window_ends_at
from returns.models import Refund, RefundApproval, ReturnLine, ReturnRequest, ReturnResolution

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator writes PostgreSQL SQL"
    ),
]


def test_generator_and_page_measurement(settings: Any) -> None:
    timings = generate_year.generate(orders=200, customers=100, per_day=100)

    assert Order.objects.count() == 200 and OrderLine.objects.count() == 600
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"received", "identified", "shipped", "cancelled", "closed"} <= statuses
    # two days of orders: the oldest tenth placed eleven days back, closed (every state)
    assert generate_year._closed_tail(200, 100) == 20
    assert generate_year._closed_tail(1_000_000, generate_year.PER_DAY) == 0
    assert Order.objects.filter(customer__isnull=False).exists()
    assert set(timings) >= {"customers", "orders", "lines", "returns"}
    order = Order.objects.filter(customer__isnull=False).first()
    assert order is not None and order.buyer_phone.startswith("13")  # decrypts
    # two days of orders: the period before the current one is locked all the same, so the
    # benchmark has a locked settlement's page to measure at any size and on any date
    locked = Settlement.objects.filter(status=Settlement.Status.LOCKED)
    assert {s.division.code for s in locked.select_related("division")} == {"GQ", "DQ"}
    assert all(s.signatures.count() == 3 for s in locked)

    client = Client()
    client.force_login(User.objects.get(username=bench_pages._user("sales_rep")))
    for url in ("/orders/", "/orders/?status=", f"/orders/{order.pk}/"):
        row = bench_pages.measure(client, url, warmups=0, requests=1)
        assert row["queries"] > 0 and row["p95_ms"] > 0
        assert row["raw_sql_p95_ms"] > 0
        assert isinstance(row["seq_scan"], list)


def _returns_data() -> None:
    """Ten days of 200 orders a day, a return for every third shipped order: enough for
    every state of both state machines."""
    generate_year.generate(orders=800, customers=100, per_day=200, return_every=3)


def test_generated_returns_cover_both_state_machines_and_keep_the_rules() -> None:
    _returns_data()

    requests = ReturnRequest.objects.select_related("order", "division")
    assert set(requests.values_list("status", flat=True)) == set(ReturnRequest.Status.values)
    assert set(Refund.objects.values_list("status", flat=True)) == set(Refund.Status.values)
    assert set(ReturnResolution.objects.values_list("outcome", flat=True)) == {
        "accept",
        "send_back",
    }
    assert {r.division.code for r in requests} == {"GQ", "DQ"}
    for request in requests:
        order = request.order
        assert order.status in (Order.Status.DELIVERED, Order.Status.CLOSED)
        assert order.delivered_at is not None
        assert order.delivered_at <= request.requested_at
        assert request.requested_at < return_window_ends_at(order.delivered_at)
        year = to_local(request.requested_at).year
        assert re.fullmatch(rf"RR-{request.division.code}-{year}-\d{{6}}", request.number)
        lines = list(ReturnLine.objects.filter(request=request).select_related("order_line"))
        assert lines and all(0 < line.quantity <= line.order_line.quantity for line in lines)
        assert request.goods_amount == sum(line.amount for line in lines)
        if request.status in ("awaiting_goods", "refused", "received", "closed"):
            assert request.return_order_number.startswith(f"TH-{request.division.code}-")
    for refund in Refund.objects.select_related("request"):
        assert refund.request.kind == ReturnRequest.Kind.RETURN
        assert refund.number.startswith(f"TK-{refund.request.division.code}-")
        assert 0 < refund.amount <= refund.goods_amount + refund.return_freight
        recorded = set(RefundApproval.objects.filter(refund=refund).values_list("role", flat=True))
        if refund.status in ("approved", "reviewed", "paid"):
            assert not refund.approvals_missing(recorded)
    closed_exchanges = requests.filter(status="closed", kind="exchange", resolution__isnull=True)
    assert closed_exchanges.exists()
    for request in closed_exchanges:
        assert request.replacement_note is not None and request.invoice_handling == "credited"
        credit = request.credit_notes.get()
        assert credit.kind == Invoice.Kind.CREDIT_NOTE and credit.total_amount < 0
    assert SmsMessage.objects.filter(reference__startswith="RR-").count() > requests.count()
    # the series' counters continue after the generated numbers
    gq = Division.objects.get(code="GQ")
    newest = requests.filter(division=gq).order_by("-number").first()
    assert newest is not None
    year = int(newest.number.split("-")[2])
    with transaction.atomic():
        number = document_number_next(series="RR", division=gq, year=year)
    assert number > newest.number


def test_every_returns_page_answers() -> None:
    _returns_data()
    gq = Division.objects.get(code="GQ")

    pages = bench_pages.returns_pages(gq)
    names = {page.name for page in pages}
    assert {"return requested", "return awaiting_goods", "return closed refund paid"} <= names
    for page in pages:
        client = Client()
        client.force_login(User.objects.get(username=page.user))
        row = bench_pages.measure(client, page.url, warmups=0, requests=1)  # raises unless 200
        assert row["queries"] > 0 and row["p95_ms"] > 0, page.name
        assert isinstance(row["seq_scan"], list)
