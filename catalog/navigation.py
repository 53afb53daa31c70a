from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

# Each entry carries the permission its page's view gates on (one source of permissions).
NAV_ITEMS = [
    NavItem(_("Products"), "catalog:product-list", order=10),
    NavItem(
        _("Listing applications"),
        "catalog:application-list",
        "catalog.view_listingapplication",
        order=11,
    ),
    NavItem(
        _("Review queue"),
        "catalog:application-review-queue",
        "catalog.review_listingapplication",
        order=12,
    ),
]
