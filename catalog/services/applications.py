"""Listing applications (《公司电商产品上架申请表》): file, revise, submit, approve, reject."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.lock_order import row_lock
from core.models import Division
from core.notifications import notify
from core.roles import Role

from ..exceptions import CatalogError, TransitionRefused
from ..models import Category, ListingApplication, Product
from ..rules import normalise_sku, weight_violation
from ._common import check_transition, ensure_division_access, portal_language
from .prices import PriceSet, apply_price_changes, check_price_guard, validate_price_set


@dataclass(frozen=True)
class ProductProposal:
    """What the division proposes: master data, its reference prices and sales outlook."""

    sku: str
    name: str
    division: Division
    category: Category | None = None
    specification: str = ""
    unit: str = "件"
    weight_kg: Decimal = Decimal("0")
    offline_market_price: Decimal | None = None
    online_guide_price: Decimal | None = None
    baseline_subsidy_price: Decimal | None = None
    expected_monthly_sales: int | None = None
    promotion_plan: str = ""

    MASTER_FIELDS = (
        "sku",
        "name",
        "category",
        "specification",
        "unit",
        "weight_kg",
        "expected_monthly_sales",
        "promotion_plan",
    )

    def prices(self, *, selling_price: Decimal | None = None) -> PriceSet:
        return PriceSet(
            offline_market_price=self.offline_market_price,
            online_guide_price=self.online_guide_price,
            baseline_subsidy_price=self.baseline_subsidy_price,
            selling_price=selling_price,
        ).quantized()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def _ensure_may_file(*, by: Any, division_id: int) -> None:
    ensure_division_access(user=by, division_id=division_id)
    if not by.has_perm("catalog.file_listingapplication"):
        raise TransitionRefused(_("Your role does not allow filing listing applications."))


@transaction.atomic
def listing_application_create(
    *, by: Any, proposal: ProductProposal, rationale: str
) -> ListingApplication:
    """A new draft application together with its product (in draft)."""
    _ensure_may_file(by=by, division_id=proposal.division.pk)
    sku = normalise_sku(proposal.sku)
    if Product.objects.filter(sku__iexact=sku).exists():
        raise CatalogError(
            _("A product with SKU %(sku)s already exists.") % {"sku": sku}, field="sku"
        )
    master = {name: getattr(proposal, name) for name in ProductProposal.MASTER_FIELDS}
    try:
        with transaction.atomic():
            product = Product.objects.create(**{**master, "sku": sku}, division=proposal.division)
    except IntegrityError as error:
        raise CatalogError(
            _("A product with SKU %(sku)s already exists.") % {"sku": sku}, field="sku"
        ) from error
    audit_record(obj=product, action="product_created", by=by, to_state=product.status)
    _check_proposal(proposal)
    prices = proposal.prices()
    validate_price_set(old=PriceSet(), new=prices)
    _check_reference_prices(old=PriceSet(), new=prices, by=by)
    apply_price_changes(product=product, by=by, new=prices, reason=_("Listing application"))
    application = ListingApplication.objects.create(
        product=product, applicant=by, rationale=rationale.strip()
    )
    audit_record(
        obj=application, action="listing_application_created", by=by, to_state=application.status
    )
    return application


@transaction.atomic
def listing_application_revise(
    *, application: ListingApplication, by: Any, proposal: ProductProposal, rationale: str
) -> ListingApplication:
    """Change a draft, or revise a rejected application before resubmitting it."""
    application = row_lock(application)
    product = row_lock(application.product)
    _ensure_may_file(by=by, division_id=product.division_id)
    if not application.is_editable:
        raise TransitionRefused(_("Only a draft or a rejected application can be changed."))
    if proposal.division.pk != product.division_id:
        raise CatalogError(_("The division of an application cannot change."), field="division")
    sku = normalise_sku(proposal.sku)
    if Product.objects.filter(sku__iexact=sku).exclude(pk=product.pk).exists():
        raise CatalogError(
            _("A product with SKU %(sku)s already exists.") % {"sku": sku}, field="sku"
        )
    changed = _update_master_data(product=product, proposal=proposal, sku=sku)
    _check_proposal(proposal)
    new_prices = proposal.prices(selling_price=product.selling_price)
    validate_price_set(old=PriceSet.of(product), new=new_prices)
    _check_reference_prices(old=PriceSet.of(product), new=new_prices, by=by)
    apply_price_changes(
        product=product, by=by, new=new_prices, reason=_("Listing application revised")
    )
    if rationale.strip() != application.rationale:
        application.rationale = rationale.strip()
        application.save(update_fields=["rationale", "updated_at"])
        changed.append("rationale")
    audit_record(
        obj=application,
        action="listing_application_revised",
        by=by,
        data={"fields": changed},
    )
    return application


def _check_proposal(proposal: ProductProposal) -> None:
    if problem := weight_violation(proposal.weight_kg):
        raise CatalogError(problem, field="weight_kg")


def _check_reference_prices(*, old: PriceSet, new: PriceSet, by: Any) -> None:
    """The division's prices must already keep the guard rails (the guide price between
    the baseline subsidy and the offline market price); only the product group, on the
    product's price page, may override them."""
    check_price_guard(new=new, changed=new.changed_from(old), by=by, reason="", override=False)


def _update_master_data(*, product: Product, proposal: ProductProposal, sku: str) -> list[str]:
    changed = []
    for name in ProductProposal.MASTER_FIELDS:
        value = sku if name == "sku" else getattr(proposal, name)
        if getattr(product, name) != value:
            setattr(product, name, value)
            changed.append(name)
    if changed:
        product.save(update_fields=[*changed, "updated_at"])
    return changed


@transaction.atomic
def listing_application_submit(*, application: ListingApplication, by: Any) -> ListingApplication:
    """Send the application to the product group's review queue."""
    application = row_lock(application)
    product = row_lock(application.product)
    ensure_division_access(user=by, division_id=product.division_id)
    submit = check_transition(application, "submit", user=by)
    submit_product = check_transition(product, "submit_for_review", user=by)
    _ensure_submittable(application=application, product=product)
    from_state = application.status
    submit(at=timezone.now())
    submit_product()
    application.save(update_fields=["status", "submitted_at", "submission_count", "updated_at"])
    product.save(update_fields=["status", "updated_at"])
    audit_record(
        obj=application,
        action="listing_application_submitted",
        by=by,
        from_state=from_state,
        to_state=application.status,
        data={"submission": application.submission_count},
    )
    audit_record(
        obj=product,
        action="product_submitted_for_review",
        by=by,
        from_state=Product.Status.DRAFT,
        to_state=product.status,
    )
    with portal_language():
        notify(
            subject=lambda: (
                _("Listing application %(number)s to review: %(product)s")
                % {"number": application.number, "product": product}
            ),
            body=application.rationale,
            link=reverse("catalog:application-detail", args=[application.pk]),
            topic="catalog.application_submitted",
            roles=[Role.PRODUCT_GROUP],
            division=product.division,
        )
    return application


def _ensure_submittable(*, application: ListingApplication, product: Product) -> None:
    """The division's part of the form must be filled before the review."""
    missing = []
    if not application.rationale.strip():
        missing.append(_("reason for listing"))
    if product.offline_market_price is None:
        missing.append(_("offline market price"))
    if product.expected_monthly_sales is None:
        missing.append(_("expected monthly sales"))
    if missing:
        raise CatalogError(
            _("Fill in before submitting: %(missing)s.") % {"missing": "、".join(map(str, missing))}
        )


@transaction.atomic
def listing_application_approve(
    *, application: ListingApplication, by: Any, note: str = ""
) -> ListingApplication:
    application = row_lock(application)
    product = row_lock(application.product)
    ensure_division_access(user=by, division_id=product.division_id)
    approve = check_transition(application, "approve", user=by)
    approve_product = check_transition(product, "approve", user=by)
    approve(by=by, at=timezone.now(), note=note.strip())
    approve_product()
    application.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"]
    )
    product.save(update_fields=["status", "updated_at"])
    audit_record(
        obj=application,
        action="listing_application_approved",
        by=by,
        from_state=ListingApplication.Status.SUBMITTED,
        to_state=application.status,
        note=note.strip(),
    )
    audit_record(
        obj=product,
        action="product_approved",
        by=by,
        from_state=Product.Status.IN_REVIEW,
        to_state=product.status,
    )
    with portal_language():
        notify(
            subject=lambda: (
                _("Listing application %(number)s approved: %(product)s")
                % {"number": application.number, "product": product}
            ),
            body=lambda: (
                _(
                    "The product group approved your application. The product is listed once its "
                    "base information (images, detail page, prices, promotion plan) is complete."
                )
                + (f"\n\n{note.strip()}" if note.strip() else "")
            ),
            link=reverse("catalog:application-detail", args=[application.pk]),
            topic="catalog.application_approved",
            users=[application.applicant],
        )
    return application


@transaction.atomic
def listing_application_reject(
    *, application: ListingApplication, by: Any, reason: str
) -> ListingApplication:
    """Reject with a reason; the applicant may revise and resubmit."""
    if not reason.strip():
        raise CatalogError(_("A rejection needs a reason."), field="reason")
    application = row_lock(application)
    product = row_lock(application.product)
    ensure_division_access(user=by, division_id=product.division_id)
    reject = check_transition(application, "reject", user=by)
    return_to_draft = check_transition(product, "return_to_draft", user=by)
    reject(by=by, at=timezone.now(), reason=reason.strip())
    return_to_draft()
    application.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"]
    )
    product.save(update_fields=["status", "updated_at"])
    audit_record(
        obj=application,
        action="listing_application_rejected",
        by=by,
        from_state=ListingApplication.Status.SUBMITTED,
        to_state=application.status,
        note=reason.strip(),
    )
    audit_record(
        obj=product,
        action="product_returned_to_draft",
        by=by,
        from_state=Product.Status.IN_REVIEW,
        to_state=product.status,
        note=reason.strip(),
    )
    with portal_language():
        notify(
            subject=lambda: (
                _("Listing application %(number)s rejected: %(product)s")
                % {"number": application.number, "product": product}
            ),
            body=lambda: (
                _("Reason: %(reason)s\nYou may revise the application and submit it again.")
                % {"reason": reason.strip()}
            ),
            link=reverse("catalog:application-detail", args=[application.pk]),
            topic="catalog.application_rejected",
            users=[application.applicant],
        )
    return application
