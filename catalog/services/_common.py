"""Helpers shared by the catalog services: locking, division scope, transition checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from core.roles import user_sees_all_divisions
from core.scoping import user_division_ids

from ..exceptions import TransitionRefused

M = TypeVar("M", bound=models.Model)


def lock(instance: M) -> M:
    """The row again, locked for this transaction (SELECT … FOR UPDATE)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def ensure_division_access(*, user: Any, division_id: int) -> None:
    """Services refuse another division's rows even if a view forgot to scope."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise TransitionRefused(_("You are not signed in."))
    if user_sees_all_divisions(user) or division_id in user_division_ids(user):
        return
    raise TransitionRefused(_("This belongs to a division you do not work for."))


def check_transition(instance: models.Model, name: str, *, user: Any) -> Callable[..., Any]:
    """The bound transition method, after checking state and role (not conditions)."""
    method = getattr(instance, name)
    meta = method._django_fsm
    state = meta.field.get_state(instance)
    if not meta.has_transition(state):
        display = getattr(instance, f"get_{meta.field.name}_display")()
        raise TransitionRefused(
            _("This is not possible while the status is “%(status)s”.") % {"status": display}
        )
    if not meta.has_transition_perm(instance, state, user):
        raise TransitionRefused(_("Your role does not allow this action."))
    return method


def portal_language() -> Any:
    """Messages are stored in the portal's first language (Simplified Chinese): the
    actor's own language must not decide what the recipients read."""
    return translation.override(settings.LANGUAGE_CODE)
