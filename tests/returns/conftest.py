"""Returns fixtures: a delivered order (stock booked, delivery note, invoice issued through
billing, handed over, receipt confirmed) and the people of the flow."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fulfilment.conftest import confirmed, second_product, stock  # noqa: F401

_tracking = itertools.count(700000001)


@pytest.fixture
def carrier(db: Any) -> Any:
    from fulfilment.models import Carrier

    return Carrier.objects.create(code="SF", name="顺丰速运")


@pytest.fixture
def delivered(
    stock: Any,  # noqa: F811
    confirmed: Any,  # noqa: F811
    product: Any,
    carrier: Any,
) -> Callable[..., Any]:
    """delivered(quantity=2, unit_price="100.00", freight="10.00", received_at=None,
    lines=None) → an order shipped in one note (invoiced by billing) whose receipt was
    confirmed at `received_at` (default: now)."""
    from django.utils import timezone

    from billing.services.invoices import invoice_issue
    from fulfilment.services import delivery_note_create, shipment_create
    from orders.services import order_mark_delivered

    def build(
        quantity: int = 2,
        *,
        unit_price: str = "100.00",
        freight: str = "10.00",
        received_at: dt.datetime | None = None,
        lines: list[dict[str, Any]] | None = None,
        extra_stock: int = 0,
    ) -> Any:
        lines = lines or [{"sku": product.sku, "quantity": quantity, "unit_price": unit_price}]
        from catalog.models import Product

        for line in lines:
            stock(Product.objects.get(sku=line["sku"]), line["quantity"] + extra_stock)
        received_at = received_at or timezone.now()
        shipped_at = received_at - dt.timedelta(days=1)
        order = confirmed(lines=lines, freight=freight)
        [note] = delivery_note_create(order=order, by=None, at=shipped_at - dt.timedelta(hours=2))
        invoice_issue(note=note, by=None, at=shipped_at - dt.timedelta(hours=1))
        note.refresh_from_db()
        shipment_create(
            note=note,
            by=None,
            carrier=carrier,
            tracking_number=f"SF{next(_tracking)}",
            parcels=1,
            weight_kg="1",
            at=shipped_at,
        )
        order.refresh_from_db()
        order = order_mark_delivered(order=order, at=received_at)
        return order

    return build


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    roles = (
        "sales_rep",
        "parts_support",
        "logistics_lead",
        "warehouse_receiver",
        "division_finance",
        "hq_finance",
        "sales_head",
        "ecom_leader",
    )
    return {role: make_user(role, username=role) for role in roles}


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Service refusals are asserted in English here (pages follow the user's language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
