"""Home-page panels: parts support's delivery-note windows, the warehouse's waves of the
day, finance's notes waiting for an invoice."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import Role, user_has_role
from core.scoping import scope_to_user_divisions

from .models import DeliveryNote
from .queue import queue_summary_for_user


def queue_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.PARTS_SUPPORT):
        return None
    summary = queue_summary_for_user(user=user)
    return Panel(
        _("Delivery notes to write"),
        "fulfilment/includes/_queue_panel.html",
        {**summary, "now": timezone.now()},
        order=12,
    )


def waves_panel(user: Any) -> Panel | None:
    """Open waves per warehouse and ship-by day (overdue first, then today's and the coming
    ones): notes to pick and notes ready to hand over."""
    if not user_has_role(user, Role.WAREHOUSE):
        return None
    today = timezone.localdate()
    notes = scope_to_user_divisions(DeliveryNote.objects.all(), user=user).filter(
        status__in=[DeliveryNote.Status.RESERVED, DeliveryNote.Status.INVOICED]
    )
    waves = list(
        notes.values("warehouse__code", "warehouse_id", "ship_by")
        .annotate(
            notes=Count("pk", distinct=True),
            units=Sum("lines__quantity"),
            ready=Count("pk", filter=Q(status=DeliveryNote.Status.INVOICED), distinct=True),
        )
        .order_by("ship_by", "warehouse__code")[:12]
    )
    return Panel(
        _("Today's waves"),
        "fulfilment/includes/_waves_panel.html",
        {"waves": waves, "today": today},
        order=12,
    )


PANELS = [queue_panel, waves_panel]  # finance's invoices due: billing.panels_invoices
