"""Home-page panels: the rep's triage queue and today's SLA compliance."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import Role, user_has_role

from . import reports, selectors


def triage_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.SALES_REP, Role.SALES_LEAD):
        return None
    return Panel(
        _("Order triage"),
        "orders/includes/_triage_panel.html",
        selectors.triage_summary(user=user),
        order=10,
    )


def sla_panel(user: Any) -> Panel | None:
    if not user_has_role(
        user,
        Role.SALES_REP,
        Role.SALES_LEAD,
        Role.LOGISTICS_LEAD,
        Role.HQ_FINANCE,
        Role.SALES_HEAD,
        Role.ECOM_LEADER,
    ):
        return None
    today = timezone.localdate()
    rows = reports.sla_report(user=user, date_from=today, date_to=today)
    return Panel(
        _("SLA today"),
        "orders/includes/_sla_panel.html",
        {"totals": reports.sla_totals(rows)},
        order=11,
    )


PANELS = [triage_panel, sla_panel]
