"""The one lock order of the portal (docs/architecture.md, "Lock order").

Every service that locks more than one row takes them in this order, so two services can
never wait on each other (deadlock):

1. the order row (`orders.services.order_lock`);
2. stock rows, in primary-key order (`rows_lock`);
3. document rows (delivery notes, invoices, credit notes, return orders, settlements, the
   document-number counters of `core.numbering`), in primary-key order.

A service that needs no order (a stock receipt) starts at step 2; no service takes an
earlier step after a later one.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def row_lock(instance: M) -> M:
    """The row again, locked until the transaction ends (SELECT … FOR UPDATE)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def rows_lock(queryset: models.QuerySet[M]) -> list[M]:
    """Lock the rows of `queryset` (SELECT … FOR UPDATE) in primary-key order and return
    them in that order; call inside a transaction."""
    return list(queryset.select_for_update().order_by("pk"))
