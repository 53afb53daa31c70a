"""The logistics reports: list, the shipments of one, its .xlsx (company-wide)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View
from django.views.generic import ListView, TemplateView

from core.views import PermissionGateMixin

from ..models import LogisticsReport
from ..services.reports import XLSX, logistics_report_rows, logistics_report_xlsx


class LogisticsReportListView(PermissionGateMixin, ListView):
    permission_required = "fulfilment.view_logisticsreport"
    template_name = "fulfilment/logistics_report_list.html"
    context_object_name = "reports"
    paginate_by = 50
    queryset = LogisticsReport.objects.order_by("-day")


class LogisticsReportDetailView(PermissionGateMixin, TemplateView):
    permission_required = "fulfilment.view_logisticsreport"
    template_name = "fulfilment/logistics_report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = get_object_or_404(LogisticsReport, pk=kwargs["pk"])
        context.update(report=report, rows=logistics_report_rows(report))
        return context


class LogisticsReportXlsxView(PermissionGateMixin, View):
    permission_required = "fulfilment.view_logisticsreport"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_object_or_404(LogisticsReport, pk=pk)
        response = HttpResponse(logistics_report_xlsx(report), content_type=XLSX)
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
