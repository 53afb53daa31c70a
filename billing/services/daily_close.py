"""The daily close (SPEC §4): on each working day at 08:00, for every business day since a
division's last close, the sales ledger (销售台帐) and the internal reconciliation statement
(《内部对账单》); division finance and HQ finance each mark the day reconciled, or record
discrepancies that hold it open until resolved.

Decisions:
- A business day is every calendar day: a run closes each day from the day after the
  division's last close through yesterday (Beijing), empty days included (a close with
  zero figures says "nothing happened" and moves the last close on). A division's first
  ever close is yesterday. Sundays and holidays have no run; the next run catches them up.
- An order belongs to the Beijing day of its `placed_at`. Cancelled orders are left out
  of every figure; they are counted separately (statement line "cancelled orders") and
  shown, marked, in the ledger.
- `invoiced_amount` is the invoices issued that day (credit notes count negative);
  `shipped_amount` the goods of the orders shipped that day, whenever they were placed.
- All figures are SQL aggregates: three grouped queries per day, whatever the number of
  divisions. The figures are stored at the close; the statement shows them beside the
  figures of now, so a later cancellation or credit note shows as a difference.
- A new discrepancy clears both marks (the day must be checked again by both sides) and
  reopens a reconciled day. One person may not mark both sides.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Abs, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from core.audit import audit_record
from core.exceptions import DomainError
from core.models import Division
from core.notifications import notify
from core.roles import Role, user_has_role
from core.working_calendar import at_local, is_working_day, to_local
from orders.models import Order
from orders.services.customers import user_can_reach_division

from ..models import DailyClose, Discrepancy, Invoice

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)
RECONCILE_PERMISSION = "billing.reconcile_dailyclose"
RECORD_PERMISSION = "billing.add_discrepancy"
RESOLVE_PERMISSION = "billing.change_discrepancy"
DIVISION_SIDE, HQ_SIDE = "division", "hq"
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


class DailyCloseError(DomainError):
    """A rule of the daily close refused the operation; the message is for the user."""


class CloseNotPermitted(DailyCloseError):
    """The user's role or division does not allow this."""


def money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _money_sum(expression: Any, condition: Q | None = None) -> Coalesce:
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
            day_goods_amount=_money_sum("goods_amount", live),
            day_freight_amount=_money_sum("freight", live),
            day_total_amount=_money_sum(total, live),
            day_paid_amount=_money_sum(total, live & Q(is_paid=True)),
            day_unpaid_count=Count("pk", filter=live & Q(is_paid=False)),
            day_cancelled_count=Count("pk", filter=~live),
            day_cancelled_amount=_money_sum(total, ~live),
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
            issued=_money_sum("total_amount", Q(kind=Invoice.Kind.INVOICE)),
            credited=_money_sum(Abs("total_amount"), Q(kind=Invoice.Kind.CREDIT_NOTE)),
        )
    )
    for row in invoiced:
        result[row["division_id"]].invoiced_amount = money(row["issued"]) - money(row["credited"])
    shipped = (
        Order.objects.filter(scope, shipped_at__gte=start, shipped_at__lt=end)
        .order_by()
        .values("division_id")
        .annotate(day_shipped=_money_sum("goods_amount", live))
    )
    for row in shipped:
        result[row["division_id"]].shipped_amount = money(row["day_shipped"])
    return dict(result)


# --- the run -------------------------------------------------------------------------------
def daily_close_run(*, now: dt.datetime | None = None) -> list[DailyClose]:
    """The 08:00 job: on a working day, close every day not closed yet, for each active
    division, through yesterday. Nothing on a non-working day (the next run catches up);
    nothing twice (the unique (division, day) row; a concurrent run's row is skipped)."""
    now = now or timezone.now()
    today = to_local(now).date()
    if not is_working_day(today):
        return []
    due = _days_due(yesterday=today - dt.timedelta(days=1))
    figures: dict[tuple[int, dt.date], Figures] = {}
    for day, division_ids in sorted(due.items()):
        per_division = daily_close_figures(day=day, division_ids=division_ids)
        for division_id in division_ids:
            figures[division_id, day] = per_division.get(division_id, Figures())
    created: list[DailyClose] = []
    for division in Division.objects.filter(is_active=True).order_by("code"):
        days = sorted(day for (division_id, day) in figures if division_id == division.pk)
        if days:
            created += _division_close(division, days, figures, now)
    return created


def _days_due(*, yesterday: dt.date) -> dict[dt.date, list[int]]:
    """Day → the active divisions that have no close for it yet (since their last one)."""
    last = dict(
        DailyClose.objects.order_by()
        .values("division_id")
        .annotate(last=Max("day"))
        .values_list("division_id", "last")
    )
    due: dict[dt.date, list[int]] = defaultdict(list)
    for division_id in Division.objects.filter(is_active=True).values_list("pk", flat=True):
        previous = last.get(division_id)
        day = previous + dt.timedelta(days=1) if previous else yesterday
        while day <= yesterday:
            due[day].append(division_id)
            day += dt.timedelta(days=1)
    return due


@transaction.atomic
def _division_close(
    division: Division,
    days: list[dt.date],
    figures: dict[tuple[int, dt.date], Figures],
    now: dt.datetime,
) -> list[DailyClose]:
    created = []
    for day in days:
        day_figures = figures[division.pk, day]
        try:
            with transaction.atomic():  # a savepoint: a concurrent run's row wins
                close = DailyClose.objects.create(
                    division=division, day=day, created_at=now, **day_figures.stored()
                )
        except IntegrityError:
            continue
        audit_record(
            obj=close,
            action="closed",
            to_state=close.status,
            data={
                **{k: str(v) for k, v in day_figures.stored().items()},
                "cancelled_count": day_figures.cancelled_count,
            },
        )
        created.append(close)
    if created:
        _closes_notify(division, created)
    return created


def _closes_notify(division: Division, closes: list[DailyClose]) -> None:
    """One message per division and run: the close page of a single day, else the list."""
    first, last = closes[0].day, closes[-1].day
    if len(closes) == 1:
        link = reverse("billing:close-detail", args=[closes[0].pk])
        days = first.isoformat()
    else:
        link = (
            f"{reverse('billing:close-list')}?division={division.pk}"
            f"&date_from={first.isoformat()}&date_to={last.isoformat()}"
        )
        days = f"{first.isoformat()} – {last.isoformat()}"
    notify(
        subject=_("Daily close %(division)s %(days)s: sales ledger and statement ready")
        % {"division": division.code, "days": days},
        body="\n".join(
            _("%(day)s: %(count)s orders, total %(total)s, paid %(paid)s")
            % {
                "day": close.day.isoformat(),
                "count": close.order_count,
                "total": close.total_amount,
                "paid": close.paid_amount,
            }
            for close in closes
        ),
        link=link,
        topic="daily_close",
        roles=[Role.HQ_FINANCE, Role.DIVISION_FINANCE],
        division=division,
    )


# --- reconciling ---------------------------------------------------------------------------
def _require(by: Any, permission: str, division_id: int) -> None:
    if by is None:
        return
    if not (by.has_perm(permission) and user_can_reach_division(by, division_id)):
        raise CloseNotPermitted(_("Your role may not do this here."))


def _lock(close: DailyClose) -> DailyClose:
    return DailyClose.objects.select_for_update().get(pk=close.pk)


def reconcile_side(user: Any) -> str | None:
    """The side a user marks: HQ finance marks head office's, division finance its own."""
    if user_has_role(user, Role.HQ_FINANCE):
        return HQ_SIDE
    if user_has_role(user, Role.DIVISION_FINANCE):
        return DIVISION_SIDE
    return None


def open_discrepancy_count(close: DailyClose) -> int:
    return close.discrepancies.filter(resolved_at__isnull=True).count()


@transaction.atomic
def daily_close_reconcile(*, close: DailyClose, by: Any) -> DailyClose:
    """Mark the user's side of the day reconciled; the second side makes it reconciled."""
    _require(by, RECONCILE_PERMISSION, close.division_id)
    side = reconcile_side(by)
    if side is None:
        raise CloseNotPermitted(_("Only division finance or HQ finance reconcile a day."))
    locked = _lock(close)
    open_count = open_discrepancy_count(locked)
    if open_count:
        raise DailyCloseError(
            ngettext(
                "%(count)s discrepancy is still open: resolve it before reconciling.",
                "%(count)s discrepancies are still open: resolve them before reconciling.",
                open_count,
            )
            % {"count": open_count}
        )
    if getattr(locked, f"{side}_reconciled_at") is not None:
        raise DailyCloseError(_("Your side of this day is already marked reconciled."))
    other = HQ_SIDE if side == DIVISION_SIDE else DIVISION_SIDE
    if getattr(locked, f"{other}_reconciled_by_id") == by.pk:
        raise DailyCloseError(_("The other side was marked by you: a second person must check."))
    now = timezone.now()
    setattr(locked, f"{side}_reconciled_at", now)
    setattr(locked, f"{side}_reconciled_by", by)
    before = locked.status
    if getattr(locked, f"{other}_reconciled_at") is not None:
        locked.status = DailyClose.Status.RECONCILED
    locked.save(update_fields=["status", f"{side}_reconciled_at", f"{side}_reconciled_by"])
    audit_record(
        obj=locked,
        action=f"reconciled_{side}",
        by=by,
        from_state=before,
        to_state=locked.status,
        data={"side": side},
    )
    return locked


def _clear_marks(close: DailyClose, *, by: Any, reason: str) -> None:
    """A new discrepancy: both sides check the day again (a reconciled day reopens)."""
    if close.division_reconciled_at is None and close.hq_reconciled_at is None:
        return
    before = close.status
    close.status = DailyClose.Status.OPEN
    close.division_reconciled_at = close.hq_reconciled_at = None
    close.division_reconciled_by = close.hq_reconciled_by = None
    close.save(
        update_fields=[
            "status",
            "division_reconciled_at",
            "division_reconciled_by",
            "hq_reconciled_at",
            "hq_reconciled_by",
        ]
    )
    audit_record(
        obj=close, action="reopened", by=by, from_state=before, to_state=close.status, note=reason
    )


@transaction.atomic
def discrepancy_record(
    *,
    close: DailyClose,
    by: Any,
    description: str,
    amount: Decimal | None = None,
    order: Order | None = None,
) -> Discrepancy:
    _require(by, RECORD_PERMISSION, close.division_id)
    description = (description or "").strip()
    if not description:
        raise DailyCloseError(_("Describe the discrepancy."), field="description")
    if len(description) > 500:
        raise DailyCloseError(_("At most 500 characters."), field="description")
    if order is not None and order.division_id != close.division_id:
        raise DailyCloseError(_("The order belongs to another division."), field="order")
    locked = _lock(close)
    discrepancy = Discrepancy.objects.create(
        close=locked,
        description=description,
        amount=None if amount is None else money(amount),
        order=order,
        raised_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(
        obj=discrepancy,
        action="recorded",
        by=by,
        to_state="open",
        data={"close": locked.pk, "amount": str(discrepancy.amount), "order": order and order.pk},
    )
    _clear_marks(locked, by=by, reason=description)
    close.refresh_from_db()
    return discrepancy


@transaction.atomic
def discrepancy_resolve(*, discrepancy: Discrepancy, by: Any, resolution: str) -> Discrepancy:
    close = discrepancy.close
    _require(by, RESOLVE_PERMISSION, close.division_id)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DailyCloseError(_("Say how the discrepancy was resolved."), field="resolution")
    if len(resolution) > 500:
        raise DailyCloseError(_("At most 500 characters."), field="resolution")
    _lock(close)  # lock order: the close, then its discrepancies
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if locked.resolved_at is not None:
        raise DailyCloseError(_("This discrepancy is already resolved."))
    locked.resolved_at = timezone.now()
    locked.resolved_by = by if getattr(by, "is_authenticated", False) else None
    locked.resolution = resolution
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        obj=locked, action="resolved", by=by, from_state="open", to_state="resolved", note=resolution
    )
    return locked


# --- the ledger and the statement ----------------------------------------------------------
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
            issued=_money_sum("invoices__total_amount", Q(invoices__kind=Invoice.Kind.INVOICE)),
            credited=_money_sum(
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
            "cancelled_count", gettext_lazy("Cancelled orders (not counted)"), None,
            now.cancelled_count, False,
        ),
        StatementRow(
            "cancelled_amount", gettext_lazy("Cancelled orders' total (not counted)"), None,
            now.cancelled_amount, True,
        ),
        StatementRow(
            "open_discrepancies", gettext_lazy("Open discrepancies"), None,
            open_discrepancy_count(close), False,
        ),
    ]
    return rows


# --- the .xlsx files -----------------------------------------------------------------------
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "¥#,##0.00"
LEDGER_SHEET_TITLE = "销售台帐"
STATEMENT_SHEET_TITLE = "内部对账单"
# Finance reads Chinese; the files' headers are fixed, not translated.
LEDGER_HEADERS = (
    "订单号",
    "平台订单号",
    "下单时间",
    "买家",
    "客户编号",
    "订单状态",
    "货款",
    "运费",
    "合计",
    "付款核对",
    "已开票金额",
)
LEDGER_WIDTHS = (22, 24, 18, 30, 14, 14, 14, 12, 14, 10, 14)
LEDGER_MONEY_COLUMNS = (7, 8, 9, 11)
STATEMENT_HEADERS = ("项目", "结账时", "当前", "差额")
STATEMENT_LABELS = {
    "order_count": "订单数",
    "goods_amount": "货款",
    "freight_amount": "运费",
    "total_amount": "合计",
    "paid_amount": "已付款",
    "unpaid_count": "未付款订单数",
    "invoiced_amount": "已开票(红字发票为负)",
    "shipped_amount": "已发货货款",
    "cancelled_count": "已取消订单数(不计入)",
    "cancelled_amount": "已取消订单金额(不计入)",
    "open_discrepancies": "未解决差异",
}
STATUS_LABELS = {DailyClose.Status.OPEN: "待对账", DailyClose.Status.RECONCILED: "已对账"}


def daily_close_xlsx(close: DailyClose, kind: str = "ledger") -> bytes:
    """The sales ledger (`kind="ledger"`) or the internal statement (`"statement"`)."""
    import io

    from openpyxl import Workbook

    if kind not in ("ledger", "statement"):
        raise ValueError(f"Unknown daily close file: {kind}")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if kind == "ledger":
        _ledger_sheet(sheet, close)
    else:
        _statement_sheet(sheet, close)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet: Any, row: int, headers: tuple[str, ...], widths: tuple[int, ...]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for column, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        sheet.cell(row=row, column=column, value=title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"  # a string: touching the cell would create the row


def _ledger_sheet(sheet: Any, close: DailyClose) -> None:
    from openpyxl.utils import get_column_letter

    sheet.title = LEDGER_SHEET_TITLE
    _header(sheet, 1, LEDGER_HEADERS, LEDGER_WIDTHS)
    statuses = dict(Order.Status.choices)
    for order in sales_ledger_orders(close):
        row = sales_ledger_row(order)
        sheet.append(
            (
                row.number,
                row.platform_order_no,
                row.placed_at.replace(tzinfo=None),  # Excel has no time zones: Beijing time
                row.buyer,
                row.customer_number,
                _STATUS_ZH.get(order.status, statuses.get(order.status, order.status)),
                row.goods,
                row.freight,
                row.total,
                "已付" if row.is_paid else "未付",
                row.invoiced,
            )
        )
        line = sheet.max_row
        sheet.cell(row=line, column=3).number_format = "yyyy-mm-dd hh:mm:ss"
        for column in LEDGER_MONEY_COLUMNS:
            sheet.cell(row=line, column=column).number_format = MONEY_FORMAT
    last = get_column_letter(len(LEDGER_HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"


_STATUS_ZH = {
    Order.Status.RECEIVED: "已接收",
    Order.Status.IDENTIFIED: "已识别客户",
    Order.Status.CONFIRMED: "已确认销售订单",
    Order.Status.ON_HOLD: "缺货暂挂",
    Order.Status.ALLOCATED: "已开交货单",
    Order.Status.INVOICED: "已开票",
    Order.Status.SHIPPED: "已发货",
    Order.Status.DELIVERED: "已签收",
    Order.Status.CLOSED: "已关闭",
    Order.Status.CANCELLED: "已取消",
}


def _statement_sheet(sheet: Any, close: DailyClose) -> None:
    sheet.title = STATEMENT_SHEET_TITLE
    facts = (
        ("事业部", f"{close.division.code} {close.division.name}"),
        ("营业日", close.day),
        ("生成时间", to_local(close.created_at).replace(tzinfo=None)),
        ("状态", STATUS_LABELS.get(close.status, close.status)),
        ("事业部财务核对", _mark(close.division_reconciled_by, close.division_reconciled_at)),
        ("总部财务核对", _mark(close.hq_reconciled_by, close.hq_reconciled_at)),
    )
    for label, value in facts:
        sheet.append((label, value))
    sheet.cell(row=2, column=2).number_format = "yyyy-mm-dd"
    sheet.cell(row=3, column=2).number_format = "yyyy-mm-dd hh:mm"
    start = len(facts) + 2
    _header(sheet, start, STATEMENT_HEADERS, (26, 18, 18, 16))
    for row in reconciliation_rows(close):
        difference = None if row.at_close is None else row.now - row.at_close
        sheet.append((STATEMENT_LABELS[row.key], row.at_close, row.now, difference))
        line = sheet.max_row
        for column in (2, 3, 4):
            sheet.cell(row=line, column=column).number_format = (
                MONEY_FORMAT if row.is_money else "0"
            )
    sheet.auto_filter.ref = f"A{start}:D{sheet.max_row}"


def _mark(user: Any, at: dt.datetime | None) -> str:
    if at is None:
        return "未核对"
    name = (user.get_full_name() or user.username) if user else ""
    return f"{name} {to_local(at):%Y-%m-%d %H:%M}".strip()
