"""Forms check shape; the intake rules are the same code as the API's (services.intake)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WIDGET_RENDERER, RenderingKept
from core.forms import CleanTextForm, InstanceChoiceField
from core.models import Division, Warehouse
from core.scoping import divisions_and_warehouses, divisions_for_user

from . import validators
from .exceptions import FieldError
from .models import Customer, Order, Platform, Step
from .services.intake import BuyerInput, LineInput, OrderInput, ShipToInput

DATE = forms.DateInput(attrs={"type": "date"})


def _rule(clean: Any, value: Any) -> Any:
    """Run a shared validator; its rule becomes the error code."""
    try:
        return clean(value)
    except validators.RuleViolation as violation:
        raise ValidationError(violation.message, code=violation.rule) from violation


# --- triage filters ------------------------------------------------------------------------
class OrderFilterForm(RenderingKept, CleanTextForm):
    DUE_WITHIN = [
        ("", _("any time")),
        ("15", _("15 minutes")),
        ("30", _("30 minutes")),
        ("60", _("1 hour")),
        ("120", _("2 hours")),
        ("480", _("8 hours")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("order, platform no., customer")}),
    )
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Order.Status.choices,
        required=False,
        # chips the rep ticks (no Ctrl-click): see .chips in portal.css
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}),
    )
    due_within = forms.TypedChoiceField(
        label=_("Due within"), choices=DUE_WITHIN, coerce=int, empty_value=None, required=False
    )
    breached = forms.BooleanField(label=_("Breached only"), required=False)
    flagged = forms.BooleanField(label=_("Flagged for review only"), required=False)
    division = InstanceChoiceField(
        label=_("Division"), queryset=Division.objects.none(), required=False
    )
    warehouse = InstanceChoiceField(
        label=_("Warehouse"), queryset=Warehouse.objects.none(), required=False
    )
    ship_by = forms.DateField(label=_("Ship by"), required=False, widget=DATE)

    # every list page renders this form: its widgets are written in Python (same HTML), and
    # its rendering is kept per process for the data and choices it shows (RenderingKept)
    default_renderer = WIDGET_RENDERER
    template_name = "orders/includes/_filter_fields.html"

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # what is offered, both kinds in one fixed statement (the fields' querysets then
        # answer with exactly these)
        division_list, warehouse_list = divisions_and_warehouses(user)
        self.fields["division"].set_instances(division_list)  # type: ignore[attr-defined]
        self.fields["warehouse"].set_instances(warehouse_list)  # type: ignore[attr-defined]


# --- keyed-in order ------------------------------------------------------------------------
class OrderKeyInForm(CleanTextForm):
    required_css_class = "required"
    # fields shown only for one buyer kind (order_form.html hides the other kind's)
    KIND_FIELDS = {
        "buyer_org_code": Customer.Kind.CORPORATE,
        "buyer_contact_name": Customer.Kind.CORPORATE,
        "buyer_id_number": Customer.Kind.INDIVIDUAL,
    }
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.filter(is_active=True)
    )
    platform_order_no = forms.CharField(label=_("Platform order number"), max_length=64)
    division: forms.ModelChoiceField[Division] = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.none()
    )
    buyer_kind = forms.ChoiceField(
        label=_("Buyer kind"),
        choices=Customer.Kind.choices,
        widget=forms.RadioSelect,
        initial=Customer.Kind.CORPORATE,
    )
    buyer_name = forms.CharField(label=_("Company or person name"), max_length=200)
    buyer_org_code = forms.CharField(
        label=_("Organisation code"),
        max_length=30,
        required=False,
        help_text=_("Corporate: 18-character credit code or 9-character code"),
    )
    buyer_contact_name = forms.CharField(
        label=_("Responsible person"), max_length=100, required=False
    )
    buyer_id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=30,
        required=False,
        help_text=_("Individual: 18 digits"),
    )
    buyer_phone = forms.CharField(label=_("Buyer phone"), max_length=30)
    ship_province = forms.CharField(label=_("Province"), max_length=32)
    ship_city = forms.CharField(label=_("City"), max_length=64)
    ship_district = forms.CharField(label=_("District"), max_length=64, required=False)
    ship_street = forms.CharField(label=_("Street and number"), max_length=200)
    ship_postcode = forms.CharField(label=_("Postcode"), max_length=10)
    ship_recipient = forms.CharField(label=_("Recipient"), max_length=100)
    ship_phone = forms.CharField(label=_("Recipient phone"), max_length=30)
    freight = forms.CharField(label=_("Freight"), max_length=20, initial="0.00")
    paid = forms.BooleanField(label=_("Paid"), required=False)

    # intake error path → form field
    FIELD_PATHS = {
        "platform_order_no": "platform_order_no",
        "division": "division",
        "freight": "freight",
        "buyer.kind": "buyer_kind",
        "buyer.name": "buyer_name",
        "buyer.org_code": "buyer_org_code",
        "buyer.contact_name": "buyer_contact_name",
        "buyer.id_number": "buyer_id_number",
        "buyer.phone": "buyer_phone",
        "ship_to.province": "ship_province",
        "ship_to.city": "ship_city",
        "ship_to.district": "ship_district",
        "ship_to.street": "ship_street",
        "ship_to.postcode": "ship_postcode",
        "ship_to.recipient": "ship_recipient",
        "ship_to.phone": "ship_phone",
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        divisions = divisions_for_user(user)
        self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        # Preselect when there is only one choice (the usual case for a rep).
        only_division = list(divisions[:2])
        if len(only_division) == 1:
            self.fields["division"].initial = only_division[0].pk
        platforms = list(Platform.objects.filter(is_active=True)[:2])
        if len(platforms) == 1:
            self.fields["platform"].initial = platforms[0].pk
        for name, kind in self.KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-buyer-kind"] = kind
        # required by the intake rules for their kind (marked * while shown)
        for name in ("buyer_org_code", "buyer_id_number"):
            self.fields[name].widget.attrs["data-kind-required"] = ""

    def to_input(self, lines: list[dict[str, Any]], *, placed_at: dt.datetime) -> OrderInput:
        data = self.cleaned_data
        return OrderInput(
            platform_order_no=data["platform_order_no"],
            placed_at=placed_at,
            division=data["division"].code,
            buyer=BuyerInput(
                kind=data["buyer_kind"],
                name=data["buyer_name"],
                phone=data["buyer_phone"],
                org_code=data["buyer_org_code"],
                id_number=data["buyer_id_number"],
                contact_name=data["buyer_contact_name"],
            ),
            ship_to=ShipToInput(
                province=data["ship_province"],
                city=data["ship_city"],
                street=data["ship_street"],
                postcode=data["ship_postcode"],
                recipient=data["ship_recipient"],
                phone=data["ship_phone"],
                district=data["ship_district"],
            ),
            lines=[
                LineInput(sku=line["sku"], quantity=line["quantity"], unit_price=line["unit_price"])
                for line in lines
            ],
            freight=data["freight"],
            paid=data["paid"],
        )

    def add_intake_errors(self, errors: list[FieldError], line_forms: Sequence[forms.Form]) -> None:
        """Put each broken intake rule on the field it names."""
        for error in errors:
            exc = ValidationError(error.message, code=error.rule)
            if error.field.startswith("lines[") and "]." in error.field:
                index, name = error.field[6:].split("].", 1)
                if int(index) < len(line_forms):
                    line_forms[int(index)].add_error(name, exc)
                    continue
            self.add_error(self.FIELD_PATHS.get(error.field), exc)


class OrderLineForm(CleanTextForm):
    required_css_class = "required"
    sku = forms.CharField(
        label=_("SKU"),
        max_length=64,
        widget=forms.TextInput(attrs={"data-sku-lookup": "", "autocomplete": "off"}),
    )
    quantity = forms.IntegerField(label=_("Quantity"))
    unit_price = forms.CharField(label=_("Unit price"), max_length=20)


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=4, min_num=1, validate_min=True)


# --- customer master ------------------------------------------------------------------------
class CustomerForm(CleanTextForm):
    """Customer master data. ID and phone numbers are never shown in full here: left
    blank they keep the value they have (or take the order's, when creating)."""

    required_css_class = "required"
    name = forms.CharField(label=_("Name"), max_length=200)
    org_code = forms.CharField(label=_("Organisation code"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("Responsible person"), max_length=100, required=False)
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=30,
        required=False,
        help_text=_("Leave blank to keep the current value."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Leave blank to keep the current value."),
    )
    province = forms.CharField(label=_("Province"), max_length=32, required=False)
    city = forms.CharField(label=_("City"), max_length=64, required=False)
    district = forms.CharField(label=_("District"), max_length=64, required=False)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    note = forms.CharField(label=_("Note (why the change)"), max_length=200, required=False)

    MASTER_FIELDS = (
        "name",
        "org_code",
        "contact_name",
        "province",
        "city",
        "district",
        "street",
        "postcode",
    )

    @classmethod
    def for_customer(cls, customer: Any, data: Any = None) -> CustomerForm:
        """The form to correct an existing customer, filled with its master data."""
        initial = {name: getattr(customer, name) for name in cls.MASTER_FIELDS}
        return cls(data, initial=initial, kind=customer.kind, has_id_number=True, has_phone=True)

    def __init__(
        self, *args: Any, kind: str, has_id_number: bool, has_phone: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.has_id_number, self.has_phone = has_id_number, has_phone
        if kind == Customer.Kind.CORPORATE:
            del self.fields["id_number"]
            self.fields["org_code"].required = True
            self.fields["contact_name"].required = True
        else:
            del self.fields["org_code"]
            self.fields["postcode"].required = True

    def clean_org_code(self) -> str:
        return _rule(validators.clean_org_code, self.cleaned_data["org_code"])

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        if not value:
            if not self.has_id_number:
                raise ValidationError(
                    _("An individual needs a resident ID number."), code="required"
                )
            return ""
        return _rule(validators.clean_resident_id, value)

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if not value:
            if not self.has_phone:
                raise ValidationError(_("A phone number is required."), code="required")
            return ""
        clean = (
            validators.clean_phone
            if self.kind == Customer.Kind.CORPORATE
            else validators.clean_mobile
        )
        return _rule(clean, value)

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        return _rule(validators.clean_postcode, value) if value else ""

    def master_data(self) -> dict[str, str]:
        """The fields to store; blank personal fields are left out (kept / taken over)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "note"}
        for personal in ("id_number", "phone"):
            if personal in data and not data[personal]:
                del data[personal]
        return data


class CustomerMergeForm(RenderingKept, CleanTextForm):
    # the empty form's rendering is kept per process (the customer page); sent back with an
    # error, it is written again
    keep_bound = False

    duplicate = forms.CharField(label=_("Customer number of the duplicate"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# --- transitions ----------------------------------------------------------------------------
class OrderConfirmForm(CleanTextForm):
    required_css_class = "required"
    invoice_title = forms.CharField(label=_("Invoice title"), max_length=200)
    invoice_tax_number = forms.CharField(label=_("Taxpayer number"), max_length=30, required=False)
    freight = forms.CharField(label=_("Freight"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_freight(self) -> Any:
        return _rule(validators.clean_amount, self.cleaned_data["freight"])

    def clean_invoice_tax_number(self) -> str:
        value = self.cleaned_data["invoice_tax_number"].strip()
        return _rule(validators.clean_taxpayer_number, value) if value else ""


class OrderLineCorrectionForm(CleanTextForm):
    """One line of the sales order as the rep confirms it; the product is not editable."""

    position = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"aria-label": _("Quantity"), "size": 6}),
    )
    unit_price = forms.CharField(
        label=_("Unit price"),
        max_length=20,
        widget=forms.TextInput(attrs={"aria-label": _("Unit price"), "size": 10}),
    )

    def clean_unit_price(self) -> Any:
        amount = _rule(validators.clean_amount, self.cleaned_data["unit_price"])
        if amount < Decimal("0.01"):
            raise ValidationError(_("The unit price must be at least 0.01."), code="min_unit_price")
        return amount


OrderLineCorrectionFormSet = forms.formset_factory(OrderLineCorrectionForm, extra=0)


class OrderCancelForm(CleanTextForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class OrderDeliverForm(CleanTextForm):
    received_at = forms.DateTimeField(
        label=_("Receipt confirmed at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Beijing time; now if left blank."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_received_at(self) -> dt.datetime | None:
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now():
            raise ValidationError(_("The receipt cannot lie in the future."), code="not_in_future")
        return value


class SlaReportForm(CleanTextForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    division: forms.ModelChoiceField[Division] = forms.ModelChoiceField(
        label=_("Division"), queryset=Division.objects.none(), required=False
    )
    step = forms.ChoiceField(
        label=_("Step"), choices=[("", _("all steps")), *Step.choices], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions_for_user(user)  # type: ignore[attr-defined]
