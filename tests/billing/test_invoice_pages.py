"""Finance's invoice pages: the issue button on the delivery note, the due list (breached
first) and the home panel, the invoice list with its filters, the invoice page with its
credit form, the PDF read back, and the same 404 for another division."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Invoice
from billing.pdf import invoice_pdf
from billing.services.invoices import invoice_credit, invoice_issue
from fulfilment.services import delivery_note_create, waiting_notes_release
from orders.models import Order

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the issue button on the delivery note -----------------------------------------------------
def test_finance_sees_the_amounts_and_issues_from_the_note_page(
    confirmed: Any, stock: Any, product: Any, make_user: Any, warehouses: Any
) -> None:
    stock(product, 1)
    order = confirmed(quantity=3)
    partial, back_order = delivery_note_create(
        order=order, by=None, quantities={order.lines.get().pk: 1}, partial_agreed_with="王芳"
    )
    finance = client_for(make_user("division_finance", language="en"))

    page = finance.get(f"/fulfilment/notes/{partial.pk}/").content.decode()
    assert 'data-testid="issue-invoice"' in page and "Freight" in page
    assert 'data-testid="invoice-preview-total">¥110.00<' in page
    response = finance.post(f"/billing/invoices/issue/{partial.pk}/", follow=True)
    first = Invoice.objects.get(delivery_note=partial)
    assert response.redirect_chain == [(f"/billing/invoices/{first.pk}/", 302)]
    assert first.total_amount == Decimal("110.00")
    assert any(first.number in m and "hand it over" in m for m in messages_of(response))

    stock(product, 2)
    waiting_notes_release(warehouse=warehouses["main"])
    page = finance.get(f"/fulfilment/notes/{back_order.pk}/").content.decode()
    assert 'data-testid="invoice-preview-total">¥200.00<' in page and "Freight" not in page
    finance.post(f"/billing/invoices/issue/{back_order.pk}/")
    assert Invoice.objects.get(delivery_note=back_order).total_amount == Decimal("200.00")


def test_an_issue_refusal_returns_to_the_note_with_the_reason(
    confirmed: Any, make_user: Any
) -> None:
    [waiting] = delivery_note_create(order=confirmed(quantity=1), by=None)  # no stock
    finance = client_for(make_user("division_finance", language="en"))
    page = finance.get(f"/fulfilment/notes/{waiting.pk}/").content.decode()
    assert "issue-invoice" not in page
    response = finance.post(f"/billing/invoices/issue/{waiting.pk}/")
    assert response["Location"] == f"/fulfilment/notes/{waiting.pk}/"
    assert any("waits for stock" in m for m in messages_of(response))
    assert not Invoice.objects.exists()


def test_other_roles_cannot_issue(reserved_note: Any, make_user: Any) -> None:
    note = reserved_note()
    rep = client_for(make_user("warehouse"))
    assert "issue-invoice" not in rep.get(f"/fulfilment/notes/{note.pk}/").content.decode()
    response = rep.post(f"/billing/invoices/issue/{note.pk}/")
    assert response["Location"] == f"/fulfilment/notes/{note.pk}/"
    assert not Invoice.objects.exists()


def test_another_divisions_invoice_is_not_found(
    reserved_note: Any, finance: Any, make_user: Any, other_division: Any
) -> None:
    note = reserved_note()
    outsider = client_for(make_user("division_finance", divisions=[other_division]))
    assert outsider.post(f"/billing/invoices/issue/{note.pk}/").status_code == 404
    invoice = invoice_issue(note=note, by=finance)
    for url in (f"/billing/invoices/{invoice.pk}/", f"/billing/invoices/{invoice.pk}/pdf/"):
        assert outsider.get(url).status_code == 404
    assert (
        outsider.post(f"/billing/invoices/{invoice.pk}/credit/", {"reason": "x"}).status_code == 404
    )
    assert invoice.number not in outsider.get("/billing/invoices/").content.decode()
    assert "credit_note" not in set(Invoice.objects.values_list("kind", flat=True))


# --- due list and home panel -----------------------------------------------------------------
@pytest.fixture
def due_panel(monkeypatch: Any) -> None:
    """The home panel, as billing/dashboard.py PANELS will list it."""
    from billing.panels_invoices import invoices_due_panel
    from core import dashboard

    builders = dashboard._panel_builders()
    if invoices_due_panel not in builders:
        monkeypatch.setattr(dashboard, "_panel_builders", lambda: (*builders, invoices_due_panel))


def _due(note: Any, moment: dt.datetime | None) -> None:
    Order.objects.filter(pk=note.order_id).update(invoice_due_at=moment)


def test_due_list_shows_breached_first_with_a_badge(
    reserved_note: Any, make_user: Any, finance: Any, due_panel: Any
) -> None:
    now = timezone.now()
    later, breached_late, no_due, breached_early, invoiced = (reserved_note() for _ in range(5))
    _due(later, now + dt.timedelta(hours=2))
    _due(breached_late, now - dt.timedelta(hours=1))
    _due(no_due, None)
    _due(breached_early, now - dt.timedelta(days=1))
    _due(invoiced, now - dt.timedelta(days=2))
    invoice_issue(note=invoiced, by=finance)
    client = client_for(make_user("division_finance", language="en"))

    text = client.get("/billing/invoices/due/").content.decode()

    rows = re.findall(r"DN-GQ-\d{4}-\d{6}", text)
    assert rows == [n.number for n in (breached_early, breached_late, later, no_due)]
    assert text.count('data-testid="breached"') == 2
    home = client.get("/").content.decode()
    assert 'data-testid="invoices-due-panel"' in home
    assert "Invoices to issue: <strong>4</strong>" in home and "2 breached" in home
    assert home.index(breached_early.number) < home.index(later.number)


def test_invoice_search_by_part_of_its_number_or_title_or_a_documents_whole_number(
    reserved_note: Any, finance: Any, make_user: Any
) -> None:
    first = invoice_issue(note=reserved_note(), by=finance)
    second = invoice_issue(note=reserved_note(), by=finance)
    client = client_for(make_user("division_finance", language="en"))

    def numbers(text: str) -> set[str]:
        page = client.get("/billing/invoices/", {"q": text}).content.decode()
        return set(re.findall(r"FP-GQ-\d{4}-\d{6}", page))

    assert numbers(second.number[-6:]) == {second.number}
    assert numbers(first.delivery_note.number) == {first.number}
    assert numbers(first.order.platform_order_no) == {first.number}
    assert numbers(first.order.number.lower()) == {first.number}
    assert numbers(first.buyer_title[1:]) >= {first.number}
    assert numbers(first.order.number[:-1]) == set()  # a document's number is whole


def test_due_list_is_finances(make_user: Any, due_panel: Any) -> None:
    assert client_for(make_user("sales_rep")).get("/billing/invoices/due/").status_code == 403
    assert client_for(make_user("warehouse")).get("/billing/invoices/").status_code == 200
    home = client_for(make_user("warehouse")).get("/").content.decode()
    assert "invoices-due-panel" not in home


# --- list, detail and credit ---------------------------------------------------------------
def test_invoice_list_filters_and_its_queries_do_not_grow(
    reserved_note: Any, finance: Any, make_user: Any
) -> None:
    first = invoice_issue(note=reserved_note(), by=finance)
    client = client_for(make_user("division_finance", language="en"))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/billing/invoices/").status_code == 200
        return len(queries)

    few = count_queries()
    second = invoice_issue(note=reserved_note(), by=finance)
    credit = invoice_credit(invoice=second, by=finance, reason="wrong title")
    assert count_queries() == few

    def numbers(query: str) -> set[str]:
        text = client.get(f"/billing/invoices/?{query}").content.decode()
        return set(re.findall(r"FP-GQ-\d{4}-\d{6}", text))

    assert numbers("kind=credit_note") == {credit.number}
    assert numbers("status=credited") == {second.number}
    assert numbers(f"q={first.order.number}") == {first.number}
    today = timezone.localdate()
    assert numbers(f"issued_from={today}&issued_to={today}") == {
        first.number,
        second.number,
        credit.number,
    }
    assert numbers(f"issued_to={today - dt.timedelta(days=1)}") == set()


def test_invoice_page_credits_with_a_reason(
    reserved_note: Any, finance: Any, make_user: Any
) -> None:
    invoice = invoice_issue(note=reserved_note(), by=finance)
    client = client_for(make_user("division_finance", language="en"))
    page = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="credit-form"' in page
    assert "贰佰壹拾元整" in page and "Freight" in page and "¥24.16" in page

    blank = client.post(f"/billing/invoices/{invoice.pk}/credit/", {"reason": "  "})
    assert blank["Location"] == f"/billing/invoices/{invoice.pk}/"
    assert not Invoice.objects.filter(kind="credit_note").exists()

    response = client.post(f"/billing/invoices/{invoice.pk}/credit/", {"reason": "wrong title"})
    credit = Invoice.objects.get(kind="credit_note")
    assert response["Location"] == f"/billing/invoices/{credit.pk}/"
    page = client.get(f"/billing/invoices/{credit.pk}/").content.decode()
    assert 'data-testid="original-link"' in page and invoice.number in page
    assert "-¥210.00" in page and "credit-form" not in page
    original = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="credit-note-link"' in original and "credit-form" not in original
    assert "wrong title" in original  # history and the credit note's reason


def test_only_finance_of_the_division_sees_the_credit_form(
    reserved_note: Any, finance: Any, make_user: Any
) -> None:
    invoice = invoice_issue(note=reserved_note(), by=finance)
    hq = client_for(make_user("hq_finance"))
    assert "credit-form" not in hq.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    hq.post(f"/billing/invoices/{invoice.pk}/credit/", {"reason": "x"})
    invoice.refresh_from_db()
    assert invoice.status == "issued"


# --- PDF -------------------------------------------------------------------------------------
@pytest.fixture
def read_back(tmp_path: Path) -> Any:
    missing = [t for t in ("pdftotext", "pdffonts", "pdftoppm", "zbarimg") if not shutil.which(t)]
    if missing:
        pytest.fail(f"Missing {missing}: run scripts/install-system-deps.sh (poppler, zbar).")

    def run(*command: str) -> str:
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout

    def read(data: bytes) -> dict[str, Any]:
        assert data.startswith(b"%PDF")
        path = tmp_path / "invoice.pdf"
        path.write_bytes(data)
        run("pdftoppm", "-r", "200", "-png", str(path), str(tmp_path / "page"))
        images = sorted(str(p) for p in tmp_path.glob("page*.png"))
        codes = subprocess.run(
            ["zbarimg", "--raw", "-q", *images], capture_output=True, text=True, check=False
        ).stdout.split()
        return {
            "text": run("pdftotext", "-layout", str(path), "-"),
            "fonts": run("pdffonts", str(path)),
            "barcodes": codes,
        }

    return read


def test_invoice_pdf_reads_back(
    reserved_note: Any, finance: Any, read_back: Any, make_user: Any
) -> None:
    note = reserved_note(quantity=2)
    invoice = invoice_issue(note=note, by=finance)

    pdf = read_back(invoice_pdf(invoice))

    text = pdf["text"]
    assert "增值税发票" in text and "红字" not in text
    for value in (invoice.number, note.number, invoice.division.name, invoice.buyer_title):
        assert value in text
    assert "贰佰壹拾元整" in text and "¥210.00" in text
    for figure in ("200.00", "23.01", "185.84", "24.16", "1.15", "13%"):
        assert figure in text
    assert "SKU-A" in text and "运费" in text and "价税合计（大写）" in text
    assert re.search(r"WenQuanYiMicroHei\S*\s+TrueType\s+\S+\s+yes", pdf["fonts"]), pdf["fonts"]
    assert pdf["barcodes"] == [note.number]

    response = client_for(make_user("warehouse")).get(f"/billing/invoices/{invoice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{invoice.number}.pdf"'


def test_credit_note_pdf_is_red_letter_and_names_the_original(
    reserved_note: Any, finance: Any, read_back: Any
) -> None:
    invoice = invoice_issue(note=reserved_note(quantity=2), by=finance)
    credit = invoice_credit(invoice=invoice, by=finance, reason="开票信息有误")

    text = read_back(invoice_pdf(credit))["text"]

    assert "红字" in text and credit.number in text and invoice.number in text
    assert "负贰佰壹拾元整" in text and "-¥210.00" in text and "开票信息有误" in text
