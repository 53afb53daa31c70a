"""Reusable filters of orders (`Order.objects.open()`, `.due_before(t)`, `.breached()`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
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
        """The one "breached" filter (home count, triage list, SLA scan, SLA report); the
        row predicate `Order.is_breached(now)` says the same of one order."""
        return self.filter(breached_condition(now or timezone.now()))


def breached_condition(now: dt.datetime) -> Q:
    """An order is breached when it is open and its running step is past due at `now`.
    Due exactly at `now` is still on time (SPEC §2: "identify ≤ 15 min"). Later steps
    whose due time has passed while an earlier step runs are not breaches yet: they
    become one when they are the running step."""
    from .order import Order

    return Q(status__in=Order.OPEN_STATUSES, next_due_at__lt=now) & ~Q(next_step="")
