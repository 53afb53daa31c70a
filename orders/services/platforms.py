"""Platforms and their API tokens (only a hash is stored)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from core.audit import audit_record

from ..models import Platform
from ..models.platform import hash_token

MIN_TOKEN_LENGTH = 12


def platform_authenticate(*, token: str) -> Platform | None:
    if not token:
        return None
    return Platform.objects.filter(token_hash=hash_token(token), is_active=True).first()


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
