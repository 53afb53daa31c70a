"""The orders app's audit actions as words (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "received": _("received"),
    "identified": _("customer identified"),
    "confirmed": _("sales order confirmed"),
    "put_on_hold": _("put on hold"),
    "allocated": _("allocated"),
    "invoiced": _("invoiced"),
    "shipped": _("shipped"),
    "delivered": _("receipt confirmed"),
    "closed": _("closed"),
    "cancelled": _("cancelled"),
    "sla_breached": _("SLA breached"),
    "customer_merged": _("customers merged"),
    "customer_merged_into": _("merged into another customer"),
    "customer_created": _("customer created"),
    "customer_corrected": _("master data corrected"),
    "personal_data_revealed": _("personal data viewed"),
    "platform_token_set": _("platform API token set"),
}
