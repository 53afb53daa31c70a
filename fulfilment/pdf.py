"""The fulfilment papers (SPEC §3): pick list, packing slip, inbound receipt (入库单, three
copies) and stock-take count sheet, each a function returning PDF bytes (core.pdf layout).

The labels are printed in Chinese with the English after them, whatever the language of
the user who prints: the paper goes to the warehouse floor, the carrier and finance, and
carries the policy's form names (拣货单, 入库单 …).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Table, TableStyle

from catalog.models import ProductBin
from core.pdf import (
    Column,
    Document,
    barcode,
    facts,
    heading,
    para,
    render,
    signature_lines,
    spacer,
    table,
)

from .models import DeliveryNote, DeliveryNoteLine, InboundReceipt, PickList, StockTake

BARCODE_COLUMN = 100 * mm
RECEIPT_COPIES = (
    ("仓库联", "Warehouse copy"),
    ("财务联", "Finance copy"),
    ("采购联", "Purchaser copy"),
)


def label(chinese: str, english: str) -> str:
    return f"{chinese} {english}"


def stacked(chinese: str, english: str) -> str:
    """A column header or field label: the Chinese over the English."""
    return f"{chinese}\n{english}"


def person(user: Any) -> str:
    if user is None:
        return label("系统", "System")
    return user.get_full_name() or user.get_username()


def local_time(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def bin_sort_key(bin_code: str) -> tuple[int, list[Any]]:
    """Bins in walking order: A-2 before A-10 (digits compared as numbers); no bin last."""
    if not bin_code:
        return (1, [])
    parts = re.split(r"(\d+)", bin_code.upper())
    return (0, [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts])


def bins_of(warehouse_id: int, product_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        ProductBin.objects.filter(warehouse=warehouse_id, product__in=set(product_ids)).values_list(
            "product_id", "bin_code"
        )
    )


def _printed_footer() -> str:
    return label("打印于", "printed") + " " + local_time(timezone.now())


# --- pick list ---------------------------------------------------------------------------------
def pick_list_pdf(pick_list: PickList) -> bytes:
    """One wave: the pick table of every line of its notes in bin order, then per note its
    number as a barcode with the order and the recipient."""
    warehouse = pick_list.warehouse
    notes = list(pick_list.delivery_notes.select_related("order").order_by("number"))
    lines = list(
        DeliveryNoteLine.objects.filter(delivery_note__in=[n.pk for n in notes]).select_related(
            "product", "delivery_note"
        )
    )
    bins = bins_of(warehouse.pk, (line.product_id for line in lines))
    lines.sort(
        key=lambda ln: (
            bin_sort_key(bins.get(ln.product_id, "")),
            ln.product.sku,
            ln.delivery_note.number,
        )
    )
    units = sum(line.quantity for line in lines)
    story: list[Flowable] = [
        facts(
            [
                (stacked("仓库", "Warehouse"), f"{warehouse.code} {warehouse.name}"),
                (
                    stacked("发货日", "Ship by"),
                    day_text(pick_list.ship_by)
                    if pick_list.ship_by
                    else label("所选交货单", "Selected notes"),
                ),
                (stacked("拣货单号", "Pick list"), pick_list.number),
                (stacked("交货单/件数", "Notes / units"), f"{len(notes)} / {units}"),
                (stacked("打印时间", "Printed at"), local_time(pick_list.printed_at)),
                (stacked("打印人", "Printed by"), person(pick_list.printed_by)),
            ]
        ),
        spacer(),
        table(
            [
                Column(stacked("库位", "Bin"), 24),
                Column("SKU", 30),
                Column(stacked("品名", "Name")),
                Column(stacked("单位", "Unit"), 14),
                Column(stacked("数量", "Qty"), 15, align_right=True),
                Column(stacked("交货单", "Delivery note"), 38),
            ],
            [
                [
                    bins.get(line.product_id, "") or "—",
                    line.product.sku,
                    line.product.name,
                    line.product.unit,
                    line.quantity,
                    line.delivery_note.number,
                ]
                for line in lines
            ],
        ),
        spacer(6),
        CondPageBreak(60),
        heading(label("交货单", "Delivery notes")),
    ]
    story += [_note_block(note) for note in notes]
    story += [
        spacer(6),
        signature_lines([label("拣货人", "Picked by"), label("复核人", "Checked by")]),
    ]
    document = Document(
        title=label("拣货单", "Pick list"), number=pick_list.number, footer=_printed_footer()
    )
    return render(document, story)


def _note_block(note: DeliveryNote) -> Flowable:
    order = note.order
    text = para(
        f"{note.number}\n"
        f"{label('订单', 'Order')}: {order.number}\n"
        f"{label('收货人', 'Recipient')}: {order.ship_recipient}  {order.ship_city}"
    )
    block = Table([[barcode(note.number), text]], colWidths=[BARCODE_COLUMN, None])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#8a8a8a")),
            ]
        )
    )
    return KeepTogether([block])


# --- packing slip ------------------------------------------------------------------------------
def packing_slip_pdf(note: DeliveryNote) -> bytes:
    """What goes into the parcel of one delivery note (one order): recipient (phone masked),
    address, the lines, the note number as a barcode."""
    order = note.order
    lines = list(
        DeliveryNoteLine.objects.filter(delivery_note=note).select_related("product", "order_line")
    )
    story: list[Flowable] = [
        _note_barcode_header(note),
        spacer(2),
        facts(
            [
                (stacked("订单号", "Order"), order.number),
                (stacked("平台订单号", "Platform order"), order.platform_order_no),
                (stacked("发货仓", "Warehouse"), f"{note.warehouse.code} {note.warehouse.name}"),
                (stacked("发货日", "Ship by"), day_text(note.ship_by)),
            ]
        ),
        spacer(),
        facts(
            [
                (stacked("收货人", "Recipient"), order.ship_recipient),
                (stacked("电话", "Phone"), order.ship_phone_masked),
                (stacked("地址", "Address"), order.ship_address),
                (stacked("邮编", "Postcode"), order.ship_postcode),
            ]
        ),
        spacer(),
        table(
            [
                Column("#", 10, align_right=True),
                Column("SKU", 32),
                Column(stacked("品名", "Name")),
                Column(stacked("单位", "Unit"), 16),
                Column(stacked("数量", "Qty"), 18, align_right=True),
            ],
            [
                [
                    index,
                    line.order_line.sku,
                    line.order_line.name,
                    line.order_line.unit,
                    line.quantity,
                ]
                for index, line in enumerate(lines, start=1)
            ]
            + [["", "", label("合计", "Total"), "", sum(line.quantity for line in lines)]],
        ),
    ]
    if note.kind == DeliveryNote.Kind.PARTIAL:
        story += [
            spacer(3),
            para(label("部分发货，余货另行发出。", "Partial delivery: the rest follows.")),
        ]
    document = Document(
        title=label("装箱单", "Packing slip"), number=note.number, footer=_printed_footer()
    )
    return render(document, story)


def _note_barcode_header(note: DeliveryNote) -> Flowable:
    block = Table(
        [
            [
                barcode(note.number, height_mm=14),
                para(f"{label('交货单', 'Delivery note')}\n{note.number}"),
            ]
        ],
        colWidths=[BARCODE_COLUMN, None],
    )
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return block


# --- inbound receipt ---------------------------------------------------------------------------
def inbound_receipt_pdf(receipt: InboundReceipt) -> bytes:
    """入库单 in three copies, one per page (more if the lines need it): warehouse, finance,
    purchaser."""
    lines = list(receipt.lines.select_related("product").order_by("id"))
    story: list[Flowable] = []
    for index, (chinese, english) in enumerate(RECEIPT_COPIES):
        if index:
            story.append(PageBreak())
        story += _receipt_copy(receipt, lines, copy=label(chinese, english))
    document = Document(
        title=label("入库单", "Inbound receipt"), number=receipt.number, footer=_printed_footer()
    )
    return render(document, story)


def _receipt_copy(receipt: InboundReceipt, lines: list[Any], *, copy: str) -> list[Flowable]:
    warehouse = receipt.warehouse
    return [
        para(copy, "copy"),
        spacer(2),
        facts(
            [
                (stacked("入库单号", "Receipt"), receipt.number),
                (stacked("仓库", "Warehouse"), f"{warehouse.code} {warehouse.name}"),
                (stacked("供应商", "Supplier"), receipt.supplier),
                (stacked("送货单号", "Supplier's note"), receipt.supplier_document or "—"),
                (stacked("收货日期", "Received on"), day_text(receipt.received_on)),
                (stacked("入库时间", "Booked at"), local_time(receipt.booked_at)),
                (stacked("入库人", "Booked by"), person(receipt.booked_by)),
                (
                    stacked("采购申请", "Replenishment"),
                    receipt.request.number if receipt.request else "—",
                ),
                (stacked("备注", "Note"), receipt.note or "—"),
            ]
        ),
        spacer(),
        table(
            [
                Column("#", 10, align_right=True),
                Column("SKU", 34),
                Column(stacked("品名", "Name")),
                Column(stacked("单位", "Unit"), 16),
                Column(stacked("数量", "Qty"), 20, align_right=True),
            ],
            [
                [index, line.product.sku, line.product.name, line.product.unit, line.quantity]
                for index, line in enumerate(lines, start=1)
            ]
            + [["", "", label("合计", "Total"), "", sum(line.quantity for line in lines)]],
        ),
        spacer(10),
        signature_lines(
            [
                label("收货人", "Received by"),
                label("验收人", "Checked by"),
                label("财务", "Finance"),
            ]
        ),
    ]


# --- stock take --------------------------------------------------------------------------------
def stock_take_pdf(stock_take: StockTake) -> bytes:
    """The count sheet of one warehouse: lines in bin order with the book quantity and an
    empty column to write the counted quantity in by hand; signature lines."""
    warehouse = stock_take.warehouse
    lines = list(stock_take.lines.select_related("product"))
    current_bins = bins_of(warehouse.pk, (line.product_id for line in lines))
    rows = [(line.bin_code or current_bins.get(line.product_id, ""), line) for line in lines]
    rows.sort(key=lambda row: (bin_sort_key(row[0]), row[1].product.sku))
    story: list[Flowable] = [
        facts(
            [
                (stacked("盘点单号", "Stock take"), stock_take.number),
                (stacked("仓库", "Warehouse"), f"{warehouse.code} {warehouse.name}"),
                (stacked("盘点周", "Week of"), day_text(stock_take.week)),
                (stacked("品种数", "Products"), len(rows)),
            ]
        ),
        spacer(),
        table(
            [
                Column(stacked("库位", "Bin"), 24),
                Column("SKU", 30),
                Column(stacked("品名", "Name")),
                Column(stacked("单位", "Unit"), 13),
                Column(stacked("账面数", "Book qty"), 20, align_right=True),
                Column(stacked("实盘数", "Counted"), 24, align_right=True),
                Column(stacked("备注", "Remark"), 24),
            ],
            [
                [
                    bin_code or "—",
                    line.product.sku,
                    line.product.name,
                    line.product.unit,
                    line.expected,
                    "",
                    "",
                ]
                for bin_code, line in rows
            ],
            min_row_height=8,
        ),
        spacer(10),
        signature_lines(
            [
                label("盘点人", "Counted by"),
                label("复核人", "Checked by"),
                label("仓库主管", "Approved by"),
            ]
        ),
    ]
    document = Document(
        title=label("盘点表", "Stock count sheet"),
        number=stock_take.number,
        footer=_printed_footer(),
    )
    return render(document, story)
