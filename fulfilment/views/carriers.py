"""The carrier master and regional freight rates, owned by logistics_lead (SPEC §3).
Every change is audited with its old and new values (master data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.audit import audit_history, audit_record
from core.forms import CleanTextForm
from core.views import PermissionGateMixin
from orders.provinces import PROVINCES

from ..models import Carrier, FreightRate

_PROVINCE_CHOICES = [(p.code, f"{p.code} {p.name}") for p in PROVINCES]


class CarrierForm(CleanTextForm, forms.ModelForm):
    class Meta:
        model = Carrier
        fields = ("code", "name", "tracking_pattern", "is_active")

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

    def clean_tracking_pattern(self) -> str:
        import re

        pattern = self.cleaned_data["tracking_pattern"].strip()
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                raise forms.ValidationError(
                    _("Not a valid regular expression: %(error)s") % {"error": error}
                ) from None
        return pattern


class RateForm(forms.ModelForm):
    province_code = forms.ChoiceField(label=gettext_lazy("Province"), choices=_PROVINCE_CHOICES)

    class Meta:
        model = FreightRate
        fields = ("province_code", "first_weight_kg", "first_price", "additional_price_per_kg")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("first_price", "additional_price_per_kg"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("A price cannot be negative."))
        weight = data.get("first_weight_kg")
        if weight is not None and weight <= Decimal("0"):
            self.add_error("first_weight_kg", _("The first weight must be more than 0 kg."))
        return data


def _values(obj: Any, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: str(getattr(obj, name)) for name in fields}


class CarrierListView(PermissionGateMixin, View):
    permission_required = "fulfilment.view_carrier"

    def get(self, request: HttpRequest, form: CarrierForm | None = None) -> HttpResponse:
        carriers = Carrier.objects.prefetch_related("rates").order_by("code")
        can_add = request.user.has_perm("fulfilment.add_carrier")
        return render(
            request,
            "fulfilment/carrier_list.html",
            {"carriers": carriers, "form": form or (CarrierForm() if can_add else None)},
            status=422 if form is not None else 200,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("fulfilment.add_carrier"):
            return HttpResponse(status=403)
        form = CarrierForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        with transaction.atomic():
            carrier = form.save()
            audit_record(
                obj=carrier,
                action="created",
                by=request.user,
                data=_values(carrier, CarrierForm.Meta.fields),
            )
        messages.success(request, _("Carrier %(carrier)s added.") % {"carrier": carrier})
        return redirect("fulfilment:carrier-detail", carrier.pk)


class CarrierDetailView(PermissionGateMixin, View):
    permission_required = "fulfilment.view_carrier"

    def _render(
        self,
        request: HttpRequest,
        carrier: Carrier,
        *,
        form: Any = None,
        rate_form: Any = None,
        status: int = 200,
    ) -> HttpResponse:
        can_change = request.user.has_perm("fulfilment.change_carrier")
        can_rate = request.user.has_perm("fulfilment.add_freightrate")
        return render(
            request,
            "fulfilment/carrier_detail.html",
            {
                "carrier": carrier,
                "rates": carrier.rates.order_by("province_code"),
                "provinces": dict(_PROVINCE_CHOICES),
                "form": form or (CarrierForm(instance=carrier) if can_change else None),
                "rate_form": rate_form or (RateForm() if can_rate else None),
                "can_delete_rate": request.user.has_perm("fulfilment.delete_freightrate"),
                "history": audit_history(carrier),
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, get_object_or_404(Carrier, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        carrier = get_object_or_404(Carrier, pk=pk)
        action = request.POST.get("action", "")
        if action == "carrier":
            if not request.user.has_perm("fulfilment.change_carrier"):
                return HttpResponse(status=403)
            before = _values(carrier, CarrierForm.Meta.fields)
            form = CarrierForm(request.POST, instance=carrier)
            if not form.is_valid():
                return self._render(request, carrier, form=form, status=422)
            with transaction.atomic():
                carrier = form.save()
                after = _values(carrier, CarrierForm.Meta.fields)
                changes = {
                    k: {"old": before[k], "new": v} for k, v in after.items() if before[k] != v
                }
                if changes:
                    audit_record(obj=carrier, action="changed", by=request.user, data=changes)
            messages.success(request, _("Carrier saved."))
        elif action == "rate":
            if not request.user.has_perm("fulfilment.add_freightrate"):
                return HttpResponse(status=403)
            existing = FreightRate.objects.filter(
                carrier=carrier, province_code=request.POST.get("province_code", "")
            ).first()
            rate_form = RateForm(request.POST, instance=existing or FreightRate(carrier=carrier))
            if not rate_form.is_valid():
                return self._render(request, carrier, rate_form=rate_form, status=422)
            fields = RateForm.Meta.fields
            before = _values(existing, fields) if existing else {}
            with transaction.atomic():
                rate = rate_form.save()
                audit_record(
                    obj=carrier,
                    action="rate_changed" if existing else "rate_added",
                    by=request.user,
                    data={"rate": {"old": before, "new": _values(rate, fields)}},
                )
            messages.success(request, _("Freight rate saved."))
        elif action == "delete_rate":
            if not request.user.has_perm("fulfilment.delete_freightrate"):
                return HttpResponse(status=403)
            rate = get_object_or_404(FreightRate, carrier=carrier, pk=request.POST.get("rate") or 0)
            with transaction.atomic():
                audit_record(
                    obj=carrier,
                    action="rate_removed",
                    by=request.user,
                    data={"rate": _values(rate, RateForm.Meta.fields)},
                )
                rate.delete()
            messages.success(request, _("Freight rate removed."))
        return redirect("fulfilment:carrier-detail", carrier.pk)


urlpatterns = [
    path("carriers/", CarrierListView.as_view(), name="carrier-list"),
    path("carriers/<int:pk>/", CarrierDetailView.as_view(), name="carrier-detail"),
]
