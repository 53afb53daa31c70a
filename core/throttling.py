"""Login throttling: after repeated failures a user name (and the client address) is
locked for a while. Counters live in the cache shared by every web process."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "LOGIN_FAILURE_LIMIT", 5),
        getattr(settings, "LOGIN_LOCK_SECONDS", 15 * 60),
    )


def login_is_locked(*, username: str, address: str) -> bool:
    limit, _seconds = _limits()
    by_user = cache.get(_key("user", username), 0)
    by_address = cache.get(_key("address", address), 0)
    return by_user >= limit or by_address >= limit * 4


def login_failed(*, username: str, address: str) -> None:
    _limit, seconds = _limits()
    for key in (_key("user", username), _key("address", address)):
        if cache.add(key, 1, seconds):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, seconds)


def login_succeeded(*, username: str) -> None:
    cache.delete(_key("user", username))
