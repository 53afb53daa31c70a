"""The daily-close home panel of division finance and HQ finance: the days their side has
still to reconcile (oldest first) and the open discrepancies. The lead lists
`daily_close_panel` in billing/dashboard.py PANELS."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import Role, user_has_role
from core.scoping import scope_to_user_divisions

from .models import DailyClose, Discrepancy
from .services.daily_close import reconcile_side


def daily_close_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.DIVISION_FINANCE, Role.HQ_FINANCE):
        return None
    side = reconcile_side(user)
    to_reconcile = (
        scope_to_user_divisions(DailyClose.objects.all(), user=user)
        .filter(status=DailyClose.Status.OPEN, **{f"{side}_reconciled_at__isnull": True})
        .select_related("division")
        .annotate(
            open_discrepancies=Count(
                "discrepancies", filter=Q(discrepancies__resolved_at__isnull=True)
            )
        )
    )
    open_discrepancies = scope_to_user_divisions(
        Discrepancy.objects.filter(resolved_at__isnull=True),
        user=user,
        division_field="close__division",
    ).count()
    return Panel(
        _("Daily close"),
        "billing/includes/_close_panel.html",
        {
            "count": to_reconcile.count(),
            "closes": list(to_reconcile.order_by("day", "division__code")[:8]),
            "open_discrepancies": open_discrepancies,
        },
        order=14,
    )
