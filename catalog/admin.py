"""Django admin for the catalog's master data. State changes and prices go through the
portal's services (they are read-only here); every change made here is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.append_only import ReadOnlyAdmin
from core.audit import audit_record

from .models import Category, ListingApplication, PriceChange, Product, ProductBin, ProductImage


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit row per save or delete made in the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        name = obj._meta.model_name
        audit_record(
            obj=obj,
            action=f"{name}_changed_in_admin" if change else f"{name}_added_in_admin",
            by=request.user,
            data={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(obj=obj, action=f"{obj._meta.model_name}_deleted_in_admin", by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The "delete selected" action: one audit row per object, as for a single delete,
        in one transaction with the delete (the admin action itself does not open one)."""
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    obj=obj,
                    action=f"{obj._meta.model_name}_deleted_in_admin",
                    by=request.user,
                    data={"bulk": True},
                )
            super().delete_queryset(request, queryset)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        changes: dict[str, list[str]] = {
            "added": [str(o) for o in formset.new_objects],
            "changed": [str(o) for o, _fields in formset.changed_objects],
            "deleted": [str(o) for o in formset.deleted_objects],
        }
        if any(changes.values()):
            model_name = formset.model._meta.model_name if formset.model else "inline"
            audit_record(
                obj=form.instance,
                action=f"{model_name}_changed_in_admin",
                by=request.user,
                data=changes,
            )


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "parent")
    list_filter = ("parent",)
    search_fields = ("name",)


def _is_listed(obj: Model | None) -> bool:
    return isinstance(obj, Product) and obj.is_listed


class ProductImageInline(admin.TabularInline):
    """Read-only while the product is listed: a listed product keeps at least one image,
    and the product page (product_image_add / product_image_remove) is the way to change
    them then."""

    model = ProductImage
    extra = 0
    fields = ("image", "caption", "position")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_listed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_listed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return not _is_listed(obj) and super().has_delete_permission(request, obj)


class ProductBinInline(admin.TabularInline):
    model = ProductBin
    extra = 1
    fields = ("warehouse", "bin_code")
    autocomplete_fields = ()


# Base information a listed product must keep (rules.missing_base_information); the admin
# shows them read-only while it is listed, so only the guarded service can change them.
LISTED_READ_ONLY_FIELDS = ("detail_content", "expected_monthly_sales", "promotion_plan")

PRICE_FIELDS = (
    "offline_market_price",
    "online_guide_price",
    "baseline_subsidy_price",
    "selling_price",
)


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = (
        "sku",
        "name",
        "division",
        "category",
        "status",
        "selling_price",
        "velocity_class",
        "is_slow_mover",
    )
    list_filter = ("status", "division", "velocity_class", "is_slow_mover", "category")
    search_fields = ("sku", "name")
    list_select_related = ("division", "category")
    inlines = (ProductImageInline, ProductBinInline)
    readonly_fields = (
        "status",
        *PRICE_FIELDS,
        "velocity_class",
        "is_slow_mover",
        "velocity_classified_at",
        "listed_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "sku",
                    "name",
                    "division",
                    "category",
                    "specification",
                    "unit",
                    "weight_kg",
                    "vat_rate",
                    "status",
                )
            },
        ),
        (
            _("Base information"),
            {"fields": ("detail_content", "expected_monthly_sales", "promotion_plan")},
        ),
        (_("Prices (changed on the product page, with the price guard)"), {"fields": PRICE_FIELDS}),
        (
            _("Sales velocity"),
            {"fields": ("velocity_class", "is_slow_mover", "velocity_classified_at", "listed_at")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *LISTED_READ_ONLY_FIELDS) if _is_listed(obj) else fields

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # products are delisted, never deleted (orders refer to them)


@admin.register(ProductBin)
class ProductBinAdmin(AuditedAdmin):
    list_display = ("product", "warehouse", "bin_code")
    list_filter = ("warehouse",)
    search_fields = ("product__sku", "product__name", "bin_code")
    list_select_related = ("product", "warehouse")
    raw_id_fields = ("product",)


@admin.register(ListingApplication)
class ListingApplicationAdmin(ReadOnlyAdmin):
    """Applications change only through the portal (file, submit, review)."""

    list_display = (
        "number",
        "product",
        "applicant",
        "status",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    )
    list_filter = ("status", "product__division")
    search_fields = ("product__sku", "product__name", "applicant__username")
    list_select_related = ("product", "applicant", "reviewed_by")


@admin.register(PriceChange)
class PriceChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "changed_at",
        "product",
        "kind",
        "old_value",
        "new_value",
        "changed_by",
        "is_guard_override",
        "reason",
    )
    list_filter = ("kind", "is_guard_override")
    search_fields = ("product__sku", "product__name", "reason")
    list_select_related = ("product", "changed_by")
    date_hierarchy = "changed_at"
