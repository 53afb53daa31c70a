"""The audit service: every service that changes state writes one row through here."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditRecord
from .rawsql import insert


def _object_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def audit_record(
    *,
    obj: models.Model,
    action: str,
    by: Any = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    record = audit_row(
        obj=obj,
        action=action,
        by=by,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data,
    )
    record.save()
    return record


def audit_row(
    *,
    obj: models.Model,
    action: str,
    by: Any = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """The audit row `audit_record` would write, not yet saved (for `audit_record_many`)."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditRecord(
        actor=actor,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        note=note or "",
        data=data or {},
    )


def audit_record_many(rows: list[AuditRecord]) -> list[AuditRecord]:
    """Write several audit rows (from `audit_row`) in one INSERT, in the given order (their
    ids ascend, and history sorts by time, then id). The INSERT is written once per row
    count and process (core.rawsql): every intake writes its audit rows through here."""
    insert(rows)
    return rows


def audit_rows(obj: models.Model) -> list[AuditRecord]:
    """`audit_history` read for a page, its statement compiled once (core.queries)."""
    from .queries import compiled

    return compiled(_history_of, _object_type(obj), str(obj.pk))


def _history_of(object_type: str, object_id: str) -> models.QuerySet[AuditRecord]:
    return (
        AuditRecord.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("at", "id")
    )


def audit_history(obj: models.Model) -> models.QuerySet[AuditRecord]:
    """The audit rows of one object, oldest first, with their actors."""
    return (
        AuditRecord.objects.filter(object_type=_object_type(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
