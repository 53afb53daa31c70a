"""Home-page panels per role. Each app may add panels in its own `dashboard.py` (PANELS):
callables taking the user and returning a `Panel` or None."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils import timezone

from .discovery import app_modules
from .notifications import latest_for
from .roles import Role, user_has_role
from .working_calendar import year_has_official_schedule


@dataclass
class Panel:
    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def calendar_warning_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.ADMIN):
        return None
    next_year = timezone.localdate().year + 1
    if year_has_official_schedule(next_year):
        return None
    from django.utils.translation import gettext_lazy as _

    return Panel(
        _("Working calendar"),
        "core/includes/_calendar_warning.html",
        {"year": next_year},
        order=1,
    )


def inbox_panel(user: Any) -> Panel:
    from django.utils.translation import gettext_lazy as _

    latest = latest_for(user, 5)
    return Panel(_("Latest messages"), "core/includes/_inbox_panel.html", {"latest": latest}, 900)


PANELS: list[Callable[[Any], Panel | None]] = [calendar_warning_panel, inbox_panel]


@cache
def _panel_builders() -> tuple[Callable[[Any], Panel | None], ...]:
    """Core's builders and every app's `dashboard.PANELS`, collected once per process."""
    builders = list(PANELS)
    for module in app_modules("dashboard", exclude=["core"]):
        builders.extend(getattr(module, "PANELS", []))
    return tuple(builders)


def panels_for(user: Any) -> list[Panel]:
    panels = [panel for build in _panel_builders() if (panel := build(user)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
