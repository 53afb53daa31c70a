"""The printed invoice (增值税发票) and red-letter credit note (红字发票), on the shared
core.pdf layout: seller and buyer, the lines with their VAT, the totals in figures and in
Chinese capitals (价税合计（大写）), and the delivery note's number as a Code128 barcode —
the invoice travels with the goods, and the warehouse scans it at the hand-over.

Labels are Chinese with the English beneath (the paper is a Chinese tax document that
also reaches readers of English), whatever the language of the user who prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle

from core.pdf import Column, Document, barcode, facts, para, render, spacer, table
from core.templatetags.money import amount, cny, percent

from .models import Invoice, InvoiceLine
from .money import amount_in_chinese

CREDIT_TITLE = "红字发票（增值税）"
INVOICE_TITLE = "增值税发票"


def stacked(chinese: str, english: str) -> str:
    return f"{chinese}\n{english}"


NOTE_LABEL = stacked("交货单（随货同行）", "Delivery note, travels with the goods")


def _person(user: Any) -> str:
    if user is None:
        return "系统 System"
    return user.get_full_name() or user.get_username()


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _header(invoice: Invoice) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = [
        (stacked("销售方", "Seller"), invoice.division.name),
        (stacked("购买方", "Buyer"), invoice.buyer_title),
        (stacked("发票号码", "Number"), invoice.number),
        (stacked("纳税人识别号", "Taxpayer no."), invoice.buyer_tax_number or "—"),
        (stacked("开票日期", "Issued at"), _local(invoice.issued_at)),
        (stacked("开票人", "Issued by"), _person(invoice.issued_by)),
        (stacked("订单", "Order"), invoice.order.number),
        (stacked("交货单", "Delivery note"), invoice.delivery_note.number),
    ]
    if invoice.is_credit_note and invoice.original is not None:
        pairs += [
            (stacked("红字 对应原发票", "Credits invoice"), invoice.original.number),
            (stacked("红字原因", "Reason"), invoice.reason),
        ]
    return pairs


COLUMNS = (
    Column(stacked("名称", "Description")),
    Column(stacked("规格/SKU", "SKU"), 28),
    Column(stacked("单位", "Unit"), 12),
    Column(stacked("数量", "Qty"), 14, align_right=True),
    Column(stacked("含税单价", "Unit price"), 22, align_right=True),
    Column(stacked("金额", "Amount"), 24, align_right=True),
    Column(stacked("税率", "Rate"), 14, align_right=True),
    Column(stacked("税额", "VAT"), 22, align_right=True),
)


def _line_row(line: InvoiceLine) -> list[Any]:
    description = line.description
    if line.kind == InvoiceLine.Kind.FREIGHT:
        description = f"{description}（物流费用 freight）"
    return [
        description,
        line.sku or "—",
        line.unit or "—",
        str(line.quantity),
        amount(line.unit_price),
        amount(line.amount),
        percent(line.vat_rate),
        amount(line.tax_amount),
    ]


def _totals(invoice: Invoice) -> Table:
    rows = [
        [
            para(stacked("合计 金额（不含税）", "Total before VAT"), "small"),
            para(amount(invoice.net_amount), "cell_right"),
            para(stacked("合计 税额", "Total VAT"), "small"),
            para(amount(invoice.tax_amount), "cell_right"),
        ],
        [
            para(stacked("价税合计（大写）", "Total in words"), "small"),
            para(amount_in_chinese(invoice.total_amount)),
            para(stacked("（小写）", "Total in figures"), "small"),
            para(cny(invoice.total_amount), "cell_right"),
        ],
    ]
    grid = Table(rows, colWidths=[34 * mm, 70 * mm, 34 * mm, None])
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8a8a")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice (or credit note) as an A4 PDF with the embedded Chinese font."""
    lines = list(invoice.lines.order_by("position"))
    title = CREDIT_TITLE if invoice.is_credit_note else INVOICE_TITLE
    note_number = invoice.delivery_note.number
    story: list[Flowable] = [
        facts(_header(invoice)),
        spacer(),
        table(COLUMNS, (_line_row(line) for line in lines)),
        spacer(2),
        _totals(invoice),
        spacer(6),
        KeepTogether(
            [
                para(NOTE_LABEL, "small"),
                barcode(note_number),
                para(note_number),
            ]
        ),
    ]
    document = Document(
        title=title,
        number=invoice.number,
        footer=f"{invoice.division.name} · 交货单 {note_number}",
        subject=title,
        keywords=[invoice.number, note_number, invoice.order.number],
    )
    return render(document, story)
