"""The rows of the fulfilment's long lists written in Python: the delivery-note queue
(fulfilment/queue.html), the delivery notes (fulfilment/note_list.html) and the shipments
(fulfilment/shipment_list.html).

The template loop cost ~0.4 ms a row (two address reversals, a date, the countdown, the
words), 50 rows a page; here the words, the countdown's labels and the two addresses are
looked up once per page. Same HTML: tests/fulfilment/test_queue_rows.py compares it with
the loop it replaces, in both languages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.rows import Numbers, address, local_minute
from core.rows import escape as _escape
from orders.models import Order
from orders.templatetags.orders_extras import _STATUS_LABELS, _countdown, _CountdownWords

from ..models import DeliveryNote, Shipment

register = template.Library()


@register.simple_tag
def queue_rows(orders: Iterable[Order], now: dt.datetime) -> SafeString:
    """`{% queue_rows group.orders now %}`: a window's rows; an order past its delivery-note
    due time is marked breached."""
    detail = address("orders:order-detail")
    check = address("fulfilment:stock-check")
    stock_check = _escape(gettext("Stock check"))
    statuses = {code: _escape(label) for code, label in _STATUS_LABELS.items()}
    words = _CountdownWords()
    rows = []
    for o in orders:
        due = o.delivery_note_due_at
        breached = ' class="breached"' if due and due < now else ""
        status = statuses.get(o.status) or _escape(o.status)
        hold = f'<br><span class="muted">{_escape(o.hold_reason)}</span>' if o.hold_reason else ""
        warehouse = o.warehouse
        code = _escape(warehouse.code) if warehouse is not None and warehouse.code else "—"
        units = getattr(o, "units", 0) or 0
        rows.append(
            f"\n      <tr{breached}>\n"
            f'        <td><a href="{detail[0]}{o.pk}{detail[1]}">{_escape(o.number)}</a>'
            f'<br><span class="muted">{_escape(o.platform_order_no)}</span></td>\n'
            f"        <td>{_escape(o.buyer_name)}</td>\n"
            f'        <td><span class="status">{status}</span>{hold}</td>\n'
            f"        <td>{code}</td>\n"
            f"        <td>{o.ship_by.isoformat() if o.ship_by else ''}</td>\n"
            f"        <td>{_countdown(due, words)}</td>\n"
            f'        <td class="num">{units}</td>\n'
            f'        <td><a href="{check[0]}{o.pk}{check[1]}" data-testid="stock-check-link">'
            f"{stock_check}</a></td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def note_rows(notes: Iterable[DeliveryNote]) -> SafeString:
    """`{% note_rows notes %}`: the delivery-note list's rows (fulfilment/note_list.html)."""
    before, after = address("fulfilment:note-detail")
    kinds = {code: _escape(label) for code, label in DeliveryNote.Kind.choices}
    statuses = {code: _escape(label) for code, label in DeliveryNote.Status.choices}
    number = Numbers()
    zone = timezone.get_current_timezone()
    rows = []
    for n in notes:
        order, warehouse = n.order, n.warehouse
        rows.append(
            f'\n    <tr><td><a href="{before}{n.pk}{after}">{_escape(n.number)}</a></td>'
            f"<td>{_escape(order.number) if order is not None else ''}</td>"
            f"<td>{kinds.get(n.kind) or _escape(n.kind)}</td>"
            f'<td><span class="status">{statuses.get(n.status) or _escape(n.status)}</span></td>'
            f"<td>{_escape(warehouse.code) if warehouse is not None else ''}</td>"
            f"<td>{n.ship_by.isoformat() if n.ship_by else ''}</td>"
            f'<td class="num">{number(getattr(n, "units", None))}</td>'
            f"<td>{_escape(n.invoice_number) if n.invoice_number else '—'}</td>"
            f"<td>{local_minute(n.created_at, zone)}</td></tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


@register.simple_tag
def shipment_rows(shipments: Iterable[Shipment]) -> SafeString:
    """`{% shipment_rows shipments %}`: the shipment list's rows (a date, two addresses and
    two numbers a row through the template engine: ~45 % of the page)."""
    order_before, order_after = address("orders:order-detail")
    note_before, note_after = address("fulfilment:note-detail")
    number = Numbers()
    zone = timezone.get_current_timezone()
    rows = []
    for s in shipments:
        order, note = s.order, s.delivery_note
        rows.append(
            f'\n    <tr><td><a href="{order_before}{order.pk}{order_after}">'
            f"{_escape(order.number)}</a></td><td>{_escape(order.platform_order_no)}</td>"
            f'<td><a href="{note_before}{note.pk}{note_after}">{_escape(note.number)}</a></td>'
            f"<td>{_escape(s.warehouse.code)}</td><td>{_escape(s.carrier.name)}</td>"
            f"<td>{_escape(s.tracking_number)}</td>"
            f'<td class="num">{number(s.parcels)}</td>'
            f'<td class="num">{number(s.weight_kg)}</td>'
            f"<td>{local_minute(s.shipped_at, zone)}</td></tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
