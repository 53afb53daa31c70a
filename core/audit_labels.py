"""What the history tables and the audit log show instead of internal codes: actions,
object types and states in the reader's language, times in Beijing time, the field a
reveal concerned. Each app lists its actions in its own `audit_labels.py` (ACTION_LABELS);
states come from the model's status choices."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules
from .working_calendar import to_local

ACTION_LABELS: dict[str, Any] = {
    "logged_in": _("signed in"),
    "calendar_added": _("calendar exception added"),
    "calendar_changed": _("calendar exception changed"),
    "calendar_removed": _("calendar exception removed"),
    "special_day_changed": _("calendar exception changed in the admin"),
    "special_day_deleted": _("calendar exception deleted in the admin"),
    "email_sent": _("e-mail sent"),
    "email_failed": _("e-mail failed"),
    "email_queued": _("e-mail queued again"),
    "created": _("created"),
    "changed": _("changed"),
    "cancelled": _("cancelled"),
}
# Actions that are not business events: the audit log hides them unless asked.
LOGIN_ACTIONS = ("logged_in",)

# data keys shown with a label (the rest as they are)
DATA_LABELS: dict[str, Any] = {
    "field": _("field"),
    "method": _("identified by"),
    "customer": _("customer"),
    "invoice": _("invoice"),
    "delivery_note": _("delivery note"),
    "carrier": _("carrier"),
    "tracking_number": _("tracking number"),
    "received_at": _("received at"),
    "due_at": _("due at"),
    "reason": _("reason"),
    "order": _("order"),
    "lines": _("lines"),
    "freight": _("freight"),
    "goods_amount": _("goods amount"),
    "invoice_title": _("invoice title"),
    "invoice_tax_number": _("taxpayer number"),
    "sales_order_number": _("sales order"),
    "partial_agreed_with": _("partial delivery agreed with"),
    "parcels": _("parcels"),
    "weight_kg": _("weight (kg)"),
    "attempts": _("attempts"),
    "error": _("error"),
}
# fields a reveal can concern
FIELD_LABELS: dict[str, Any] = {
    "buyer_id_number": _("buyer's ID number"),
    "buyer_phone": _("buyer's phone"),
    "ship_phone": _("recipient's phone"),
    "id_number": _("ID number"),
    "phone": _("phone"),
}
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


@cache
def action_labels() -> dict[str, Any]:
    labels = dict(ACTION_LABELS)
    for module in app_modules("audit_labels", exclude=["core"]):
        labels.update(getattr(module, "ACTION_LABELS", {}))
    return labels


def action_label(code: str) -> Any:
    return action_labels().get(code, code.replace("_", " "))


def actions_matching(text: str) -> list[str]:
    """The action codes whose label (in the active language) or code contains `text`."""
    text = text.strip().lower()
    if not text:
        return []
    return [
        code
        for code, label in action_labels().items()
        if text in str(label).lower() or text in code.lower()
    ]


@cache
def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> Any:
    model = _model(object_type)
    return model._meta.verbose_name if model is not None else object_type


def object_types() -> list[tuple[str, Any]]:
    """(label_lower, verbose name) of every model of the project, for the audit filter."""
    from django.conf import settings

    return sorted(
        (
            (model._meta.label_lower, model._meta.verbose_name)
            for model in apps.get_models()
            if model._meta.app_label in settings.PROJECT_APPS
        ),
        key=lambda item: str(item[1]),
    )


def state_label(object_type: str, code: str) -> Any:
    if not code:
        return ""
    model = _model(object_type)
    if model is not None:
        for name in ("status", "email_state"):
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001, S112 - the model has no such field
                continue
            choices = dict(getattr(field, "choices", None) or [])
            if code in choices:
                return choices[code]
    return code


def shown_value(value: Any) -> str:
    """A data value as the reader sees it: ISO moments in Beijing time."""
    if isinstance(value, str) and ISO_MOMENT.match(value):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return to_local(moment).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict) and ("old" in value or "new" in value):
        old, new = shown_value(value.get("old")), shown_value(value.get("new"))
        return (
            f"{old if old not in ('None', '') else '∅'} → {new if new not in ('None', '') else '∅'}"
        )
    if value is None:
        return ""
    return str(value)


def details(data: Any) -> list[str]:
    """A record's data as short labelled texts in the reader's language."""
    if not isinstance(data, dict):
        return [str(data)] if data else []
    texts = []
    for key, value in data.items():
        if key == "field" and isinstance(value, str):
            texts.append(f"{DATA_LABELS['field']}: {FIELD_LABELS.get(value, value)}")
        elif key == "lines" and isinstance(value, list):
            for line in value:
                if isinstance(line, dict):
                    parts = ", ".join(
                        f"{name}: {shown_value(line[name])}"
                        for name in sorted(line)
                        if name not in ("position", "sku")
                    )
                    texts.append(f"#{line.get('position', '')} {line.get('sku', '')} {parts}")
        elif key == "lines" and isinstance(value, dict):
            texts.append(
                f"{DATA_LABELS['lines']}: "
                + ", ".join(f"{sku} × {shown_value(q)}" for sku, q in value.items())
            )
        else:
            texts.append(f"{DATA_LABELS.get(key, key)}: {shown_value(value)}")
    return texts
