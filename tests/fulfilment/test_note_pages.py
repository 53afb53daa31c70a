"""The pages of parts support, finance and the warehouse around delivery notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fulfilment.models import Carrier, DeliveryNote, Shipment
from fulfilment.services import delivery_note_create, delivery_note_mark_invoiced
from orders.models import Order
from tests.orders.factories import TOKEN

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queue_groups_orders_by_window_and_links_the_stock_check(
    confirmed: Any, make_user: Any
) -> None:
    noon = confirmed(placed_at="2026-03-02T10:00:00+08:00")
    three = confirmed(placed_at="2026-03-02T13:00:00+08:00")
    page = client_for(make_user("parts_support")).get("/fulfilment/queue/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index(noon.number) < text.index(three.number)
    assert "12:00" in text and "15:00" in text
    assert f"/fulfilment/orders/{noon.pk}/stock-check/" in text


def test_long_queue_pages_keep_the_filters_and_the_window_totals(
    confirmed: Any, warehouses: Any, make_user: Any, monkeypatch: Any
) -> None:
    from fulfilment.views.notes import QueueView

    monkeypatch.setattr(QueueView, "paginate_by", 2)
    orders = [confirmed(placed_at=f"2026-03-02T10:0{minute}:00+08:00") for minute in range(3)]
    client = client_for(make_user("parts_support"))
    url = f"/fulfilment/queue/?status=confirmed&warehouse={warehouses['main'].pk}"
    first = client.get(url).content.decode()
    next_link = f'href="?status=confirmed&amp;warehouse={warehouses["main"].pk}&amp;page=2"'
    assert next_link in first
    assert orders[0].number in first and orders[2].number not in first
    second = client.get(url + "&page=2").content.decode()
    assert orders[2].number in second and orders[0].number not in second
    # the window's total counts the whole queue, not the page
    assert 'data-testid="queue-window-total">3<' in second


def test_queue_page_queries_do_not_grow_with_the_waiting_orders(
    confirmed: Any, make_user: Any, monkeypatch: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fulfilment.views.notes import QueueView

    monkeypatch.setattr(QueueView, "paginate_by", 2)
    client = client_for(make_user("parts_support"))

    def queries() -> list[int]:
        counts = []
        for url in ("/fulfilment/queue/", "/fulfilment/queue/?page=2", "/"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    for hour in range(3):
        confirmed(placed_at=f"2026-03-02T1{hour}:00:00+08:00")
    client.get("/fulfilment/queue/")  # warm the session and permission caches
    few = queries()
    for hour in range(5):
        confirmed(placed_at=f"2026-03-03T1{hour}:00:00+08:00")
    assert queries() == few


def test_queue_is_parts_supports(make_user: Any) -> None:
    assert client_for(make_user("sales_rep")).get("/fulfilment/queue/").status_code == 403


def test_stock_check_creates_the_note_and_notifies(
    confirmed: Any, stock: Any, product: Any, make_user: Any
) -> None:
    stock(product, 5)
    finance, keeper = make_user("division_finance"), make_user("warehouse")
    order = confirmed(quantity=2)
    client = client_for(make_user("parts_support"))
    page = client.get(f"/fulfilment/orders/{order.pk}/stock-check/")
    assert page.status_code == 200 and 'data-testid="create-note"' in page.content.decode()
    response = client.post(f"/fulfilment/orders/{order.pk}/stock-check/", {"mode": "all"})
    note = DeliveryNote.objects.get(order=order)
    assert response.status_code == 302 and response["Location"] == f"/fulfilment/notes/{note.pk}/"
    assert finance.notifications.filter(topic="delivery_note").count() == 1
    assert keeper.notifications.filter(topic="delivery_note").count() == 1


def test_partial_without_agreement_keeps_the_input_and_names_the_field(
    confirmed: Any, stock: Any, product: Any, make_user: Any, english: Any
) -> None:
    stock(product, 1)
    order = confirmed(quantity=3)
    line = order.lines.get()
    response = client_for(make_user("parts_support", language="en")).post(
        f"/fulfilment/orders/{order.pk}/stock-check/",
        {"mode": "partial", f"line_{line.pk}": "1", "note": "urgent customer"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "agreement" in text and 'value="urgent customer"' in text
    assert not DeliveryNote.objects.exists()
    too_many = client_for(make_user("parts_support", language="en")).post(
        f"/fulfilment/orders/{order.pk}/stock-check/",
        {"mode": "partial", f"line_{line.pk}": "2", "partial_agreed_with": "rep"},
    )
    assert too_many.status_code == 422
    assert "only 1 available" in too_many.content.decode()
    assert 'value="2"' in too_many.content.decode()


def test_finance_issues_the_invoice_and_the_warehouse_hands_over(
    confirmed: Any, stock: Any, product: Any, make_user: Any
) -> None:
    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    stock(product, 2)
    order = confirmed(quantity=2)
    [note] = delivery_note_create(order=order, by=None)
    keeper = client_for(make_user("warehouse"))
    page = keeper.get(f"/fulfilment/notes/{note.pk}/").content.decode()
    assert 'data-testid="handover-blocked"' in page and "handover-form" not in page
    assert 'data-testid="issue-invoice"' not in page  # finance's button
    finance = client_for(make_user("division_finance"))
    page = finance.get(f"/fulfilment/notes/{note.pk}/").content.decode()
    assert f'action="/billing/invoices/issue/{note.pk}/"' in page
    assert "¥210.00" in page  # 2 × 100.00 and the freight of 10.00
    response = finance.post(f"/billing/invoices/issue/{note.pk}/")
    note.refresh_from_db()
    assert note.status == "invoiced" and Order.objects.get(pk=order.pk).status == "invoiced"
    assert response.status_code == 302 and response["Location"].startswith("/billing/invoices/")
    assert note.invoice_number.startswith("FP-GQ-")
    keeper.post(
        f"/fulfilment/notes/{note.pk}/hand-over/",
        {
            "carrier": carrier.pk,
            "tracking_number": "SF1000000001",
            "parcels": 1,
            "weight_kg": "2.5",
        },
    )
    assert Shipment.objects.get(delivery_note=note).tracking_number == "SF1000000001"
    assert Order.objects.get(pk=order.pk).status == "shipped"
    api = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}").get(
        f"/api/v1/orders/{order.platform_order_no}"
    )
    body = api.json()
    assert body["status"] == "shipped"
    assert [s["tracking_number"] for s in body["shipments"]] == ["SF1000000001"]
    assert body["tracking"]["carrier"] == "顺丰速运"


def test_a_user_of_another_division_gets_404(
    confirmed: Any, stock: Any, product: Any, make_user: Any, other_division: Any
) -> None:
    stock(product, 2)
    [note] = delivery_note_create(order=confirmed(quantity=1), by=None)
    outsider = client_for(make_user("warehouse", divisions=[other_division]))
    assert outsider.get(f"/fulfilment/notes/{note.pk}/").status_code == 404
    assert outsider.get(f"/fulfilment/orders/{note.order_id}/stock-check/").status_code == 404


def test_order_page_shows_the_notes_and_the_stock_check(confirmed: Any, make_user: Any) -> None:
    order = confirmed(quantity=1)
    page = client_for(make_user("parts_support")).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-stock-check"' in page
    delivery_note_create(order=order, by=None)  # no stock: waits, order on hold
    page = client_for(make_user("sales_rep")).get(f"/orders/{order.pk}/").content.decode()
    assert DeliveryNote.objects.get(order=order).number in page


def test_home_panels_of_parts_support_warehouse_and_finance(
    confirmed: Any, stock: Any, product: Any, make_user: Any
) -> None:
    stock(product, 5)
    confirmed(quantity=1)
    [note] = delivery_note_create(order=confirmed(quantity=1), by=None)
    assert (
        'data-testid="panel-queue-total"'
        in client_for(make_user("parts_support")).get("/").content.decode()
    )
    assert (
        'data-testid="waves-panel"' in client_for(make_user("warehouse")).get("/").content.decode()
    )
    assert note.number in client_for(make_user("division_finance")).get("/").content.decode()


def test_hand_over_twice_on_the_same_tracking_number_names_the_field(
    confirmed: Any, stock: Any, product: Any, make_user: Any, english: Any
) -> None:
    carrier = Carrier.objects.create(code="SF", name="SF Express")
    stock(product, 2)
    notes = [delivery_note_create(order=confirmed(quantity=1), by=None)[0] for _ in range(2)]
    for i, note in enumerate(notes):
        delivery_note_mark_invoiced(note=note, by=None, invoice_number=f"INV{i}")
    keeper = client_for(make_user("warehouse", language="en"))
    data = {
        "carrier": carrier.pk,
        "tracking_number": "SF1000000009",
        "parcels": 1,
        "weight_kg": "1",
    }
    keeper.post(f"/fulfilment/notes/{notes[0].pk}/hand-over/", data)
    response = keeper.post(f"/fulfilment/notes/{notes[1].pk}/hand-over/", data, follow=True)
    assert "already used" in response.content.decode()
    assert Shipment.objects.count() == 1


def test_logistics_lead_keeps_carriers_and_rates_audited(make_user: Any) -> None:
    from core.models import AuditRecord
    from fulfilment.models import FreightRate

    lead = client_for(make_user("logistics_lead"))
    response = lead.post(
        "/fulfilment/carriers/",
        {"code": "sf", "name": "顺丰速运", "tracking_pattern": "SF\\d{12}", "is_active": "on"},
    )
    carrier = Carrier.objects.get(code="SF")
    assert response.status_code == 302
    bad = lead.post(
        f"/fulfilment/carriers/{carrier.pk}/",
        {
            "action": "rate",
            "province_code": "11",
            "first_weight_kg": "0",
            "first_price": "-1",
            "additional_price_per_kg": "2",
        },
    )
    assert bad.status_code == 422 and not FreightRate.objects.exists()
    lead.post(
        f"/fulfilment/carriers/{carrier.pk}/",
        {
            "action": "rate",
            "province_code": "11",
            "first_weight_kg": "1",
            "first_price": "12.00",
            "additional_price_per_kg": "2.00",
        },
    )
    lead.post(
        f"/fulfilment/carriers/{carrier.pk}/",
        {
            "action": "rate",
            "province_code": "11",
            "first_weight_kg": "1",
            "first_price": "13.00",
            "additional_price_per_kg": "2.00",
        },
    )
    assert FreightRate.objects.get().first_price == 13
    actions = list(
        AuditRecord.objects.filter(object_type="fulfilment.carrier")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["created", "rate_added", "rate_changed"]
    broken = lead.post(
        "/fulfilment/carriers/", {"code": "YT", "name": "圆通", "tracking_pattern": "(["}
    )
    assert broken.status_code == 422
    keeper = client_for(make_user("warehouse"))
    assert keeper.post("/fulfilment/carriers/", {"code": "ZT", "name": "中通"}).status_code == 403


def test_freight_cost_from_the_regional_rate(confirmed: Any, stock: Any, product: Any) -> None:
    from decimal import Decimal

    from fulfilment.models import FreightRate
    from fulfilment.services import shipment_create

    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    FreightRate.objects.create(
        carrier=carrier,
        province_code="11",
        first_price=Decimal("12"),
        additional_price_per_kg=Decimal("2"),
    )
    stock(product, 1)
    [note] = delivery_note_create(order=confirmed(quantity=1), by=None)
    delivery_note_mark_invoiced(note=note, by=None, invoice_number="I1")
    shipment = shipment_create(
        note=note, by=None, carrier=carrier, tracking_number="SF0000001", parcels=1, weight_kg="2.3"
    )
    assert shipment.freight_cost == Decimal("16.00")  # 12 + 2 × ceil(2.3 − 1 kg = 1.3) = 12 + 4


# the session, the user, access, the warehouse filter's choices, the count, the page, the
# units of its orders, the windows' totals, the unread badge
QUEUE_QUERIES = 9


@pytest.mark.parametrize("rows", [1, 6])
def test_queue_and_note_list_queries_do_not_grow_with_rows(
    rows: int,
    confirmed: Any,
    stock: Any,
    product: Any,
    make_user: Any,
    django_assert_num_queries: Any,
) -> None:
    stock(product, 100)
    for _ in range(rows):
        delivery_note_create(order=confirmed(quantity=1), by=None)
        confirmed(quantity=1)
    client = client_for(make_user("parts_support"))
    client.get("/fulfilment/queue/")  # warm the session and permission caches
    # exact: a row that read its order's state machine field on its own (a deferred
    # column) would add a query per row
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get("/fulfilment/queue/").status_code == 200
    # the session, the user, access, the count, the page, the unread badge
    with django_assert_num_queries(6):
        assert client.get("/fulfilment/notes/").status_code == 200


def test_the_note_lists_units_are_read_with_the_page_by_a_kept_statement(
    confirmed: Any, stock: Any, product: Any, make_user: Any, monkeypatch: Any
) -> None:
    """Each row's units (the sum of its lines) come with the page's statement, on the
    first, a filtered and the last page; that statement is compiled once per process."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from fulfilment.views.notes import NoteListView

    monkeypatch.setattr(NoteListView, "paginate_by", 2)
    monkeypatch.setattr("core.pagination.CappedPaginator.cap", 2)  # a capped list: last page
    stock(product, 100)
    notes = [delivery_note_create(order=confirmed(quantity=n), by=None)[0] for n in (1, 2, 3)]
    client = client_for(make_user("parts_support"))

    def units(url: str) -> dict[int, int]:
        return {n.pk: n.units for n in client.get(url).context["notes"]}

    assert units("/fulfilment/notes/") == {notes[2].pk: 3, notes[1].pk: 2}
    assert units("/fulfilment/notes/?page=last") == {notes[1].pk: 2, notes[0].pk: 1}
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql):
        assert units("/fulfilment/notes/?page=2") == {notes[0].pk: 1}
        compiles = SQLCompiler.as_sql.call_count  # type: ignore[attr-defined]
    assert compiles == 1  # the filters' ids only: the page's rows and units were kept
    assert units(f"/fulfilment/notes/?q={notes[0].number}") == {notes[0].pk: 1}


def test_shipment_list_shows_a_beijing_day_and_only_the_users_division(
    confirmed: Any, stock: Any, product: Any, make_user: Any
) -> None:
    import datetime as dt

    from core.models import Division
    from fulfilment.services import shipment_create

    carrier = Carrier.objects.create(code="SF", name="顺丰速运")
    stock(product, 1)
    [note] = delivery_note_create(order=confirmed(quantity=1), by=None)
    delivery_note_mark_invoiced(note=note, by=None, invoice_number="I1")
    shipment = shipment_create(
        note=note, by=None, carrier=carrier, tracking_number="SF0000001", parcels=1, weight_kg="2"
    )
    # 00:30 Beijing time is the previous day in UTC: the day is Beijing's
    shipped = dt.datetime(2026, 3, 3, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=shipped)
    keeper = client_for(make_user("warehouse"))
    assert "SF0000001" in keeper.get("/fulfilment/shipments/?day=2026-03-03").content.decode()
    assert "SF0000001" not in keeper.get("/fulfilment/shipments/?day=2026-03-02").content.decode()
    other = Division.objects.create(code="DQ", name="电气事业部")
    outsider = client_for(make_user("warehouse", divisions=[other]))
    assert "SF0000001" not in outsider.get("/fulfilment/shipments/").content.decode()
    assert "SF0000001" in keeper.get("/fulfilment/shipments/").content.decode()


# fulfilment/shipment_list.html's loop before `{% shipment_rows %}`
SHIPMENT_LOOP = """{% for s in shipments %}
    <tr><td><a href="{% url 'orders:order-detail' s.order.pk %}">{{ s.order.number }}</a></td><td>{{ s.order.platform_order_no }}</td><td><a href="{% url 'fulfilment:note-detail' s.delivery_note.pk %}">{{ s.delivery_note.number }}</a></td><td>{{ s.warehouse.code }}</td><td>{{ s.carrier.name }}</td><td>{{ s.tracking_number }}</td><td class="num">{{ s.parcels }}</td><td class="num">{{ s.weight_kg }}</td><td>{{ s.shipped_at|date:"Y-m-d H:i" }}</td></tr>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_shipment_rows_are_the_html_of_the_template_loop(
    confirmed: Any, stock: Any, product: Any, make_user: Any, language: str
) -> None:
    import datetime as dt

    from django.template import Context, Template
    from django.utils import translation

    from fulfilment.services import shipment_create

    carrier = Carrier.objects.create(code="ZT", name='中通 <b>"快"</b> & Co')
    stock(product, 5)
    shipments = []
    for i, (tracking, weight) in enumerate([("ZT0001", "12.50"), ("ZT0002", "0.05")]):
        [note] = delivery_note_create(order=confirmed(quantity=1), by=None)
        delivery_note_mark_invoiced(note=note, by=None, invoice_number=f"I{i}")
        shipments.append(
            shipment_create(
                note=note,
                by=None,
                carrier=carrier,
                tracking_number=tracking,
                parcels=i + 2,
                weight_kg=weight,
            )
        )
    # a few microseconds before a Beijing minute turns; markup in a stored number (the
    # service refuses it: a row written by hand in the database)
    Shipment.objects.filter(pk=shipments[0].pk).update(
        shipped_at=dt.datetime(2026, 3, 1, 15, 59, 59, 999_999, tzinfo=dt.UTC),
        tracking_number="ZT<1>&'2'",
    )
    from fulfilment.views.notes import SHIPMENT_LIST_FIELDS

    listed = list(
        Shipment.objects.select_related("order", "carrier", "warehouse", "delivery_note")
        .only(*SHIPMENT_LIST_FIELDS)
        .order_by("-shipped_at", "-pk")
    )
    with translation.override(language):
        context = Context({"shipments": listed})
        written = Template("{% load fulfilment_extras %}{% shipment_rows shipments %}").render(
            context
        )
        assert written == Template(SHIPMENT_LOOP).render(context)
    assert written.count("<tr>") == 2 and "2026-03-01 23:59" in written
    assert "ZT&lt;1&gt;&amp;&#x27;2&#x27;" in written and "&lt;b&gt;&quot;快&quot;" in written
    assert '<td class="num">12.50</td>' in written or '<td class="num">12,50</td>' in written
    page = client_for(make_user("warehouse")).get("/fulfilment/shipments/").content.decode()
    assert "ZT0002" in page and "No shipments" not in page


def test_the_home_queue_summary_is_the_queues_first_windows(
    confirmed: Any, make_user: Any, division: Any
) -> None:
    """The panel's three kept statements read what the queue reads: the first windows (no
    window last), each window's total in the whole queue and its first orders by due time."""
    import datetime as dt

    from django.db import connection

    from core.queries import _COUNT, Fixed, _compile, _Count, _Statement
    from fulfilment import queue

    placed = ["03-02T10:00", "03-02T10:05", "03-02T10:10", "03-02T13:00", "03-03T10:00"]
    placed += ["03-03T13:00", "03-04T10:00", "03-04T10:30"]
    orders = [confirmed(placed_at=f"2026-{at}:00+08:00") for at in placed]
    Order.objects.filter(pk=orders[-1].pk).update(delivery_note_window_at=None)
    parts = make_user("parts_support")

    summary = queue.queue_summary_for_user(user=parts, windows=4, per_window=2)

    waiting = list(queue.queue_orders_for_user(user=parts))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    waiting.sort(key=lambda o: (o.delivery_note_window_at or far, o.delivery_note_due_at, o.pk))
    windows = list(dict.fromkeys(o.delivery_note_window_at for o in waiting))
    assert len(windows) == 6 and windows[-1] is None
    expected = [
        (w, sum(o.delivery_note_window_at == w for o in waiting))
        for w in windows[:4]  # the first four: no window is not among them
    ]
    assert [(g["window_at"], g["total"]) for g in summary["groups"]] == expected
    assert summary["groups"][0]["total"] == 3
    for group in summary["groups"]:
        first = [o.pk for o in waiting if o.delivery_note_window_at == group["window_at"]][:2]
        assert [o.pk for o in group["orders"]] == first
    assert summary["total"] == len(waiting) == 8 and not summary["capped"]
    everything = queue.queue_summary_for_user(user=parts, windows=10, per_window=1)
    assert [g["window_at"] for g in everything["groups"]] == windows  # no window, last
    assert [o.pk for o in everything["groups"][-1]["orders"]] == [orders[-1].pk]

    scope = (division.pk,)
    assert isinstance(_compile(queue._window_counts, (scope, Fixed(4))), _Statement)
    assert isinstance(_compile(queue._waiting_capped, (scope, Fixed(10_001)), _COUNT), _Count)
    first_of = _compile(queue._first_of_windows, (scope, (windows[0], windows[1]), True, 3))
    # PostgreSQL's driver takes the windows as they are; SQLite's gets the ORM's text of
    # each (a transformed value: the ORM's path, every time)
    assert isinstance(first_of, _Statement) == (connection.vendor == "postgresql")


def test_the_queue_pages_groups_read_by_kept_statements_are_the_querysets(
    confirmed: Any, make_user: Any, division: Any, warehouses: Any
) -> None:
    """The page's units and its windows' totals, read by statements kept per process
    (`queue_values`), are what the queryset's reads give, for every filter."""
    from django.db import connection

    from core.queries import _compile, _Statement
    from fulfilment import queue

    for at in ("03-02T10:00", "03-02T10:05", "03-02T13:00", "03-03T10:00"):
        confirmed(placed_at=f"2026-{at}:00+08:00", quantity=2)
    Order.objects.filter(pk=Order.objects.order_by("pk").last().pk).update(
        delivery_note_window_at=None
    )
    parts = make_user("parts_support")
    main = warehouses["main"]
    for filters in ({}, {"status": "confirmed"}, {"warehouse": main}, {"status": "on_hold"}):
        orders = queue.queue_orders_for_user(user=parts, filters=filters)
        page = list(orders[:3])
        kept = queue.queue_groups(queue.queue_values(user=parts, filters=filters), page)
        plain = queue.queue_groups(orders, page)

        def shown(groups: list[dict[str, Any]]) -> list[Any]:
            return [
                (g["window_at"], g["label"], g["total"], [(o.pk, o.units) for o in g["orders"]])
                for g in groups
            ]

        assert shown(kept) == shown(plain), filters
    assert shown(kept) == [] and len(shown(plain)) == 0  # nobody on hold
    groups = queue.queue_groups(queue.queue_values(user=parts), list(orders.none()))
    assert groups == []
    assert isinstance(_compile(queue._units_of, ((1,) * queue.UNITS_PAGE,)), _Statement)
    dated = queue.queue_orders_for_user(user=parts).filter(delivery_note_window_at__isnull=False)
    window = dated[0].delivery_note_window_at
    assert window is not None and window.tzinfo is not None
    totals = _compile(queue._totals_of_windows, ((division.pk,), None, 1, (window,), True))
    assert isinstance(totals, _Statement) == (connection.vendor == "postgresql")
