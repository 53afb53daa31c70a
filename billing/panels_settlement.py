"""Home panel: the settlements waiting for this user's signature (computed, a role the
user holds not yet signed, and no live signature of the user on it: one person signs for
one role). The lead lists `settlement_panel` in billing/dashboard.py PANELS."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.roles import role_names
from core.scoping import scope_to_user_divisions

from .models import Settlement, SettlementSignature
from .services.settlement import SIGNING_ROLES


def settlements_to_sign(user: Any) -> Any:
    roles = sorted(role_names(user) & set(SIGNING_ROLES))
    if not roles or not user.has_perm("billing.sign_settlement"):
        return Settlement.objects.none()
    own = SettlementSignature.objects.filter(
        settlement=OuterRef("pk"), signed_by=user, withdrawn_at__isnull=True
    )
    return (
        scope_to_user_divisions(Settlement.objects.all(), user=user)
        .filter(status=Settlement.Status.COMPUTED)
        .annotate(
            signed_roles=Count(
                "signatures",
                filter=Q(signatures__withdrawn_at__isnull=True, signatures__role__in=roles),
            )
        )
        .filter(signed_roles__lt=len(roles))
        .exclude(Exists(own))
        .select_related("division")
        .order_by("first_day", "division__code")
    )


def settlement_panel(user: Any) -> Panel | None:
    settlements = list(settlements_to_sign(user)[:8])
    if not settlements:
        return None
    return Panel(
        _("Settlements waiting for your signature"),
        "billing/includes/_settlement_panel.html",
        {"settlements": settlements},
        order=11,
    )
