from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Warehouse


class ProvinceRoute(models.Model):
    """Which kind of warehouse serves a province (SPEC §3 routing), editable by admins."""

    code = models.CharField(_("GB/T 2260 code"), max_length=2, unique=True)
    name = models.CharField(_("province"), max_length=32)
    warehouse_kind = models.CharField(
        _("warehouse kind"), max_length=16, choices=Warehouse.Kind.choices
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province route")
        verbose_name_plural = _("province routes")

    def __str__(self) -> str:
        return f"{self.code} {self.name} → {self.get_warehouse_kind_display()}"
