from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """A gap-free counter per key (e.g. `SO-GQ-2026`), incremented under a row lock."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"
