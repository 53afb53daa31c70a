"""The fulfilment app's audit actions as words (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "created": _("created"),
    "released": _("released: stock arrived"),
    "rate_added": _("freight rate added"),
    "rate_changed": _("freight rate changed"),
    "rate_removed": _("freight rate removed"),
    "booked": _("booked into stock"),
    "low_stock_opened": _("low stock alerted"),
    "low_stock_closed": _("low stock over"),
    "proposed": _("proposed"),
    "submitted": _("submitted"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "opened": _("count sheet opened"),
    "counted": _("counts recorded"),
    "posted": _("variances posted"),
    "reopened": _("sent back for recounting"),
    "sent": _("sent"),
}
