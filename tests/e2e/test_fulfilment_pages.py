"""The fulfilment pages in Chromium over the demo data: each as the role that uses it, in
Chinese and English, 1366 and 800 px wide; the body never scrolls sideways; screenshots
of the viewport go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from fulfilment.models import DeliveryNote
from orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _pages() -> dict[str, tuple[str, str, str, str]]:
    """name → (role, url, Chinese text, English text)."""
    confirmed = Order.objects.get(platform_order_no="DEMO-MALL-0005")
    partial = DeliveryNote.objects.get(order__platform_order_no="DEMO-MALL-0014", kind="partial")
    invoiced = DeliveryNote.objects.filter(status="invoiced").first()
    assert invoiced is not None
    return {
        "fulfilment-queue": (
            "parts_support",
            "/fulfilment/queue/",
            "交货单",
            "Delivery-note queue",
        ),
        "stock-check": (
            "parts_support",
            f"/fulfilment/orders/{confirmed.pk}/stock-check/",
            "分批发货",
            "Partial delivery",
        ),
        "note-partial": (
            "sales_rep",
            f"/fulfilment/notes/{partial.pk}/",
            "交货单",
            "Partially shipped",
        ),
        "note-hand-over": (
            "warehouse",
            f"/fulfilment/notes/{invoiced.pk}/",
            "运单号",
            "Tracking number",
        ),
        "waves": ("warehouse", "/fulfilment/waves/", "拣货单", "pick list"),
        "stock": ("warehouse", "/fulfilment/stock/", "可用", "Available"),
        "receipt-new": ("warehouse", "/fulfilment/receipts/new/", "入库单", "receipt"),
        "replenishment": ("ecom_leader", "/fulfilment/replenishment/", "采购申请", "Replenishment"),
        "carriers": ("logistics_lead", "/fulfilment/carriers/", "承运商", "Carriers"),
    }


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(username: str, width: int) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1366, 800])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_fulfilment_pages_fit_and_speak_the_users_language(
    demo: None, session: Any, language: str, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    get_user_model().objects.update(language=language)
    pages: dict[str, Any] = {}
    for name, (role, url, chinese, english) in _pages().items():
        page = pages.get(role) or pages.setdefault(role, session(role, width))
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, url)
        expect(page.locator("main")).to_contain_text(chinese if language == "zh-hans" else english)
        if width <= 800:
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width}.png"))
