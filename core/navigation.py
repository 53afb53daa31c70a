"""Navigation per role. Each app may add entries in its own `navigation.py` (NAV_ITEMS)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules
from .roles import Role, role_names


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100


NAV_ITEMS = [
    NavItem(_("Home"), "core:home", order=0),
    NavItem(_("Inbox"), "core:inbox", order=900),
    NavItem(_("Working calendar"), "core:calendar", (Role.ADMIN,), order=950),
    NavItem(_("Audit log"), "core:audit-list", (Role.ADMIN,), order=960),
]


@cache
def _all_items() -> tuple[NavItem, ...]:
    items = list(NAV_ITEMS)
    for module in app_modules("navigation", exclude=["core"]):
        items.extend(getattr(module, "NAV_ITEMS", []))
    return tuple(sorted(items, key=lambda item: item.order))


def navigation_for(user: Any) -> list[dict[str, Any]]:
    roles = role_names(user)
    entries = []
    for item in _all_items():
        if item.roles and not (roles & set(item.roles)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": item.label, "url": url})
    return entries
