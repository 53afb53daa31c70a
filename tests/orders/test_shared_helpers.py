"""The helpers every app shares (issue 7 §2): one transition check on django-fsm-2's public
API, one POST-action view that turns any domain refusal or lost race into a message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_fsm import ConcurrentTransition

from core.exceptions import DomainError
from core.transitions import (
    transition_permitted,
    transition_possible,
    transition_unmet_conditions,
    transitions_for_user,
)
from orders import services
from orders.models import Order
from tests.orders.factories import order_in_state

ROOT = Path(__file__).resolve().parents[2]
S = Order.Status


def test_no_application_code_reads_django_fsm_internals() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for app in ("core", "catalog", "orders", "fulfilment", "billing", "returns")
        for path in (ROOT / app).rglob("*.py")
        if re.search(r"\._django_fsm\b", path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_state_role_and_conditions_are_answered_apart(
    platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any
) -> None:
    order = order_in_state(S.IDENTIFIED, platform=platform, division=division)
    rep, warehouse = make_user("sales_rep"), make_user("warehouse")

    assert transition_possible(order, "confirm") and not transition_possible(order, "ship")
    assert transition_permitted(order, "confirm", user=rep)
    assert not transition_permitted(order, "confirm", user=warehouse)
    assert transitions_for_user(order, user=rep, names=["confirm", "cancel", "ship"]) == [
        "confirm",
        "cancel",
    ]
    Order.objects.filter(pk=order.pk).update(invoice_title="")
    order.refresh_from_db()
    assert transition_unmet_conditions(order, "confirm") == ["has_invoice_title"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "refusal",
    [DomainError("结算期已锁定"), ConcurrentTransition("changed meanwhile")],
    ids=["domain-error", "lost-race"],
)
def test_an_order_action_refused_below_orders_becomes_a_message_not_a_500(
    client: Any,
    platform: Any,
    division: Any,
    warehouses: Any,
    product: Any,
    make_user: Any,
    monkeypatch: Any,
    refusal: Exception,
) -> None:
    order = order_in_state(S.CONFIRMED, platform=platform, division=division)

    def refuse(**kwargs: Any) -> None:
        raise refusal

    monkeypatch.setattr(services, "order_cancel", refuse)
    client.force_login(make_user("sales_rep"))

    response = client.post(
        reverse("orders:order-cancel", args=[order.pk]), {"reason": "customer withdrew"}
    )

    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    expected = (
        "结算期已锁定" if isinstance(refusal, DomainError) else "其他人刚刚修改了该数据,请重试。"
    )
    assert texts == [expected]
    assert Order.objects.get(pk=order.pk).status == S.CONFIRMED
