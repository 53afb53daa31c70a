"""The scheduled reports of fulfilment (SPEC §3): the 09:00 logistics report to the
platform logistics group and the end-of-day list of shipped orders for the sales reps.

Both are idempotent and safe to run late or twice. The logistics report takes every
shipment that no report holds yet, so a day without a run (a Sunday, a holiday, a missed
run) is caught up by the next one; a shipment joins exactly one report because the
report's run locks the unreported rows and marks them in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.models import Division
from core.notifications import notify
from core.working_calendar import at_local, is_working_day, to_local

from ..models import LogisticsReport, Shipment, ShippedListRun
from ..numbers import LOGISTICS_REPORT, number_next

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SHEET_TITLE = "物流信息"
# The platform logistics group reads Chinese; the file's headers are fixed, not translated.
XLSX_HEADERS = (
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
XLSX_WIDTHS = (22, 24, 14, 16, 22, 18, 8, 10, 22)


# --- the logistics report ------------------------------------------------------------------
def logistics_report_run(*, now: dt.datetime | None = None) -> LogisticsReport | None:
    """The working day's logistics report: every shipment handed over before `now` that no
    report holds yet. Nothing on a non-working day (the next working day catches up); the
    day's existing report on a second run (nothing new is taken or sent). The report is
    sent after commit, together with any earlier report whose sending failed."""
    now = now or timezone.now()
    day = to_local(now).date()
    if not is_working_day(day):
        return None
    try:
        report = _report_create(day=day, now=now)
    except IntegrityError:  # a concurrent run stored the day's report first
        report = LogisticsReport.objects.get(day=day)
    transaction.on_commit(lambda: logistics_reports_send_pending(now=now))
    return report


@transaction.atomic
def _report_create(*, day: dt.date, now: dt.datetime) -> LogisticsReport:
    existing = LogisticsReport.objects.filter(day=day).first()
    if existing is not None:
        return existing
    # Lock what this report takes: a concurrent run waits here, then finds the rows taken.
    taken = list(
        Shipment.objects.select_for_update()
        .filter(report__isnull=True, shipped_at__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    report = LogisticsReport.objects.create(
        number=number_next(LOGISTICS_REPORT, day=day), day=day, created_at=now
    )
    count = Shipment.objects.filter(pk__in=taken, report__isnull=True).update(report=report)
    report.shipment_count = count
    report.save(update_fields=["shipment_count"])
    audit_record(
        obj=report,
        action="created",
        to_state="created",
        data={"day": day.isoformat(), "shipments": count, "until": now.isoformat()},
    )
    return report


def logistics_reports_send_pending(*, now: dt.datetime | None = None) -> list[LogisticsReport]:
    """Send every stored report not sent yet, oldest first; a failure is logged and the
    report stays pending for the next run."""
    sent = []
    pending = LogisticsReport.objects.filter(sent_at__isnull=True).order_by("day")
    for report_id in pending.values_list("pk", flat=True):
        try:
            report = logistics_report_send(report_id=report_id, now=now)
        except Exception:  # the mail server is down: the next run sends it again
            logger.exception("Logistics report %s not sent", report_id)
            continue
        if report is not None:
            sent.append(report)
    return sent


@transaction.atomic
def logistics_report_send(
    *, report_id: int, now: dt.datetime | None = None
) -> LogisticsReport | None:
    """E-mail the .xlsx to the logistics group and notify the logistics leads, once: the
    report row is locked and `sent_at` says whether it went. None when already sent."""
    report = LogisticsReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None or report.sent_at is not None:
        return None
    link = reverse("fulfilment:logistics-report-detail", args=[report.pk])
    subject = ngettext(
        "Logistics report %(number)s (%(day)s): %(count)s shipment",
        "Logistics report %(number)s (%(day)s): %(count)s shipments",
        report.shipment_count,
    ) % {
        "number": report.number,
        "day": report.day.isoformat(),
        "count": report.shipment_count,
    }
    body = _("The shipments handed over since the previous report, as an .xlsx file.")
    notify(
        subject=lambda: (
            ngettext(
                "Logistics report %(number)s (%(day)s): %(count)s shipment",
                "Logistics report %(number)s (%(day)s): %(count)s shipments",
                report.shipment_count,
            )
            % {
                "number": report.number,
                "day": report.day.isoformat(),
                "count": report.shipment_count,
            }
        ),
        body=lambda: _("The shipments handed over since the previous report, as an .xlsx file."),
        link=link,
        topic="logistics_report",
        roles=["logistics_lead"],
    )
    addresses = list(settings.LOGISTICS_REPORT_EMAILS)
    if addresses:
        message = EmailMessage(subject=subject, body=body, to=addresses)
        message.attach(f"{report.number}.xlsx", logistics_report_xlsx(report), XLSX_CONTENT_TYPE)
        message.send(fail_silently=False)
    report.sent_at = now or timezone.now()
    report.save(update_fields=["sent_at"])
    audit_record(
        obj=report,
        action="sent",
        from_state="created",
        to_state="sent",
        data={"emails": addresses, "shipments": report.shipment_count},
    )
    return report


def logistics_report_shipments(report: LogisticsReport) -> QuerySet[Shipment]:
    """The shipments of one report in the order of the file: by hand-over time."""
    return (
        Shipment.objects.filter(report=report)
        .select_related("order", "warehouse", "carrier", "delivery_note")
        .order_by("shipped_at", "pk")
    )


def logistics_report_row(shipment: Shipment) -> tuple[Any, ...]:
    """One line of the report, in the order of XLSX_HEADERS; the time in Beijing."""
    return (
        shipment.order.number,
        shipment.order.platform_order_no,
        shipment.warehouse.code,
        shipment.carrier.name,
        shipment.tracking_number,
        to_local(shipment.shipped_at),
        shipment.parcels,
        shipment.weight_kg,
        shipment.delivery_note.number,
    )


def logistics_report_xlsx(report: LogisticsReport) -> bytes:
    """The report as an .xlsx workbook: one sheet, one row per shipment, real date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = XLSX_SHEET_TITLE
    sheet.append(XLSX_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for shipment in logistics_report_shipments(report):
        row = list(logistics_report_row(shipment))
        row[5] = row[5].replace(tzinfo=None)  # Excel has no time zones: Beijing wall time
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=6).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row=sheet.max_row, column=8).number_format = "0.00"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_HEADERS))}{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the end-of-day shipped list -----------------------------------------------------------
def shipped_list_run(*, now: dt.datetime | None = None) -> list[ShippedListRun]:
    """On a working day, tell each division's sales reps which orders shipped today (Beijing
    date of `now`), once per division and day. Divisions without a shipment get nothing."""
    now = now or timezone.now()
    day = to_local(now).date()
    if not is_working_day(day):
        return []
    shipments = (
        Shipment.objects.filter(
            shipped_at__gte=at_local(day, dt.time.min),
            shipped_at__lt=at_local(day + dt.timedelta(days=1), dt.time.min),
        )
        .select_related("order__division", "carrier")
        .order_by("order__division__code", "shipped_at", "pk")
    )
    per_division: OrderedDict[int, list[Shipment]] = OrderedDict()
    for shipment in shipments:
        per_division.setdefault(shipment.order.division_id, []).append(shipment)
    runs = []
    for division_shipments in per_division.values():
        run = _shipped_list_send(
            division=division_shipments[0].order.division,
            day=day,
            shipments=division_shipments,
            now=now,
        )
        if run is not None:
            runs.append(run)
    return runs


def _shipped_list_send(
    *, division: Division, day: dt.date, shipments: list[Shipment], now: dt.datetime
) -> ShippedListRun | None:
    if ShippedListRun.objects.filter(division=division, day=day).exists():
        return None
    order_count = len({shipment.order_id for shipment in shipments})
    try:
        with transaction.atomic():
            # the unique (division, day) row is the "sent" mark: a second run fails here
            run = ShippedListRun.objects.create(
                division=division, day=day, order_count=order_count, created_at=now
            )
            notify(
                subject=lambda: (
                    ngettext(
                        "Shipped today (%(day)s): %(count)s order",
                        "Shipped today (%(day)s): %(count)s orders",
                        order_count,
                    )
                    % {"day": day.isoformat(), "count": order_count}
                ),
                body="\n".join(_shipped_line(shipment) for shipment in shipments),
                link=f"{reverse('fulfilment:shipment-list')}?day={day.isoformat()}",
                topic="shipped_list",
                roles=["sales_rep"],
                division=division,
            )
            audit_record(
                obj=run,
                action="sent",
                to_state="sent",
                data={"orders": order_count, "shipments": [s.pk for s in shipments]},
            )
    except IntegrityError:  # a concurrent run sent it first
        return None
    return run


def _shipped_line(shipment: Shipment) -> str:
    return " · ".join(
        (
            shipment.order.number,
            shipment.order.platform_order_no,
            shipment.carrier.name,
            shipment.tracking_number,
        )
    )
