"""What one intake costs the database (issue 12): the SQL statements of one
`POST /api/v1/orders` of a known individual customer, three lines, counted exactly — a
new look-up or write on the hot path fails here first. The request runs as in production
(no test transaction around it: `transaction=True`), after a first request has warmed
the platform authentication cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import AuditRecord, DocumentSequence
from orders.models import Order, Platform
from tests.orders.conftest import post_order
from tests.orders.factories import (
    ID_NUMBER,
    TOKEN,
    CustomerFactory,
    ListedProductFactory,
    individual_payload,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The statements of one new order, in order. PostgreSQL: the replay check with the
# division, its warehouses and route and the products (one statement), BEGIN, the customer
# (look-up and share lock), the period check of the automatic identification (billing's
# locked settlements), the order number (UPDATE … RETURNING, which also sets the
# transaction's synchronous_commit off), the order with its lines and both audit rows (one
# statement: core.rawsql.insert_family), then `COMMIT; SELECT pg_logical_emit_message(…)`
# (the commit and the wait for the disk in one round trip: core.numbering) — and the COMMIT
# Django logs when the atomic block ends, which psycopg does not send (no transaction is
# open any more): 8 logged, 7 round trips. SQLite has no asynchronous commit (no flush)
# and no INSERT in WITH: the order, its lines and its audit rows are three statements.
STATEMENTS = {"postgresql": 8, "sqlite": 9}


def _three_lines(number: str) -> dict[str, Any]:
    lines = [{"sku": sku, "quantity": 1, "unit_price": "10.00"} for sku in ("SKU-A", "B", "C")]
    return individual_payload(platform_order_no=number, lines=lines)


@pytest.fixture
def known_customer(api: Client, division: Any) -> Any:
    ListedProductFactory(sku="B", division=division)
    ListedProductFactory(sku="C", division=division)
    return CustomerFactory(
        division=division, kind="individual", name="张三", org_code="", id_number=ID_NUMBER
    )


def test_one_intake_costs_a_fixed_number_of_statements(api: Client, known_customer: Any) -> None:
    assert post_order(api, _three_lines("WARM-1")).status_code == 201  # warms the caches

    with CaptureQueriesContext(connection) as queries:
        response = post_order(api, _three_lines("COUNT-1"))

    assert response.status_code == 201, response.content
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == STATEMENTS[connection.vendor], "\n".join(statements)
    if connection.vendor == "postgresql":
        assert statements[-2].startswith("COMMIT; SELECT pg_logical_emit_message")
        assert statements[-1] == "COMMIT"  # logged by Django; psycopg sends nothing
    # the order just inserted is never read back or updated to identify it
    assert not any(sql.startswith('UPDATE "orders_order"') for sql in statements)
    assert not any("slabreach" in sql for sql in statements)


def test_the_fast_path_keeps_identification_clocks_and_audit(
    api: Client, known_customer: Any
) -> None:
    body = post_order(api, _three_lines("KEEP-1")).json()

    order = Order.objects.get(platform_order_no="KEEP-1")
    assert body["status"] == "identified" and order.status == Order.Status.IDENTIFIED
    assert order.customer == known_customer
    assert order.identification_method == Order.IdentifiedBy.ID_NUMBER
    assert order.identified_at == order.received_at
    assert order.sales_order_due_at is not None and order.next_step == "sales_order"
    assert order.next_due_at == order.sales_order_due_at
    assert order.invoice_title == known_customer.name
    assert set(body["due"]) == {"identify", "sales_order", "invoice", "handover"}
    assert order.lines.count() == 3
    # personal data is stored encrypted: the column does not hold the ID number
    with connection.cursor() as cursor:
        cursor.execute("SELECT buyer_id_number FROM orders_order WHERE id = %s", [order.pk])
        assert ID_NUMBER not in cursor.fetchone()[0]
    rows = list(
        AuditRecord.objects.filter(object_type="orders.order", object_id=str(order.pk)).order_by(
            "id"
        )
    )
    assert [(r.action, r.from_state, r.to_state) for r in rows] == [
        ("received", "", "received"),
        ("identified", "received", "identified"),
    ]
    assert rows[0].object_repr == rows[1].object_repr == order.number
    assert rows[1].data == {"customer": known_customer.number, "method": "id_number"}
    day = order.number.split("-")[1]
    counter = DocumentSequence.objects.get(key=f"ORDER-GQ-{day}")
    assert order.number.endswith(f"-{counter.last_value:04d}")


def test_a_deactivated_platform_is_refused_at_once_despite_the_cache(
    api: Client, platform: Platform, known_customer: Any
) -> None:
    assert post_order(api, _three_lines("AUTH-1")).status_code == 201

    platform.is_active = False
    platform.save()

    assert post_order(api, _three_lines("AUTH-2")).status_code == 401


def test_a_new_token_replaces_the_old_one_at_once(
    api: Client, platform: Platform, known_customer: Any
) -> None:
    from orders.services.platforms import platform_set_token

    assert post_order(api, _three_lines("TOKEN-1")).status_code == 201

    platform_set_token(platform=platform, by=None, token="a-brand-new-token")

    assert (
        post_order(Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"), _three_lines("T-2")).status_code
        == 401
    )
    fresh = Client(HTTP_AUTHORIZATION="Bearer a-brand-new-token")
    assert post_order(fresh, _three_lines("TOKEN-3")).status_code == 201


def test_intakes_of_one_customer_do_not_queue_but_a_merge_waits_for_them(
    api: Client, known_customer: Any
) -> None:
    """The intake's customer lock is shared (FOR SHARE): a second intake of the same
    customer goes through while a first transaction holds it, a merge's exclusive lock on
    the customer does not (PostgreSQL, two connections)."""
    import threading

    from django.db import DatabaseError, connections, transaction

    from orders.models import Customer
    from orders.services.intake import BuyerInput, _customer_lock_exact

    if connection.vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    holding, done = threading.Event(), threading.Event()
    found: list[Any] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                buyer = BuyerInput(kind="individual", name="张三", phone="", id_number=ID_NUMBER)
                found.append(_customer_lock_exact(buyer)[0])
                holding.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(10) and found[0].pk == known_customer.pk
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # a wait would fail, not hang
        response = post_order(api, _three_lines("SHARED-1"))
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "identified"
        with pytest.raises(DatabaseError), transaction.atomic():
            Customer.objects.select_for_update(nowait=True).get(pk=known_customer.pk)
    finally:
        done.set()
        thread.join(10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def test_the_reads_before_the_transaction_are_one_statement_with_every_answer(
    api: Client, platform: Platform, known_customer: Any, division: Any
) -> None:
    """The replay check, the division with its warehouses and route, and the products in
    one statement (UNION ALL): each answer as the separate reads gave it — SKUs keyed as
    sent, unknown ones absent, a replay's order found, an unknown division None."""
    from orders.services.intake import _division_place

    assert post_order(api, _three_lines("ONE-1")).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        place = _division_place(
            "GQ", "11", replay=(platform.pk, "ONE-1"), skus=["sku-a", "B", "nope"]
        )
    assert len(queries.captured_queries) == 1
    assert place.existing == Order.objects.get(platform_order_no="ONE-1").pk
    assert place.division is not None and place.division.code == "GQ"
    assert place.warehouses and all(
        w.division_id == place.division.pk for w in place.warehouses.values()
    )
    assert place.products is not None and set(place.products) == {"sku-a", "B"}
    assert place.products["sku-a"].sku == "SKU-A" and place.products["B"].division_id == division.pk

    with CaptureQueriesContext(connection) as queries:
        nowhere = _division_place("NOPE", None, replay=(platform.pk, "NEW-9"), skus=["C"])
    # no warehouse row: the division is looked for alone (it may exist without warehouses)
    assert len(queries.captured_queries) == 2
    assert (nowhere.division, nowhere.existing) == (None, None)
    assert nowhere.products is not None and set(nowhere.products) == {"C"}
    none_asked = _division_place("GQ", None, replay=(platform.pk, "NEW-9"), skus=[])
    assert none_asked.products == {} and none_asked.division is not None
