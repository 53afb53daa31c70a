"""Division finance's home panel: the delivery notes whose invoice is due, breached first
(add `invoices_due_panel` to billing/dashboard.py PANELS)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import Role, user_has_role

PANEL_ROWS = 8


def invoices_due_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.DIVISION_FINANCE):
        return None
    from .views.invoices import notes_to_invoice

    now = timezone.now()
    notes = notes_to_invoice(user=user, now=now)
    counts = notes.order_by().aggregate(
        count=Count("pk"), breached=Count("pk", filter=Q(order__invoice_due_at__lt=now))
    )
    return Panel(
        _("Invoices to issue"),
        "billing/includes/_invoices_due_panel.html",
        {**counts, "notes": list(notes[:PANEL_ROWS])},
        order=11,
    )
