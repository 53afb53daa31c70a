"""The triage list's rows (`{% order_rows %}`) are the HTML the template loop they replace
wrote, row for row, in both languages: links, escaping, the flag, the breached mark, the
countdown and the dashes for what an order lacks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from orders import selectors
from orders.models import Order
from tests.orders.factories import order_in_state

pytestmark = pytest.mark.django_db

# orders/order_list.html's loop and includes/_due.html before the tag (4a98eb8, e8486ce)
TEMPLATE_LOOP = Template(
    """{% load money i18n orders_extras %}{% for o in orders %}
    <tr{% if o|breached_at:now %} class="breached"{% endif %}>
      <td><a href="{% url 'orders:order-detail' o.pk %}">{{ o.number }}</a></td>
      <td>{{ o.platform_order_no }}</td>
      <td>{{ o.buyer_name }}{% if o.customer %}<br><span class="muted">{{ o.customer.number }}</span>{% endif %}</td>
      <td><span class="status">{{ o.status|status_label }}</span>{% if o.is_flagged %} <span class="tag warning" title="{% translate 'Look before confirming' %}" data-testid="flag-badge">⚑</span>{% endif %}</td>
      <td>{{ o.division.code }}</td>
      <td>{{ o.warehouse.code|default:"—" }}</td>
      <td>{{ o.ship_by|date:"Y-m-d" }}</td>
      <td>{{ o.next_step|step_label|default:"—" }}</td>
      <td>{% with due=o.next_due_at %}{% if due %}<span class="due"><span class="countdown" data-due="{{ due|date:'c' }}" data-late-label="{% translate 'overdue' %}" data-days-label="{% translate 'd' context 'days' %}" title="{{ due|date:'Y-m-d H:i' }}">{{ due|date:"m-d H:i" }}</span> <small class="due-at" data-testid="due-at">{% blocktranslate with clock=due|date:"m-d H:i" %}until {{ clock }}{% endblocktranslate %}</small></span>{% else %}<span class="muted">—</span>{% endif %}{% endwith %}</td>
      <td class="num">{{ o.total_amount|cny }}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
)
TAG = Template("{% load orders_extras %}{% order_rows orders now %}")


@pytest.fixture
def orders(platform: Any, product: Any, warehouses: Any, division: Any) -> list[Any]:
    received = order_in_state("received", platform=platform, division=division)
    confirmed = order_in_state("confirmed", platform=platform, division=division)
    cancelled = order_in_state("cancelled", platform=platform, division=division)
    flagged = order_in_state("identified", platform=platform, division=division)
    Order.objects.filter(pk=flagged.pk).update(
        is_flagged=True, buyer_name="<script>\"Ada\" & 'Bo'</script>"
    )
    # overdue by a minute, with microseconds in its due time
    Order.objects.filter(pk=received.pk).update(
        next_due_at=timezone.now() - dt.timedelta(minutes=1, microseconds=7)
    )
    assert confirmed.customer_id and cancelled.next_due_at is None
    return [received, confirmed, cancelled, flagged]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_html_of_the_template_loop(orders: Any, make_user: Any, language: str) -> None:
    lead = make_user("sales_lead")
    now = timezone.now()
    shown = list(selectors.order_list_for_user(user=lead, filters={}, now=now))
    assert len(shown) == 4

    with translation.override(language):
        expected = TEMPLATE_LOOP.render(Context({"orders": shown, "now": now}))
        written = TAG.render(Context({"orders": shown, "now": now}))

    assert written == expected
    assert written.count('class="breached"') == 1
    assert "&lt;script&gt;&quot;Ada&quot; &amp; &#x27;Bo&#x27;&lt;/script&gt;" in written
    assert written.count('data-testid="flag-badge"') == 1
    assert written.count('<span class="muted">—</span>') == 1  # the cancelled order's due


def test_rows_without_a_warehouse_show_a_dash(orders: Any, make_user: Any) -> None:
    Order.objects.filter(pk=orders[0].pk).update(warehouse=None)
    now = timezone.now()
    shown = list(selectors.order_list_for_user(user=make_user("sales_lead"), filters={}, now=now))

    expected = TEMPLATE_LOOP.render(Context({"orders": shown, "now": now}))
    written = TAG.render(Context({"orders": shown, "now": now}))

    assert written == expected
    assert "<td>—</td>" in written


# orders/customer_detail.html's loop before the tag
CUSTOMER_LOOP = Template(
    """{% load money i18n %}{% for o in orders %}<tr><td><a href="{% url 'orders:order-detail' o.pk %}">{{ o.number }}</a></td><td>{{ o.placed_at|date:"Y-m-d H:i" }}</td><td>{{ o.get_status_display }}</td><td class="num">{{ o.total_amount|cny }}</td></tr>
{% empty %}<tr><td colspan="4" class="muted">{% translate "No orders." %}</td></tr>{% endfor %}"""  # noqa: E501
)
CUSTOMER_TAG = Template("{% load orders_extras %}{% customer_order_rows orders %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_customer_order_rows_are_the_html_of_the_template_loop(
    orders: Any, make_user: Any, language: str
) -> None:
    customer = orders[1].customer
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(customer=customer)
    Order.objects.filter(pk=orders[0].pk).update(
        number="<b>&'\"</b>", placed_at=timezone.now().replace(microsecond=999_999)
    )
    shown = selectors.customer_orders(customer=customer, user=make_user("sales_lead"))
    assert len(shown) == 4 and len({o.status for o in shown}) == 4

    with translation.override(language):
        for rows in (shown, []):
            expected = CUSTOMER_LOOP.render(Context({"orders": rows}))
            assert CUSTOMER_TAG.render(Context({"orders": rows})) == expected
    assert "&lt;b&gt;&amp;&#x27;&quot;&lt;/b&gt;" in CUSTOMER_TAG.render(Context({"orders": shown}))


def test_the_merge_form_is_kept_empty_and_written_again_with_its_errors(division: Any) -> None:
    from orders.forms import CustomerMergeForm

    empty = CustomerMergeForm()
    assert str(empty) == str(empty.as_div()) and str(CustomerMergeForm()) is str(empty)
    sent = CustomerMergeForm(data={"duplicate": "C-1"})
    sent.is_valid()
    sent.add_error("duplicate", "这个客户不存在")
    other = CustomerMergeForm(data={"duplicate": "C-1"})
    other.is_valid()
    other.add_error("duplicate", "不能合并自己")
    assert "这个客户不存在" in str(sent) and "不能合并自己" in str(other)
