"""The monthly settlement (SPEC §4): the 25th is the settlement point; a period runs from
the 26th 00:00:00 of one month through the 25th 23:59:59.999999 of the next, Beijing time.

Figures (all computed in SQL, in chunks of the period so a big period shows progress):

- shipped sales: the goods of the delivery notes handed to a carrier in the period
  (fulfilment `Shipment.shipped_at`), Σ delivery-note-line quantity × order-line unit
  price (tax-inclusive, as the platform sells). Read from fulfilment, not from billing's
  invoice totals, so goods shipped on an interim invoice number count too and an invoice
  issued on the 25th for goods shipped on the 26th lands where the goods left.
- freight: the order's freight (what the customer pays), once per order, in the period of
  its FIRST shipment (earliest `shipped_at`, then lowest id): a split delivery does not
  charge freight twice.
- credit notes: the red-letter credit notes (billing `Invoice`, kind credit_note) issued
  in the period against goods that were handed over (their delivery note shipped: a
  correction of shipped sales) and not for a return (the returns source counts those),
  as a NEGATIVE figure (their totals are negative; `-|total|` is used so
  the sign does not depend on how a note was stored).
- returns, refunds: POSITIVE figures from the sources registered in billing.hooks (the
  returns app: goods taken back on exchanges, whose replacement ships as sales again;
  refunds paid out in the period, goods and return freight); zero while none is
  registered. A credit note of an unshipped note (a cancellation) reverses an invoice
  of goods that never counted as sales, so it is left out of the net.
- net due = shipped sales + freight + credit notes − returns − refunds.

Sign-offs: sales_lead, division_finance and hq_finance each sign once a settlement is
computed, one live signature per role, one role per person; a signer may withdraw until
the third signature, which locks the settlement and with it the period (core.periods:
`settlement_locked_period` is the lock source). Recomputing is refused while any live
signature exists: a signature vouches for the figures it saw, so the signers withdraw
first (nothing is withdrawn behind their backs).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Abs, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rawsql
from core.audit import audit_record
from core.exceptions import DomainError
from core.notifications import notify
from core.periods import LockedPeriod
from core.roles import ROLE_LABELS, user_has_role
from core.working_calendar import at_local, to_local
from fulfilment.models import DeliveryNoteLine, Shipment
from orders.services.customers import user_can_reach_division

from ..hooks import settlement_sources_collect
from ..models import Invoice, Settlement, SettlementSignature

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=14, decimal_places=2)
SIGNING_ROLES: tuple[str, ...] = tuple(SettlementSignature.Role.values)
SETTLEMENT_DAY = 25
TOPIC = "settlement"


class SettlementError(DomainError):
    """A settlement step refused by a business rule."""


class SettlementNotPermitted(SettlementError):
    """The user's role or division does not allow this settlement step."""


# --- the period ------------------------------------------------------------------------------
def period_of(day: dt.date | dt.datetime) -> tuple[dt.date, dt.date]:
    """(first_day, last_day) of the period containing a Beijing-local date (an aware
    datetime is first turned into its Beijing date): the 26th of one month through the
    25th of the next; a day from the 26th on belongs to the period ending next month."""
    if isinstance(day, dt.datetime):
        day = to_local(day).date()
    if day.day > SETTLEMENT_DAY:
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return day.replace(day=SETTLEMENT_DAY + 1), dt.date(year, month, SETTLEMENT_DAY)
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    return dt.date(year, month, SETTLEMENT_DAY + 1), day.replace(day=SETTLEMENT_DAY)


def period_span(first_day: dt.date, last_day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period in time: first_day 00:00:00 through last_day 23:59:59.999999 Beijing."""
    return at_local(first_day, dt.time.min), at_local(last_day, dt.time.max)


def _day_start(day: dt.date) -> dt.datetime:
    return at_local(day, dt.time.min)


# --- permissions ----------------------------------------------------------------------------
def _require(by: Any, permission: str, division_id: int) -> None:
    """`by=None` is the system; a user needs the permission and the division."""
    if by is None:
        return
    if not (by.has_perm(permission) and user_can_reach_division(by, division_id)):
        raise SettlementNotPermitted(_("Your role may not do this here."))


def settlement_link(settlement: Settlement) -> str:
    return reverse("billing:settlement-detail", args=[settlement.pk])


def _lock(settlement: Settlement) -> Settlement:
    return Settlement.objects.select_for_update().select_related("division").get(pk=settlement.pk)


def live_signatures(settlement: Settlement) -> Any:
    return SettlementSignature.objects.filter(settlement=settlement, withdrawn_at__isnull=True)


def _refuse_locked(settlement: Settlement) -> None:
    if settlement.status == Settlement.Status.LOCKED:
        raise SettlementError(
            _("The settlement %(period)s is signed by all three and locked.")
            % {"period": period_label(settlement)}
        )


def period_label(settlement: Settlement) -> str:
    return f"{settlement.first_day:%Y-%m-%d} – {settlement.last_day:%Y-%m-%d}"


# --- opening --------------------------------------------------------------------------------
def settlement_open(*, division: Any, day: dt.date, by: Any = None) -> Settlement:
    """The settlement row of the division's period containing `day` (created once)."""
    _require(by, "billing.add_settlement", division.pk)
    first_day, last_day = period_of(day)
    existing = Settlement.objects.filter(division=division, first_day=first_day).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            settlement = Settlement.objects.create(
                division=division, first_day=first_day, last_day=last_day
            )
            audit_record(obj=settlement, action="opened", by=by, to_state=settlement.status)
    except IntegrityError:  # a concurrent opener won: theirs is the row
        return Settlement.objects.get(division=division, first_day=first_day)
    return settlement


# --- computing ------------------------------------------------------------------------------
def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _sum(expression: Any, **extra: Any) -> Coalesce:
    return Coalesce(Sum(expression, output_field=MONEY, **extra), Value(ZERO), output_field=MONEY)


def shipped_goods(*, division_id: int, start: dt.datetime, end: dt.datetime) -> Decimal:
    """Σ quantity × unit price of the delivery-note lines handed over in [start, end)."""
    goods = DeliveryNoteLine.objects.filter(
        delivery_note__division_id=division_id,
        delivery_note__shipment__shipped_at__gte=start,
        delivery_note__shipment__shipped_at__lt=end,
    ).aggregate(total=_sum(F("quantity") * F("order_line__unit_price")))["total"]
    return _money(goods)


def shipments_and_freight(
    *, division_id: int, start: dt.datetime, end: dt.datetime
) -> dict[str, Any]:
    """Shipments handed over in [start, end) and the freight of the orders whose first
    shipment (earliest, then lowest id) is among them."""
    earlier = Shipment.objects.filter(order_id=OuterRef("order_id")).filter(
        Q(shipped_at__lt=OuterRef("shipped_at"))
        | Q(shipped_at=OuterRef("shipped_at"), pk__lt=OuterRef("pk"))
    )
    shipments = Shipment.objects.filter(
        delivery_note__division_id=division_id, shipped_at__gte=start, shipped_at__lt=end
    ).aggregate(count=Count("pk"), freight=_sum("order__freight", filter=~Exists(earlier)))
    return {"freight": _money(shipments["freight"]), "shipment_count": shipments["count"]}


def credit_notes_total(*, division_id: int, start: dt.datetime, end: dt.datetime) -> Decimal:
    """Red-letter credit notes issued in `start <= issued_at < end` against shipped goods and
    not for a return, as a negative figure."""
    total = Invoice.objects.filter(
        division_id=division_id,
        kind=Invoice.Kind.CREDIT_NOTE,
        issued_at__gte=start,
        issued_at__lt=end,
        delivery_note__status="shipped",
        return_number="",
    ).aggregate(total=_sum(Abs("total_amount")))["total"]
    return -_money(total)


def _progress_set(settlement: Settlement, percent: int) -> None:
    Settlement.objects.filter(pk=settlement.pk).update(progress=max(0, min(percent, 99)))


def settlement_compute_start(*, settlement: Settlement, by: Any = None) -> Settlement:
    """open / computed → computing (progress 0). Refused once locked, and while a live
    signature exists (the signers withdraw first). A settlement left `computing` by an
    interrupted run may be started again."""
    with transaction.atomic():
        settlement = _lock(settlement)
        _require(by, "billing.add_settlement", settlement.division_id)
        _refuse_locked(settlement)
        if live_signatures(settlement).exists():
            raise SettlementError(
                _(
                    "The settlement has signatures; they vouch for the figures they saw. "
                    "The signers withdraw first, then it can be recomputed."
                )
            )
        before = settlement.status
        if before == Settlement.Status.COMPUTING:
            Settlement.objects.filter(pk=settlement.pk).update(progress=0)
            settlement.progress = 0
        else:
            settlement.start_computing()
            settlement.save(update_fields=["status", "progress"])
        audit_record(
            obj=settlement, action="computing", by=by, from_state=before, to_state=settlement.status
        )
    return settlement


# A chunk of the period is one pass of each aggregate. On PostgreSQL each pass costs a
# fixed part (scanning the delivery notes and orders to join them) besides its rows: for a
# 150,000-order period one pass is ~1.3x the hand-written GROUP BY, two passes ~2x, a pass
# per day ~6.5x (bench/results/settlement.json). So a month up to CHUNK_SHIPMENTS
# shipments is one pass (progress moves after the goods, the shipments, the rest); only a
# bigger one is cut into chunks (down to a day), where the progress bar earns its cost.
CHUNK_SHIPMENTS = 250_000


def compute_step_days(first_day: dt.date, last_day: dt.date, *, division_id: int) -> int:
    """Days per chunk: the period cut into ⌈shipments / CHUNK_SHIPMENTS⌉ parts. The count
    is an estimate for planning only (shipments from the division's warehouses, on the
    shipped_at index, without joining the delivery notes)."""
    days = (last_day - first_day).days + 1
    shipments = Shipment.objects.filter(
        warehouse__division_id=division_id,
        shipped_at__gte=_day_start(first_day),
        shipped_at__lt=_day_start(last_day + dt.timedelta(days=1)),
    ).count()
    chunks = max(1, min(days, -(-shipments // CHUNK_SHIPMENTS)))
    return -(-days // chunks)


def settlement_compute(
    *, settlement: Settlement, by: Any = None, step_days: int | None = None
) -> Settlement:
    """Compute the figures (→ computed): the period in chunks of `step_days` days (by
    default compute_step_days), each chunk one SQL aggregate for the goods and one for
    the shipments and freight, `progress` stored after each (committed on its own when
    not called inside a transaction, so the page's progress bar moves)."""
    current = Settlement.objects.select_related("division").get(pk=settlement.pk)
    if current.status == Settlement.Status.COMPUTING:  # queued by settlement_compute_queue
        _require(by, "billing.add_settlement", current.division_id)
        settlement = current
    else:
        settlement = settlement_compute_start(settlement=current, by=by)
    first_day, last_day = settlement.first_day, settlement.last_day
    days = (last_day - first_day).days + 1
    division_id = settlement.division_id
    step_days = step_days or compute_step_days(first_day, last_day, division_id=division_id)
    steps, done = 2 * -(-days // step_days), 0
    figures: dict[str, Any] = {"shipped_sales": ZERO, "freight": ZERO, "shipment_count": 0}
    for offset in range(0, days, step_days):
        start = _day_start(first_day + dt.timedelta(days=offset))
        end = _day_start(first_day + dt.timedelta(days=min(offset + step_days, days)))
        figures["shipped_sales"] += shipped_goods(division_id=division_id, start=start, end=end)
        done += 1
        _progress_set(settlement, done * 95 // steps)
        chunk = shipments_and_freight(division_id=division_id, start=start, end=end)
        figures["freight"] += chunk["freight"]
        figures["shipment_count"] += chunk["shipment_count"]
        done += 1
        _progress_set(settlement, done * 95 // steps)
    start, end = _day_start(first_day), _day_start(last_day + dt.timedelta(days=1))
    figures["credit_notes"] = credit_notes_total(division_id=division_id, start=start, end=end)
    sources = settlement_sources_collect(division=settlement.division, start=start, end=end)
    figures.update({key: _money(value) for key, value in sources.items()})
    return _compute_finish(settlement, figures, by=by)


def net_due_of(figures: dict[str, Any]) -> Decimal:
    return _money(
        figures["shipped_sales"]
        + figures["freight"]
        + figures["credit_notes"]
        - figures["returns"]
        - figures["refunds"]
    )


@transaction.atomic
def _compute_finish(settlement: Settlement, figures: dict[str, Any], *, by: Any) -> Settlement:
    settlement = _lock(settlement)
    if settlement.status != Settlement.Status.COMPUTING:  # locked or recomputed meanwhile
        raise SettlementError(
            _("The settlement changed while it was computed (%(status)s); compute again.")
            % {"status": settlement.get_status_display()}
        )
    figures["net_due"] = net_due_of(figures)
    for key, value in figures.items():
        setattr(settlement, key, value)
    settlement.computed(at=timezone.now())
    settlement.save(update_fields=[*figures, "status", "progress", "computed_at"])
    audit_record(
        obj=settlement,
        action="computed",
        by=by,
        from_state=Settlement.Status.COMPUTING,
        to_state=settlement.status,
        data={key: str(value) for key, value in figures.items()},
    )
    notify(
        subject=lambda: (
            _("Settlement %(period)s of %(division)s is ready to sign")
            % {"period": period_label(settlement), "division": settlement.division.code}
        ),
        link=settlement_link(settlement),
        topic=TOPIC,
        roles=SIGNING_ROLES,
        division=settlement.division,
        email=False,
    )
    return settlement


def settlement_compute_queue(*, settlement: Settlement, by: Any = None) -> Settlement:
    """Start computing now (checks, → computing) and leave the work to the Celery task,
    queued once the transaction commits."""
    from ..tasks_settlement import settlement_compute_task

    with transaction.atomic():
        settlement = settlement_compute_start(settlement=settlement, by=by)
        user_id = by.pk if getattr(by, "is_authenticated", False) else None
        transaction.on_commit(
            lambda: settlement_compute_task.delay(settlement.pk, user_id), robust=True
        )
    return settlement


# --- signing --------------------------------------------------------------------------------
def _signer_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def settlement_sign(*, settlement: Settlement, by: Any, role: str) -> SettlementSignature:
    """Sign for `role` (one the user holds). The third live signature locks the
    settlement, and with it the period, and tells the three roles."""
    if not getattr(by, "is_authenticated", False):
        raise SettlementNotPermitted(_("Only a signed-in person can sign."))
    if role not in SIGNING_ROLES:
        raise SettlementError(_("Sign as sales lead, division finance or HQ finance."), "role")
    settlement = _lock(settlement)
    _require(by, "billing.sign_settlement", settlement.division_id)
    if not user_has_role(by, role):
        raise SettlementNotPermitted(
            _("You do not hold the role %(role)s.") % {"role": ROLE_LABELS[role]}, "role"
        )
    _refuse_locked(settlement)
    if settlement.status != Settlement.Status.COMPUTED:
        raise SettlementError(
            _("The settlement is %(status)s; only computed figures can be signed.")
            % {"status": settlement.get_status_display()}
        )
    live = live_signatures(settlement)
    own = live.filter(signed_by=by).first()
    if own is not None:
        raise SettlementError(
            _("You signed already as %(role)s; one person signs for one role.")
            % {"role": own.get_role_display()},
            "role",
        )
    taken = live.filter(role=role).select_related("signed_by").first()
    if taken is not None:
        raise SettlementError(
            _("%(name)s signed already as %(role)s.")
            % {"name": _signer_name(taken.signed_by), "role": taken.get_role_display()},
            "role",
        )
    signature = SettlementSignature.objects.create(
        settlement=settlement, role=role, signed_by=by, signed_at=timezone.now()
    )
    audit_record(obj=settlement, action="signed", by=by, data={"role": role})
    if live.count() == len(SIGNING_ROLES):
        _settlement_lock(settlement, by=by)
    return signature


def _settlement_lock(settlement: Settlement, *, by: Any) -> None:
    before = settlement.status
    settlement.lock(at=timezone.now())
    settlement.save(update_fields=["status", "locked_at"])
    audit_record(obj=settlement, action="locked", by=by, from_state=before, to_state="locked")
    notify(
        subject=lambda: (
            _("Settlement %(period)s of %(division)s is signed and locked")
            % {"period": period_label(settlement), "division": settlement.division.code}
        ),
        body=lambda: _(
            "Nothing dated in the period can change; corrections go into the next period."
        ),
        link=settlement_link(settlement),
        topic=TOPIC,
        roles=SIGNING_ROLES,
        division=settlement.division,
    )


@transaction.atomic
def settlement_withdraw(*, settlement: Settlement, by: Any) -> SettlementSignature:
    """Withdraw one's own live signature; refused once the settlement is locked."""
    settlement = _lock(settlement)
    _refuse_locked(settlement)
    signature = (
        live_signatures(settlement).filter(signed_by=by).first()
        if getattr(by, "is_authenticated", False)
        else None
    )
    if signature is None:
        raise SettlementError(_("You have no signature on this settlement to withdraw."))
    signature.withdrawn_at = timezone.now()
    signature.save(update_fields=["withdrawn_at"])
    audit_record(obj=settlement, action="signature withdrawn", by=by, data={"role": signature.role})
    return signature


# --- the lock source (core.periods) -----------------------------------------------------------
def settlement_locked_period(*, division: Any, day: dt.date) -> LockedPeriod | None:
    """The division's locked settlement whose period holds `day`, as core's LockedPeriod.

    Every dated write asks this (each intake too), so the statement is written by hand
    (core.rawsql) rather than compiled from a queryset each time."""
    division_id = getattr(division, "pk", division)
    fields = ("first_day", "last_day", "locked_at")
    when = connection.ops.adapt_datefield_value(day)
    rows = rawsql.fetch(_locked_period_sql(), [division_id, Settlement.Status.LOCKED, when, when])
    if not rows:
        return None
    return LockedPeriod(*rawsql.values(Settlement, fields, rows)[0])


@functools.cache
def _locked_period_sql() -> str:
    c = functools.partial(rawsql.column, Settlement)
    return (
        f"SELECT {c('first_day')}, {c('last_day')}, {c('locked_at')} "  # noqa: S608
        f"FROM {rawsql.table(Settlement)} WHERE {c('division')} = %s AND {c('status')} = %s "
        f"AND {c('first_day')} <= %s AND {c('last_day')} >= %s ORDER BY {c('id')} LIMIT 1"
    )


# --- exports --------------------------------------------------------------------------------
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Finance reads Chinese; the files' headers are fixed, not translated.
FIGURE_HEADERS = ("期间", "发货销售额", "运费", "红字发票", "退货", "退款", "应结净额")
FIGURE_FIELDS = ("shipped_sales", "freight", "credit_notes", "returns", "refunds", "net_due")
ROLE_NAMES_ZH = {
    "sales_lead": "电商销售组长",
    "division_finance": "事业部财务",
    "hq_finance": "总部财务",
}
STATUS_ZH = {"open": "未计算", "computing": "计算中", "computed": "待签字", "locked": "已签字锁定"}


def _period_text(settlement: Settlement) -> str:
    return f"{settlement.first_day:%Y-%m-%d} 至 {settlement.last_day:%Y-%m-%d}"


def _local_text(moment: dt.datetime | None) -> str:
    return f"{to_local(moment):%Y-%m-%d %H:%M}" if moment else ""


def settlement_signature_rows(settlement: Settlement) -> list[tuple[str, str, str]]:
    """(role, signer, Beijing time) per role in signing order, blank where unsigned."""
    signed = {
        signature.role: signature
        for signature in live_signatures(settlement).select_related("signed_by")
    }
    return [
        (
            ROLE_NAMES_ZH[role],
            _signer_name(signed[role].signed_by) if role in signed else "",
            _local_text(signed[role].signed_at) if role in signed else "",
        )
        for role in SIGNING_ROLES
    ]


def settlement_number(settlement: Settlement) -> str:
    return f"JS-{settlement.division.code}-{settlement.last_day:%Y%m}"


def settlement_xlsx(settlement: Settlement) -> bytes:
    """The statement as .xlsx: the figures under Chinese headers, then the signatures."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "月度结算单"
    sheet.append(("事业部", settlement.division.code, "状态", STATUS_ZH[settlement.status]))
    sheet.append(())
    sheet.append(FIGURE_HEADERS)
    header_row = sheet.max_row
    sheet.append((_period_text(settlement), *(getattr(settlement, name) for name in FIGURE_FIELDS)))
    for column in range(2, len(FIGURE_HEADERS) + 1):
        sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
    sheet.append(("发货单数", settlement.shipment_count))
    sheet.append(())
    sheet.append(("签字角色", "签字人", "签字时间"))
    signature_header = sheet.max_row
    for row in settlement_signature_rows(settlement):
        sheet.append(row)
    for row_number in (header_row, signature_header):
        for cell in sheet[row_number]:
            cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (26, 16, 14, 14, 14, 14, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def settlement_pdf(settlement: Settlement) -> bytes:
    """The statement on A4 (core.pdf, embedded Chinese font): facts, figures, and the
    three signature blocks with who signed and when."""
    from core import pdf

    document = pdf.Document(title="月度结算单", number=settlement_number(settlement))
    story: list[Any] = [
        pdf.facts(
            [
                ("事业部", f"{settlement.division.code} {settlement.division.name}"),
                ("期间", _period_text(settlement)),
                ("状态", STATUS_ZH[settlement.status]),
                ("发货单数", settlement.shipment_count),
                ("计算时间", _local_text(settlement.computed_at)),
                ("锁定时间", _local_text(settlement.locked_at)),
            ]
        ),
        pdf.spacer(),
        pdf.table(
            [pdf.Column("项目"), pdf.Column("金额 (元)", width=50, align_right=True)],
            [
                (header, f"{getattr(settlement, name):,.2f}")
                for header, name in zip(FIGURE_HEADERS[1:], FIGURE_FIELDS, strict=True)
            ],
        ),
        pdf.spacer(8),
        pdf.heading("签字"),
        pdf.table(
            [pdf.Column(role) for role, _name, _at in settlement_signature_rows(settlement)],
            [
                [
                    f"签字人：{name or '—'}\n时间：{at or '—'}"
                    for _role, name, at in settlement_signature_rows(settlement)
                ]
            ],
            min_row_height=18,
        ),
    ]
    return pdf.render(document, story)
