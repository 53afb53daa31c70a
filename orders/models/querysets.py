"""Reusable filters of orders (`Order.objects.open()`, `.due_before(t)`, `.breached()`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from .order import Order  # noqa: F401 - named in the generic base below


class OrderQuerySet(models.QuerySet["Order"]):
    def open(self) -> OrderQuerySet:
        """Orders whose clocks still run (not yet shipped, not cancelled)."""
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def due_before(self, moment: dt.datetime) -> OrderQuerySet:
        return self.filter(next_due_at__lt=moment)

    def breached(self, now: dt.datetime | None = None) -> OrderQuerySet:
        return self.open().due_before(now or timezone.now())
