"""Product master, listing applications, price history and bins (SPEC §1).

Transitions only change fields on the instance; the services in catalog/services/ lock
the row, check role and division, write the audit row and send the notifications.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Trim, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.append_only import AppendOnlyModel
from core.models import Division, Warehouse
from core.transitions import ConcurrentTransitionMixin

from .rules import base_information_complete, normalise_sku, sku_validator


class Category(models.Model):
    """Attribute category tree (按产品属性分类)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unique_category_per_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            ancestor = ancestor.parent


# The VAT rates of the PRC (增值税税率): 13 % goods, 9 % transport, construction and basic
# goods, 6 % services, 0 % exports; nothing else is a valid rate.
VAT_RATES = (
    (Decimal("0.130"), _("13 % (goods, processing and repairs)")),
    (Decimal("0.090"), _("9 % (transport, construction, basic goods)")),
    (Decimal("0.060"), _("6 % (services)")),
    (Decimal("0.000"), _("0 % (exports)")),
)


class Product(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        LISTED = "listed", _("Listed")
        DELISTED = "delisted", _("Delisted")

    class VelocityClass(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    sku = models.CharField(_("SKU"), max_length=64, unique=True, validators=[sku_validator])
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("category"),
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=16, default="件")
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=10, decimal_places=3, default=Decimal("0")
    )
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=4, decimal_places=3, choices=VAT_RATES, default=Decimal("0.130")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="products", verbose_name=_("division")
    )
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True
    )

    offline_market_price = models.DecimalField(
        _("offline market price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    online_guide_price = models.DecimalField(
        _("online guide price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_subsidy_price = models.DecimalField(
        _("online baseline subsidy price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    selling_price = models.DecimalField(
        _("selling price"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    detail_content = models.TextField(_("detail-page content"), blank=True)
    expected_monthly_sales = models.PositiveIntegerField(
        _("expected monthly sales"), null=True, blank=True
    )
    promotion_plan = models.TextField(_("promotion plan"), blank=True)

    velocity_class = models.CharField(
        _("sales-velocity class"), max_length=1, choices=VelocityClass.choices, blank=True
    )
    is_slow_mover = models.BooleanField(_("slow mover"), default=False)
    velocity_classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["status", "division"])]
        permissions = [
            ("publish_product", _("Can list and delist products")),
            (
                "change_product_reference_prices",
                _("Can change the reference prices (offline market, online guide, baseline)"),
            ),
            ("change_product_selling_price", _("Can change the selling price")),
            (
                "override_price_guard",
                _("Can set the selling or online guide price outside the price guard"),
            ),
            ("edit_product_base_information", _("Can edit product base information")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vat_rate__in=[rate for rate, _label in VAT_RATES]),
                name="product_vat_rate_prc",
                violation_error_message=_("The VAT rate must be 13 %%, 9 %%, 6 %% or 0 %%."),
            ),
            models.CheckConstraint(
                condition=models.Q(selling_price__isnull=True) | models.Q(selling_price__gt=0),
                name="product_selling_price_positive",
            ),
            # SKUs are stored normalised (rules.normalise_sku) and unique ignoring case.
            models.CheckConstraint(
                condition=models.Q(sku=Upper(Trim("sku"))),
                name="product_sku_normalised",
                violation_error_message=_("A SKU is stored in capitals without blanks."),
            ),
            models.UniqueConstraint(
                Upper("sku"),
                name="product_sku_unique_ignoring_case",
                violation_error_message=_("A product with this SKU already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", args=[self.pk])

    def clean(self) -> None:
        self.sku = normalise_sku(self.sku or "")

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.LISTED

    # --- transitions (SPEC §1: draft → in_review → approved → listed ⇄ delisted) -------
    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.IN_REVIEW,
        permission="catalog.file_listingapplication",
    )
    def submit_for_review(self) -> None:
        """The product's listing application was submitted."""

    @transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.DRAFT,
        permission="catalog.review_listingapplication",
    )
    def return_to_draft(self) -> None:
        """The product's listing application was rejected; the applicant may revise it."""

    @transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.APPROVED,
        permission="catalog.review_listingapplication",
    )
    def approve(self) -> None:
        """The product's listing application was approved."""

    @transition(
        field=status,
        source=[Status.APPROVED, Status.DELISTED],
        target=Status.LISTED,
        conditions=[base_information_complete],
        permission="catalog.publish_product",
    )
    def list_for_sale(self, *, at: dt.datetime) -> None:
        self.listed_at = at

    @transition(
        field=status,
        source=Status.LISTED,
        target=Status.DELISTED,
        permission="catalog.publish_product",
    )
    def delist(self) -> None:
        """Withdrawn from the mall; it can be listed again."""


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    image = models.FileField(_("image"), upload_to="products/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.caption or self.image.name or ""


class ListingApplication(ConcurrentTransitionMixin, models.Model):
    """《公司电商产品上架申请表》: a division asks the product group to list a product."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    product = models.OneToOneField(
        Product,
        on_delete=models.PROTECT,
        related_name="listing_application",
        verbose_name=_("product"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="listing_applications",
        verbose_name=_("applicant"),
    )
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    rationale = models.TextField(
        _("reason for listing"),
        help_text=_("Why this product should be sold online: customers, offline sales, market."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField(_("submissions"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        help_text=_("Kept after a resubmission; every earlier reason is in the history."),
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("listing application")
        verbose_name_plural = _("listing applications")
        indexes = [models.Index(fields=["status", "submitted_at"])]
        permissions = [
            ("file_listingapplication", _("Can file listing applications")),
            ("review_listingapplication", _("Can review listing applications")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="listing_application_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.product.sku}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:application-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"LA-{self.pk:06d}" if self.pk else "LA-new"

    @property
    def is_editable(self) -> bool:
        """The applicant may change a draft, or revise a rejected application."""
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)

    @transition(
        field=status,
        source=[Status.DRAFT, Status.REJECTED],
        target=Status.SUBMITTED,
        permission="catalog.file_listingapplication",
    )
    def submit(self, *, at: dt.datetime) -> None:
        self.submitted_at = at
        self.submission_count += 1

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.APPROVED,
        permission="catalog.review_listingapplication",
    )
    def approve(self, *, by: Any, at: dt.datetime, note: str = "") -> None:
        self.reviewed_by = by
        self.reviewed_at = at
        self.review_note = note

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.REJECTED,
        permission="catalog.review_listingapplication",
    )
    def reject(self, *, by: Any, at: dt.datetime, reason: str) -> None:
        self.reviewed_by = by
        self.reviewed_at = at
        self.rejection_reason = reason


class PriceChange(AppendOnlyModel):
    """One changed price of one product: who, when, old, new, reason (append-only)."""

    class Kind(models.TextChoices):
        OFFLINE_MARKET = "offline_market_price", _("offline market price")
        ONLINE_GUIDE = "online_guide_price", _("online guide price")
        BASELINE_SUBSIDY = "baseline_subsidy_price", _("online baseline subsidy price")
        SELLING = "selling_price", _("selling price")

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="price_changes", verbose_name=_("product")
    )
    kind = models.CharField(_("price"), max_length=32, choices=Kind.choices)
    old_value = models.DecimalField(
        _("old price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("new price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    is_guard_override = models.BooleanField(_("price guard overridden"), default=False)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        indexes = [models.Index(fields=["product", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind}: {self.old_value} → {self.new_value}"


class ProductBin(models.Model):
    """Where a product is stored in one warehouse (pick lists sort by it)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="bins", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="product_bins",
        verbose_name=_("warehouse"),
    )
    bin_code = models.CharField(
        _("bin location"), max_length=32, help_text=_("For example A-01-03 (aisle-rack-level).")
    )

    class Meta:
        ordering = ["warehouse__code", "bin_code"]
        verbose_name = _("bin location")
        verbose_name_plural = _("bin locations")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="one_bin_per_product_and_warehouse"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}: {self.bin_code}"

    def clean(self) -> None:
        self.bin_code = self.bin_code.strip().upper()
        try:
            product = self.product
        except Product.DoesNotExist:
            return
        if (
            self.warehouse_id
            and product.division_id
            and self.warehouse.division_id != product.division_id
        ):
            raise ValidationError(
                {"warehouse": _("The warehouse must belong to the product's division.")}
            )
