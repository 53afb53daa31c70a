"""The rows of finance's long lists written in Python: the invoices (50 a page), the daily
closes (50 a page, fourteen columns each) and the delivery notes to invoice (100 a page).

The template loops resolved every value, filter and address through the template engine
(~0.3–0.5 ms a row); here the words and the addresses are looked up once per page. Same
HTML: tests/billing/test_list_rows.py compares each with the loop it replaces, in both
languages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.rows import Numbers, address, local_minute
from core.rows import escape as _escape
from core.templatetags.money import cny

from ..models import DailyClose, Invoice, Settlement

register = template.Library()


def _who(user: Any) -> str:
    """`{{ user.get_full_name|default:user.username }}`."""
    return _escape(user.get_full_name() or user.username)


@register.simple_tag
def invoice_rows(invoices: Iterable[Invoice]) -> SafeString:
    """`{% invoice_rows invoices %}`: the invoice list's rows."""
    before, after = address("billing:invoice-detail")
    kinds = {code: _escape(label) for code, label in Invoice.Kind.choices}
    statuses = {code: _escape(label) for code, label in Invoice.Status.choices}
    zone = timezone.get_current_timezone()
    rows = []
    for i in invoices:
        kind = kinds.get(i.kind) or _escape(i.kind)
        if i.kind == Invoice.Kind.CREDIT_NOTE:
            kind = f'<span class="tag warning">{kind}</span>'
        order, note = i.order, i.delivery_note
        rows.append(
            f'\n    <tr><td><a href="{before}{i.pk}{after}">{_escape(i.number)}</a></td>'
            f"<td>{kind}</td>"
            f'<td><span class="status">{statuses.get(i.status) or _escape(i.status)}</span></td>'
            f"<td>{local_minute(i.issued_at, zone)}</td>"
            f"<td>{_escape(order.number) if order is not None else ''}</td>"
            f"<td>{_escape(note.number) if note is not None else ''}</td>"
            f"<td>{_escape(i.buyer_title)}</td>"
            f'<td class="num">{_escape(cny(i.tax_amount))}</td>'
            f'<td class="num">{_escape(cny(i.total_amount))}</td></tr>\n  '
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def close_rows(closes: Iterable[DailyClose]) -> SafeString:
    """`{% close_rows closes %}`: the daily-close list's rows."""
    before, after = address("billing:close-detail")
    statuses = {code: _escape(label) for code, label in DailyClose.Status.choices}
    number = Numbers()
    rows = []
    for c in closes:
        code, day = _escape(c.division.code), c.day.isoformat()
        discrepancies = getattr(c, "open_discrepancies", None)
        open_count = f'<span class="tag">{number(discrepancies)}</span>' if discrepancies else "0"
        division_done = f"✓ {_who(c.division_reconciled_by)}" if c.division_reconciled_at else "—"
        hq_done = f"✓ {_who(c.hq_reconciled_by)}" if c.hq_reconciled_at else "—"
        rows.append(
            f'\n    <tr data-testid="close-{code}-{day}">\n'
            f'      <td><a href="{before}{c.pk}{after}">{day}</a></td>\n'
            f"      <td>{code}</td>\n"
            f'      <td><span class="status">{statuses.get(c.status) or _escape(c.status)}'
            "</span></td>\n"
            f'      <td class="num">{number(c.order_count)}</td>\n'
            f'      <td class="num">{number(c.goods_amount)}</td>\n'
            f'      <td class="num">{number(c.freight_amount)}</td>\n'
            f'      <td class="num">{number(c.total_amount)}</td>\n'
            f'      <td class="num">{number(c.paid_amount)}</td>\n'
            f'      <td class="num">{number(c.unpaid_count)}</td>\n'
            f'      <td class="num">{number(c.invoiced_amount)}</td>\n'
            f'      <td class="num">{number(c.shipped_amount)}</td>\n'
            f'      <td class="num">{open_count}</td>\n'
            f"      <td>{division_done}</td>\n"
            f"      <td>{hq_done}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def due_rows(notes: Iterable[Any]) -> SafeString:
    """`{% due_rows notes %}`: the rows of the delivery notes to invoice
    (billing/includes/_invoice_due_table.html; `notes_to_invoice` annotates `due_at` and
    `breached`)."""
    before, after = address("fulfilment:note-detail")
    word = _escape(gettext("Breached"))
    breached_tag = f' <span class="tag warning" data-testid="breached">{word}</span>'
    zone = timezone.get_current_timezone()
    rows = []
    for n in notes:
        order, warehouse = n.order, n.warehouse
        breached = bool(getattr(n, "breached", False))
        mark = ' class="breached"' if breached else ""
        due = local_minute(getattr(n, "due_at", None), zone) or "—"
        rows.append(
            f'\n    <tr{mark} data-testid="due-row">'
            f'<td><a href="{before}{n.pk}{after}">{_escape(n.number)}</a></td>'
            f"<td>{_escape(order.number)}</td><td>{_escape(order.invoice_title)}</td>"
            f"<td>{_escape(warehouse.code) if warehouse is not None else ''}</td>"
            f"<td>{n.ship_by.isoformat() if n.ship_by else ''}</td>\n"
            f"      <td>{due}{breached_tag if breached else ''}</td></tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def settlement_rows(settlements: Iterable[Any]) -> SafeString:
    """`{% settlement_rows settlements %}`: the monthly settlements' rows (each settlement
    carries `role_rows`: (role, label, signed) per signing role, SettlementListView)."""
    before, after = address("billing:settlement-detail")
    statuses = {code: _escape(label) for code, label in Settlement.Status.choices}
    signed_word, unsigned_word = _escape(gettext("signed")), _escape(gettext("not signed"))
    number = Numbers()
    rows = []
    for s in settlements:
        status = _escape(s.status)
        tags = "".join(
            f'<span class="tag" title="{signed_word}">✓ {_escape(label)}</span> '
            if signed
            else f'<span class="tag muted" title="{unsigned_word}">· {_escape(label)}</span> '
            for _role, label, signed in s.role_rows
        )
        rows.append(
            f'\n      <tr data-testid="settlement-{s.pk}">\n'
            f"        <td>{_escape(s.division.code)}</td>\n"
            f'        <td><a href="{before}{s.pk}{after}">{s.first_day.isoformat()} – '
            f"{s.last_day.isoformat()}</a></td>\n"
            f'        <td><span class="status status-{status}">'
            f"{statuses.get(s.status) or status}</span></td>\n"
            f'        <td class="num">{number(s.net_due) if s.computed_at else "—"}</td>\n'
            f"        <td>{tags}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
