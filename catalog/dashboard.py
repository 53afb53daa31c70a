"""Home panels: the review queue for the product group, my applications for divisions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.dashboard import Panel
from core.roles import Role, user_has_role

from . import selectors


def review_queue_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.PRODUCT_GROUP):
        return None
    queue = selectors.application_review_queue(user=user)
    return Panel(
        _("Listing applications to review"),
        "catalog/includes/_review_panel.html",
        {
            "count": queue.count(),
            "oldest": list(queue[:5]),
            "awaiting_listing_text": _awaiting_text(
                selectors.products_awaiting_listing_count(user=user)
            ),
        },
        order=20,
    )


def _awaiting_text(count: int) -> str:
    return ngettext(
        "%(count)d approved product waits to be listed.",
        "%(count)d approved products wait to be listed.",
        count,
    ) % {"count": count}


def my_applications_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.DIVISION_SALES):
        return None
    mine = selectors.application_list_for_user(user=user, filters={"mine": True})
    return Panel(
        _("My listing applications"),
        "catalog/includes/_my_applications_panel.html",
        {
            "latest": list(
                mine.select_related(None).select_related("product").only(*PANEL_FIELDS)[:5]
            ),
            "counts": selectors.application_counts_for_applicant(user=user),
        },
        order=21,
    )


# what the panel's rows show (the number and link come from the key; the product's SKU and
# name; the state) — not the product's, the applicant's and the reviewer's every column;
# the state machines' fields included (a deferred state is read again per row)
PANEL_FIELDS = ("status", "updated_at", "product__sku", "product__name", "product__status")

PANELS = [review_queue_panel, my_applications_panel]
