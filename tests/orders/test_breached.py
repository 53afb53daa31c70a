""" "Breached" is defined once (`Order.objects.breached`, `Order.is_breached`) and the home
count, the triage list, the SLA scan, the SLA report and the pages all agree on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import reports, selectors, services
from orders.models import Order, SlaBreach
from tests.orders.factories import aware, order_in_state, receive

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, a working day: placed 14:50, so it ships that day; identification is
# due 15:05, the invoice 15:00 (the cut-off on the ship-by day), the hand-over 17:30.
PLACED = "2026-03-02T14:50:00+08:00"
NOW = aware("2026-03-02T15:10:00+08:00")


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("sales_lead", username="lead")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_queryset_and_row_predicate_agree_at_the_boundary(
    platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform, placed_at=PLACED)
    due = order.next_due_at
    assert due == aware("2026-03-02T15:05:00+08:00")

    for now, expected in [
        (due - dt.timedelta(microseconds=1), False),
        (due, False),  # due exactly now is still on time (SPEC §2: "≤ 15 min")
        (due + dt.timedelta(microseconds=1), True),
    ]:
        assert order.is_breached(now) is expected
        assert Order.objects.breached(now).filter(pk=order.pk).exists() is expected


def test_finished_and_cancelled_orders_are_never_breached(
    platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    cancelled = order_in_state("cancelled", platform=platform, division=division, placed_at=PLACED)
    later = NOW + dt.timedelta(days=30)

    assert cancelled.next_due_at is None or not cancelled.is_breached(later)
    assert not Order.objects.breached(later).exists()


def test_home_count_list_scan_and_report_agree_on_one_breached_order(
    platform: Any, product: Any, warehouses: Any, lead: Any
) -> None:
    """The reproduction: with identification late and the invoice cut-off passed while
    identification still runs, the home page's SLA panel counted 2 overdue (identify and
    invoice) while the triage list showed 1 breached order."""
    order = receive(platform, placed_at=PLACED)
    day = dt.date(2026, 3, 2)

    home_count = selectors.triage_summary(user=lead, now=NOW)["breached"]
    listed = list(selectors.order_list_for_user(user=lead, filters={"breached": True}, now=NOW))
    totals = reports.sla_totals(reports.sla_report(user=lead, date_from=day, date_to=day, now=NOW))
    report_overdue = sum(t.overdue for t in totals)
    flagged = services.sla_scan(now=NOW)

    assert [o.pk for o in listed] == [order.pk]
    assert (home_count, report_overdue, flagged) == (1, 1, 1)
    assert [(t.step, t.overdue, t.pending) for t in totals] == [
        ("identify", 1, 0),
        ("invoice", 0, 1),  # its cut-off passed, but it is not the running step yet
        ("handover", 0, 1),
    ]
    assert list(SlaBreach.objects.values_list("order_id", "step")) == [(order.pk, "identify")]


def test_list_marks_exactly_the_rows_the_breached_filter_lists(
    platform: Any, product: Any, warehouses: Any, lead: Any
) -> None:
    late = receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    fresh = receive(platform, placed_at=timezone.now().isoformat())
    assert fresh.next_due_at is not None and fresh.next_due_at > timezone.now()

    everything = _client(lead).get(reverse("orders:order-list") + "?status=")
    breached_only = _client(lead).get(reverse("orders:order-list") + "?breached=on")

    assert [o.pk for o in breached_only.context["orders"]] == [late.pk]
    assert everything.content.decode().count('class="breached"') == 1


def test_detail_marks_the_running_step_only_when_the_order_is_breached(
    platform: Any, product: Any, warehouses: Any, lead: Any
) -> None:
    order = receive(platform, placed_at="2026-03-02T10:00:00+08:00")

    response = _client(lead).get(reverse("orders:order-detail", args=[order.pk]))

    marked = [s["label"] for s in response.context["steps"] if s["breached"] or s["late"]]
    # identify is breached; the invoice and hand-over are past due too, but not running
    assert [str(label) for label in marked] == [str(response.context["steps"][0]["label"])]
    assert response.content.decode().count('class="breached"') == 1
