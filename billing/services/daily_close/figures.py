"""The figures of a day per division, from grouped SQL aggregates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Abs, Coalesce

from core.working_calendar import at_local
from orders.models import Order

from ...models import Invoice

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)
FIGURE_FIELDS = (
    "order_count",
    "goods_amount",
    "freight_amount",
    "total_amount",
    "paid_amount",
    "unpaid_count",
    "invoiced_amount",
    "shipped_amount",
)


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def money_sum(expression: Any, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition), Value(ZERO), output_field=_MONEY)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Beijing midnight to the next Beijing midnight: [start, end)."""
    return at_local(day, dt.time.min), at_local(day + dt.timedelta(days=1), dt.time.min)


def orders_of_day(*, day: dt.date) -> QuerySet[Order]:
    start, end = day_bounds(day)
    return Order.objects.filter(placed_at__gte=start, placed_at__lt=end)


# --- the figures ---------------------------------------------------------------------------
@dataclass
class Figures:
    order_count: int = 0
    goods_amount: Decimal = ZERO
    freight_amount: Decimal = ZERO
    total_amount: Decimal = ZERO
    paid_amount: Decimal = ZERO
    unpaid_count: int = 0
    invoiced_amount: Decimal = ZERO
    shipped_amount: Decimal = ZERO
    cancelled_count: int = 0
    cancelled_amount: Decimal = ZERO

    def stored(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


def daily_close_figures(
    *, day: dt.date, division_ids: list[int] | None = None
) -> dict[int, Figures]:
    """The figures of `day` per division (division pk → Figures), in three grouped queries:
    the orders placed, the invoices issued and the orders shipped that Beijing day."""
    start, end = day_bounds(day)
    scope = Q() if division_ids is None else Q(division_id__in=division_ids)
    live = ~Q(status=Order.Status.CANCELLED)
    total = F("goods_amount") + F("freight")
    result: dict[int, Figures] = defaultdict(Figures)
    # The annotations are prefixed: an alias named like a field would shadow it in F().
    placed = (
        Order.objects.filter(scope, placed_at__gte=start, placed_at__lt=end)
        .order_by()
        .values("division_id")
        .annotate(
            day_order_count=Count("pk", filter=live),
            day_goods_amount=money_sum("goods_amount", live),
            day_freight_amount=money_sum("freight", live),
            day_total_amount=money_sum(total, live),
            day_paid_amount=money_sum(total, live & Q(is_paid=True)),
            day_unpaid_count=Count("pk", filter=live & Q(is_paid=False)),
            day_cancelled_count=Count("pk", filter=~live),
            day_cancelled_amount=money_sum(total, ~live),
        )
    )
    for row in placed:
        figures = result[row.pop("division_id")]
        for alias, value in row.items():
            name = alias.removeprefix("day_")
            setattr(figures, name, value if name.endswith("_count") else money(value))
    invoiced = (
        Invoice.objects.filter(scope, issued_at__gte=start, issued_at__lt=end)
        .order_by()
        .values("division_id")
        .annotate(
            issued=money_sum("total_amount", Q(kind=Invoice.Kind.INVOICE)),
            credited=money_sum(Abs("total_amount"), Q(kind=Invoice.Kind.CREDIT_NOTE)),
        )
    )
    for row in invoiced:
        result[row["division_id"]].invoiced_amount = money(row["issued"]) - money(row["credited"])
    shipped = (
        Order.objects.filter(scope, shipped_at__gte=start, shipped_at__lt=end)
        .order_by()
        .values("division_id")
        .annotate(day_shipped=money_sum("goods_amount", live))
    )
    for row in shipped:
        result[row["division_id"]].shipped_amount = money(row["day_shipped"])
    return dict(result)
