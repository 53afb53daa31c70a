"""The scheduled reports of fulfilment (SPEC §3), idempotent and safe to run late or twice.

- The 09:00 logistics report: every shipment not yet reported, to the platform's
  logistics group, as an .xlsx file and a page. One report per working day; a shipment
  belongs to exactly one report (claimed under row locks), so none is sent twice and a
  missed or non-working day is caught up by the next run.
- The end-of-day list of the day's shipped orders for the sales reps, once per division
  and day.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core import working_calendar as calendar
from core.models import Division
from core.notifications import absolute_url, notify
from core.roles import Role

from ..models import LogisticsReport, Shipment, ShippedListRun
from ..numbers import LOGISTICS_REPORT, number_next

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOGISTICS_HEADERS = (
    "订单号",
    "平台订单号",
    "仓库",
    "承运商",
    "运单号",
    "发货时间",
    "件数",
    "重量(kg)",
    "交货单号",
)


# --- logistics report -----------------------------------------------------------------------
def logistics_report_run(*, now: dt.datetime | None = None) -> LogisticsReport | None:
    """The report of today's working day, created once; None on a non-working day."""
    now = now or timezone.now()
    day = calendar.to_local(now).date()
    if not calendar.is_working_day(day):
        return None
    existing = LogisticsReport.objects.filter(day=day).first()
    if existing is not None:
        return existing
    try:
        report = _logistics_report_create(day=day, now=now)
    except IntegrityError:  # a concurrent run made today's report first
        return LogisticsReport.objects.get(day=day)
    transaction.on_commit(lambda: logistics_report_send(report_id=report.pk))
    return report


@transaction.atomic
def _logistics_report_create(*, day: dt.date, now: dt.datetime) -> LogisticsReport:
    report = LogisticsReport.objects.create(
        number=number_next(LOGISTICS_REPORT, day=day), day=day, created_at=now
    )
    # Claim every unreported shipment under row locks: a concurrent run waits and then
    # finds them taken (report set), so no shipment is in two reports.
    claimed = list(
        Shipment.objects.select_for_update()
        .filter(report__isnull=True, shipped_at__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Shipment.objects.filter(pk__in=claimed, report__isnull=True).update(report=report)
    report.shipment_count = Shipment.objects.filter(report=report).count()
    report.save(update_fields=["shipment_count"])
    return report


def logistics_report_rows(report: LogisticsReport) -> list[tuple[Any, ...]]:
    shipments = (
        Shipment.objects.filter(report=report)
        .select_related("order", "warehouse", "carrier", "delivery_note")
        .order_by("shipped_at", "pk")
    )
    return [
        (
            s.order.number,
            s.order.platform_order_no,
            s.warehouse.code,
            s.carrier.name,
            s.tracking_number,
            calendar.to_local(s.shipped_at).replace(tzinfo=None),
            s.parcels,
            s.weight_kg,
            s.delivery_note.number,
        )
        for s in shipments
    ]


def logistics_report_xlsx(report: LogisticsReport) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "物流信息"
    sheet.append(LOGISTICS_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in logistics_report_rows(report):
        sheet.append(row)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        cell.number_format = "yyyy-mm-dd hh:mm"
    for column, width in zip("ABCDEFGHI", (20, 20, 12, 12, 20, 17, 6, 10, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def logistics_report_send(*, report_id: int) -> LogisticsReport:
    """E-mail the .xlsx to the logistics group and tell logistics_lead in the inbox; once."""
    with transaction.atomic():
        report = LogisticsReport.objects.select_for_update().get(pk=report_id)
        if report.sent_at is not None:
            return report
        subject = _("Logistics report %(number)s: %(count)s shipments") % {
            "number": report.number,
            "count": report.shipment_count,
        }
        link = reverse("fulfilment:logistics-report-detail", args=[report.pk])
        if settings.LOGISTICS_REPORT_EMAILS:
            message = EmailMessage(
                subject=subject,
                body=_("The shipments since the last report are attached.\n%(link)s")
                % {"link": absolute_url(link)},
                to=list(settings.LOGISTICS_REPORT_EMAILS),
            )
            message.attach(f"{report.number}.xlsx", logistics_report_xlsx(report), XLSX)
            message.send()
        notify(
            subject=subject,
            link=link,
            topic="logistics_report",
            roles=[Role.LOGISTICS_LEAD],
        )
        report.sent_at = timezone.now()
        report.save(update_fields=["sent_at"])
    return report


# --- end-of-day shipped list ------------------------------------------------------------------
def shipped_list_run(*, now: dt.datetime | None = None) -> list[ShippedListRun]:
    """On a working day, each division's orders shipped today go to its sales reps, once."""
    now = now or timezone.now()
    day = calendar.to_local(now).date()
    if not calendar.is_working_day(day):
        return []
    start = calendar.at_local(day, dt.time(0, 0))
    shipments = (
        Shipment.objects.filter(shipped_at__gte=start, shipped_at__lte=now)
        .select_related("order", "carrier")
        .order_by("shipped_at", "pk")
    )
    per_division: dict[int, list[Shipment]] = defaultdict(list)
    for shipment in shipments:
        per_division[shipment.order.division_id].append(shipment)
    runs = []
    for division_id, rows in sorted(per_division.items()):
        if ShippedListRun.objects.filter(division_id=division_id, day=day).exists():
            continue
        try:
            with transaction.atomic():
                run = ShippedListRun.objects.create(
                    division_id=division_id, day=day, created_at=now, order_count=len(rows)
                )
                notify(
                    subject=_("Shipped today (%(day)s): %(count)s shipments")
                    % {"day": day.isoformat(), "count": len(rows)},
                    body="\n".join(
                        f"{s.order.number} · {s.order.platform_order_no} · "
                        f"{s.carrier.name} {s.tracking_number}"
                        for s in rows
                    ),
                    link=reverse("fulfilment:shipment-list") + f"?day={day.isoformat()}",
                    topic="shipped_list",
                    roles=[Role.SALES_REP],
                    division=Division.objects.get(pk=division_id),
                )
        except IntegrityError:  # a concurrent run sent it
            continue
        runs.append(run)
    return runs
