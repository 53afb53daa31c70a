"""The catalog's audit actions as words (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "listing_application_created": _("listing application created"),
    "listing_application_submitted": _("listing application submitted"),
    "listing_application_revised": _("listing application revised"),
    "listing_application_approved": _("listing application approved"),
    "listing_application_rejected": _("listing application rejected"),
    "product_created": _("product created"),
    "product_base_information_changed": _("base information changed"),
    "product_submitted_for_review": _("submitted for review"),
    "product_returned_to_draft": _("returned to draft"),
    "product_approved": _("product approved"),
    "product_listed": _("listed for sale"),
    "product_delisted": _("delisted"),
    "product_image_added": _("image added"),
    "product_image_removed": _("image removed"),
    "prices_changed": _("prices changed"),
    "velocity_classified": _("velocity class set"),
}
