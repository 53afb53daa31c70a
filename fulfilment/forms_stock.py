"""Forms of the stock pages, inbound receipts and replenishment requests. They check the
shape of the input; the services check the rules (and name the field they refuse)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm
from core.models import Warehouse
from core.scoping import scope_to_user_divisions as scoped

from .models import ReplenishmentRequest, StockMove
from .services.replenishment import MAX_QUANTITY

DATE = forms.DateInput(attrs={"type": "date"})


def user_warehouses(user: Any) -> Any:
    """The active warehouses of the user's divisions."""
    return scoped(
        Warehouse.objects.filter(is_active=True).select_related("division"), user=user
    ).order_by("code")


class _WarehouseField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class _RequestField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} · {obj.product.sku} × {obj.quantity} → {obj.warehouse.code}"


# --- filters -----------------------------------------------------------------------------------
class StockFilterForm(forms.Form):
    warehouse = _WarehouseField(
        label=_("Warehouse"), queryset=Warehouse.objects.none(), required=False
    )
    q = forms.CharField(label=_("SKU or name"), required=False, max_length=64)
    low_only = forms.BooleanField(label=_("Low stock only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = user_warehouses(user)  # type: ignore[attr-defined]


class MoveFilterForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), required=False, max_length=64)
    warehouse = _WarehouseField(
        label=_("Warehouse"), queryset=Warehouse.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(StockMove.Kind.choices)
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = user_warehouses(user)  # type: ignore[attr-defined]


class ReceiptFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    warehouse = _WarehouseField(
        label=_("Warehouse"), queryset=Warehouse.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = user_warehouses(user)  # type: ignore[attr-defined]


class ReplenishmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or SKU"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(ReplenishmentRequest.Status.choices),
    )


# --- inbound receipt ---------------------------------------------------------------------------
class ReceiptForm(CleanTextForm):
    warehouse = _WarehouseField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    supplier_document = forms.CharField(
        label=_("Supplier's delivery note"), max_length=64, required=False
    )
    request = _RequestField(
        label=_("Replenishment request"),
        queryset=ReplenishmentRequest.objects.none(),
        required=False,
        help_text=_("An approved request this delivery fulfils (optional)."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = user_warehouses(user)  # type: ignore[attr-defined]
        self.fields["request"].queryset = scoped(  # type: ignore[attr-defined]
            ReplenishmentRequest.objects.filter(
                status=ReplenishmentRequest.Status.APPROVED
            ).select_related("product", "warehouse"),
            user=user,
            division_field="warehouse__division",
        ).order_by("number")


class ReceiptLineForm(CleanTextForm):
    product = forms.CharField(label=_("SKU"), max_length=64, required=False)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sku, quantity = data.get("product"), data.get("quantity")
        if sku and quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter the quantity received."))
        if not sku and quantity is not None:
            self.add_error("product", _("Enter the SKU of the product."))
        return data


ReceiptLineFormSet = forms.formset_factory(ReceiptLineForm, extra=5, max_num=200)


# --- replenishment -----------------------------------------------------------------------------
class ReplenishmentForm(CleanTextForm):
    product = forms.CharField(label=_("SKU"), max_length=64)
    warehouse = _WarehouseField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit_cost = forms.DecimalField(
        label=_("Unit cost (CNY)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = user_warehouses(user)  # type: ignore[attr-defined]


class DecisionForm(CleanTextForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RejectForm(CleanTextForm):
    note = forms.CharField(label=_("Reason"), max_length=200)
