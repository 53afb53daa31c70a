"""Admins keep the working calendar's exceptions in the portal (SPEC §2: an editable table
is the truth): add, change or remove a statutory holiday, a make-up working day or a
company shutdown, each change audited and every process's cached calendar refreshed.
Due times already stored on orders keep the calendar they were computed with."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .exceptions import DomainError
from .models import SpecialDay
from .text import has_control_characters
from .working_calendar import calendar_changed

FIRST_YEAR, LAST_YEAR = 2000, 2100
SUNDAY = 6


class CalendarError(DomainError):
    pass


def _require(by: Any, permission: str) -> None:
    if by is not None and not by.has_perm(permission):
        raise CalendarError(_("Only an administrator may change the working calendar."))


def _text(value: str, *, field: str, limit: int) -> str:
    if has_control_characters(value or ""):
        raise CalendarError(_("Control characters are not allowed."), field=field)
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise CalendarError(_("At most %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _values(day: SpecialDay) -> dict[str, str]:
    return {"kind": day.kind, "name": day.name, "note": day.note, "source": day.source}


@transaction.atomic
def special_day_set(
    *, date: dt.date, kind: str, by: Any, name: str = "", note: str = ""
) -> SpecialDay:
    """Make `date` an exception of `kind` (replacing the one it had)."""
    _require(by, "core.change_specialday")
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise CalendarError(
            _("The working calendar covers the years %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="date",
        )
    if kind not in SpecialDay.Kind.values:
        raise CalendarError(_("Choose the kind of day."), field="kind")
    if kind == SpecialDay.Kind.WORKDAY and date.weekday() != SUNDAY:
        raise CalendarError(
            _("Monday to Saturday are working days already; a make-up working day is a Sunday."),
            field="kind",
        )
    if kind in SpecialDay.NON_WORKING and date.weekday() == SUNDAY:
        raise CalendarError(
            _("A Sunday is a day off already; no exception is needed."), field="kind"
        )
    name = _text(name, field="name", limit=100)
    note = _text(note, field="note", limit=200)
    if kind == SpecialDay.Kind.SHUTDOWN and not note:
        raise CalendarError(_("Say why the company shuts down that day."), field="note")
    day = SpecialDay.objects.select_for_update().filter(date=date).first()
    before = _values(day) if day else None
    if day is None:
        day = SpecialDay(date=date)
    day.kind, day.name, day.note, day.source = kind, name, note, SpecialDay.Source.MANUAL
    day.save()
    audit_record(
        obj=day,
        action="calendar_changed" if before else "calendar_added",
        by=by,
        note=note,
        data={"date": date.isoformat(), "old": before, "new": _values(day)},
    )
    transaction.on_commit(calendar_changed)
    return day


@transaction.atomic
def special_day_remove(*, date: dt.date, by: Any, reason: str) -> None:
    """`date` follows the weekly pattern again."""
    _require(by, "core.delete_specialday")
    reason = _text(reason, field="reason", limit=200)
    if not reason:
        raise CalendarError(_("Give a reason for removing the exception."), field="reason")
    day = SpecialDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise CalendarError(_("%(date)s has no exception.") % {"date": date.isoformat()})
    audit_record(
        obj=day,
        action="calendar_removed",
        by=by,
        note=reason,
        data={"date": date.isoformat(), "old": _values(day)},
    )
    day.delete()
    transaction.on_commit(calendar_changed)
