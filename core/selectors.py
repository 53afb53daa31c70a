from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .audit_labels import LOGIN_ACTIONS, actions_matching
from .models import AuditRecord, Notification, SpecialDay
from .working_calendar import local_zone


def notification_list_for_user(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user: Any, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification, pk=pk, recipient=user)


def audit_search(*, filters: dict[str, Any]) -> QuerySet[AuditRecord]:
    """The audit log, newest first. `q` matches the object, the note, and actions by the
    label the reader sees (or their code); `action` the same; log-ins are left out unless
    `logins` is set or asked for by action."""
    records = AuditRecord.objects.select_related("actor")
    if filters.get("q"):
        text = filters["q"]
        records = records.filter(
            Q(object_repr__icontains=text)
            | Q(note__icontains=text)
            | Q(action__in=actions_matching(text))
        )
    if filters.get("action"):
        records = records.filter(action__in=actions_matching(filters["action"]) or ["-"])
    for name in ("object_type", "object_id"):
        if filters.get(name):
            records = records.filter(**{name: filters[name]})
    asked_for_logins = any(
        code in LOGIN_ACTIONS
        for text in (filters.get("q"), filters.get("action"))
        if text
        for code in actions_matching(text)
    )
    if not filters.get("logins") and not asked_for_logins:
        records = records.exclude(action__in=LOGIN_ACTIONS)
    if filters.get("actor"):
        records = records.filter(actor=filters["actor"])
    zone = local_zone()
    if filters.get("date_from"):
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=zone)
        records = records.filter(at__gte=start)
    if filters.get("date_to"):
        end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, zone)
        records = records.filter(at__lt=end)
    return records


def special_days_of_year(*, year: int) -> QuerySet[SpecialDay]:
    return SpecialDay.objects.filter(date__year=year)
