"""Audit rows of catalog objects with readable labels for the history tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import audit_history
from core.models import AuditRecord

from .models import ListingApplication, Product

ACTION_LABELS: dict[str, Any] = {
    "product_created": _("Product created"),
    "listing_application_created": _("Application created"),
    "listing_application_revised": _("Application revised"),
    "listing_application_submitted": _("Submitted for review"),
    "listing_application_approved": _("Application approved"),
    "listing_application_rejected": _("Application rejected"),
    "product_submitted_for_review": _("Submitted for review"),
    "product_approved": _("Listing approved"),
    "product_returned_to_draft": _("Returned to draft after rejection"),
    "product_listed": _("Listed for sale"),
    "product_delisted": _("Delisted"),
    "prices_changed": _("Prices changed"),
    "product_base_information_changed": _("Base information changed"),
    "product_image_added": _("Image added"),
    "product_image_removed": _("Image removed"),
    "velocity_classified": _("Velocity class changed"),
    "product_added_in_admin": _("Created in the administration"),
    "product_changed_in_admin": _("Changed in the administration"),
    "productbin_changed_in_admin": _("Bin locations changed in the administration"),
    "productimage_changed_in_admin": _("Images changed in the administration"),
}

STATE_LABELS: dict[str, Any] = {
    **dict(Product.Status.choices),
    **dict(ListingApplication.Status.choices),
}


@dataclass(frozen=True)
class HistoryRow:
    record: AuditRecord
    action_label: Any
    from_label: Any
    to_label: Any

    @property
    def at(self) -> Any:
        return self.record.at

    @property
    def actor(self) -> Any:
        return self.record.actor

    @property
    def note(self) -> str:
        return self.record.note


def history_for(obj: models.Model) -> list[HistoryRow]:
    """The object's audit rows, oldest first, with readable action and state labels."""
    return [
        HistoryRow(
            record=record,
            action_label=ACTION_LABELS.get(record.action, record.action),
            from_label=STATE_LABELS.get(record.from_state, record.from_state),
            to_label=STATE_LABELS.get(record.to_state, record.to_state),
        )
        for record in audit_history(obj)
    ]
