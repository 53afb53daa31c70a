"""Home panels: the review queue for the product group, my applications for divisions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.dashboard import Panel
from core.queries import compiled, compiled_count
from core.roles import Role, user_has_role
from core.scoping import division_scope, scope_to_divisions

from .models import ListingApplication, Product


def review_queue_panel(user: Any) -> Panel | None:
    if not user_has_role(user, Role.PRODUCT_GROUP):
        return None
    scope = division_scope(user)
    return Panel(
        _("Listing applications to review"),
        "catalog/includes/_review_panel.html",
        {
            "count": compiled_count(_review_queue, scope),
            "oldest": compiled(_review_oldest, scope),
            "awaiting_listing_text": _awaiting_text(compiled_count(_awaiting_listing, scope)),
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
    scope = division_scope(user)
    return Panel(
        _("My listing applications"),
        "catalog/includes/_my_applications_panel.html",
        {
            "latest": compiled(_my_latest, scope, user.pk),
            "counts": dict(compiled(_my_counts, scope, user.pk)),
        },
        order=21,
    )


# what the panels' rows show (the number and link come from the key; the product's SKU and
# name; the state, the time waiting) — not the product's, the applicant's and the
# reviewer's every column; the state machines' fields included (a deferred state is read
# again per row)
PANEL_FIELDS = ("status", "updated_at", "product__sku", "product__name", "product__status")
REVIEW_FIELDS = ("status", "submitted_at", "product__sku", "product__name", "product__status")


# The panels' reads: selectors' lists (application_list_for_user, the review queue,
# product_list_for_user) with the user's scope as a value, kept statements
# (core.queries.compiled: compiled once per process).
def _applications(divisions: tuple[int, ...] | None) -> QuerySet[ListingApplication]:
    applications = ListingApplication.objects.all()
    return scope_to_divisions(applications, divisions, division_field="product__division")


def _review_queue(divisions: tuple[int, ...] | None) -> QuerySet[ListingApplication]:
    submitted = _applications(divisions).filter(status=ListingApplication.Status.SUBMITTED)
    return submitted.order_by("submitted_at", "id")


def _review_oldest(divisions: tuple[int, ...] | None) -> QuerySet[ListingApplication]:
    return _review_queue(divisions).select_related("product").only(*REVIEW_FIELDS)[:5]


def _awaiting_listing(divisions: tuple[int, ...] | None) -> QuerySet[Product]:
    products = scope_to_divisions(Product.objects.all(), divisions)
    return products.filter(status=Product.Status.APPROVED)


def _mine(divisions: tuple[int, ...] | None, user_id: int) -> QuerySet[ListingApplication]:
    return _applications(divisions).filter(applicant_id=user_id)


def _my_latest(divisions: tuple[int, ...] | None, user_id: int) -> QuerySet[ListingApplication]:
    mine = _mine(divisions, user_id).select_related("product").only(*PANEL_FIELDS)
    return mine.order_by("-updated_at", "-id")[:5]


def _my_counts(divisions: tuple[int, ...] | None, user_id: int) -> Any:
    by_status = _mine(divisions, user_id).order_by().values_list("status")
    return by_status.annotate(count=Count("id"))


PANELS = [review_queue_panel, my_applications_panel]
