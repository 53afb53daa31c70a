"""Forms of the returns pages: they check the shape; the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_renderer import RenderingKept
from core.forms import CleanTextForm

from .models import ReturnRequest, ReturnResolution


class ReturnFilterForm(RenderingKept, forms.Form):
    # each field's label and widget in a <div>; the rendering kept per process for what
    # the fields show (RenderingKept): the same on most requests of the list
    template_name = "includes/_filter_fields.html"

    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(ReturnRequest.Status.choices),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(ReturnRequest.Kind.choices)
    )
    reason = forms.TypedChoiceField(
        label=_("Reason"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All"))] + list(ReturnRequest.Reason.choices),
    )
    mine = forms.BooleanField(label=_("Needs me"), required=False)


class AcceptForm(CleanTextForm):
    kind = forms.ChoiceField(
        label=_("Accept as"), choices=ReturnRequest.Kind.choices, widget=forms.RadioSelect
    )
    refund_amount = forms.DecimalField(
        label=_("Refund of the goods (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Empty: the goods value of the returned lines."),
    )
    return_freight = forms.DecimalField(
        label=_("Customer's return freight (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # the refund entered is the goods' part: the freight is added on top
        if data.get("refund_amount") is not None:
            data["refund_total"] = data["refund_amount"] + (data.get("return_freight") or 0)
        return data


class RejectForm(CleanTextForm):
    note = forms.CharField(
        label=_("Why the request does not meet the standard"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(CleanTextForm):
    part = forms.ChoiceField(
        choices=[("parts", _("Parts support")), ("warehouse", _("Warehouse lead"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("Feedback"), max_length=500, required=False)


class InspectForm(CleanTextForm):
    outcome = forms.ChoiceField(
        label=_("Goods and invoice"),
        choices=[("accept", _("Acceptable: book into stock")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Inspection note (required when refusing)"), max_length=500, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "refuse" and not data.get("note"):
            self.add_error("note", _("Say why the goods are refused."))
        return data


class ResolutionForm(CleanTextForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReturnResolution.Outcome.choices, widget=forms.RadioSelect
    )
    rep_name = forms.CharField(label=_("Sales representative"), max_length=100)
    warehouse_name = forms.CharField(label=_("Warehouse"), max_length=100)
    customer_name = forms.CharField(label=_("Customer"), max_length=100)
    agreement = forms.CharField(
        label=_("What was agreed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvoiceForm(CleanTextForm):
    handling = forms.ChoiceField(
        label=_("Invoice"),
        choices=[
            ("credited", _("Issue a red-letter credit note")),
            ("recovered", _("Paper invoice recovered")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Invoice number(s) recovered / note"),
        max_length=500,
        required=False,
        help_text=_("Required when the invoice was recovered."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("handling") == "recovered" and not data.get("note"):
            self.add_error("note", _("Name the recovered invoice number(s)."))
        return data


class ApproveForm(CleanTextForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReviewForm(CleanTextForm):
    return_freight = forms.DecimalField(
        label=_("Return freight (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("May be lowered, never raised."),
    )
    note = forms.CharField(label=_("Review note"), max_length=500, required=False)


class PayForm(CleanTextForm):
    reference = forms.CharField(label=_("Payment reference"), max_length=64)


class RequestForm(CleanTextForm):
    """A customer's request keyed in by the rep; the quantities per line and the files
    are read by the view (one field per returnable line, several files)."""

    kind = forms.ChoiceField(
        label=_("The customer asks for"),
        choices=ReturnRequest.Kind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.TypedChoiceField(
        label=_("Reason"), coerce=int, choices=ReturnRequest.Reason.choices
    )
    reason_text = forms.CharField(
        label=_("Customer's words"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for reason ⑤ (other)."),
    )
