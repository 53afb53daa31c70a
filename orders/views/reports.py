"""The SLA report per step, day and user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from core.views import PermissionGateMixin

from .. import reports
from ..forms import (
    SlaReportForm,
)


# --- SLA report ---------------------------------------------------------------------------------
class SlaReportView(PermissionGateMixin, TemplateView):
    permission_required = "orders.view_sla_report"
    template_name = "orders/sla_report.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SlaReportForm(self.request.GET or None, user=self.request.user)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - dt.timedelta(days=6)
        rows = reports.sla_report(
            user=self.request.user,
            date_from=date_from,
            date_to=date_to,
            division=data.get("division"),
            step=data.get("step", ""),
        )
        context.update(
            form=form,
            rows=rows,
            totals=reports.sla_totals(rows),
            date_from=date_from,
            date_to=date_to,
        )
        return context
