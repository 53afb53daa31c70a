from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough (and allows look-up)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Platform(models.Model):
    """An e-commerce platform that sends orders through the intake API."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("token ends with"), max_length=4, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
