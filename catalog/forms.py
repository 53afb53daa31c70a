"""Forms check shape only; the services check the business rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from core.models import Division
from core.scoping import divisions_for_user

from .models import Category, ListingApplication, Product
from .rules import PRICE_PERMISSIONS, normalise_sku, sku_validator
from .selectors import SLOW_MOVER_FILTER, category_paths
from .services import BASE_INFORMATION_FIELDS

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def price_field(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    )


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories shown with their full path, read in one query."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("queryset", None)
        super().__init__(queryset=Category.objects.all(), **kwargs)

    def label_from_instance(self, obj: Category) -> str:
        return str(obj.name)


def _sorted_categories(field: CategoryChoiceField) -> None:
    """Offer the categories as full paths in path order (one query per form)."""
    paths = category_paths()
    ordered = sorted(paths, key=lambda pk: paths[pk])
    field.choices = [("", "---------"), *[(pk, paths[pk]) for pk in ordered]]


class ProductFilterForm(CleanTextForm):
    q = forms.CharField(label=_("SKU or name"), required=False)
    category = CategoryChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Product.Status.choices]
    )
    velocity = forms.ChoiceField(
        label=_("Velocity class"),
        required=False,
        choices=[
            ("", _("All")),
            *Product.VelocityClass.choices,
            (SLOW_MOVER_FILTER, _("Slow movers")),
        ],
    )
    division = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_for_user(user)  # type: ignore[attr-defined]
        _sorted_categories(self.fields["category"])  # type: ignore[arg-type]


class ListingApplicationForm(CleanTextForm):
    """《公司电商产品上架申请表》: the product, its reference prices and the sales outlook."""

    sku = forms.CharField(label=_("SKU"), max_length=64, validators=[sku_validator])
    name = forms.CharField(label=_("Product name"), max_length=200)
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none())
    category = CategoryChoiceField(label=_("Category"), required=False)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=16, initial="件")
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"),
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
    )
    offline_market_price = price_field(_("Offline market price (CNY)"), required=True)
    online_guide_price = price_field(_("Online guide price (CNY)"))
    baseline_subsidy_price = price_field(_("Online baseline subsidy price (CNY)"))
    expected_monthly_sales = forms.IntegerField(
        label=_("Expected monthly sales (in the product's unit, from offline sales)"),
        min_value=0,
    )
    promotion_plan = forms.CharField(
        label=_("Promotion plan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rationale = forms.CharField(
        label=_("Reason for listing"),
        help_text=ListingApplication._meta.get_field("rationale").help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sku"].help_text = _("Stored in capitals: gq-9001 becomes GQ-9001.")
        divisions = divisions_for_user(user)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        if len(divisions) == 1:
            self.fields["division"].initial = divisions[0]
        _sorted_categories(self.fields["category"])  # type: ignore[arg-type]

    def clean_sku(self) -> str:
        return normalise_sku(self.cleaned_data["sku"])

    @staticmethod
    def initial_for(application: ListingApplication) -> dict[str, Any]:
        product = application.product
        initial = forms.model_to_dict(
            product,
            fields=[
                "sku",
                "name",
                "division",
                "category",
                "specification",
                "unit",
                "weight_kg",
                "offline_market_price",
                "online_guide_price",
                "baseline_subsidy_price",
                "expected_monthly_sales",
                "promotion_plan",
            ],
        )
        initial["rationale"] = application.rationale
        return initial


class ProductBaseInformationForm(CleanTextForm):
    """《公司电商产品基础信息表》 without prices (they have their own guarded form)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Product,
                fields=BASE_INFORMATION_FIELDS,
                widgets={
                    "detail_content": forms.Textarea(attrs={"rows": 10}),
                    "promotion_plan": forms.Textarea(attrs={"rows": 4}),
                },
                field_classes={"category": CategoryChoiceField},
            )
        )
        _sorted_categories(self.fields["category"])  # type: ignore[arg-type]
        self.fields["detail_content"].help_text = _(
            "Plain text in the house style: one paragraph per block, a blank line between "
            "paragraphs; the page layout, fonts and colours come from the portal."
        )

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return forms.model_to_dict(product, fields=BASE_INFORMATION_FIELDS)


class PriceChangeForm(CleanTextForm):
    offline_market_price = price_field(_("Offline market price (CNY)"))
    online_guide_price = price_field(_("Online guide price (CNY)"))
    baseline_subsidy_price = price_field(_("Online baseline subsidy price (CNY)"))
    selling_price = price_field(_("Selling price (CNY)"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when overriding the price guard; kept in the price history."),
    )
    override = forms.BooleanField(
        label=_("Override the price guard (product group only)"), required=False
    )

    def __init__(
        self, *args: Any, may_override: bool, editable: tuple[str, ...], **kwargs: Any
    ) -> None:
        """`editable`: the prices this user's role may change; the others are shown
        disabled (a disabled field ignores what is posted and keeps its initial value)."""
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override"]
        for name in PRICE_PERMISSIONS:
            if name not in editable:
                self.fields[name].disabled = True
                self.fields[name].help_text = (
                    _("Set by the product group.")
                    if name == "selling_price"
                    else _("Your role cannot change this price.")
                )

    @staticmethod
    def initial_for(product: Product) -> dict[str, Any]:
        return forms.model_to_dict(
            product,
            fields=[
                "offline_market_price",
                "online_guide_price",
                "baseline_subsidy_price",
                "selling_price",
            ],
        )


class ProductImageForm(CleanTextForm):
    image = forms.ImageField(
        label=_("Image"), validators=[FileExtensionValidator(list(IMAGE_EXTENSIONS))]
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("An image may be at most 5 MB."))
        return image


class ReasonForm(CleanTextForm):
    """A written reason (rejection, delisting)."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewNoteForm(CleanTextForm):
    note = forms.CharField(
        label=_("Note for the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
