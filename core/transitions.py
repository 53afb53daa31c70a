""" "May this user run this transition now?" — one answer for every state machine, on
django-fsm-2's public API (the `get_all_<field>_transitions()` model methods and their
`Transition` objects), never its private `_django_fsm` attribute.

Public `django_fsm.has_transition_perm` also checks the conditions; pages need the three
questions apart (state, role, conditions) to say *why* a step is not possible, so they are
answered separately here. Each app turns a "no" into its own error with its own message.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import django_fsm
from django.db import models
from django_fsm import FSMFieldMixin, Transition

ANY_STATE, ANY_OTHER_STATE = "*", "+"


class ConcurrentTransitionMixin(django_fsm.ConcurrentTransitionMixin):
    """django-fsm's optimistic lock on the state, with the model's state fields found once
    per class: the original filters every field of the model on every instance built (an
    order has ~70 fields; a list page builds 25–50 orders)."""

    @property
    def state_fields(self) -> Iterable[FSMFieldMixin]:
        return _state_fields(type(self))


@functools.cache
def _state_fields(model: type[models.Model]) -> tuple[FSMFieldMixin, ...]:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


def transition_current(instance: models.Model, name: str) -> Transition | None:
    """The transition `name` from the instance's current state, or None when that state
    does not allow it."""
    for field in _state_fields(type(instance)):
        state = getattr(instance, field.attname)
        for transition in getattr(instance, f"get_all_{field.name}_transitions")():
            if transition.name != name:
                continue
            source = transition.source
            if source in (state, ANY_STATE) or (
                source == ANY_OTHER_STATE and state != transition.target
            ):
                return transition
    return None


def transition_possible(instance: models.Model, name: str) -> bool:
    return transition_current(instance, name) is not None


def transition_permitted(instance: models.Model, name: str, *, user: Any) -> bool:
    """The state allows `name` and the user's permissions do (conditions not checked)."""
    transition = transition_current(instance, name)
    return transition is not None and transition.has_perm(instance, user)


def transition_unmet_conditions(instance: models.Model, name: str) -> list[str]:
    """The names of the transition's conditions that do not hold now."""
    transition = transition_current(instance, name)
    if transition is None:
        return []
    return [condition.__name__ for condition in transition.conditions if not condition(instance)]


def transitions_for_user(instance: models.Model, *, user: Any, names: Iterable[str]) -> list[str]:
    """Of `names`, those this user may start from the current state (conditions are not
    checked: the page says why a condition blocks)."""
    return [name for name in names if transition_permitted(instance, name, user=user)]
