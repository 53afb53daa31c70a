"""Admin: platforms (token shown once), the routing table, read-only orders/customers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.append_only import ReadOnlyAdmin

from .models import Customer, Order, Platform, ProvinceRoute
from .services.platforms import MIN_TOKEN_LENGTH, platform_set_token


class PlatformForm(forms.ModelForm):
    new_token = forms.CharField(
        label=_("New API token"),
        required=False,
        min_length=MIN_TOKEN_LENGTH,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Leave blank: a new platform gets a random token, shown once after saving; "
            "an existing platform keeps its token. Only a hash is stored."
        ),
    )
    generate_token = forms.BooleanField(label=_("Generate a new random token"), required=False)

    class Meta:
        model = Platform
        fields = ("name", "code", "is_active")


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    form = PlatformForm
    list_display = ("code", "name", "token_hint", "is_active", "created_at")
    readonly_fields = ("token_hint", "created_at")

    def save_model(self, request: HttpRequest, obj: Platform, form: Any, change: bool) -> None:
        token = form.cleaned_data.get("new_token", "")
        if not change or token or form.cleaned_data.get("generate_token"):
            token = platform_set_token(platform=obj, by=request.user, token=token)
            obj.save()
            if not form.cleaned_data.get("new_token"):
                messages.warning(
                    request,
                    _("API token of %(code)s (shown only now, copy it): %(token)s")
                    % {"code": obj.code, "token": token},
                )
        else:
            super().save_model(request, obj, form, change)


@admin.register(ProvinceRoute)
class ProvinceRouteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "warehouse_kind")
    list_editable = ("warehouse_kind",)
    list_filter = ("warehouse_kind",)
    search_fields = ("code", "name")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "platform_order_no",
        "status",
        "division",
        "warehouse",
        "ship_by",
        "buyer_name",
        "next_due_at",
    )
    list_filter = ("status", "division", "warehouse", "source")
    search_fields = ("number", "platform_order_no", "sales_order_number", "buyer_name")
    fields = (
        "number",
        "platform",
        "platform_order_no",
        "status",
        "division",
        "warehouse",
        "placed_at",
        "ship_by",
        "buyer_name",
        "customer",
        "sales_order_number",
    )


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "kind", "org_code", "division", "merged_into")
    list_filter = ("kind", "division")
    search_fields = ("number", "name", "org_code")
    fields = ("number", "name", "kind", "org_code", "contact_name", "division", "merged_into")
