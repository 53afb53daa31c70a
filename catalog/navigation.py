from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem
from core.roles import Role

NAV_ITEMS = [
    NavItem(_("Products"), "catalog:product-list", order=10),
    NavItem(
        _("Listing applications"),
        "catalog:application-list",
        (Role.DIVISION_SALES, Role.PRODUCT_GROUP),
        order=11,
    ),
    NavItem(_("Review queue"), "catalog:application-review-queue", (Role.PRODUCT_GROUP,), order=12),
]
