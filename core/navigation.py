"""Navigation per role. Each app may add entries in its own `navigation.py` (NAV_ITEMS)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
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
    return [
        {"label": item.label, "url": url}
        for item, url in _routed(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        if not item.permission or user.has_perm(item.permission)
    ]


@lru_cache(maxsize=8)
def _routed(urlconf: str, prefix: str) -> tuple[tuple[NavItem, str], ...]:
    """Every entry whose page is routed, with its address — reversed once per URL
    configuration and script prefix, not for every entry of every page (the menu is on
    every page)."""
    routed = []
    for item in _all_items():
        try:
            routed.append((item, reverse(item.url_name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(routed)
