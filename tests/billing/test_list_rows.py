"""The invoice list's and the daily-close list's rows (`{% invoice_rows %}`,
`{% close_rows %}`) are the HTML of the template loops they replace, row for row, in both
languages: links, escaping, the credit-note tag, the Beijing time, the figures, the
discrepancy tag and who reconciled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from billing.models import DailyClose, Discrepancy, Invoice
from billing.services.invoices import invoice_credit, invoice_issue
from billing.views.daily_close import closes_for_user
from billing.views.invoices import invoice_list_for_user
from orders.models import Order

pytestmark = pytest.mark.django_db

# billing/invoice_list.html's and billing/close_list.html's loops before the tags
INVOICE_LOOP = Template(
    """{% load i18n money %}{% for i in invoices %}
    <tr><td><a href="{% url 'billing:invoice-detail' i.pk %}">{{ i.number }}</a></td><td>{% if i.is_credit_note %}<span class="tag warning">{{ i.get_kind_display }}</span>{% else %}{{ i.get_kind_display }}{% endif %}</td><td><span class="status">{{ i.get_status_display }}</span></td><td>{{ i.issued_at|date:"Y-m-d H:i" }}</td><td>{{ i.order.number }}</td><td>{{ i.delivery_note.number }}</td><td>{{ i.buyer_title }}</td><td class="num">{{ i.tax_amount|cny }}</td><td class="num">{{ i.total_amount|cny }}</td></tr>
  {% endfor %}"""  # noqa: E501
)
CLOSE_LOOP = Template(
    """{% load i18n %}{% for c in closes %}
    <tr data-testid="close-{{ c.division.code }}-{{ c.day|date:'Y-m-d' }}">
      <td><a href="{% url 'billing:close-detail' c.pk %}">{{ c.day|date:"Y-m-d" }}</a></td>
      <td>{{ c.division.code }}</td>
      <td><span class="status">{{ c.get_status_display }}</span></td>
      <td class="num">{{ c.order_count }}</td>
      <td class="num">{{ c.goods_amount }}</td>
      <td class="num">{{ c.freight_amount }}</td>
      <td class="num">{{ c.total_amount }}</td>
      <td class="num">{{ c.paid_amount }}</td>
      <td class="num">{{ c.unpaid_count }}</td>
      <td class="num">{{ c.invoiced_amount }}</td>
      <td class="num">{{ c.shipped_amount }}</td>
      <td class="num">{% if c.open_discrepancies %}<span class="tag">{{ c.open_discrepancies }}</span>{% else %}0{% endif %}</td>
      <td>{% if c.division_reconciled_at %}✓ {{ c.division_reconciled_by.get_full_name|default:c.division_reconciled_by.username }}{% else %}—{% endif %}</td>
      <td>{% if c.hq_reconciled_at %}✓ {{ c.hq_reconciled_by.get_full_name|default:c.hq_reconciled_by.username }}{% else %}—{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
)
INVOICE_TAG = Template("{% load billing_extras %}{% invoice_rows invoices %}")
CLOSE_TAG = Template("{% load billing_extras %}{% close_rows closes %}")


@pytest.fixture
def invoices(reserved_note: Any, finance: Any) -> list[Invoice]:
    # issued a few microseconds before a minute turns, in Beijing time
    moment = dt.datetime(2026, 3, 1, 15, 59, 59, 999_999, tzinfo=dt.UTC)
    first = invoice_issue(note=reserved_note(), by=finance, at=moment)
    titled = reserved_note(quantity=3)
    Order.objects.filter(pk=titled.order_id).update(invoice_title="<b>\"甲&乙\"</b> 'x' 公司")
    second = invoice_issue(note=titled, by=finance)
    credit = invoice_credit(invoice=second, by=finance, reason="退货")
    return [first, second, credit]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_invoice_rows_are_the_html_of_the_template_loop(
    invoices: Any, finance: Any, language: str
) -> None:
    listed = list(invoice_list_for_user(user=finance, filters={}))
    assert len(listed) == 3
    with translation.override(language):
        written = INVOICE_TAG.render(Context({"invoices": listed}))
        assert written == INVOICE_LOOP.render(Context({"invoices": listed}))
    assert written.count("<tr>") == 3 and written.count('class="tag warning"') == 1
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt; &#x27;x&#x27; 公司" in written
    assert "2026-03-01 23:59" in written  # Beijing time


@pytest.fixture
def closes(division: Any, other_division: Any, make_user: Any) -> list[DailyClose]:
    named = make_user("division_finance", first_name="<i>王</i>", last_name="&五")
    plain = make_user("hq_finance", username="hq_plain", divisions=[])
    open_day = DailyClose.objects.create(
        division=division,
        day=dt.date(2026, 11, 23),
        order_count=1234,
        goods_amount=Decimal("1234567.80"),
        freight_amount=Decimal("0.00"),
        total_amount=Decimal("-12.05"),
        paid_amount=Decimal("99999999.99"),
        unpaid_count=0,
        invoiced_amount=Decimal("0.5"),
        shipped_amount=Decimal("10"),
    )
    Discrepancy.objects.create(close=open_day, description="差 1 元", amount=Decimal("1.00"))
    Discrepancy.objects.create(close=open_day, description="差 2 元")
    Discrepancy.objects.create(close=open_day, description="已解决", resolved_at=timezone.now())
    reconciled = DailyClose.objects.create(
        division=division,
        day=dt.date(2026, 11, 22),
        status=DailyClose.Status.RECONCILED,
        division_reconciled_at=timezone.now(),
        division_reconciled_by=named,
        hq_reconciled_at=timezone.now(),
        hq_reconciled_by=plain,
    )
    half = DailyClose.objects.create(
        division=division,
        day=dt.date(2026, 11, 21),
        division_reconciled_at=timezone.now(),
        division_reconciled_by=plain,
    )
    return [open_day, reconciled, half]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_close_rows_are_the_html_of_the_template_loop(
    closes: Any, make_user: Any, language: str
) -> None:
    hq = make_user("hq_finance", divisions=[])
    listed = list(closes_for_user(hq).order_by("-day", "division__code"))
    assert len(listed) == 3
    with translation.override(language):
        written = CLOSE_TAG.render(Context({"closes": listed}))
        assert written == CLOSE_LOOP.render(Context({"closes": listed}))
    assert '<span class="tag">2</span>' in written
    assert "1234567.80" in written and "-12.05" in written and "99999999.99" in written
    assert "✓ &lt;i&gt;王&lt;/i&gt; &amp;五" in written and "✓ hq_plain" in written


def test_the_pages_show_the_rows_and_say_when_nothing_matches(
    invoices: Any, closes: Any, finance: Any
) -> None:
    client = Client()
    client.force_login(finance)
    text = client.get("/billing/invoices/").content.decode()
    assert all(invoice.number in text for invoice in invoices)
    assert client.get("/billing/invoices/?q=NOTHING-LIKE-IT").status_code == 200
    text = client.get("/billing/daily-close/").content.decode()
    assert 'data-testid="close-GQ-2026-11-23"' in text
    empty = client.get("/billing/daily-close/?date_from=2030-01-01").content.decode()
    assert "没有符合条件的日结。" in empty and "<tr data-testid" not in empty


# billing/includes/_invoice_due_table.html's loop before the tag
DUE_LOOP = Template(
    """{% load i18n %}{% for n in notes %}
    <tr{% if n.breached %} class="breached"{% endif %} data-testid="due-row"><td><a href="{% url 'fulfilment:note-detail' n.pk %}">{{ n.number }}</a></td><td>{{ n.order.number }}</td><td>{{ n.order.invoice_title }}</td><td>{{ n.warehouse.code }}</td><td>{{ n.ship_by|date:"Y-m-d" }}</td>
      <td>{{ n.due_at|date:"Y-m-d H:i"|default:"—" }}{% if n.breached %} <span class="tag warning" data-testid="breached">{% translate "Breached" %}</span>{% endif %}</td></tr>
  {% endfor %}"""  # noqa: E501
)
DUE_TAG = Template("{% load billing_extras %}{% due_rows notes %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_due_rows_are_the_html_of_the_template_loop(
    reserved_note: Any, finance: Any, language: str
) -> None:
    from billing.views.invoices import notes_to_invoice

    late = reserved_note()
    titled = reserved_note(quantity=3)
    undated = reserved_note()
    Order.objects.filter(pk=late.order_id).update(
        invoice_due_at=timezone.now() - dt.timedelta(minutes=1, microseconds=7)
    )
    Order.objects.filter(pk=titled.order_id).update(invoice_title="<b>\"甲&乙\"</b> 'x' 公司")
    Order.objects.filter(pk=undated.order_id).update(invoice_due_at=None)
    notes = list(notes_to_invoice(user=finance))
    assert len(notes) == 3 and notes[0].pk == late.pk  # breached first
    with translation.override(language):
        written = DUE_TAG.render(Context({"notes": notes}))
        assert written == DUE_LOOP.render(Context({"notes": notes}))
    assert written.count('class="breached"') == 1 and written.count('data-testid="breached"') == 1
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt; &#x27;x&#x27; 公司" in written
    assert "<td>—" in written  # no invoice due time


def test_the_due_page_shows_the_rows_and_says_when_nothing_is_due(
    reserved_note: Any, finance: Any
) -> None:
    client = Client()
    client.force_login(finance)
    assert 'data-testid="due-row"' not in client.get("/billing/invoices/due/").content.decode()
    note = reserved_note()
    text = client.get("/billing/invoices/due/").content.decode()
    assert note.number in text and text.count('data-testid="due-row"') == 1


def test_the_due_page_is_the_orms_list_read_by_kept_statements(
    reserved_note: Any, finance: Any, division: Any
) -> None:
    """The due page's count and rows are statements kept per process (on PostgreSQL, whose
    driver takes the time as it is; SQLite's are the ORM's every time), in the list's
    order: breached first."""
    from django.db import connection

    from billing.views.invoices import _notes_due, _reserved, notes_to_invoice
    from core.queries import _COUNT, _compile, _Count, _Statement

    notes = [reserved_note() for _ in range(3)]
    Order.objects.filter(pk=notes[2].order_id).update(
        invoice_due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = Client()
    client.force_login(finance)
    page = client.get("/billing/invoices/due/")
    expected = list(notes_to_invoice(user=finance))
    assert [n.pk for n in page.context["notes"]] == [n.pk for n in expected]
    assert expected[0].pk == notes[2].pk and page.context["paginator"].count == 3
    assert isinstance(_compile(_reserved, ((division.pk,),), _COUNT), _Count)
    kept = _compile(_notes_due, ((division.pk,), timezone.now()))
    assert isinstance(kept, _Statement) == (connection.vendor == "postgresql")


# billing/settlement_list.html's loop before the tag
SETTLEMENT_LOOP = Template(
    """{% load i18n %}{% for s in settlements %}
      <tr data-testid="settlement-{{ s.pk }}">
        <td>{{ s.division.code }}</td>
        <td><a href="{% url 'billing:settlement-detail' s.pk %}">{{ s.first_day|date:"Y-m-d" }} – {{ s.last_day|date:"Y-m-d" }}</a></td>
        <td><span class="status status-{{ s.status }}">{{ s.get_status_display }}</span></td>
        <td class="num">{% if s.computed_at %}{{ s.net_due }}{% else %}—{% endif %}</td>
        <td>{% for role, label, signed in s.role_rows %}<span class="tag{% if not signed %} muted{% endif %}" title="{% if signed %}{% translate 'signed' %}{% else %}{% translate 'not signed' %}{% endif %}">{% if signed %}✓{% else %}·{% endif %} {{ label }}</span> {% endfor %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
)
SETTLEMENT_TAG = Template("{% load billing_extras %}{% settlement_rows settlements %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_settlement_rows_are_the_html_of_the_template_loop(language: str) -> None:
    from billing.models import Settlement
    from core.models import Division
    from core.roles import ROLE_LABELS

    hostile = Division(pk=7, code='<b>"G&Q"</b>', name="x")
    roles = ("sales_lead", "division_finance", "hq_finance")
    listed = []
    for pk, (status, computed, net, signed) in enumerate(
        [
            (Settlement.Status.COMPUTED, True, Decimal("1234567.80"), {"sales_lead"}),
            (Settlement.Status.OPEN, False, Decimal("0"), set()),
            (Settlement.Status.LOCKED, True, Decimal("-12.05"), set(roles)),
            ("strange<&>", True, Decimal("99999999.99"), {"hq_finance"}),
        ],
        start=1,
    ):
        settlement = Settlement(
            pk=pk,
            division=hostile,
            first_day=dt.date(2026, 10, 26),
            last_day=dt.date(2026, 11, 25),
            status=status,
            computed_at=timezone.now() if computed else None,
            net_due=net,
        )
        settlement.role_rows = [  # type: ignore[attr-defined]
            (role, ROLE_LABELS[role], role in signed) for role in roles
        ]
        listed.append(settlement)
    with translation.override(language):
        written = SETTLEMENT_TAG.render(Context({"settlements": listed}))
        assert written == SETTLEMENT_LOOP.render(Context({"settlements": listed}))
    assert (
        "&lt;b&gt;&quot;G&amp;Q&quot;&lt;/b&gt;" in written
        and "status-strange&lt;&amp;&gt;" in written
    )
    assert "1234567.80" in written and "-12.05" in written and "—" in written
