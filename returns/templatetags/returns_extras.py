"""The return list's rows written in Python (returns/request_list.html).

The template loop resolved about twenty values, filters and an address per row through the
template engine; here the words and the address are looked up once per page. Same HTML:
tests/returns/test_list_rows.py compares it with the loop it replaces, in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.rows import address, local_minute
from core.rows import escape as _escape
from core.templatetags.money import cny

from ..models import Refund, ReturnRequest

register = template.Library()


def _refund(request: ReturnRequest) -> Refund | None:
    """The request's refund, or None (`{% if r.refund %}`)."""
    try:
        return request.refund
    except ObjectDoesNotExist:
        return None


def _label(labels: dict[Any, str], value: Any) -> str:
    """`{{ obj.get_field_display }}`: the choice's label, else the value itself."""
    found = labels.get(value)
    return found if found is not None else _escape(value)


@register.simple_tag
def return_rows(requests: Iterable[ReturnRequest]) -> SafeString:
    """`{% return_rows requests %}`: the return list's rows."""
    before, after = address("returns:detail")
    kinds = {code: _escape(label) for code, label in ReturnRequest.Kind.choices}
    reasons = {code: _escape(label) for code, label in ReturnRequest.Reason.choices}
    statuses = {code: _escape(label) for code, label in ReturnRequest.Status.choices}
    refund_statuses = {code: _escape(label) for code, label in Refund.Status.choices}
    zone = timezone.get_current_timezone()
    rows = []
    for r in requests:
        order = r.order
        if r.kind:
            kind = _label(kinds, r.kind)
        else:
            kind = f'<span class="muted">{_label(kinds, r.requested_kind)}?</span>'
        refund = _refund(r)
        paid = (
            f"{_escape(cny(refund.amount))} · {_label(refund_statuses, refund.status)}"
            if refund
            else "—"
        )
        rows.append(
            f'\n    <tr><td><a href="{before}{r.pk}{after}">{_escape(r.number)}</a></td>'
            f"<td>{_escape(order.number)}</td><td>{_escape(order.platform_order_no)}</td>\n"
            f"      <td>{kind}</td><td>{_label(reasons, r.reason)}</td>\n"
            f'      <td><span class="status">{_label(statuses, r.status)}</span></td>'
            f'<td class="num">{_escape(cny(r.goods_amount))}</td>\n'
            f"      <td>{paid}</td>\n"
            f"      <td>{_escape(r.return_order_number) if r.return_order_number else '—'}</td>"
            f"<td>{local_minute(r.requested_at, zone)}</td></tr>\n  "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)
