"""Reads of parts support's delivery-note queue: the orders waiting for a note (a confirmed
sales order, or on hold for stock), grouped by the policy's windows (12:00 / 15:00), the
most urgent window first and, within it, by the delivery-note due time.

The queue is read a page at a time: what a page costs does not depend on how many orders
wait. The units are summed for the page's orders only (a join and GROUP BY over the lines
would aggregate every waiting order before the page's LIMIT), and a window's total counts
only the windows the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from core.queries import Fixed, compiled, compiled_count, padded_keys
from core.scoping import division_scope, scope_to_divisions
from orders.models import Order, OrderLine

WAITING = [Order.Status.CONFIRMED, Order.Status.ON_HOLD]
QUEUE_ORDER = ("delivery_note_window_at", "delivery_note_due_at", "pk")


def window_label(window_at: dt.datetime | None) -> str:
    if window_at is None:
        return _("No window")
    local = timezone.localtime(window_at)
    return _("Due by %(time)s on %(day)s") % {
        "time": local.strftime("%H:%M"),
        "day": local.strftime("%Y-%m-%d"),
    }


def queue_orders_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Order]:
    """The waiting orders of the user's divisions, most urgent first; `filters` may hold
    `status` (confirmed / on hold) and `warehouse`."""
    return queue_from_values(*queue_values(user=user, filters=filters))


def queue_values(*, user: Any, filters: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """`queue_orders_for_user`'s arguments as values (core.queries.compiled): the user's
    scope, the status and the warehouse's key chosen (None: all)."""
    filters = filters or {}
    warehouse = filters.get("warehouse")
    return (
        division_scope(user),
        filters.get("status") or None,
        warehouse.pk if warehouse else None,
    )


def queue_from_values(
    divisions: tuple[int, ...] | None, status: str | None, warehouse_id: int | None
) -> QuerySet[Order]:
    orders = _waiting(divisions)
    if status is not None:
        orders = orders.filter(status=status)
    if warehouse_id is not None:
        orders = orders.filter(warehouse_id=warehouse_id)
    return orders.order_by(*QUEUE_ORDER)


def _in_windows(windows: list[dt.datetime | None]) -> Q:
    condition = Q(delivery_note_window_at__in=[w for w in windows if w is not None])
    if None in windows:
        condition |= Q(delivery_note_window_at__isnull=True)
    return condition


def _window_totals(
    orders: QuerySet[Order] | tuple[Any, ...], windows: Iterable[dt.datetime | None]
) -> dict[dt.datetime | None, int]:
    """How many orders of the queue wait in each of `windows` (one statement): `orders` is
    the queue's values (`queue_values`: a statement kept per process) or a queryset."""
    windows = list(windows)
    if not windows:
        return {}
    if isinstance(orders, tuple):
        dated = tuple(w for w in windows if w is not None)
        return dict(compiled(_totals_of_windows, *orders, dated, None in windows))
    return dict(_by_window(orders.filter(_in_windows(windows))))


def _by_window(orders: QuerySet[Order]) -> Any:
    by_window = orders.order_by().values_list("delivery_note_window_at")
    return by_window.annotate(total=Count("pk"))


def _totals_of_windows(
    divisions: tuple[int, ...] | None,
    status: str | None,
    warehouse_id: int | None,
    windows: tuple[dt.datetime, ...],
    no_window: bool,
) -> Any:
    queue = queue_from_values(divisions, status, warehouse_id)
    return _by_window(queue.filter(_in_windows([*windows, None] if no_window else list(windows))))


# the units are read for as many orders as a page holds (0: no order): one statement kept
UNITS_PAGE = 50


def _units_of(order_ids: tuple[int, ...]) -> Any:
    lines = OrderLine.objects.filter(order__in=order_ids).order_by().values_list("order")
    return lines.annotate(units=Sum("quantity"))


def queue_groups(
    orders: QuerySet[Order] | tuple[Any, ...], page: Iterable[Order]
) -> list[dict[str, Any]]:
    """The page's orders grouped by their window, in the page's order, each with its units;
    each group with the window's label and its total in the whole (filtered) queue —
    `orders`: the queue's values (`queue_values`) or its queryset."""
    page = list(page)
    ids = padded_keys([order.pk for order in page], UNITS_PAGE)
    units = dict(compiled(_units_of, ids)) if page else {}
    groups: OrderedDict[Any, dict[str, Any]] = OrderedDict()
    for order in page:
        order.units = units.get(order.pk, 0)  # type: ignore[attr-defined]
        key = order.delivery_note_window_at
        group = groups.get(key)
        if group is None:  # the label once per window, not once per order
            group = groups[key] = {"window_at": key, "label": window_label(key), "orders": []}
        group["orders"].append(order)
    totals = _window_totals(orders, groups)
    for key, group in groups.items():
        group["total"] = totals.get(key, len(group["orders"]))
    return list(groups.values())


def queue_summary_for_user(*, user: Any, windows: int = 4, per_window: int = 3) -> dict[str, Any]:
    """The home panel: how many orders wait (counted up to 10,000), the first `windows`
    windows with their totals and first `per_window` orders — three statements whatever
    waits, each compiled once per process (core.queries.compiled)."""
    from core.pagination import CAP

    scope = division_scope(user)
    total = compiled_count(_waiting_capped, scope, Fixed(CAP + 1))
    counts = compiled(_window_counts, scope, Fixed(windows))
    shown = [window for window, _count in counts]
    dated = tuple(window for window in shown if window is not None)
    first = compiled(_first_of_windows, scope, dated, None in shown, per_window)
    by_window: dict[Any, list[Order]] = {window: [] for window in shown}
    for order in first:
        by_window[order.delivery_note_window_at].append(order)
    return {
        "total": total,
        "capped": total > CAP,
        "groups": [
            {"window_at": w, "label": window_label(w), "total": n, "orders": by_window[w]}
            for w, n in counts
        ],
    }


# the panel's reads, with the user's scope as a value (kept statements)
def _waiting(divisions: tuple[int, ...] | None) -> QuerySet[Order]:
    return scope_to_divisions(Order.objects.all(), divisions).filter(status__in=WAITING)


def _waiting_capped(divisions: tuple[int, ...] | None, limit: int) -> QuerySet[Order]:
    return _waiting(divisions).order_by()[:limit]


def _window_counts(divisions: tuple[int, ...] | None, windows: int) -> Any:
    by_window = _waiting(divisions).order_by().values_list("delivery_note_window_at")
    counted = by_window.annotate(total=Count("pk"))
    return counted.order_by(F("delivery_note_window_at").asc(nulls_last=True))[:windows]


def _first_of_windows(
    divisions: tuple[int, ...] | None,
    windows: tuple[dt.datetime, ...],
    no_window: bool,
    per_window: int,
) -> QuerySet[Order]:
    """The first `per_window` orders of each of these windows (and of "no window")."""
    return (
        _waiting(divisions)
        .filter(_in_windows([*windows, None] if no_window else list(windows)))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("delivery_note_window_at"),
                order_by=[F("delivery_note_due_at").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=per_window)
        .only("pk", "number", "status", "delivery_note_window_at", "delivery_note_due_at")
        .order_by(*QUEUE_ORDER)
    )
