"""The client address behind the reverse proxy (core.client_address) and the login
lock-out that keys on it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from core.client_address import client_address

PROXY = "10.0.0.5"


def request_from(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = [PROXY, "192.168.10.0/24"]
    return settings


def test_without_configuration_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_HEADER = ""
    settings.TRUSTED_PROXIES = []

    assert client_address(request_from(PROXY, "203.0.113.7")) == PROXY


def test_header_configured_but_no_trusted_proxy_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = []

    assert client_address(request_from(PROXY, "203.0.113.7")) == PROXY


def test_from_the_trusted_proxy_the_forwarded_client_counts(behind_proxy: Any) -> None:
    assert client_address(request_from(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(behind_proxy: Any) -> None:
    # a client talking to the app directly cannot choose its address with the header
    assert client_address(request_from("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_the_spoofed_left_most_entry_is_not_believed(behind_proxy: Any) -> None:
    # the client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the peer it saw
    request = request_from(PROXY, "1.2.3.4, 203.0.113.7")

    assert client_address(request) == "203.0.113.7"


def test_trusted_proxies_in_the_chain_are_skipped_from_the_right(behind_proxy: Any) -> None:
    request = request_from(PROXY, "1.2.3.4, 203.0.113.7, 192.168.10.20")

    assert client_address(request) == "203.0.113.7"


def test_only_proxies_in_the_chain_gives_the_left_most(behind_proxy: Any) -> None:
    assert client_address(request_from(PROXY, "192.168.10.21, 192.168.10.20")) == "192.168.10.21"


def test_garbage_where_the_proxy_writes_falls_back_to_the_proxy(behind_proxy: Any) -> None:
    assert client_address(request_from(PROXY, "1.2.3.4, not-an-address")) == PROXY
    assert client_address(request_from(PROXY, "")) == PROXY


def test_ipv6_clients_and_proxies(settings: Any) -> None:
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["::1"]

    assert client_address(request_from("::1", "2001:db8::7")) == "2001:db8::7"


@pytest.mark.django_db
def test_login_lock_out_by_address_counts_clients_behind_the_proxy_apart(
    behind_proxy: Any, make_user: Any
) -> None:
    """Two clients behind the same proxy: the one who fails often is locked out by address,
    the other is not (with REMOTE_ADDR both would share the proxy's counter)."""
    cache.clear()
    behind_proxy.LOGIN_FAILURE_LIMIT = 1  # the address locks after 4 failures
    make_user("sales_rep", username="rep")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for number in range(4):
        attacker.post("/login/", {"username": f"nobody-{number}", "password": "wrong"})

    locked = attacker.post("/login/", {"username": "rep", "password": "pass-for-tests"})
    allowed = colleague.post("/login/", {"username": "rep", "password": "pass-for-tests"})

    assert locked.status_code == 200 and "_auth_user_id" not in attacker.session
    assert allowed.status_code == 302
    cache.clear()
