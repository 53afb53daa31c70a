"""Helpers shared by the catalog services: locking, division scope, transition checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from core.roles import user_sees_all_divisions
from core.scoping import user_division_ids
from core.transitions import transition_permitted, transition_possible

from ..exceptions import TransitionRefused


def ensure_division_access(*, user: Any, division_id: int) -> None:
    """Services refuse another division's rows even if a view forgot to scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise TransitionRefused(_("You are not signed in."))
    if user_sees_all_divisions(user) or division_id in user_division_ids(user):
        return
    raise TransitionRefused(_("This belongs to a division you do not work for."))


def check_transition(instance: models.Model, name: str, *, user: Any) -> Callable[..., Any]:
    """The bound transition method, after checking state and role (not conditions)."""
    if not transition_possible(instance, name):
        display = instance.get_status_display()  # type: ignore[attr-defined]
        raise TransitionRefused(
            _("This is not possible while the status is “%(status)s”.") % {"status": display}
        )
    if not transition_permitted(instance, name, user=user):
        raise TransitionRefused(_("Your role does not allow this action."))
    return getattr(instance, name)


def portal_language() -> Any:
    """Messages are stored in the portal's first language (Simplified Chinese): the
    actor's own language must not decide what the recipients read."""
    return translation.override(settings.LANGUAGE_CODE)
