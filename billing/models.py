"""Billing documents (SPEC §4): invoices and red-letter credit notes, the daily close and
the monthly settlement with its three sign-offs.

An `Invoice` is issued for one delivery note (one shipment): lines for the goods plus
one freight line, VAT per line. Issued invoices never change (the services refuse, and on
PostgreSQL a trigger refuses UPDATE of anything but the status and DELETE); a correction
is a credit note (`kind=credit_note`, negative amounts) that references the original.
Amounts are tax-inclusive as the platform sells (含税价): per line, tax = amount × rate /
(1 + rate) rounded half-up to the fen, net = amount − tax; the invoice totals are the
sums of the lines.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.append_only import AppendOnlyModel
from core.models import Division
from core.transitions import ConcurrentTransitionMixin
from fulfilment.models import DeliveryNote
from orders.models import Order

_USER = settings.AUTH_USER_MODEL
_MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Invoice(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Red-letter credit note")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CREDITED = "credited", _("Credited (red-letter note issued)")

    number = models.CharField(_("invoice number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INVOICE)
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ISSUED, protected=True
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("order")
    )
    delivery_note = models.ForeignKey(
        DeliveryNote,
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("delivery note"),
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("credited invoice"),
    )
    buyer_title = models.CharField(_("invoice title"), max_length=200)
    buyer_tax_number = models.CharField(_("taxpayer number"), max_length=18, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    net_amount = models.DecimalField(_("amount before tax"), **_MONEY)
    tax_amount = models.DecimalField(_("VAT"), **_MONEY)
    total_amount = models.DecimalField(_("total"), **_MONEY)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # a credit note of goods that came back (returns): the return's number. The settlement
    # counts those under refunds and returns, not again under credit notes.
    return_number = models.CharField(_("return"), max_length=32, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [
            ("issue_invoice", "Can issue an invoice for a delivery note"),
            ("credit_invoice", "Can issue a red-letter credit note"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery_note"],
                condition=Q(kind="invoice"),
                name="one_invoice_per_delivery_note",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", original__isnull=True)
                | Q(kind="credit_note", original__isnull=False),
                name="credit_note_has_original",
            ),
        ]
        indexes = [
            # the list's ordering (newest first) within a division, with the id as the
            # tie-break: a page (and the capped count) reads the index, not the table
            models.Index(fields=["division", "issued_at", "id"], name="invoice_division_list_idx")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @transition(field=status, source=Status.ISSUED, target=Status.CREDITED)
    def credit(self) -> None:
        """The original, once its red-letter credit note exists."""


class InvoiceLine(AppendOnlyModel):
    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        FREIGHT = "freight", _("Freight")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (incl. VAT)"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=3)
    amount = models.DecimalField(_("amount (incl. VAT)"), **_MONEY)
    tax_amount = models.DecimalField(_("VAT"), **_MONEY)
    net_amount = models.DecimalField(_("amount before tax"), **_MONEY)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="unique_invoice_line"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.description}"


class DailyClose(models.Model):
    """The close of one business day of one division: the sales ledger (销售台帐) and the
    internal reconciliation statement (《内部对账单》), reconciled by division finance and
    HQ finance (or held open by discrepancies until they are resolved)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To reconcile")
        RECONCILED = "reconciled", _("Reconciled")

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("business day"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("produced at"), default=timezone.now)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    goods_amount = models.DecimalField(_("goods"), default=0, **_MONEY)
    freight_amount = models.DecimalField(_("freight"), default=0, **_MONEY)
    total_amount = models.DecimalField(_("total"), default=0, **_MONEY)
    paid_amount = models.DecimalField(_("paid"), default=0, **_MONEY)
    unpaid_count = models.PositiveIntegerField(_("unpaid orders"), default=0)
    invoiced_amount = models.DecimalField(_("invoiced"), default=0, **_MONEY)
    shipped_amount = models.DecimalField(_("shipped"), default=0, **_MONEY)
    division_reconciled_at = models.DateTimeField(null=True, blank=True)
    division_reconciled_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hq_reconciled_at = models.DateTimeField(null=True, blank=True)
    hq_reconciled_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "division__code"]
        verbose_name = _("daily close")
        verbose_name_plural = _("daily closes")
        permissions = [("reconcile_dailyclose", "Can reconcile a day or record a discrepancy")]
        constraints = [
            models.UniqueConstraint(fields=["division", "day"], name="one_close_per_division_day")
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.day}"


class Discrepancy(models.Model):
    close = models.ForeignKey(DailyClose, on_delete=models.CASCADE, related_name="discrepancies")
    description = models.CharField(_("discrepancy"), max_length=500)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **_MONEY)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    raised_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")

    def __str__(self) -> str:
        return self.description[:60]


class Settlement(ConcurrentTransitionMixin, models.Model):
    """The monthly settlement of one division: period 26th 00:00 → 25th 23:59:59 Beijing
    time. Three sign-offs (sales_lead, division_finance, hq_finance) lock the period."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open period")
        COMPUTING = "computing", _("Computing")
        COMPUTED = "computed", _("Ready to sign")
        LOCKED = "locked", _("Signed and locked")

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("through"))
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, protected=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    shipped_sales = models.DecimalField(_("shipped sales"), default=0, **_MONEY)
    freight = models.DecimalField(_("freight"), default=0, **_MONEY)
    credit_notes = models.DecimalField(_("credit notes"), default=0, **_MONEY)
    returns = models.DecimalField(_("returns"), default=0, **_MONEY)
    refunds = models.DecimalField(_("refunds"), default=0, **_MONEY)
    net_due = models.DecimalField(_("net due"), default=0, **_MONEY)
    shipment_count = models.PositiveIntegerField(_("shipments"), default=0)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    class Meta:
        ordering = ["-first_day", "division__code"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        permissions = [("sign_settlement", "Can sign a settlement")]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "first_day"], name="one_settlement_per_division_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.first_day} – {self.last_day}"

    @transition(field=status, source=[Status.OPEN, Status.COMPUTED], target=Status.COMPUTING)
    def start_computing(self) -> None:
        self.progress = 0

    @transition(field=status, source=Status.COMPUTING, target=Status.COMPUTED)
    def computed(self, *, at: Any) -> None:
        self.progress, self.computed_at = 100, at

    @transition(field=status, source=Status.COMPUTED, target=Status.LOCKED)
    def lock(self, *, at: Any) -> None:
        self.locked_at = at


class SettlementSignature(models.Model):
    class Role(models.TextChoices):
        SALES_LEAD = "sales_lead", _("E-commerce sales team lead")
        DIVISION_FINANCE = "division_finance", _("Division finance")
        HQ_FINANCE = "hq_finance", _("Head-office finance")

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    signed_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "role"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_live_signature_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.settlement_id} {self.role}"
