"""The printed documents: the waves page (print a pick list per wave or for a selection of
delivery notes) and the PDFs — pick list, packing slip, inbound receipt, count sheet."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.models import Warehouse
from core.views import PermissionGateMixin
from core.working_calendar import next_working_day

from .. import pdf
from ..models import DeliveryNote, InboundReceipt, PickList, StockTake
from ..services.picking import PICKABLE, pick_list_create, waves_for
from ._common import get_scoped, scoped

SELECTABLE_NOTES_SHOWN = 300


class WavesView(PermissionGateMixin, TemplateView):
    """Today's and overdue waves per warehouse, each with its print button, and the
    pickable notes to print a selection of (one warehouse at a time)."""

    permission_required = "fulfilment.view_picklist"
    template_name = "fulfilment/waves.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        notes = (
            scoped(DeliveryNote.objects.all(), user=user)
            .filter(status__in=PICKABLE)
            .select_related("order", "warehouse")
            .annotate(units=Sum("lines__quantity"))
            .order_by("warehouse__code", "ship_by", "number")
        )
        by_warehouse: OrderedDict[int, dict[str, Any]] = OrderedDict()
        for note in notes[:SELECTABLE_NOTES_SHOWN]:
            group = by_warehouse.setdefault(
                note.warehouse_id, {"warehouse": note.warehouse, "notes": []}
            )
            group["notes"].append(note)
        recent = scoped(
            PickList.objects.select_related("warehouse", "printed_by"),
            user=user,
            division_field="warehouse__division",
        ).order_by("-printed_at", "-pk")[:20]
        context.update(
            today=today,
            # overdue, today's and the next working day's waves (notes written after the
            # 15:00 cut-off ship then; the warehouse prepares them ahead)
            waves=waves_for(user=user, day=next_working_day(today)),
            selections=list(by_warehouse.values()),
            selection_cut=SELECTABLE_NOTES_SHOWN,
            recent=recent,
            can_print=user.has_perm("fulfilment.add_picklist"),
        )
        return context


class WavePrintView(LoginRequiredMixin, View):
    """POST warehouse with ship_by (a day's wave) or notes (a selection): the pick list is
    stored and its PDF shown; a refusal comes back as a message on the waves page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("fulfilment.add_picklist"):
            messages.error(request, _("Your role does not allow this action."))
            return redirect("fulfilment:waves")
        try:
            warehouse_pk = int(request.POST.get("warehouse", ""))
        except ValueError:
            messages.error(request, _("Choose a warehouse."))
            return redirect("fulfilment:waves")
        warehouse = get_scoped(
            Warehouse.objects.select_related("division"), user=request.user, pk=warehouse_pk
        )
        arguments = self._wave(request)
        if arguments is None:
            return redirect("fulfilment:waves")
        try:
            pick_list = pick_list_create(warehouse=warehouse, by=request.user, **arguments)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("fulfilment:waves")
        messages.success(
            request,
            _("Pick list %(number)s printed for %(count)d delivery notes.")
            % {"number": pick_list.number, "count": pick_list.delivery_notes.count()},
        )
        return redirect("fulfilment:pick-list-pdf", pick_list.pk)

    def _wave(self, request: HttpRequest) -> dict[str, Any] | None:
        if "notes" in request.POST or request.POST.get("mode") == "selection":
            try:
                return {"note_ids": [int(value) for value in request.POST.getlist("notes")]}
            except ValueError:
                messages.error(request, _("The selection is not valid."))
                return None
        try:
            return {"ship_by": dt.date.fromisoformat(request.POST.get("ship_by", ""))}
        except ValueError:
            messages.error(request, _("Enter the ship-by day as YYYY-MM-DD."))
            return None


class _PdfView(PermissionGateMixin, View):
    """GET: the document as an inline PDF named after its number (the same 404 for
    "does not exist" and "not yours")."""

    division_field = "division"

    def queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def document_pdf(self, document: Any) -> bytes:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        document: Model = get_scoped(
            self.queryset(), user=request.user, pk=pk, division_field=self.division_field
        )
        response = HttpResponse(self.document_pdf(document), content_type="application/pdf")
        number = getattr(document, "number")  # noqa: B009 - every document has one
        response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class PickListPdfView(_PdfView):
    permission_required = "fulfilment.view_picklist"
    division_field = "warehouse__division"

    def queryset(self) -> QuerySet[Any]:
        return PickList.objects.select_related("warehouse", "printed_by")

    def document_pdf(self, document: PickList) -> bytes:
        return pdf.pick_list_pdf(document)


class PackingSlipPdfView(_PdfView):
    permission_required = "fulfilment.view_deliverynote"

    def queryset(self) -> QuerySet[Any]:
        return DeliveryNote.objects.select_related("order", "warehouse")

    def document_pdf(self, document: DeliveryNote) -> bytes:
        return pdf.packing_slip_pdf(document)


class ReceiptPdfView(_PdfView):
    permission_required = "fulfilment.view_inboundreceipt"
    division_field = "warehouse__division"

    def queryset(self) -> QuerySet[Any]:
        return InboundReceipt.objects.select_related("warehouse", "booked_by", "request")

    def document_pdf(self, document: InboundReceipt) -> bytes:
        return pdf.inbound_receipt_pdf(document)


class StockTakePdfView(_PdfView):
    permission_required = "fulfilment.view_stocktake"
    division_field = "warehouse__division"

    def queryset(self) -> QuerySet[Any]:
        return StockTake.objects.select_related("warehouse")

    def document_pdf(self, document: StockTake) -> bytes:
        return pdf.stock_take_pdf(document)


urlpatterns = [
    path("waves/", WavesView.as_view(), name="waves"),
    path("waves/print/", WavePrintView.as_view(), name="wave-print"),
    path("pick-lists/<int:pk>/pdf/", PickListPdfView.as_view(), name="pick-list-pdf"),
    path("notes/<int:pk>/packing-slip.pdf", PackingSlipPdfView.as_view(), name="packing-slip-pdf"),
    path("receipts/<int:pk>/pdf/", ReceiptPdfView.as_view(), name="receipt-pdf"),
    path("stock-takes/<int:pk>/pdf/", StockTakePdfView.as_view(), name="stock-take-pdf"),
]
