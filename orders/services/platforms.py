"""Platforms and their API tokens (only a hash is stored)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.audit import audit_record

from ..models import Platform
from ..models.platform import hash_token

MIN_TOKEN_LENGTH = 12


# Platforms recently authenticated by this process, by token hash: (valid until, platform).
# A platform replays thousands of orders at once; each would otherwise read the same row.
_authenticated: dict[str, tuple[float, Platform]] = {}
_AUTHENTICATED_MAX = 64


def platform_authenticate(*, token: str) -> Platform | None:
    """The active platform whose token this is, or None.

    Only a SHA-256 of the token is compared (tokens are long random strings; no slow
    password hash is needed). A platform found is kept for PLATFORM_AUTH_CACHE_SECONDS
    (default 5; 0 turns this off) by the process that found it: a new token or a
    deactivation saved through the ORM takes effect at once in that process (signals
    below) and within those seconds in every other one. Unknown tokens are never kept."""
    if not token:
        return None
    digest = hash_token(token)
    now = time.monotonic()
    kept = _authenticated.get(digest)
    if kept is not None and kept[0] > now:
        return kept[1]
    platform = Platform.objects.filter(token_hash=digest, is_active=True).first()
    seconds = float(getattr(settings, "PLATFORM_AUTH_CACHE_SECONDS", 5))
    if platform is None or seconds <= 0:
        _authenticated.pop(digest, None)
    else:
        if len(_authenticated) >= _AUTHENTICATED_MAX:
            _authenticated.clear()
        _authenticated[digest] = (now + seconds, platform)
    return platform


def platform_authentication_forget() -> None:
    """Forget every platform this process authenticated (the next request reads again)."""
    _authenticated.clear()


@receiver([post_save, post_delete], sender=Platform, dispatch_uid="platform_auth_forget")
def _platform_changed(**kwargs: Any) -> None:
    # the old token's hash is not known here: forget them all (platforms change rarely)
    platform_authentication_forget()


@transaction.atomic
def platform_set_token(*, platform: Platform, by: Any, token: str = "") -> str:
    """Give the platform a new token (a random one unless `token` is given) and return
    it; it is shown once, only its hash is kept."""
    token = token or secrets.token_urlsafe(32)
    if len(token) < MIN_TOKEN_LENGTH:
        raise ValueError("A token has at least 12 characters.")
    platform.token_hash = hash_token(token)
    platform.token_hint = token[-4:]
    if platform.pk is None:
        platform.save()
    else:
        platform.save(update_fields=["token_hash", "token_hint"])
    audit_record(
        obj=platform, action="platform_token_set", by=by, data={"ends_with": platform.token_hint}
    )
    return token


@transaction.atomic
def platform_create(*, name: str, code: str, by: Any, token: str = "") -> tuple[Platform, str]:
    platform = Platform(name=name, code=code)
    return platform, platform_set_token(platform=platform, by=by, token=token)
