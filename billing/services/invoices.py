"""Invoices and red-letter credit notes (SPEC §4).

One invoice per delivery note (one shipment): a line per note line plus, on the first
invoice of the order only, one freight line. Each line's tax is rounded to the fen; the
invoice totals are the sums of its lines. Numbers come from the gap-free series FP (per
division and year) inside the issuing transaction. An issued invoice never changes: a
correction is a credit note (negative copy of every line) and the original is marked
credited — the only change the PostgreSQL trigger lets through.

Lock order (core.lock_order): the order row, then the delivery-note / invoice rows, then
the number counter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.exceptions import DomainError
from core.notifications import notify
from core.numbering import document_number_next
from core.periods import period_assert_open
from core.roles import Role
from core.working_calendar import to_local
from fulfilment.models import DeliveryNote, DeliveryNoteLine
from fulfilment.services import delivery_note_mark_invoiced
from fulfilment.services.delivery_notes import require
from orders.exceptions import CancellationRefused
from orders.models import Order
from orders.services import order_lock

from ..models import Invoice, InvoiceLine
from ..money import ZERO, fen, line_tax
from ..numbers import INVOICE


class InvoiceError(DomainError):
    """A billing rule refused the operation; the message is for the user."""


@dataclass(frozen=True)
class LineDraft:
    """An invoice line before it is stored (also the preview of the issue button)."""

    kind: str
    sku: str
    description: str
    unit: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return fen(self.quantity * self.unit_price)

    @property
    def tax_amount(self) -> Decimal:
        return line_tax(self.amount, self.vat_rate)

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.tax_amount


# the invoice is a tax document in Chinese, whatever the language of the issuing user
FREIGHT_DESCRIPTION = "运费"


def freight_vat_rate() -> Decimal:
    return Decimal(str(getattr(settings, "FREIGHT_VAT_RATE", "0.13")))


def order_has_invoice(order: Order, *, other_than: DeliveryNote) -> bool:
    """Whether an earlier shipment of the order was invoiced (its invoice carried the
    freight): an invoice of the order, or another note with an invoice number."""
    return (
        Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE).exists()
        or DeliveryNote.objects.filter(order=order)
        .exclude(pk=other_than.pk)
        .exclude(invoice_number="")
        .exists()
    )


def invoice_draft_lines(note: DeliveryNote) -> list[LineDraft]:
    """What the invoice of `note` will carry: the goods of the note at the order's prices
    and VAT rates, then the order's freight if this is the order's first invoice."""
    lines = [
        LineDraft(
            kind=InvoiceLine.Kind.GOODS,
            sku=line.order_line.sku,
            description=line.order_line.name or line.product.name,
            unit=line.order_line.unit,
            quantity=line.quantity,
            unit_price=line.order_line.unit_price,
            vat_rate=line.order_line.vat_rate,
        )
        for line in DeliveryNoteLine.objects.filter(delivery_note=note)
        .select_related("order_line", "product")
        .order_by("order_line__position", "pk")
    ]
    order = note.order
    if order.freight > 0 and not order_has_invoice(order, other_than=note):
        lines.append(
            LineDraft(
                kind=InvoiceLine.Kind.FREIGHT,
                sku="",
                description=FREIGHT_DESCRIPTION,
                unit="",
                quantity=1,
                unit_price=order.freight,
                vat_rate=freight_vat_rate(),
            )
        )
    return lines


def totals_of(lines: Iterable[Any]) -> dict[str, Decimal]:
    """net, tax and total of an invoice: the sums of its lines (never recomputed)."""
    net = tax = total = ZERO
    for line in lines:
        net, tax, total = net + line.net_amount, tax + line.tax_amount, total + line.amount
    return {"net_amount": net, "tax_amount": tax, "total_amount": total}


def _number(division: Any, at: dt.datetime) -> str:
    return document_number_next(series=INVOICE.code, division=division, year=to_local(at).year)


def _lock_note(note: DeliveryNote) -> tuple[Order, DeliveryNote]:
    order = order_lock(Order(pk=note.order_id))
    note = (
        DeliveryNote.objects.select_for_update()
        .select_related("division", "warehouse")
        .get(pk=note.pk)
    )
    note.order = order
    return order, note


def _check_issuable(note: DeliveryNote) -> None:
    if note.status == DeliveryNote.Status.WAITING:
        raise InvoiceError(
            _("Delivery note %(note)s still waits for stock; it is invoiced once reserved.")
            % {"note": note.number}
        )
    if note.status != DeliveryNote.Status.RESERVED or note.invoice_number:
        raise InvoiceError(
            _("Delivery note %(note)s is %(status)s; only a note with reserved stock is invoiced.")
            % {"note": note.number, "status": note.get_status_display()}
        )


@transaction.atomic
def invoice_issue(*, note: DeliveryNote, by: Any, at: dt.datetime | None = None) -> Invoice:
    """Issue the invoice of a delivery note whose stock is reserved (division finance);
    the note becomes invoiced and the order follows (the SLA invoice step is met); the
    warehouse is told that the goods can be handed over."""
    at = at or timezone.now()
    order, note = _lock_note(note)
    require(by, "billing.issue_invoice", note.division_id)
    _check_issuable(note)
    period_assert_open(division=note.division, at=at)
    drafts = invoice_draft_lines(note)
    if not drafts:
        raise InvoiceError(_("Delivery note %(note)s has no lines.") % {"note": note.number})
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal stays readable
            invoice = Invoice.objects.create(
                number=_number(note.division, at),
                kind=Invoice.Kind.INVOICE,
                division=note.division,
                order=order,
                delivery_note=note,
                buyer_title=order.invoice_title,
                buyer_tax_number=order.invoice_tax_number,
                issued_at=at,
                issued_by=by,
                **totals_of(drafts),
            )
    except IntegrityError:
        raise InvoiceError(
            _("Delivery note %(note)s has an invoice already.") % {"note": note.number}
        ) from None
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            kind=draft.kind,
            sku=draft.sku,
            description=draft.description[:200],
            unit=draft.unit,
            quantity=draft.quantity,
            unit_price=draft.unit_price,
            vat_rate=draft.vat_rate,
            amount=draft.amount,
            tax_amount=draft.tax_amount,
            net_amount=draft.net_amount,
        )
        for position, draft in enumerate(drafts, start=1)
    )
    delivery_note_mark_invoiced(note=note, by=by, invoice_number=invoice.number, at=at)
    audit_record(
        obj=invoice,
        action="issued",
        by=by,
        to_state=invoice.status,
        data={
            "delivery_note": note.number,
            "order": order.number,
            "total": str(invoice.total_amount),
            "tax": str(invoice.tax_amount),
            "lines": len(drafts),
        },
    )
    _notify_warehouse(invoice, note)
    return invoice


def _notify_warehouse(invoice: Invoice, note: DeliveryNote) -> None:
    notify(
        subject=lambda: (
            _("Invoice %(invoice)s issued for delivery note %(note)s: the goods can be handed over")
            % {"invoice": invoice.number, "note": note.number}
        ),
        body=lambda: (
            _("Order %(order)s, ship by %(day)s from %(warehouse)s; the invoice travels with it.")
            % {
                "order": invoice.order.number,
                "day": note.ship_by.isoformat(),
                "warehouse": note.warehouse.code,
            }
        ),
        link=reverse("fulfilment:note-detail", args=[note.pk]),
        topic="invoice",
        roles=[Role.WAREHOUSE],
        division=note.division,
    )


# --- red-letter credit notes -------------------------------------------------------------------
def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise InvoiceError(_("Give the reason for the credit note."), field="reason")
    return reason


def credited_quantities(original: Invoice) -> dict[int, tuple[int, Decimal, Decimal]]:
    """Per line position of `original`: (units, amount, tax) its credit notes took back,
    as positive figures."""
    taken: dict[int, tuple[int, Decimal, Decimal]] = {}
    for position, quantity, amount, tax in InvoiceLine.objects.filter(
        invoice__original=original, invoice__kind=Invoice.Kind.CREDIT_NOTE
    ).values_list("position", "quantity", "amount", "tax_amount"):
        units, total, taxes = taken.get(position, (0, ZERO, ZERO))
        taken[position] = (units - quantity, total - amount, taxes - tax)
    return taken


def _credit_lines(
    original: Invoice, quantities: Mapping[int, int] | None
) -> tuple[list[InvoiceLine], bool]:
    """The negative lines of a credit note of `original` and whether it credits all that
    is left. `quantities` (line position → units) takes part of the invoice back (a
    return of some goods); None takes back everything not yet credited. A line's last
    credit takes exactly its remaining amount and tax, so the credit notes of an invoice
    always sum to it to the fen."""
    taken = credited_quantities(original)
    lines, left_after = [], 0
    for line in original.lines.order_by("position"):
        units, amount, tax = taken.get(line.position, (0, ZERO, ZERO))
        remaining = line.quantity - units
        wanted = remaining if quantities is None else quantities.get(line.position, 0)
        if not isinstance(wanted, int) or wanted < 0 or wanted > remaining:
            raise InvoiceError(
                _("Line %(position)s: at most %(remaining)s units can still be credited.")
                % {"position": line.position, "remaining": remaining},
                field=f"line_{line.position}",
            )
        left_after += remaining - wanted
        if not wanted:
            continue
        if wanted == remaining:
            credit_amount, credit_tax = line.amount - amount, line.tax_amount - tax
        else:
            credit_amount = fen(wanted * line.unit_price)
            credit_tax = line_tax(credit_amount, line.vat_rate)
        lines.append(
            InvoiceLine(
                position=line.position,
                kind=line.kind,
                sku=line.sku,
                description=line.description,
                unit=line.unit,
                quantity=-wanted,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                amount=-credit_amount,
                tax_amount=-credit_tax,
                net_amount=-(credit_amount - credit_tax),
            )
        )
    return lines, left_after == 0


def _credit_issue(
    *,
    original: Invoice,
    by: Any,
    reason: str,
    at: dt.datetime,
    quantities: Mapping[int, int] | None = None,
    return_number: str = "",
) -> Invoice:
    """A credit note of a locked, issued invoice; the original is marked credited once
    everything on it has been credited."""
    if original.is_credit_note:
        raise InvoiceError(
            _("%(number)s is a credit note; a credit note is not credited again.")
            % {"number": original.number}
        )
    if original.status != Invoice.Status.ISSUED:
        raise InvoiceError(
            _("Invoice %(number)s is credited already.") % {"number": original.number}
        )
    period_assert_open(division=original.division, at=at)
    lines, complete = _credit_lines(original, quantities)
    if not lines:
        raise InvoiceError(_("Credit at least one unit."))
    totals = totals_of(lines)
    credit = Invoice.objects.create(
        number=_number(original.division, at),
        kind=Invoice.Kind.CREDIT_NOTE,
        original=original,
        division=original.division,
        order_id=original.order_id,
        delivery_note_id=original.delivery_note_id,
        buyer_title=original.buyer_title,
        buyer_tax_number=original.buyer_tax_number,
        issued_at=at,
        issued_by=by,
        reason=reason,
        return_number=return_number,
        **totals,
    )
    for line in lines:
        line.invoice = credit
    InvoiceLine.objects.bulk_create(lines)
    audit_record(
        obj=credit,
        action="issued",
        by=by,
        to_state=credit.status,
        note=reason,
        data={"credits": original.number, "total": str(credit.total_amount)},
    )
    if complete:
        before = original.status
        original.credit()
        original.save(update_fields=["status"])
        audit_record(
            obj=original,
            action="credited",
            by=by,
            from_state=before,
            to_state=original.status,
            note=reason,
            data={"credit_note": credit.number},
        )
    return credit


@transaction.atomic
def invoice_credit(
    *,
    invoice: Invoice,
    by: Any,
    reason: str,
    at: dt.datetime | None = None,
    quantities: Mapping[int, int] | None = None,
    return_number: str = "",
) -> Invoice:
    """Issue a red-letter credit note (红字发票) of `invoice` (division finance): of all
    that is not yet credited, or of `quantities` (line position → units; a return)."""
    reason = _clean_reason(reason)
    at = at or timezone.now()
    order_lock(Order(pk=invoice.order_id))
    original = Invoice.objects.select_for_update().select_related("division").get(pk=invoice.pk)
    require(by, "billing.credit_invoice", original.division_id)
    return _credit_issue(
        original=original,
        by=by,
        reason=reason,
        at=at,
        quantities=quantities,
        return_number=return_number,
    )


def invoice_cancellation_participant(*, order: Order, by: Any, reason: str) -> None:
    """Cancellation participant (orders.hooks, stage billing): every issued invoice of the
    order is credited in the cancelling transaction; refused once invoiced goods shipped.
    The cancelling user's own permission was checked by the orders service."""
    invoices = list(
        Invoice.objects.select_for_update(of=("self",))
        .filter(order=order, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED)
        .select_related("division", "delivery_note")
        .order_by("pk")
    )
    shipped = [i for i in invoices if i.delivery_note.status == DeliveryNote.Status.SHIPPED]
    if shipped:
        raise CancellationRefused(
            _(
                "Invoice %(invoices)s of order %(order)s is for goods that have shipped: "
                "take them back as a return instead of cancelling."
            )
            % {"invoices": ", ".join(i.number for i in shipped), "order": order.number}
        )
    at = timezone.now()
    reason = _clean_reason(reason)
    for invoice in invoices:
        _credit_issue(original=invoice, by=by, reason=reason, at=at)
