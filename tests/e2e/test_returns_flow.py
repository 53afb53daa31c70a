"""A return above 5,000 CNY through every role's page (SPEC §5): the rep accepts it as a
return, parts support and the logistics lead complete the abnormal-receipt feedback, the
receiver accepts the goods, division finance issues the red-letter credit note, the head
of sales and the e-commerce leader approve, division finance reviews, head-office finance
pays; the customer's SMS are in the portal's outbox. And the return's page at 800 px."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from core.models import SmsMessage
from returns.models import Refund, ReturnRequest
from returns.services import RequestInput, return_request_submit
from tests.fulfilment.conftest import confirmed, stock  # noqa: F401
from tests.returns.conftest import carrier, delivered, people  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _submit(order: Any) -> ReturnRequest:
    line = order.lines.get()
    request, _created = return_request_submit(
        order=order,
        data=RequestInput(kind="return", reason=3, reason_text="外壳破损", lines={line.pk: 1}),
    )
    return request


def _as(page: Any, login: Any, username: str, url: str) -> None:
    page.context.clear_cookies()
    login(username)
    page.goto(url)


def test_a_return_above_the_threshold_from_request_to_payout(
    page: Any,
    login: Any,
    delivered: Any,  # noqa: F811
    people: dict[str, Any],  # noqa: F811
) -> None:
    order = delivered(quantity=1, unit_price="6000.00")
    request = _submit(order)
    url = f"/returns/{request.pk}/"

    _as(page, login, "sales_rep", "/")
    expect(page.locator("[data-testid=panel-returns-review]")).to_contain_text(request.number)
    page.goto(url)
    expect(page.locator("[data-testid=return-status]")).to_have_text("待审核")
    page.check("#accept-kind_0")
    page.fill("#accept-return_freight", "20.00")
    page.click("[data-testid=action-accept]")
    expect(page.locator("[data-testid=return-status]")).to_have_text("已受理：反馈中")
    expect(page.locator("[data-testid=refund-amount]")).to_have_text("¥6,020.00")
    expect(page.locator("[data-testid=approvals-missing]")).to_contain_text("电商领导")

    _as(page, login, "parts_support", url)
    page.click("[data-testid=action-feedback-parts]")
    expect(page.locator("[data-testid=feedback-parts]")).to_contain_text("✓")
    _as(page, login, "logistics_lead", url)
    page.fill("#warehouse-note", "退回总仓")
    page.click("[data-testid=action-feedback-warehouse]")
    expect(page.locator("[data-testid=return-status]")).to_have_text("待收货")
    request.refresh_from_db()
    expect(page.locator("[data-testid=return-order-number]")).to_have_text(
        request.return_order_number
    )

    _as(page, login, "warehouse_receiver", "/")
    expect(page.locator("[data-testid=panel-returns-expected]")).to_contain_text(request.number)
    page.goto(url)
    page.check("#inspect-outcome_0")
    page.click("[data-testid=action-inspect]")
    expect(page.locator("[data-testid=return-status]")).to_have_text("已收货")

    _as(page, login, "division_finance", url)
    page.check("#invoice-handling_0")
    page.click("[data-testid=action-invoice]")
    credit = ReturnRequest.objects.get(pk=request.pk).credit_notes.get()
    expect(page.locator("[data-testid=return-invoice]")).to_contain_text(credit.number)
    expect(page.locator("[data-testid=action-review]")).to_have_count(0)  # not approved yet

    for approver in ("sales_head", "ecom_leader"):
        _as(page, login, approver, "/")
        expect(page.locator("[data-testid=panel-refunds-approve]")).to_contain_text(request.number)
        page.goto(url)
        page.click("[data-testid=action-approve]")
        expect(page.locator("[data-testid=action-approve]")).to_have_count(0)
    expect(page.locator("[data-testid=refund-status]")).to_have_text("已批准")

    _as(page, login, "division_finance", url)
    page.fill("#review-note", "运费票据已核")
    page.click("[data-testid=action-review]")
    expect(page.locator("[data-testid=refund-status]")).to_have_text("财务已审核")

    _as(page, login, "hq_finance", "/")
    expect(page.locator("[data-testid=panel-refunds-pay]")).to_contain_text(request.number)
    page.goto(url)
    page.fill("#pay-reference", "ICBC-20261128-01")
    page.click("[data-testid=action-pay]")
    expect(page.locator("[data-testid=refund-status]")).to_have_text("已付款")
    expect(page.locator("[data-testid=return-status]")).to_have_text("已关闭")
    refund = Refund.objects.get(request=request)
    assert refund.amount == Decimal("6020.00") and refund.payment_reference == "ICBC-20261128-01"
    assert {a.role for a in refund.approvals.all()} == {"sales_head", "ecom_leader"}

    page.set_viewport_size({"width": 800, "height": 900})  # the finished page, every part shown
    page.goto(url)
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    _as(page, login, "sales_rep", f"/sms/?reference={request.number}")
    rows = page.locator("[data-testid=sms-table] tbody tr")
    expected = SmsMessage.objects.filter(reference=request.number).count()
    # received, accepted, return order, goods received, approved, credit note, reviewed,
    # paid, done
    assert expected == 9
    expect(rows).to_have_count(expected)
    expect(page.locator("[data-testid=sms-table]")).to_contain_text("138****5678")
    expect(page.locator("[data-testid=sms-table]")).not_to_contain_text("13812345678")
    expect(page.locator("[data-testid=sms-table]")).to_contain_text("已支付")


def test_the_return_page_fits_800_pixels(
    page: Any,
    login: Any,
    delivered: Any,  # noqa: F811
    people: dict[str, Any],  # noqa: F811
) -> None:
    order = delivered(quantity=1)
    request = _submit(order)
    page.set_viewport_size({"width": 800, "height": 900})
    _as(page, login, "sales_rep", f"/returns/{request.pk}/")
    expect(page.locator("[data-testid=action-accept]")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
