from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .models import AuditRecord, Notification, SpecialDay
from .working_calendar import local_zone


def notification_list_for_user(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, user: Any, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification, pk=pk, recipient=user)


def audit_search(*, filters: dict[str, Any]) -> QuerySet[AuditRecord]:
    records = AuditRecord.objects.select_related("actor")
    if filters.get("q"):
        records = records.filter(
            Q(object_repr__icontains=filters["q"]) | Q(note__icontains=filters["q"])
        )
    for name in ("object_type", "object_id", "action"):
        if filters.get(name):
            records = records.filter(**{name: filters[name]})
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
