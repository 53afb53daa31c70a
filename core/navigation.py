"""Navigation per role. Each app may add entries in its own `navigation.py` (NAV_ITEMS)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    permission: str = ""  # "app.codename" the page's view gates on; empty: every signed-in user
    order: int = 100


NAV_ITEMS = [
    NavItem(_("Home"), "core:home", order=0),
    NavItem(_("Inbox"), "core:inbox", order=900),
    NavItem(_("SMS outbox"), "core:sms-list", "core.view_smsmessage", order=940),
    NavItem(_("Working calendar"), "core:calendar", "core.view_specialday", order=950),
    NavItem(_("Audit log"), "core:audit-list", "core.view_auditrecord", order=960),
]


@cache
def _all_items() -> tuple[NavItem, ...]:
    items = list(NAV_ITEMS)
    for module in app_modules("navigation", exclude=["core"]):
        items.extend(getattr(module, "NAV_ITEMS", []))
    return tuple(sorted(items, key=lambda item: item.order))


def navigation_for(user: Any) -> list[dict[str, Any]]:
    """The entries this user may open: the same codename the page's view gates on."""
    entries = []
    for item in _all_items():
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": item.label, "url": url})
    return entries
