"""The logistics reports (SPEC §3): the list, one report's shipments, its .xlsx file.

Company-wide documents of the platform logistics group: no division scoping, the
permission alone decides who sees them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View
from django.views.generic import ListView, TemplateView

from core.views import PermissionGateMixin

from ..models import LogisticsReport
from ..services.reports import (
    XLSX_CONTENT_TYPE,
    logistics_report_shipments,
    logistics_report_xlsx,
)

PERMISSION = "fulfilment.view_logisticsreport"


class LogisticsReportListView(PermissionGateMixin, ListView):
    permission_required = PERMISSION
    template_name = "fulfilment/logistics_report_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return LogisticsReport.objects.order_by("-day", "-pk")


class LogisticsReportDetailView(PermissionGateMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "fulfilment/logistics_report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = get_object_or_404(LogisticsReport, pk=kwargs["pk"])
        context.update(report=report, shipments=logistics_report_shipments(report))
        return context


class LogisticsReportXlsxView(PermissionGateMixin, View):
    permission_required = PERMISSION

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(LogisticsReport, pk=pk)
        response = HttpResponse(logistics_report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{report.number}.xlsx"'
        return response


urlpatterns = [
    path("logistics-reports/", LogisticsReportListView.as_view(), name="logistics-report-list"),
    path(
        "logistics-reports/<int:pk>/",
        LogisticsReportDetailView.as_view(),
        name="logistics-report-detail",
    ),
    path(
        "logistics-reports/<int:pk>/xlsx/",
        LogisticsReportXlsxView.as_view(),
        name="logistics-report-xlsx",
    ),
]
