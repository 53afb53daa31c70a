"""The sales ledger (销售台帐) and the internal reconciliation statement (《内部对账单》)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Abs
from django.utils.translation import gettext_lazy

from core.working_calendar import to_local
from orders.models import Order

from ...models import DailyClose, Invoice
from .figures import Figures, daily_close_figures, money, money_sum, orders_of_day
from .reconcile import open_discrepancy_count


@dataclass
class LedgerRow:
    order_pk: int
    number: str
    platform_order_no: str
    placed_at: dt.datetime
    buyer: str
    customer_number: str
    status: str
    is_cancelled: bool
    goods: Decimal
    freight: Decimal
    total: Decimal
    is_paid: bool
    payment: Any
    invoiced: Decimal


def sales_ledger_orders(close: DailyClose) -> QuerySet[Order]:
    """Every order placed on the close's day in its division, oldest first, with the
    net invoiced amount of each (invoices minus credit notes) from one query."""
    return (
        orders_of_day(day=close.day)
        .filter(division_id=close.division_id)
        .select_related("customer")
        .annotate(
            issued=money_sum("invoices__total_amount", Q(invoices__kind=Invoice.Kind.INVOICE)),
            credited=money_sum(
                Abs("invoices__total_amount"), Q(invoices__kind=Invoice.Kind.CREDIT_NOTE)
            ),
        )
        .order_by("placed_at", "pk")
    )


def sales_ledger_row(order: Any) -> LedgerRow:
    cancelled = order.status == Order.Status.CANCELLED
    return LedgerRow(
        order_pk=order.pk,
        number=order.number,
        platform_order_no=order.platform_order_no,
        placed_at=to_local(order.placed_at),
        buyer=order.buyer_name,
        customer_number=order.customer.number if order.customer else "",
        status=order.get_status_display(),
        is_cancelled=cancelled,
        goods=money(order.goods_amount),
        freight=money(order.freight),
        total=money(order.goods_amount + order.freight),
        is_paid=order.is_paid,
        payment=gettext_lazy("paid") if order.is_paid else gettext_lazy("unpaid"),
        invoiced=money(order.issued) - money(order.credited),
    )


def sales_ledger_rows(close: DailyClose) -> list[LedgerRow]:
    return [sales_ledger_row(order) for order in sales_ledger_orders(close)]


@dataclass
class StatementRow:
    key: str
    label: Any
    at_close: Any
    now: Any
    is_money: bool

    @property
    def differs(self) -> bool:
        return self.at_close is not None and self.at_close != self.now


STATEMENT_LINES: tuple[tuple[str, Any, bool], ...] = (
    ("order_count", gettext_lazy("Orders"), False),
    ("goods_amount", gettext_lazy("Goods"), True),
    ("freight_amount", gettext_lazy("Freight"), True),
    ("total_amount", gettext_lazy("Total"), True),
    ("paid_amount", gettext_lazy("Paid"), True),
    ("unpaid_count", gettext_lazy("Unpaid orders"), False),
    ("invoiced_amount", gettext_lazy("Invoiced (credit notes negative)"), True),
    ("shipped_amount", gettext_lazy("Shipped goods"), True),
)


def reconciliation_rows(close: DailyClose) -> list[StatementRow]:
    """The statement: each stored figure beside the same figure computed now, then the
    cancelled orders (not in the figures) and the open discrepancies."""
    now = daily_close_figures(day=close.day, division_ids=[close.division_id]).get(
        close.division_id, Figures()
    )
    rows = [
        StatementRow(key, label, getattr(close, key), getattr(now, key), is_money)
        for key, label, is_money in STATEMENT_LINES
    ]
    rows += [
        StatementRow(
            "cancelled_count",
            gettext_lazy("Cancelled orders (not counted)"),
            None,
            now.cancelled_count,
            False,
        ),
        StatementRow(
            "cancelled_amount",
            gettext_lazy("Cancelled orders' total (not counted)"),
            None,
            now.cancelled_amount,
            True,
        ),
        StatementRow(
            "open_discrepancies",
            gettext_lazy("Open discrepancies"),
            None,
            open_discrepancy_count(close),
            False,
        ),
    ]
    return rows
