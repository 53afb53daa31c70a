from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.working_calendar import calendar_changed
from tests.factories import DivisionFactory, UserFactory, WarehouseFactory


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Each test sees the special-day table as its own transaction left it."""
    calendar_changed()
    yield
    calendar_changed()


@pytest.fixture
def division(db: Any) -> Any:
    return DivisionFactory(code="GQ", name="工起事业部")


@pytest.fixture
def other_division(db: Any) -> Any:
    return DivisionFactory(code="DQ", name="电气事业部")


@pytest.fixture
def warehouses(division: Any) -> dict[str, Any]:
    return {
        "main": WarehouseFactory(division=division, kind="main", code="GQ-MAIN", name="总仓"),
        "central": WarehouseFactory(
            division=division, kind="central", code="GQ-CENTRAL", name="中心仓"
        ),
    }


@pytest.fixture
def platform(db: Any) -> Any:
    from tests.orders.factories import PlatformFactory

    return PlatformFactory()


@pytest.fixture
def product(division: Any) -> Any:
    from tests.orders.factories import ListedProductFactory

    return ListedProductFactory(sku="SKU-A", division=division)


@pytest.fixture
def english() -> Any:
    """Messages in English for assertions on their text."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def make_user(division: Any) -> Callable[..., Any]:
    """make_user("sales_rep") → a user of that role in division GQ (or the given ones)."""

    def build(*roles: str, divisions: Any = None, username: str | None = None, **extra: Any) -> Any:
        kwargs: dict[str, Any] = {"roles": roles, "division_list": divisions or [division]}
        if username:
            kwargs["username"] = username
        return UserFactory(**kwargs, **extra)

    return build


# --- browser tests --------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page: Any) -> Callable[[str, str], None]:
    def do_login(username: str, password: str = "pass-for-tests") -> None:
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")

    return do_login
