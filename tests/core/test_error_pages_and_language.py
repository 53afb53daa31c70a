"""Issue 8 §12 (error pages in the portal's layout and language) and §20 (a language
switch on the log-in page). The test settings run with DEBUG=False."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_debug_is_off_in_these_tests() -> None:
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "页面不存在"), ("en", "Page not found")]
)
def test_404_in_the_layout_and_the_users_language(make_user: Any, language: str, text: str) -> None:
    client = Client()
    client.force_login(make_user("sales_rep", language=language))

    response = client.get("/orders/999999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert text in page and 'class="topbar"' in page and 'data-testid="home-link"' in page
    assert "Not Found" not in page


def test_403_in_the_layout_with_a_way_back(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("warehouse", language="en"))

    response = client.get("/orders/customers/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "No access" in page and 'href="/"' in page and 'class="topbar"' in page


def test_400_page_is_the_portals(client: Client) -> None:
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    assert 'data-testid="error-page"' in response.content.decode()


def test_500_renders_without_the_request_context(
    make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler must not need what may have failed: here the context processor that
    builds the menu raises too, and the error page still renders (in English)."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr("core.views.panels_for", broken)
    monkeypatch.setattr("core.context_processors.navigation_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(make_user("sales_rep", language="en"))

    response = client.get("/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error" in page and 'data-testid="home-link"' in page
    assert "css/portal.css" in page


def test_language_chosen_before_log_in_applies_and_is_kept_at_log_in(make_user: Any) -> None:
    user = make_user("sales_rep", username="lin")
    client = Client()
    assert "登录" in client.get("/login/").content.decode()

    response = client.post("/language/", {"language": "en", "next": "/login/"})

    assert response.status_code == 302 and response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert "Log in" in page and 'data-testid="login-language"' in page
    client.post("/login/", {"username": "lin", "password": "pass-for-tests"})
    user.refresh_from_db()
    assert user.language == "en"


def test_language_switch_refuses_unknown_languages_and_foreign_targets(client: Client) -> None:
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_csrf_failure_is_the_portals_page_too() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-testid="error-page"' in page and "表单已过期" in page
