"""Core services: the calendar check and user set-up used by the demo seed."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification
from .notifications import notify
from .roles import Role
from .working_calendar import year_has_official_schedule


def calendar_next_year_check() -> bool:
    """Tell admins once when next year has no official holiday schedule. True if missing."""
    next_year = timezone.localdate().year + 1
    if year_has_official_schedule(next_year):
        return False
    topic = f"calendar-missing-{next_year}"
    if not Notification.objects.filter(topic=topic).exists():
        notify(
            subject=lambda: (
                _("The working calendar has no official schedule for %(year)d yet")
                % {"year": next_year}
            ),
            body=lambda: _(
                "Enter next year's statutory holidays and make-up working days once the "
                "State Council publishes them; until then only weekends are known."
            ),
            link=f"/calendar/?year={next_year}",
            topic=topic,
            roles=[Role.ADMIN],
        )
    return True
