"""The two .xlsx files of a close: the sales ledger and the internal statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.working_calendar import to_local
from orders.models import Order

from ...models import DailyClose
from .ledger import reconciliation_rows, sales_ledger_orders, sales_ledger_row

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
STATUS_LABELS: dict[str, str] = {
    DailyClose.Status.OPEN: "待对账",
    DailyClose.Status.RECONCILED: "已对账",
}


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
