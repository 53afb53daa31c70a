"""The delivery-note queue's rows (`{% queue_rows %}`) are the HTML of the template loop they
replace, row for row, in both languages: the links, escaping, the hold reason, the breached
mark, the countdown, the units and the dashes for what an order lacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from fulfilment.queue import queue_groups, queue_orders_for_user
from orders.models import Order

pytestmark = pytest.mark.django_db

# fulfilment/queue.html's loop before the tag
TEMPLATE_LOOP = Template(
    """{% load i18n orders_extras %}{% for o in group.orders %}
      <tr{% if o.delivery_note_due_at and o.delivery_note_due_at < now %} class="breached"{% endif %}>
        <td><a href="{% url 'orders:order-detail' o.pk %}">{{ o.number }}</a><br><span class="muted">{{ o.platform_order_no }}</span></td>
        <td>{{ o.buyer_name }}</td>
        <td><span class="status">{{ o.status|status_label }}</span>{% if o.hold_reason %}<br><span class="muted">{{ o.hold_reason }}</span>{% endif %}</td>
        <td>{{ o.warehouse.code|default:"—" }}</td>
        <td>{{ o.ship_by|date:"Y-m-d" }}</td>
        <td>{% due_countdown o.delivery_note_due_at %}</td>
        <td class="num">{{ o.units|default:0 }}</td>
        <td><a href="{% url 'fulfilment:stock-check' o.pk %}" data-testid="stock-check-link">{% translate "Stock check" %}</a></td>
      </tr>
    {% endfor %}"""  # noqa: E501
)
TAG = Template("{% load fulfilment_extras %}{% queue_rows group.orders now %}")


@pytest.fixture
def waiting(confirmed: Any) -> list[Any]:
    plain = confirmed(quantity=3)
    held = confirmed(quantity=1200)
    lost = confirmed()
    overdue = confirmed()
    Order.objects.filter(pk=held.pk).update(
        status=Order.Status.ON_HOLD,
        hold_reason="缺货 <b>\"A&B\"</b> 'x'",
        buyer_name="<script>alert('x')</script> & 王",
    )
    # no warehouse, no due time
    Order.objects.filter(pk=lost.pk).update(warehouse=None, delivery_note_due_at=None)
    # a minute late, with microseconds in its due time
    Order.objects.filter(pk=overdue.pk).update(
        delivery_note_due_at=timezone.now() - dt.timedelta(minutes=1, microseconds=7)
    )
    return [plain, held, lost, overdue]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_html_of_the_template_loop(
    waiting: Any, make_user: Any, language: str
) -> None:
    support = make_user("parts_support")
    orders = queue_orders_for_user(user=support).select_related("warehouse")
    groups = queue_groups(orders, list(orders))
    assert sum(len(group["orders"]) for group in groups) == 4
    now = timezone.now()
    with translation.override(language):
        for group in groups:
            context = {"group": group, "now": now}
            written = TAG.render(Context(context))
            assert written == TEMPLATE_LOOP.render(Context(context))
    text = "".join(TAG.render(Context({"group": g, "now": now})) for g in groups)
    assert text.count("<tr") == 4 and text.count(' class="breached"') == 1
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert "缺货 &lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#x27;x&#x27;" in text
    assert '<td class="num">1200</td>' in text and "<td>—</td>" in text


def test_an_empty_window_writes_nothing() -> None:
    assert TAG.render(Context({"group": {"orders": []}, "now": timezone.now()})) == ""


def test_the_queue_page_shows_the_rows(waiting: Any, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("parts_support"))
    text = client.get("/fulfilment/queue/").content.decode()
    for order in waiting:
        assert f"/fulfilment/orders/{order.pk}/stock-check/" in text
        assert order.number in text


# fulfilment/note_list.html's loop before the tag
NOTE_LOOP = Template(
    """{% load i18n %}{% for n in notes %}
    <tr><td><a href="{% url 'fulfilment:note-detail' n.pk %}">{{ n.number }}</a></td><td>{{ n.order.number }}</td><td>{{ n.get_kind_display }}</td><td><span class="status">{{ n.get_status_display }}</span></td><td>{{ n.warehouse.code }}</td><td>{{ n.ship_by|date:"Y-m-d" }}</td><td class="num">{{ n.units }}</td><td>{{ n.invoice_number|default:"—" }}</td><td>{{ n.created_at|date:"Y-m-d H:i" }}</td></tr>
  {% endfor %}"""  # noqa: E501
)
NOTE_TAG = Template("{% load fulfilment_extras %}{% note_rows notes %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_note_rows_are_the_html_of_the_template_loop(
    confirmed: Any, stock: Any, product: Any, make_user: Any, language: str
) -> None:
    from fulfilment.models import DeliveryNote
    from fulfilment.services import delivery_note_create, delivery_note_mark_invoiced
    from fulfilment.views.notes import NOTE_LIST_FIELDS, _note_units

    stock(product, 20)
    [waiting] = delivery_note_create(order=confirmed(quantity=1200), by=None)
    [reserved] = delivery_note_create(order=confirmed(quantity=3), by=None)
    [invoiced] = delivery_note_create(order=confirmed(quantity=2), by=None)
    delivery_note_mark_invoiced(note=invoiced, by=None, invoice_number="FP-2026-0001")
    # created a few microseconds before a minute turns, in Beijing time
    DeliveryNote.objects.filter(pk=reserved.pk).update(
        created_at=dt.datetime(2026, 3, 1, 15, 59, 59, 999_999, tzinfo=dt.UTC)
    )
    support = make_user("parts_support")
    notes = list(
        DeliveryNote.objects.filter(division__in=support.divisions.all())
        .select_related("order", "warehouse")
        .only(*NOTE_LIST_FIELDS)
        .annotate(units=_note_units())
        .order_by("-created_at", "-pk")
    )
    assert {n.pk for n in notes} == {waiting.pk, reserved.pk, invoiced.pk}
    with translation.override(language):
        written = NOTE_TAG.render(Context({"notes": notes}))
        assert written == NOTE_LOOP.render(Context({"notes": notes}))
    assert written.count("<tr>") == 3 and "<td>FP-2026-0001</td>" in written
    assert '<td class="num">1200</td>' in written and "2026-03-01 23:59" in written
