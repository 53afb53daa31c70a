"""Reconciling a day by both sides; discrepancies hold it open until resolved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.exceptions import DomainError
from core.roles import Role, user_has_role
from orders.models import Order
from orders.services.customers import user_can_reach_division

from ...models import DailyClose, Discrepancy
from .figures import money

RECONCILE_PERMISSION = "billing.reconcile_dailyclose"
RECORD_PERMISSION = "billing.add_discrepancy"
RESOLVE_PERMISSION = "billing.change_discrepancy"
DIVISION_SIDE, HQ_SIDE = "division", "hq"


class DailyCloseError(DomainError):
    """A rule of the daily close refused the operation; the message is for the user."""


class CloseNotPermitted(DailyCloseError):
    """The user's role or division does not allow this."""


def _require(by: Any, permission: str, division_id: int) -> None:
    if by is None:
        return
    if not (by.has_perm(permission) and user_can_reach_division(by, division_id)):
        raise CloseNotPermitted(_("Your role may not do this here."))


def _lock(close: DailyClose) -> DailyClose:
    return DailyClose.objects.select_for_update().get(pk=close.pk)


def reconcile_side(user: Any) -> str | None:
    """The side a user marks: HQ finance marks head office's, division finance its own."""
    if user_has_role(user, Role.HQ_FINANCE):
        return HQ_SIDE
    if user_has_role(user, Role.DIVISION_FINANCE):
        return DIVISION_SIDE
    return None


def open_discrepancy_count(close: DailyClose) -> int:
    return close.discrepancies.filter(resolved_at__isnull=True).count()


@transaction.atomic
def daily_close_reconcile(*, close: DailyClose, by: Any) -> DailyClose:
    """Mark the user's side of the day reconciled; the second side makes it reconciled."""
    _require(by, RECONCILE_PERMISSION, close.division_id)
    side = reconcile_side(by)
    if side is None:
        raise CloseNotPermitted(_("Only division finance or HQ finance reconcile a day."))
    locked = _lock(close)
    open_count = open_discrepancy_count(locked)
    if open_count:
        raise DailyCloseError(
            ngettext(
                "%(count)s discrepancy is still open: resolve it before reconciling.",
                "%(count)s discrepancies are still open: resolve them before reconciling.",
                open_count,
            )
            % {"count": open_count}
        )
    if getattr(locked, f"{side}_reconciled_at") is not None:
        raise DailyCloseError(_("Your side of this day is already marked reconciled."))
    other = HQ_SIDE if side == DIVISION_SIDE else DIVISION_SIDE
    if getattr(locked, f"{other}_reconciled_by_id") == by.pk:
        raise DailyCloseError(_("The other side was marked by you: a second person must check."))
    now = timezone.now()
    setattr(locked, f"{side}_reconciled_at", now)
    setattr(locked, f"{side}_reconciled_by", by)
    before = locked.status
    if getattr(locked, f"{other}_reconciled_at") is not None:
        locked.status = DailyClose.Status.RECONCILED
    locked.save(update_fields=["status", f"{side}_reconciled_at", f"{side}_reconciled_by"])
    audit_record(
        obj=locked,
        action=f"reconciled_{side}",
        by=by,
        from_state=before,
        to_state=locked.status,
        data={"side": side},
    )
    return locked


def _clear_marks(close: DailyClose, *, by: Any, reason: str) -> None:
    """A new discrepancy: both sides check the day again (a reconciled day reopens)."""
    if close.division_reconciled_at is None and close.hq_reconciled_at is None:
        return
    before = close.status
    close.status = DailyClose.Status.OPEN
    close.division_reconciled_at = close.hq_reconciled_at = None
    close.division_reconciled_by = close.hq_reconciled_by = None
    close.save(
        update_fields=[
            "status",
            "division_reconciled_at",
            "division_reconciled_by",
            "hq_reconciled_at",
            "hq_reconciled_by",
        ]
    )
    audit_record(
        obj=close, action="reopened", by=by, from_state=before, to_state=close.status, note=reason
    )


@transaction.atomic
def discrepancy_record(
    *,
    close: DailyClose,
    by: Any,
    description: str,
    amount: Decimal | None = None,
    order: Order | None = None,
) -> Discrepancy:
    _require(by, RECORD_PERMISSION, close.division_id)
    description = (description or "").strip()
    if not description:
        raise DailyCloseError(_("Describe the discrepancy."), field="description")
    if len(description) > 500:
        raise DailyCloseError(_("At most 500 characters."), field="description")
    if order is not None and order.division_id != close.division_id:
        raise DailyCloseError(_("The order belongs to another division."), field="order")
    locked = _lock(close)
    discrepancy = Discrepancy.objects.create(
        close=locked,
        description=description,
        amount=None if amount is None else money(amount),
        order=order,
        raised_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(
        obj=discrepancy,
        action="recorded",
        by=by,
        to_state="open",
        data={"close": locked.pk, "amount": str(discrepancy.amount), "order": order and order.pk},
    )
    _clear_marks(locked, by=by, reason=description)
    close.refresh_from_db()
    return discrepancy


@transaction.atomic
def discrepancy_resolve(*, discrepancy: Discrepancy, by: Any, resolution: str) -> Discrepancy:
    close = discrepancy.close
    _require(by, RESOLVE_PERMISSION, close.division_id)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DailyCloseError(_("Say how the discrepancy was resolved."), field="resolution")
    if len(resolution) > 500:
        raise DailyCloseError(_("At most 500 characters."), field="resolution")
    _lock(close)  # lock order: the close, then its discrepancies
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if locked.resolved_at is not None:
        raise DailyCloseError(_("This discrepancy is already resolved."))
    locked.resolved_at = timezone.now()
    locked.resolved_by = by if getattr(by, "is_authenticated", False) else None
    locked.resolution = resolution
    locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        obj=locked,
        action="resolved",
        by=by,
        from_state="open",
        to_state="resolved",
        note=resolution,
    )
    return locked
