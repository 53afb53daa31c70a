"""The order desk's pages in Chromium (issue 8, closing paragraph and §13, §20): each page
as the role that uses it, in Chinese and English, 1366 and 800 px wide; the body never
scrolls sideways; screenshots of the viewport (PNG) go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from orders import services
from orders.models import Order
from tests.orders.factories import (
    CustomerFactory,
    ListedProductFactory,
    PlatformFactory,
    credit_code,
    order_in_state,
    receive,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"

# page → (role that uses it, text it shows in Chinese, in English)
KEY_TEXTS = {
    "triage": ("sales_rep", "订单分拣", "Order triage"),
    "order": ("sales_rep", "确认销售订单", "Confirm the sales order"),
    "customer": ("sales_rep", "主数据", "Master data"),
    "key-in": ("sales_rep", "录入订单", "Key in an order"),
    "audit": ("admin", "审计日志", "Audit log"),
    "calendar": ("admin", "工作日历", "Working calendar"),
}


@pytest.fixture
def desk(make_user: Any, division: Any, warehouses: Any) -> dict[str, Any]:
    platform = PlatformFactory()
    ListedProductFactory(sku="SKU-A", division=division, name="工业除湿机 DH-50")
    receive(platform, platform_order_no="MALL-UX-1")
    receive(platform, platform_order_no="MALL-UX-2", **{"ship_to.province": "新疆"})
    order = order_in_state("identified", platform=platform, division=division)
    CustomerFactory(
        division=division, name="苏州某某机械有限公司", org_code=credit_code("12121212")
    )
    return {
        "sales_rep": make_user("sales_rep", username="rep_ux", first_name="刘代表"),
        "admin": make_user("admin", username="admin_ux", is_staff=True),
        "order": order,
    }


def _urls(desk: dict[str, Any]) -> dict[str, str]:
    order = desk["order"]
    return {
        "triage": "/orders/?status=received&status=identified",
        "order": f"/orders/{order.pk}/",
        "customer": f"/orders/customers/{order.customer.pk}/",
        "key-in": "/orders/new/",
        "audit": "/audit/",
        "calendar": "/calendar/",
    }


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Any]:
    """session(user, width) → a signed-in page of that width."""
    contexts: list[Any] = []

    def open_as(user: Any, width: int) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "pass-for-tests")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1366, 800])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_desk_pages_fit_and_speak_the_users_language(
    session: Any, desk: dict[str, Any], language: str, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for role in ("sales_rep", "admin"):
        desk[role].language = language
        desk[role].save(update_fields=["language"])
        pages[role] = session(desk[role], width)
    for name, url in _urls(desk).items():
        role, chinese, english = KEY_TEXTS[name]
        page = pages[role]
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, url)
        expect(page.locator("main")).to_contain_text(chinese if language == "zh-hans" else english)
        assert page.locator("html").get_attribute("lang") == language
        if width <= 800:
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width}.png"))


def test_cancelling_asks_first_and_dismissing_does_nothing(
    session: Any, desk: dict[str, Any]
) -> None:
    order = desk["order"]
    page = session(desk["sales_rep"], 1366)
    page.goto(f"/orders/{order.pk}/")
    page.fill("[data-testid=cancel-form] #id_reason", "买家重复下单")
    shown: list[str] = []

    def dismiss(dialog: Any) -> None:
        shown.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=cancel-form] button[type=submit]")
    page.wait_for_timeout(500)
    order.refresh_from_db()
    assert order.status == Order.Status.IDENTIFIED
    assert shown and order.number in shown[0] and "释放" in shown[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=cancel-form] button[type=submit]")
    expect(page.locator("[data-testid=order-status]")).to_have_text("已取消")
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_key_in_form_fills_the_listed_price_and_follows_the_buyer_kind(
    session: Any, desk: dict[str, Any]
) -> None:
    page = session(desk["sales_rep"], 1366)
    page.goto("/orders/new/")
    expect(page.locator("#id_buyer_id_number")).to_be_hidden()
    expect(page.locator("#id_buyer_org_code")).to_be_visible()
    page.check("input[name=buyer_kind][value=individual]")
    expect(page.locator("#id_buyer_id_number")).to_be_visible()
    expect(page.locator("#id_buyer_org_code")).to_be_hidden()

    page.fill("#id_lines-0-sku", "sku-a")
    page.press("#id_lines-0-sku", "Tab")
    expect(page.locator("#id_lines-0-unit_price")).to_have_value("100.00")
    expect(page.locator("[data-testid=sku-product]").first).to_contain_text("工业除湿机 DH-50")

    page.click("button.primary")  # almost everything missing
    summary = page.locator("[data-testid=error-summary]")
    expect(summary).to_be_visible()
    summary.locator("a[href='#id_platform_order_no']").click()
    assert page.evaluate("document.activeElement.id") in ("id_platform_order_no", "")
    assert page.input_value("#id_lines-0-sku") == "SKU-A"  # the input is kept


def test_login_page_switches_language_before_signing_in(page: Any, make_user: Any) -> None:
    make_user("sales_rep", username="lin")
    page.goto("/login/")
    expect(page.locator("h1")).to_have_text("登录")
    page.click("[data-testid=login-language] button[value=en]")
    expect(page.locator("h1")).to_have_text("Log in")
    page.fill("#id_username", "lin")
    page.fill("#id_password", "pass-for-tests")
    page.click("form[action='/login/'] button[type=submit]")
    expect(page.locator(".mainnav")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"


def test_confirm_error_keeps_the_input_in_the_browser(session: Any, desk: dict[str, Any]) -> None:
    order = desk["order"]
    page = session(desk["sales_rep"], 1366)
    page.goto(f"/orders/{order.pk}/")
    page.fill("#id_invoice_title", "改过的抬头")
    page.fill("#id_freight", "-5")
    page.click("[data-testid=confirm-submit]")
    expect(page.locator("#confirm-form")).to_contain_text("≥ 0")
    assert page.input_value("#id_invoice_title") == "改过的抬头"
    assert page.input_value("#id_freight") == "-5"
    order.refresh_from_db()
    assert order.status == Order.Status.IDENTIFIED
    services.order_cancel(order=order, by=None, reason="cleanup")
