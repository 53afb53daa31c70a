from typing import Any

from django.http import HttpRequest

from .navigation import navigation_for
from .notifications import unread_count
from .roles import ROLE_LABELS, role_names


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = sorted(role_names(user))
    return {
        "nav_items": navigation_for(user),
        "unread_notifications": unread_count(user),
        "user_role_labels": [ROLE_LABELS.get(role, role) for role in roles],
    }
