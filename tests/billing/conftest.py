"""Billing fixtures: the fulfilment ones (stock, confirmed orders) and a delivery note with
its stock reserved, ready to invoice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fulfilment.conftest import confirmed, second_product, stock  # noqa: F401


@pytest.fixture
def reserved_note(confirmed: Any, stock: Any, product: Any) -> Callable[..., Any]:  # noqa: F811
    """reserved_note(quantity=2, **order changes) → a delivery note with reserved stock
    (the stock is booked first, so the note is reserved, not waiting)."""
    from fulfilment.services import delivery_note_create

    def build(quantity: int = 2, **changes: Any) -> Any:
        stock(product, quantity)
        order = confirmed(quantity=quantity, **changes)
        [note] = delivery_note_create(order=order, by=None)
        assert note.status == "reserved"
        return note

    return build


@pytest.fixture
def finance(make_user: Any) -> Any:
    return make_user("division_finance")


@pytest.fixture
def billing_cancellation() -> Iterator[None]:
    """The billing cancellation participant, registered as billing/apps.py will do."""
    from billing.services.invoices import invoice_cancellation_participant
    from orders.hooks import (
        STAGE_BILLING,
        cancellation_participants,
        register_cancellation_participant,
        unregister_cancellation_participant,
    )

    registered = "billing" in {name for _stage, name in cancellation_participants()}
    register_cancellation_participant(
        invoice_cancellation_participant, stage=STAGE_BILLING, name="billing"
    )
    yield
    if not registered:
        unregister_cancellation_participant(invoice_cancellation_participant)


@pytest.fixture(autouse=True)
def _messages_in_english() -> Iterator[None]:
    """Service refusals are asserted in English here (pages follow the user's language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
