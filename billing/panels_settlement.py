"""Home panel: the settlements waiting for this user's signature (computed, a role the
user holds not yet signed, and no live signature of the user on it: one person signs for
one role). The lead lists `settlement_panel` in billing/dashboard.py PANELS."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.dashboard import Panel
from core.queries import compiled
from core.roles import role_names
from core.scoping import division_scope, scope_to_divisions

from .models import Settlement, SettlementSignature
from .services.settlement import SIGNING_ROLES


def settlements_to_sign(user: Any) -> list[Settlement]:
    """The first eight, oldest period first (a kept statement: core.queries.compiled)."""
    roles = tuple(sorted(role_names(user) & set(SIGNING_ROLES)))
    if not roles or not user.has_perm("billing.sign_settlement"):
        return []  # no statement at all (not even one compiled to find nothing)
    found: list[Settlement] = compiled(_to_sign, division_scope(user), user.pk, roles)
    return found


def _to_sign(
    divisions: tuple[int, ...] | None, user_id: int, roles: tuple[str, ...]
) -> QuerySet[Settlement]:
    own = SettlementSignature.objects.filter(
        settlement=OuterRef("pk"), signed_by_id=user_id, withdrawn_at__isnull=True
    )
    return (
        scope_to_divisions(Settlement.objects.all(), divisions)
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
        .order_by("first_day", "division__code")[:8]
    )


def settlement_panel(user: Any) -> Panel | None:
    settlements = settlements_to_sign(user)
    if not settlements:
        return None
    return Panel(
        _("Settlements waiting for your signature"),
        "billing/includes/_settlement_panel.html",
        {"settlements": settlements},
        order=11,
    )
