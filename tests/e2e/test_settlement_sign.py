"""The monthly settlement in the browser (SPEC §4): division finance opens and computes
the period (the progress bar follows the Celery task), then the sales lead, division
finance and HQ finance each sign, and the page shows the period as locked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Settlement, SettlementSignature
from billing.services.settlement import (
    period_of,
    settlement_compute,
    settlement_compute_start,
    settlement_open,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ("sales_lead", "division_finance", "hq_finance")


def test_three_users_sign_and_the_period_shows_locked(
    page: Any, login: Any, make_user: Any, division: Any
) -> None:
    names = {"sales_lead": "王组长", "division_finance": "李财务", "hq_finance": "赵总部"}
    for role in ROLES:
        make_user(role, username=role, first_name=names[role])
    page.on("dialog", lambda dialog: dialog.accept())  # "Sign these figures as …?"

    login("division_finance")
    page.goto("/billing/settlements/")
    page.click("[data-testid=open-submit]")
    expect(page.locator("[data-testid=compute]")).to_be_visible()
    page.click("[data-testid=compute]")  # the task runs eagerly in the tests
    expect(page.locator("[data-testid=net-due]")).to_have_text("0.00")
    settlement = Settlement.objects.get()
    assert (settlement.first_day, settlement.last_day) == period_of(timezone.localdate())
    assert settlement.status == Settlement.Status.COMPUTED

    detail = f"/billing/settlements/{settlement.pk}/"
    for index, role in enumerate(("division_finance", "sales_lead", "hq_finance")):
        if index:
            page.context.clear_cookies()
            login(role)
            page.goto(detail)
        page.click(f"[data-testid=sign-{role}]")
        expect(page.locator(f"[data-testid=signature-{role}]")).to_contain_text(names[role])
        if index < 2:
            expect(page.locator("[data-testid=withdraw]")).to_be_visible()
            expect(page.locator("[data-testid=settlement-locked]")).to_have_count(0)

    expect(page.locator("[data-testid=settlement-locked]")).to_be_visible()
    # (the status label is translated by the lead: assert the state, not the words)
    expect(page.locator("[data-testid=settlement-status]")).to_have_class(re.compile("locked"))
    expect(page.locator("[data-testid=withdraw]")).to_have_count(0)
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.LOCKED and settlement.locked_at is not None
    assert SettlementSignature.objects.filter(withdrawn_at__isnull=True).count() == 3
    page.goto("/billing/settlements/")
    row = page.locator(f"[data-testid=settlement-{settlement.pk}]")
    expect(row.locator(".status")).to_have_class(re.compile("status-locked"))


def test_the_progress_bar_follows_the_computation_and_the_page_reloads(
    page: Any, login: Any, make_user: Any, division: Any
) -> None:
    make_user("division_finance", username="division_finance")
    settlement = settlement_open(division=division, day=timezone.localdate())
    settlement_compute_start(settlement=settlement)
    login("division_finance")
    page.goto(f"/billing/settlements/{settlement.pk}/")
    bar = page.locator("[data-testid=settlement-progress]")
    expect(bar).to_be_visible()
    Settlement.objects.filter(pk=settlement.pk).update(progress=60)
    expect(bar).to_have_attribute("value", "60")
    expect(page.locator("[data-settlement-progress-label]")).to_have_text("60 %")
    settlement_compute(settlement=settlement)
    expect(page.locator("[data-testid=net-due]")).to_be_visible()
    expect(bar).to_have_count(0)
