"""Every fulfilment page, as every demo role, over the demo data and over rows at their
columns' limits: a page answers 200, 403 or 404 — never an error — and each role reaches
the pages of its work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from core.roles import ALL_ROLES
from fulfilment.models import (
    Carrier,
    DeliveryNote,
    FreightRate,
    InboundReceipt,
    LogisticsReport,
    PickList,
    ReplenishmentRequest,
    StockTake,
)
from orders.models import Order

pytestmark = pytest.mark.django_db

LISTS = [
    "/fulfilment/queue/",
    "/fulfilment/notes/",
    "/fulfilment/shipments/",
    "/fulfilment/waves/",
    "/fulfilment/stock/",
    "/fulfilment/stock/moves/",
    "/fulfilment/receipts/",
    "/fulfilment/receipts/new/",
    "/fulfilment/replenishment/",
    "/fulfilment/replenishment/new/",
    "/fulfilment/logistics-reports/",
    "/fulfilment/carriers/",
    "/fulfilment/notes/?q=%00%01&status=nonsense&ship_by=2026-13-45",
    "/fulfilment/stock/?q=" + "x" * 5000,
    "/fulfilment/stock/moves/?date_from=0000-00-00&kind=<script>",
    "/fulfilment/shipments/?day=not-a-day",
    "/fulfilment/stock-takes/",
    "/billing/invoices/",
    "/billing/invoices/due/",
    "/billing/invoices/?q=%E2%80%AE&issued_from=1900-01-01&kind=x",
    "/billing/daily-close/",
    "/billing/daily-close/?status=nonsense&date_from=2026-02-30",
    "/calendar/?year=2026",
    "/audit/?q=" + "审" * 300,
]
# the role → pages it works on (must answer 200)
WORK = {
    "parts_support": ["/fulfilment/queue/", "/fulfilment/notes/", "/fulfilment/stock/"],
    "warehouse": ["/fulfilment/waves/", "/fulfilment/receipts/new/", "/fulfilment/stock/moves/"],
    "division_finance": ["/fulfilment/notes/", "/billing/invoices/due/", "/billing/daily-close/"],
    "hq_finance": ["/billing/daily-close/", "/billing/invoices/"],
    "logistics_lead": ["/fulfilment/carriers/", "/fulfilment/logistics-reports/"],
    "ecom_leader": ["/fulfilment/replenishment/"],
}


def _details() -> list[str]:
    urls = []
    for note in DeliveryNote.objects.all():
        urls += [f"/fulfilment/notes/{note.pk}/", f"/fulfilment/notes/{note.pk}/packing-slip.pdf"]
    for order in Order.objects.all():
        urls.append(f"/fulfilment/orders/{order.pk}/stock-check/")
        urls.append(f"/orders/{order.pk}/")
    urls += [f"/fulfilment/pick-lists/{p.pk}/pdf/" for p in PickList.objects.all()]
    urls += [f"/fulfilment/receipts/{r.pk}/" for r in InboundReceipt.objects.all()]
    urls += [f"/fulfilment/receipts/{r.pk}/pdf/" for r in InboundReceipt.objects.all()]
    urls += [f"/fulfilment/replenishment/{r.pk}/" for r in ReplenishmentRequest.objects.all()]
    urls += [f"/fulfilment/logistics-reports/{r.pk}/" for r in LogisticsReport.objects.all()]
    urls += [f"/fulfilment/logistics-reports/{r.pk}/xlsx/" for r in LogisticsReport.objects.all()]
    urls += [f"/fulfilment/carriers/{c.pk}/" for c in Carrier.objects.all()]
    urls += [f"/fulfilment/stock-takes/{s.pk}/pdf/" for s in StockTake.objects.all()]
    urls += [f"/fulfilment/stock-takes/{s.pk}/" for s in StockTake.objects.all()]
    from billing.models import DailyClose, Invoice

    for invoice in Invoice.objects.all():
        urls += [f"/billing/invoices/{invoice.pk}/", f"/billing/invoices/{invoice.pk}/pdf/"]
    for close in DailyClose.objects.all()[:3]:
        urls += [
            f"/billing/daily-close/{close.pk}/",
            f"/billing/daily-close/{close.pk}/ledger.xlsx",
            f"/billing/daily-close/{close.pk}/statement.xlsx",
        ]
    return urls


def _extremes() -> None:
    """Rows at their columns' limits, with characters a careless platform sends."""
    long = "仓" * 100
    carrier = Carrier.objects.create(code="X" * 16, name=long, tracking_pattern="")
    FreightRate.objects.create(
        carrier=carrier,
        province_code="65",
        first_weight_kg=Decimal("9999.99"),
        first_price=Decimal("99999999.99"),
        additional_price_per_kg=Decimal("99999999.99"),
    )
    note = DeliveryNote.objects.filter(status="waiting").first()
    if note is not None:
        DeliveryNote.objects.filter(pk=note.pk).update(
            note="<b>" + "注" * 190 + "</b>", partial_agreed_with="'\\\"<i>" + "王" * 90
        )


def test_every_page_as_every_role_never_fails() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _extremes()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ALL_ROLES)}
    urls = LISTS + _details()
    failures = []
    for role in ALL_ROLES:
        client = Client()
        client.force_login(users[role])
        for url in urls:
            status = client.get(url).status_code
            if status not in (200, 302, 403, 404) and not (status == 400 and "%00" in url):
                failures.append((role, url, status))
        for url in WORK.get(role, []):
            if client.get(url).status_code != 200:
                failures.append((role, url, "not reachable"))
    assert failures == []
