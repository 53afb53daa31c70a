"""The returns app's audit actions as words (core.audit_labels). Codes other apps already
label alike ("received", "rejected", "approved", "closed", "cancelled") keep their words."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "requested": _("return requested"),
    "accepted": _("request accepted"),
    "feedback_parts": _("feedback completed by parts support"),
    "feedback_warehouse": _("feedback completed by the warehouse lead"),
    "return_order": _("return order written"),
    "refused": _("goods refused at inspection"),
    "resolved_accept": _("three-way resolution: goods accepted"),
    "resolved_send_back": _("three-way resolution: goods sent back"),
    "invoice_recovered": _("invoice recovered"),
    "invoice_credited": _("red-letter credit note issued"),
    "replacement": _("replacement delivery note written"),
    "refund_requested": _("refund requested"),
    "approval": _("refund approval"),
    "reviewed": _("refund reviewed by finance"),
    "paid": _("refund paid"),
}
