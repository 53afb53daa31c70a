"""Product master (SPEC §1). Transitions and listing applications: see catalog/services.py."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from core.models import Division


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

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
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
        _("VAT rate"), max_digits=4, decimal_places=3, default=Decimal("0.130")
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

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["status", "division"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0) & models.Q(vat_rate__lt=1),
                name="product_vat_rate_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(selling_price__isnull=True) | models.Q(selling_price__gt=0),
                name="product_selling_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.LISTED


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
        return self.caption or self.image.name
