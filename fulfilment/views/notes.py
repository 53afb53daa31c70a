"""parts_support's queue and stock check, delivery notes (with finance's "Issue invoice"
button, which posts to billing) and the hand-over to the carrier (warehouse)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.db.models import IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from catalog.models import ProductBin
from core.actions import PostActionView, form_error_from, query_string_without_page
from core.audit import audit_history
from core.exceptions import DomainError
from core.form_renderer import RenderingKept
from core.forms import CleanTextForm, InstanceChoiceField
from core.models import Warehouse
from core.pagination import CappedPaginator
from core.scoping import divisions_and_warehouses
from core.views import PermissionGateMixin
from core.working_calendar import at_local
from orders.models import Order

from .. import services
from ..models import Carrier, DeliveryNote, DeliveryNoteLine, Shipment, StockLevel
from ..queue import queue_from_values, queue_groups, queue_values
from ._common import get_scoped, scoped


# --- forms ------------------------------------------------------------------------------------
class PartialForm(CleanTextForm):
    partial_agreed_with = forms.CharField(
        label=gettext_lazy("Partial delivery agreed with"), max_length=100, required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class HandOverForm(CleanTextForm):
    carrier = forms.ModelChoiceField(
        label=gettext_lazy("Carrier"), queryset=Carrier.objects.filter(is_active=True)
    )
    tracking_number = forms.CharField(label=gettext_lazy("Tracking number"), max_length=40)
    parcels = forms.IntegerField(
        label=gettext_lazy("Parcels"), min_value=1, max_value=999, initial=1
    )
    weight_kg = forms.DecimalField(
        label=gettext_lazy("Weight (kg)"),
        min_value=0.01,
        max_value=99999.99,
        max_digits=7,
        decimal_places=2,
    )


class BackOrderCancelForm(CleanTextForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


# --- queue --------------------------------------------------------------------------------------
class QueueFilterForm(RenderingKept, forms.Form):
    # each field's label and widget in a <div>; the rendering kept per process for what the
    # fields show and offer (RenderingKept)
    template_name = "includes/_filter_fields.html"

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))]
        + [(s.value, s.label) for s in (Order.Status.CONFIRMED, Order.Status.ON_HOLD)],
    )
    # its choices read once (not again to render them and once more to check the value)
    warehouse = InstanceChoiceField(
        label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the active warehouses of the user's divisions, by code (one fixed statement)
        _divisions, warehouses = divisions_and_warehouses(user)
        self.fields["warehouse"].set_instances(warehouses)  # type: ignore[attr-defined]


class QueueView(PermissionGateMixin, ListView):
    """The waiting orders a page at a time (grouped by window on each page): a page costs
    the same whatever waits."""

    permission_required = "fulfilment.add_deliverynote"
    template_name = "fulfilment/queue.html"
    context_object_name = "orders"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        self.form = QueueFilterForm(self.request.GET or None, user=self.request.user)
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        self.waiting = queue_values(user=self.request.user, filters=filters)
        # what a row shows: not the order's seventy columns (its personal numbers would be
        # decrypted for every row)
        return (
            queue_from_values(*self.waiting)
            .select_related("warehouse")
            .only(
                "number",
                "platform_order_no",
                "buyer_name",
                "status",
                "hold_reason",
                "ship_by",
                "delivery_note_window_at",
                "delivery_note_due_at",
                "warehouse__code",
                "warehouse__name",
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            groups=queue_groups(self.waiting, context["orders"]),
            form=self.form,
            query_string=query_string_without_page(self.request),
            now=timezone.now(),
        )
        return context


# --- stock check and note creation -------------------------------------------------------------
def stock_check_rows(order: Order) -> list[dict[str, Any]]:
    remaining = services.order_remaining(order)
    lines = list(order.lines.select_related("product").order_by("position"))
    levels = {
        level.product_id: level
        for level in StockLevel.objects.filter(
            warehouse=order.warehouse_id, product__in=[ln.product_id for ln in lines]
        )
    }
    bins = dict(
        ProductBin.objects.filter(
            warehouse=order.warehouse_id, product__in=[ln.product_id for ln in lines]
        ).values_list("product_id", "bin_code")
    )
    rows = []
    for line in lines:
        level = levels.get(line.product_id)
        available = level.available if level else 0
        rows.append(
            {
                "line": line,
                "remaining": remaining.get(line.pk, 0),
                "on_hand": level.on_hand if level else 0,
                "reserved": level.reserved if level else 0,
                "available": available,
                "bin": bins.get(line.product_id, ""),
                "field": f"line_{line.pk}",
                "enough": available >= remaining.get(line.pk, 0),
                "suggested": min(max(available, 0), remaining.get(line.pk, 0)),
            }
        )
    return rows


class StockCheckView(PermissionGateMixin, View):
    """GET: the order's lines against the stock of its warehouse. POST: the note —
    everything (or the order waits for stock), or the quantities given (partial)."""

    permission_required = "fulfilment.view_deliverynote"

    def _order(self, request: HttpRequest, pk: int) -> Order:
        return get_scoped(
            Order.objects.select_related("warehouse", "division"), user=request.user, pk=pk
        )

    def _render(
        self,
        request: HttpRequest,
        order: Order,
        *,
        form: PartialForm | None = None,
        entered: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        rows = stock_check_rows(order)
        for row in rows:
            row["entered"] = (entered or {}).get(row["field"], row["suggested"])
            row["error"] = (errors or {}).get(row["field"], "")
        notes = (
            DeliveryNote.objects.filter(order=order)
            .annotate(units=Sum("lines__quantity"))
            .order_by("pk")
        )
        context = {
            "order": order,
            "rows": rows,
            "all_enough": all(r["enough"] for r in rows if r["remaining"]),
            "anything_left": any(r["remaining"] for r in rows),
            "form": form or PartialForm(),
            "notes": notes,
            "progress": services.progress_of(order),
            "can_create": request.user.has_perm("fulfilment.add_deliverynote")
            and order.status == Order.Status.CONFIRMED,
        }
        return render(request, "fulfilment/stock_check.html", context, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._order(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self._order(request, pk)
        if not request.user.has_perm("fulfilment.add_deliverynote"):
            return self._render(request, order, status=403)
        form = PartialForm(request.POST)
        mode = request.POST.get("mode", "all")
        entered = {k: request.POST.get(k, "") for k in request.POST if k.startswith("line_")}
        errors: dict[str, str] = {}
        quantities: dict[int, int] | None = None
        if mode == "partial":
            quantities = {}
            for key, raw in entered.items():
                try:
                    quantities[int(key.removeprefix("line_"))] = int(raw.strip() or "0")
                except ValueError:
                    errors[key] = _("Enter a whole number of 0 or more.")
        if errors or not form.is_valid():
            return self._render(
                request, order, form=form, entered=entered, errors=errors, status=422
            )
        try:
            created = services.delivery_note_create(
                order=order,
                by=request.user,
                quantities=quantities,
                partial_agreed_with=form.cleaned_data["partial_agreed_with"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            if error.field and error.field.startswith("line_"):
                errors[error.field] = str(error)
            else:
                form_error_from(form, error)
            return self._render(
                request, order, form=form, entered=entered, errors=errors, status=422
            )
        from django.contrib import messages

        first = created[0]
        if first.status == DeliveryNote.Status.WAITING:
            messages.warning(
                request,
                _(
                    "Not enough stock: order %(order)s waits on %(note)s and is released "
                    "when stock arrives."
                )
                % {"order": order.number, "note": first.number},
            )
        else:
            messages.success(
                request,
                _("Delivery note %(note)s created; finance and the warehouse are notified.")
                % {"note": ", ".join(n.number for n in created)},
            )
        return redirect("fulfilment:note-detail", first.pk)


# --- notes --------------------------------------------------------------------------------------
class NoteFilterForm(RenderingKept, forms.Form):
    # each field's label and widget in a <div>; the rendering kept per process for what the
    # fields show and offer (RenderingKept)
    template_name = "includes/_filter_fields.html"

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=64)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(DeliveryNote.Status.choices),
    )
    ship_by = forms.DateField(label=gettext_lazy("Ship by"), required=False)


NOTE_LIST_FIELDS = (
    "number",
    "kind",
    "status",
    "ship_by",
    "invoice_number",
    "created_at",
    "division",
    "order__number",
    "order__status",  # a state machine's state is read as the order is built
    "warehouse__code",
)


class NoteListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_deliverynote"
    template_name = "fulfilment/note_list.html"
    context_object_name = "notes"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        self.form = NoteFilterForm(self.request.GET or None)
        notes = (
            scoped(DeliveryNote.objects.all(), user=self.request.user)
            .select_related("order", "warehouse")
            # what a row shows: not the order's seventy columns (its personal numbers would
            # be decrypted for every row)
            .only(*NOTE_LIST_FIELDS)
        )
        if self.form.is_valid():
            data = self.form.cleaned_data
            if data["q"]:
                q = data["q"].strip()
                notes = notes.filter(
                    Q(number__icontains=q)
                    | Q(order__number__icontains=q)
                    | Q(order__platform_order_no__icontains=q)
                    | Q(invoice_number=q)
                )
            if data["status"]:
                notes = notes.filter(status=data["status"])
            if data["ship_by"]:
                notes = notes.filter(ship_by=data["ship_by"])
        return notes.order_by("-created_at", "-pk")

    def get_paginator(self, *args: Any, **kwargs: Any) -> CappedPaginator:
        # each row's units: on the page's statement only (kept with it), not the filters'
        return CappedPaginator(*args, annotate=_note_units_of_rows, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, query_string=query_string_without_page(self.request))
        return context


def invoice_preview(note: DeliveryNote, lines: list[DeliveryNoteLine]) -> dict[str, Any]:
    """What the invoice of this note will carry (billing.services.invoices issues it; its
    tests hold the two equal): each line at the order's tax-inclusive price, and the
    order's freight on the order's first invoice only."""
    amounts = [
        (line.quantity * line.order_line.unit_price).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        for line in lines
    ]
    first_invoice = (
        not DeliveryNote.objects.filter(order=note.order_id)
        .exclude(pk=note.pk)
        .exclude(invoice_number="")
        .exists()
    )
    freight = note.order.freight if first_invoice and note.order.freight > 0 else None
    total = sum(amounts, Decimal("0.00")) + (freight or 0)
    rows = [{"line": line, "amount": amount} for line, amount in zip(lines, amounts, strict=True)]
    return {"rows": rows, "freight": freight, "total": total}


def _note_units_of_rows() -> dict[str, Any]:
    return {"units": _note_units()}


def _note_units() -> Subquery:
    """The units of each listed note, read per row (a join and GROUP BY over the lines
    would aggregate every note of the division before the page's LIMIT)."""
    units = (
        DeliveryNoteLine.objects.filter(delivery_note=OuterRef("pk"))
        .order_by()
        .values("delivery_note")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return Subquery(units, output_field=IntegerField())


class NoteDetailView(PermissionGateMixin, TemplateView):
    permission_required = "fulfilment.view_deliverynote"
    template_name = "fulfilment/note_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        note = get_scoped(
            DeliveryNote.objects.select_related("order", "warehouse", "division", "created_by"),
            user=user,
            pk=kwargs["pk"],
        )
        lines = list(
            DeliveryNoteLine.objects.filter(delivery_note=note).select_related(
                "product", "order_line"
            )
        )
        bins = dict(
            ProductBin.objects.filter(
                warehouse=note.warehouse_id, product__in=[ln.product_id for ln in lines]
            ).values_list("product_id", "bin_code")
        )
        for line in lines:
            line.bin = bins.get(line.product_id, "")  # type: ignore[attr-defined]
        shipment = Shipment.objects.filter(delivery_note=note).select_related("carrier").first()
        siblings = DeliveryNote.objects.filter(order=note.order).exclude(pk=note.pk).order_by("pk")
        context.update(
            note=note,
            lines=lines,
            shipment=shipment,
            siblings=siblings,
            history=audit_history(note),
            progress=services.progress_of(note.order),
            invoice_preview=invoice_preview(note, lines)
            if note.status == DeliveryNote.Status.RESERVED
            and user.has_perm("billing.issue_invoice")
            else None,
            handover_form=HandOverForm()
            if note.status == DeliveryNote.Status.INVOICED
            and user.has_perm("fulfilment.add_shipment")
            else None,
            handover_blocked=note.status == DeliveryNote.Status.RESERVED
            and user.has_perm("fulfilment.add_shipment"),
            cancel_form=BackOrderCancelForm()
            if note.status == DeliveryNote.Status.WAITING
            and note.kind == DeliveryNote.Kind.BACK_ORDER
            and user.has_perm("fulfilment.cancel_deliverynote")
            else None,
        )
        return context


class _NoteAction(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> DeliveryNote:
        return get_scoped(DeliveryNote.objects.select_related("order"), user=request.user, pk=pk)

    def redirect_to(self, note: DeliveryNote) -> HttpResponse:
        return redirect("fulfilment:note-detail", note.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("fulfilment:note-detail", pk)


class HandOverView(_NoteAction):
    action_permission = "fulfilment.add_shipment"
    form_class = HandOverForm

    def perform(self, note: DeliveryNote, form: Any) -> str:
        data = form.cleaned_data
        shipment = services.shipment_create(
            note=note,
            by=self.request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            parcels=data["parcels"],
            weight_kg=data["weight_kg"],
        )
        return _("Handed to %(carrier)s, tracking number %(tracking)s.") % {
            "carrier": shipment.carrier.name,
            "tracking": shipment.tracking_number,
        }


class BackOrderCancelView(_NoteAction):
    action_permission = "fulfilment.cancel_deliverynote"
    form_class = BackOrderCancelForm

    def perform(self, note: DeliveryNote, form: Any) -> str:
        services.delivery_note_cancel(
            note=note, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Back-order %(note)s cancelled.") % {"note": note.number}


# what a shipment row shows (and the order's and note's state fields, read when a row is
# built), not every column of the order and the note
SHIPMENT_LIST_FIELDS = (
    "tracking_number",
    "parcels",
    "weight_kg",
    "shipped_at",
    "order__number",
    "order__platform_order_no",
    "order__status",
    "delivery_note__number",
    "delivery_note__status",
    "carrier__code",
    "carrier__name",
    "warehouse__code",
    "warehouse__name",
)


class ShipmentListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_shipment"
    template_name = "fulfilment/shipment_list.html"
    context_object_name = "shipments"
    paginate_by = 50
    paginator_class = CappedPaginator

    def get_queryset(self) -> Any:
        self.day = self.request.GET.get("day", "")
        # scoped by the shipping warehouse's division — the order's: each division ships
        # from its own warehouses (SPEC §3) — which the list's index holds, instead of
        # joining every listed shipment's order
        shipments = scoped(
            Shipment.objects.select_related("order", "carrier", "warehouse", "delivery_note").only(
                *SHIPMENT_LIST_FIELDS
            ),
            user=self.request.user,
            division_field="warehouse__division",
        )
        try:
            day = dt.date.fromisoformat(self.day) if self.day else None
        except ValueError:
            day = None
        if day is not None:  # a Beijing day, as a range the index serves
            shipments = shipments.filter(
                shipped_at__gte=at_local(day, dt.time()),
                shipped_at__lt=at_local(day + dt.timedelta(days=1), dt.time()),
            )
        return shipments.order_by("-shipped_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(day=self.day, query_string=query_string_without_page(self.request))
        return context


urlpatterns = [
    path("queue/", QueueView.as_view(), name="queue"),
    path("orders/<int:pk>/stock-check/", StockCheckView.as_view(), name="stock-check"),
    path("notes/", NoteListView.as_view(), name="note-list"),
    path("notes/<int:pk>/", NoteDetailView.as_view(), name="note-detail"),
    path("notes/<int:pk>/hand-over/", HandOverView.as_view(), name="note-handover"),
    path("notes/<int:pk>/cancel/", BackOrderCancelView.as_view(), name="note-cancel"),
    path("shipments/", ShipmentListView.as_view(), name="shipment-list"),
]

# the prefetch is used by the warehouse pages of other modules
NOTE_LINES = Prefetch("lines", queryset=DeliveryNoteLine.objects.select_related("product"))
