"""`{% load audit %}`: audit rows as the reader sees them (core.audit_labels)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import audit_labels

register = template.Library()


@register.filter
def audit_action(record: Any) -> Any:
    return audit_labels.action_label(record.action)


@register.filter
def audit_from(record: Any) -> Any:
    return audit_labels.state_label(record.object_type, record.from_state)


@register.filter
def audit_to(record: Any) -> Any:
    return audit_labels.state_label(record.object_type, record.to_state)


@register.filter
def audit_object(record: Any) -> str:
    label = audit_labels.object_type_label(record.object_type)
    return f"{label} {record.object_repr}".strip()


@register.filter
def audit_details(data: Any) -> list[str]:
    return audit_labels.details(data)
