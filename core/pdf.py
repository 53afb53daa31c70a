"""The printed documents' shared layer (reportlab): the embedded Chinese font, an A4 page
with title, document number and "page x / y", wrapped-cell tables and Code128 barcodes.

Fulfilment (pick lists, packing slips, receipts, count sheets) and billing (invoices) build
their documents from these pieces; they know nothing of the domain.

The Chinese font is the TrueType WenQuanYi Micro Hei, embedded (subset) in every PDF so the
paper looks the same on any printer. Only when the file is missing do we fall back to the
CID font STSong-Light, which PDF readers must supply themselves (not embedded).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

logger = logging.getLogger(__name__)

FONT_NAME = "WQYMicroHei"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FALLBACK_FONT_NAME = "STSong-Light"

PAGE_SIZE = A4
MARGIN = 15 * mm
HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 10 * mm


@cache
def font_name() -> str:
    """Register the Chinese font once per process; the name to use in styles."""
    if os.path.exists(FONT_PATH):
        pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH, subfontIndex=0))
        return FONT_NAME
    logger.warning(
        "Chinese TrueType font %s is missing: PDFs use the non-embedded CID font %s "
        "(install fonts-wqy-microhei, see scripts/install-system-deps.sh).",
        FONT_PATH,
        FALLBACK_FONT_NAME,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT_NAME))
    return FALLBACK_FONT_NAME


# --- text ------------------------------------------------------------------------------------
@cache
def styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    # wordWrap="CJK" breaks Chinese text between any two characters
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=8.5, leading=11, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=body, fontSize=8.5, leading=11, textColor=colors.white
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=body,
            fontSize=8.5,
            leading=11,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontSize=12, leading=16, spaceBefore=6, spaceAfter=4
        ),
        "copy": ParagraphStyle("copy", parent=body, fontSize=14, leading=18, alignment=TA_RIGHT),
    }


def para(text: Any, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept) in the Chinese font."""
    markup = escape("" if text is None else str(text)).replace("\n", "<br/>")
    return Paragraph(markup, styles()[style])


def heading(text: str) -> Paragraph:
    return para(text, "h2")


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


# --- tables ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A table column: its header, width (mm; None shares the rest) and alignment."""

    header: str
    width: float | None = None
    align_right: bool = False


def table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    total_width: float | None = None,
    min_row_height: float | None = None,
) -> Table:
    """A grid with a header row repeated on every page; every cell a wrapped paragraph
    (a Flowable cell, e.g. a barcode, is kept as it is)."""
    width = total_width if total_width is not None else PAGE_SIZE[0] - 2 * MARGIN
    fixed = sum(c.width * mm for c in columns if c.width is not None)
    shared = [c for c in columns if c.width is None]
    rest = (width - fixed) / len(shared) if shared else 0
    widths = [c.width * mm if c.width is not None else rest for c in columns]
    data: list[list[Any]] = [
        [para(c.header, "head_right" if c.align_right else "head") for c in columns]
    ]
    for row in rows:
        data.append(
            [
                cell
                if isinstance(cell, Flowable)
                else para(cell, "cell_right" if column.align_right else "cell")
                for column, cell in zip(columns, row, strict=True)
            ]
        )
    heights = None
    if min_row_height is not None:
        heights = [None] + [min_row_height * mm] * (len(data) - 1)
    grid = Table(data, colWidths=widths, rowHeights=heights, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#44546a")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8a8a")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f4f7")]),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return grid


def facts(pairs: Sequence[tuple[str, Any]], *, columns: int = 2) -> Table:
    """Label–value pairs in `columns` column pairs, without grid (a document's header)."""
    cells = [(para(label, "small"), para(value)) for label, value in pairs]
    rows: list[list[Any]] = []
    for start in range(0, len(cells), columns):
        chunk = cells[start : start + columns]
        chunk += [(para(""), para(""))] * (columns - len(chunk))
        rows.append([item for pair in chunk for item in pair])
    width = PAGE_SIZE[0] - 2 * MARGIN
    label_width = 26 * mm
    value_width = width / columns - label_width
    grid = Table(rows, colWidths=[label_width, value_width] * columns)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TEXTCOLOR", (0, 0), (-1, -1), colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor("#44546a")),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return grid


def signature_lines(labels: Sequence[str]) -> Table:
    """Places to sign by hand: per label a line to sign on, with a gap between them."""
    width = PAGE_SIZE[0] - 2 * MARGIN
    gap = 8 * mm
    box = (width - gap * (len(labels) - 1)) / len(labels)
    widths: list[float] = []
    cells: list[Any] = []
    for index, text in enumerate(labels):
        if index:
            widths.append(gap)
            cells.append("")
        widths.append(box)
        cells.append(para(f"{text}："))
    grid = Table([cells, [""] * len(cells)], colWidths=widths, rowHeights=[None, 12 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (column, 1), (column, 1), 0.6, colors.black)
                for column in range(0, len(cells), 2)
            ]
        )
    )
    return grid


# --- barcodes --------------------------------------------------------------------------------
def barcode(value: str, *, height_mm: float = 12, module_mm: float = 0.38) -> Flowable:
    """A Code128 barcode of `value` (with its quiet zones; no human-readable line — print
    the value as text next to it, in the document font). A module of 0.38 mm reads with
    a hand scanner and from a 200 dpi scan."""
    return Code128(value, barHeight=height_mm * mm, barWidth=module_mm * mm, humanReadable=False)


# --- the page --------------------------------------------------------------------------------
@dataclass
class Document:
    """What every page shows: the title, the document number and a footer note."""

    title: str
    number: str
    footer: str = ""
    author: str = "ecomops"
    subject: str = ""
    keywords: list[str] = field(default_factory=list)


def _numbered_canvas(document: Document) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each can say "page x / y"."""
    font = font_name()

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width = PAGE_SIZE[0]
            y = MARGIN - 6 * mm
            self.saveState()
            self.setFont(font, 8)
            self.setStrokeColor(colors.HexColor("#8a8a8a"))
            self.line(MARGIN, y + 4 * mm, width - MARGIN, y + 4 * mm)
            self.drawString(MARGIN, y, f"{document.number}  {document.footer}".strip())
            # wide gaps around the slash: text extraction (pdftotext) keeps them as spaces
            self.drawRightString(width - MARGIN, y, f"{self._pageNumber}  /  {total}")
            self.restoreState()

    return NumberedCanvas


def _draw_header(document: Document) -> Callable[[Canvas, Any], None]:
    font = font_name()

    def draw(canvas: Canvas, _doc: Any) -> None:
        width, height = PAGE_SIZE
        top = height - MARGIN
        canvas.saveState()
        canvas.setFont(font, 15)
        canvas.drawString(MARGIN, top - 6 * mm, document.title)
        canvas.setFont(font, 10)
        canvas.drawRightString(width - MARGIN, top - 6 * mm, document.number)
        canvas.setStrokeColor(colors.HexColor("#44546a"))
        canvas.setLineWidth(1)
        canvas.line(MARGIN, top - 9 * mm, width - MARGIN, top - 9 * mm)
        canvas.restoreState()

    return draw


def render(document: Document, story: list[Flowable]) -> bytes:
    """The PDF of `story` on A4 pages carrying the document's header and footer."""
    buffer = BytesIO()
    width, height = PAGE_SIZE
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT - 6 * mm,
        width - 2 * MARGIN,
        height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT + 6 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"{document.title} {document.number}",
        author=document.author,
        subject=document.subject,
        keywords=document.keywords,
        creator="ecomops",
        initialFontName=font_name(),
    )
    template.addPageTemplates(
        [PageTemplate(id="page", frames=[frame], onPage=_draw_header(document))]
    )
    template.build(story, canvasmaker=_numbered_canvas(document))
    return buffer.getvalue()
