"""The printed documents, read back: the text (pdftotext), the embedded Chinese font
(pdffonts) and the Code128 barcodes (pdftoppm + zbarimg) of the pick list, packing slip,
inbound receipt and count sheet; the PDF pages scoped to the user's divisions."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from catalog.models import ProductBin
from fulfilment.models import InboundReceipt, InboundReceiptLine, StockTake, StockTakeLine
from fulfilment.pdf import (
    bin_sort_key,
    inbound_receipt_pdf,
    packing_slip_pdf,
    pick_list_pdf,
    stock_take_pdf,
)
from fulfilment.services import delivery_note_create
from fulfilment.services.picking import pick_list_create
from tests.factories import WarehouseFactory
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db

TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg")


@pytest.fixture(autouse=True)
def _tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"Missing {missing}: run scripts/install-system-deps.sh (poppler, zbar).")


class ReadBack:
    """A PDF written to a file and read back with poppler and zbar."""

    def __init__(self, data: bytes, folder: Path) -> None:
        assert data.startswith(b"%PDF")
        self.folder = folder
        self.path = folder / "document.pdf"
        self.path.write_bytes(data)

    def _run(self, *command: str) -> str:
        done = subprocess.run(command, capture_output=True, check=True, text=True)
        return done.stdout

    def text(self, page: int | None = None) -> str:
        pages = ["-f", str(page), "-l", str(page)] if page else []
        return self._run("pdftotext", "-layout", *pages, str(self.path), "-")

    def fonts(self) -> str:
        return self._run("pdffonts", str(self.path))

    def pages(self) -> int:
        match = re.search(r"^Pages:\s+(\d+)", self._run("pdfinfo", str(self.path)), re.M)
        assert match
        return int(match.group(1))

    def barcodes(self) -> list[str]:
        prefix = self.folder / "page"
        self._run("pdftoppm", "-r", "200", "-png", str(self.path), str(prefix))
        images = sorted(str(p) for p in self.folder.glob("page*.png"))
        # zbarimg exits 4 when an image holds no barcode: read its output either way
        done = subprocess.run(
            ["zbarimg", "--raw", "-q", *images], capture_output=True, text=True, check=False
        )
        return [line for line in done.stdout.splitlines() if line]


def assert_font_embedded(pdf: ReadBack) -> None:
    assert re.search(r"WenQuanYiMicroHei\S*\s+TrueType\s+\S+\s+yes", pdf.fonts()), pdf.fonts()


@pytest.fixture
def parts(make_user: Any) -> Any:
    return make_user("parts_support", username="parts")


@pytest.fixture
def keeper(make_user: Any) -> Any:
    return make_user("warehouse", username="keeper", first_name="王海")


@pytest.fixture
def catalogue(division: Any, warehouses: Any, stock: Any) -> list[Any]:
    """Ten products PK-00 … PK-09 with stock in GQ-MAIN; bins in an order unlike the SKUs
    (A-2 before A-10), PK-00 without a bin."""
    bins = {1: "C-01", 2: "A-10", 3: "A-2", 4: "B-01", 5: "A-1", 6: "D-01", 7: "B-02"}
    bins |= {8: "A-03", 9: "C-10"}
    products = []
    for index in range(10):
        product = ListedProductFactory(
            sku=f"PK-{index:02d}", name=f"扳手产品{index}号", division=division
        )
        if index in bins:
            ProductBin.objects.create(
                product=product, warehouse=warehouses["main"], bin_code=bins[index]
            )
        stock(product, 100)
        products.append(product)
    return products


def _order_notes(confirmed: Any, parts: Any, products: list[Any], count: int) -> list[Any]:
    notes = []
    for serial in range(count):
        lines = [
            {"sku": p.sku, "quantity": serial % 3 + 1, "unit_price": "10.00"} for p in products
        ]
        order = confirmed(lines=lines, **{"ship_to.recipient": f"张{serial}"})
        [note] = delivery_note_create(order=order, by=parts)
        notes.append(note)
    return notes


# --- pick list -------------------------------------------------------------------------------
def test_pick_list_reads_back_in_bin_order_with_barcodes_and_page_numbers(
    catalogue: Any, confirmed: Any, parts: Any, keeper: Any, warehouses: Any, tmp_path: Path
) -> None:
    notes = _order_notes(confirmed, parts, catalogue, 8)  # 80 lines
    pick_list = pick_list_create(warehouse=warehouses["main"], by=keeper, ship_by=notes[0].ship_by)

    pdf = ReadBack(pick_list_pdf(pick_list), tmp_path)

    text = pdf.text()
    assert "拣货单" in text and pick_list.number in text
    assert "GQ-MAIN 总仓" in text
    assert "王海" in text  # printed by
    assert "扳手产品1号" in text and "张7" in text
    skus = re.findall(r"\bPK-\d\d\b", text)
    expected = ["PK-05", "PK-03", "PK-08", "PK-02", "PK-04", "PK-07", "PK-01", "PK-09", "PK-06"]
    expected += ["PK-00"]  # no bin: last
    assert skus == [sku for sku in expected for _ in range(8)]
    pages = pdf.pages()
    assert pages >= 2
    assert f"1 / {pages}" in pdf.text(page=1)
    assert f"{pages} / {pages}" in pdf.text(page=pages)
    assert_font_embedded(pdf)
    assert sorted(pdf.barcodes()) == sorted(note.number for note in notes)


def test_bins_sort_by_their_numbers_and_no_bin_last() -> None:
    bins = ["A-10", "", "A-2", "b-01", "A-1"]
    assert sorted(bins, key=bin_sort_key) == ["A-1", "A-2", "A-10", "b-01", ""]


# --- packing slip ----------------------------------------------------------------------------
def test_packing_slip_shows_the_recipient_with_the_phone_masked(
    confirmed: Any, stock: Any, product: Any, parts: Any, tmp_path: Path
) -> None:
    stock(product, 5)
    order = confirmed(quantity=3)
    [note] = delivery_note_create(order=order, by=parts)

    pdf = ReadBack(packing_slip_pdf(note), tmp_path)

    text = pdf.text()
    assert "装箱单" in text
    for value in (note.number, order.number, order.platform_order_no, "李明", "100010"):
        assert value in text
    assert "东长安街" in text and "东城区" in text
    assert order.ship_phone_masked in text
    assert order.ship_phone not in text
    assert product.name in text and "SKU-A" in text
    assert_font_embedded(pdf)
    assert pdf.barcodes() == [note.number]


# --- inbound receipt -------------------------------------------------------------------------
def _receipt(warehouse: Any, products: list[Any], by: Any) -> InboundReceipt:
    receipt = InboundReceipt.objects.create(
        number="RK-GQ-2026-000007",
        warehouse=warehouse,
        supplier="上海五金工具有限公司",
        supplier_document="SH-88",
        received_on=dt.date(2026, 11, 27),
        booked_by=by,
    )
    for quantity, product in enumerate(products, start=1):
        InboundReceiptLine.objects.create(receipt=receipt, product=product, quantity=quantity * 5)
    return receipt


def test_inbound_receipt_prints_three_labelled_copies(
    division: Any, warehouses: Any, keeper: Any, tmp_path: Path
) -> None:
    products = [
        ListedProductFactory(sku=f"RK-{i}", name=f"钳子{i}号", division=division) for i in range(3)
    ]
    receipt = _receipt(warehouses["main"], products, keeper)

    pdf = ReadBack(inbound_receipt_pdf(receipt), tmp_path)

    assert pdf.pages() == 3
    for page, (copy, others) in enumerate(
        [
            ("仓库联", ("财务联", "采购联")),
            ("财务联", ("仓库联", "采购联")),
            ("采购联", ("仓库联", "财务联")),
        ],
        start=1,
    ):
        text = pdf.text(page=page)
        assert copy in text
        assert not any(other in text for other in others)
        assert "入库单" in text and receipt.number in text
        assert "上海五金工具有限公司" in text and "2026-11-27" in text
        assert "钳子2号" in text and "王海" in text
        assert f"{page} / 3" in text
    assert_font_embedded(pdf)


# --- stock take ------------------------------------------------------------------------------
def test_count_sheet_lists_book_quantities_by_bin_with_an_empty_counted_column(
    division: Any, warehouses: Any, tmp_path: Path
) -> None:
    stock_take = StockTake.objects.create(
        number="PD-GQ-2026-0047", warehouse=warehouses["main"], week=dt.date(2026, 11, 23)
    )
    for sku, bin_code, expected in [
        ("ST-1", "B-10", 7),
        ("ST-2", "", 3),
        ("ST-3", "B-2", 12),
        ("ST-4", "A-1", 40),
    ]:
        product = ListedProductFactory(sku=sku, name=f"螺丝刀{sku}", division=division)
        StockTakeLine.objects.create(
            stock_take=stock_take, product=product, bin_code=bin_code, expected=expected
        )

    pdf = ReadBack(stock_take_pdf(stock_take), tmp_path)

    text = pdf.text()
    assert "盘点表" in text and "PD-GQ-2026-0047" in text and "GQ-MAIN 总仓" in text
    assert "实盘数" in text and "盘点人" in text and "仓库主管" in text
    assert re.findall(r"\bST-\d\b", text) == ["ST-4", "ST-3", "ST-1", "ST-2"]
    row = next(line for line in text.splitlines() if "ST-3" in line)
    assert re.search(r"B-2\s+ST-3\s+螺丝刀ST-3\s+件\s+12\s*$", row), row
    assert_font_embedded(pdf)


# --- the PDF pages ---------------------------------------------------------------------------
@pytest.fixture
def documents(
    confirmed: Any, stock: Any, product: Any, parts: Any, keeper: Any, warehouses: Any
) -> dict[str, Any]:
    stock(product, 5)
    [note] = delivery_note_create(order=confirmed(quantity=1), by=parts)
    pick_list = pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[note.pk])
    receipt = _receipt(warehouses["main"], [product], keeper)
    stock_take = StockTake.objects.create(
        number="PD-GQ-2026-0001", warehouse=warehouses["main"], week=dt.date(2026, 11, 23)
    )
    return {
        "pick-list-pdf": pick_list,
        "packing-slip-pdf": note,
        "receipt-pdf": receipt,
        "stock-take-pdf": stock_take,
    }


@pytest.mark.parametrize(
    "name", ["pick-list-pdf", "packing-slip-pdf", "receipt-pdf", "stock-take-pdf"]
)
def test_pdf_pages_serve_the_document_to_the_warehouse(
    client: Any, documents: Any, keeper: Any, name: str
) -> None:
    document = documents[name]
    client.force_login(keeper)
    response = client.get(reverse(f"fulfilment:{name}", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{document.number}.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "name", ["pick-list-pdf", "packing-slip-pdf", "receipt-pdf", "stock-take-pdf"]
)
def test_pdf_pages_are_not_found_for_another_division(
    client: Any, documents: Any, make_user: Any, other_division: Any, name: str
) -> None:
    WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN", name="总仓")
    client.force_login(make_user("warehouse", divisions=[other_division]))
    response = client.get(reverse(f"fulfilment:{name}", args=[documents[name].pk]))
    assert response.status_code == 404


def test_pdf_pages_need_the_view_permission(client: Any, documents: Any, make_user: Any) -> None:
    client.force_login(make_user("warehouse_receiver"))  # sees receipts, not notes
    receipt = documents["receipt-pdf"]
    assert client.get(reverse("fulfilment:receipt-pdf", args=[receipt.pk])).status_code == 200
    note = documents["packing-slip-pdf"]
    assert client.get(reverse("fulfilment:packing-slip-pdf", args=[note.pk])).status_code == 403
