"""The SLA breach scan (idempotent, notifies the step's role and its lead) and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.audit import audit_history
from core.models import Notification
from orders import reports, services
from orders.models import Order, SlaBreach
from tests.orders.factories import order_in_state, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user: Any, other_division: Any) -> dict[str, Any]:
    return {
        "rep": make_user("sales_rep"),
        "lead": make_user("sales_lead"),
        "parts": make_user("parts_support"),
        "far_rep": make_user("sales_rep", divisions=[other_division]),
    }


def test_scan_flags_a_breach_once_and_notifies_role_and_lead(
    platform: Any, product: Any, warehouses: Any, staff: dict[str, Any]
) -> None:
    late = receive(platform, placed_at="2026-03-02T10:00:00+08:00")  # identify due 10:15
    receive(platform, placed_at=timezone.now().isoformat())  # not due yet (or not by much)

    first = services.sla_scan(now=timezone.now())
    second = services.sla_scan(now=timezone.now())

    assert (first, second) == (1, 0)
    breach = SlaBreach.objects.get(order=late)
    assert breach.step == "identify" and breach.due_at == late.identify_due_at
    recipients = set(
        Notification.objects.filter(
            topic="orders.sla_breach", link__endswith=f"/{late.pk}/"
        ).values_list("recipient__username", flat=True)
    )
    assert recipients == {staff["rep"].username, staff["lead"].username}
    assert audit_history(late).filter(action="sla_breached").count() == 1


def test_breach_mail_carries_the_absolute_link_and_the_inbox_the_relative_one(
    platform: Any,
    product: Any,
    warehouses: Any,
    staff: dict[str, Any],
    settings: Any,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PORTAL_BASE_URL = "https://portal.example.cn/"
    late = receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    staff["rep"].email = "rep@example.cn"
    staff["rep"].save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        services.sla_scan()

    url = f"https://portal.example.cn/orders/{late.pk}/"
    notice = Notification.objects.get(recipient=staff["rep"])
    assert notice.link == f"/orders/{late.pk}/"
    assert notice.body.endswith(url)
    mail = next(m for m in mailoutbox if m.to == ["rep@example.cn"])
    assert url in mail.body


def test_breach_mail_link_defaults_to_the_local_portal(
    platform: Any, product: Any, warehouses: Any, staff: dict[str, Any], settings: Any
) -> None:
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"  # the default in base settings
    late = receive(platform, placed_at="2026-03-02T10:00:00+08:00")

    services.sla_scan()

    body = Notification.objects.get(recipient=staff["rep"]).body
    assert body.endswith(f"http://127.0.0.1:8000/orders/{late.pk}/")


def test_scan_ignores_orders_not_yet_due(
    platform: Any, product: Any, warehouses: Any, staff: dict[str, Any]
) -> None:
    order = receive(platform, placed_at=timezone.now().isoformat())

    assert services.sla_scan(now=order.identify_due_at - dt.timedelta(seconds=1)) == 0
    assert services.sla_scan(now=order.identify_due_at + dt.timedelta(seconds=1)) == 1
    assert not Notification.objects.filter(recipient=staff["parts"]).exists()


def test_a_later_step_breach_is_a_new_breach_and_completion_is_recorded(
    platform: Any, product: Any, warehouses: Any, staff: dict[str, Any]
) -> None:
    order = receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    services.sla_scan()
    order = services.order_link_customer(order=order, customer=_customer(order), by=staff["rep"])

    breach = SlaBreach.objects.get(order=order, step="identify")
    assert breach.completed_at == order.identified_at
    assert services.sla_scan(now=order.sales_order_due_at + dt.timedelta(minutes=1)) == 1
    assert SlaBreach.objects.filter(order=order, step="sales_order").exists()


def test_closed_and_cancelled_orders_are_not_flagged(
    platform: Any, product: Any, division: Any, warehouses: Any
) -> None:
    order_in_state(
        "cancelled", platform=platform, division=division, placed_at="2026-03-02T10:00:00+08:00"
    )

    assert services.sla_scan() == 0


def _customer(order: Order) -> Any:
    from tests.orders.factories import CustomerFactory, credit_code

    return CustomerFactory(division=order.division, org_code=credit_code("13131313"))


def test_sla_report_per_step_day_and_user(
    platform: Any, product: Any, warehouses: Any, staff: dict[str, Any], division: Any
) -> None:
    now = timezone.now()
    on_time = receive(platform, placed_at=now.isoformat())
    late = receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    services.order_link_customer(order=on_time, customer=_customer(on_time), by=staff["rep"])
    services.order_create_customer(
        order=late, by=staff["lead"], data={"name": "迟到公司", "org_code": "D2143569X"}
    )
    on_time.refresh_from_db()
    late.refresh_from_db()

    rows = reports.sla_report(
        user=staff["lead"],
        date_from=dt.date(2026, 3, 1),
        date_to=timezone.localdate() + dt.timedelta(days=7),
        step="identify",
    )

    by_user = {(r.day, r.user): (r.total, r.on_time, r.late, r.overdue) for r in rows}
    assert by_user[(dt.date(2026, 3, 2), staff["lead"].username)] == (1, 0, 1, 0)
    on_time_day = timezone.localtime(on_time.identify_due_at).date()
    assert by_user[(on_time_day, staff["rep"].username)] == (1, 1, 0, 0)
    totals = reports.sla_totals(rows)
    assert [(t.step, t.total, t.on_time, t.late) for t in totals] == [("identify", 2, 1, 1)]
    assert totals[0].compliance == 50.0
    assert (
        reports.sla_report(
            user=staff["far_rep"],
            date_from=dt.date(2026, 3, 1),
            date_to=timezone.localdate() + dt.timedelta(days=7),
        )
        == []
    )


def test_beat_runs_the_scan_every_minute_through_an_idempotent_task(
    platform: Any, product: Any, warehouses: Any, settings: Any
) -> None:
    from celery.schedules import crontab

    from orders.tasks import sla_scan_task

    receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    entry = settings.CELERY_BEAT_SCHEDULE["orders-sla-scan"]

    assert entry["task"] == "orders.tasks.sla_scan_task"
    assert entry["schedule"] == crontab()
    assert sla_scan_task.delay().get() == 1
    assert sla_scan_task.delay().get() == 0
