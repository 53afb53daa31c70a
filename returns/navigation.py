from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

# The entry carries the permission its page's view gates on (one source of permissions).
NAV_ITEMS = [
    NavItem(_("Returns and exchanges"), "returns:list", "returns.view_returnrequest", order=60),
]
