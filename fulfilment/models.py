"""Fulfilment documents and the stock ledger (SPEC §3).

Stock: `StockMove` is the append-only ledger (receipt, shipment, return, adjustment,
stock take) per product and warehouse; `StockLevel` keeps on-hand and reserved of the
same pair, changed in the transaction that writes the move, under a row lock, with
database constraints (on hand ≥ 0, 0 ≤ reserved ≤ on hand) below the services.

Documents: a `DeliveryNote` (交货单) reserves stock for some or all of an order's lines;
an order may have several (a partial delivery and its back-order). A `Shipment` hands one
note to a carrier. `PickList`, `InboundReceipt` (入库单), `ReplenishmentRequest`
(采购申请), `StockTake` (每周盘点) and `LogisticsReport` are documents of their own with
numbers from the core series (fulfilment.numbers). Services in fulfilment.services change
them; every state change leaves an audit row.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from catalog.models import Product
from core.append_only import AppendOnlyModel
from core.models import Division, Warehouse
from core.transitions import ConcurrentTransitionMixin
from orders.models import Order, OrderLine

_USER = settings.AUTH_USER_MODEL


class StockLevel(models.Model):
    """On hand and reserved of one product in one warehouse; available = on hand − reserved."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="stock_levels",
        verbose_name=_("warehouse"),
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["warehouse__code", "product__sku"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"], name="one_stock_level_per_product_warehouse"
            ),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMove(AppendOnlyModel):
    """One movement of stock; the sum of a pair's moves is its on-hand quantity."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        SHIPMENT = "shipment", _("Shipment")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        STOCK_TAKE = "stock_take", _("Stock take")

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_moves", verbose_name=_("product")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_moves", verbose_name=_("warehouse")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"))
    on_hand_after = models.IntegerField(_("on hand after"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        _USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    document = models.CharField(_("document"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_quantity_not_zero"),
            models.CheckConstraint(
                condition=Q(on_hand_after__gte=0), name="stock_move_on_hand_after_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "warehouse", "at"]),
            models.Index(fields=["kind", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} {self.product_id}@{self.warehouse_id}"


class DeliveryNote(ConcurrentTransitionMixin, models.Model):
    """交货单: what one shipment of an order will carry, with its stock reserved.

    `waiting` notes hold demand without stock (an order on hold, or the back-order of a
    partial delivery); they are reserved oldest first when stock arrives.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for stock")
        RESERVED = "reserved", _("Stock reserved")
        INVOICED = "invoiced", _("Invoiced")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        FULL = "full", _("Complete delivery")
        PARTIAL = "partial", _("Partial delivery")
        BACK_ORDER = "back_order", _("Back-order")
        EXCHANGE = "exchange", _("Exchange replacement")

    OPEN_STATUSES = (Status.WAITING, Status.RESERVED, Status.INVOICED)

    number = models.CharField(_("delivery note"), max_length=32, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="delivery_notes", verbose_name=_("order")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="delivery_notes",
        verbose_name=_("warehouse"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FULL)
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING, protected=True
    )
    ship_by = models.DateField(_("ship by"))
    partial_agreed_with = models.CharField(
        _("partial delivery agreed with"), max_length=100, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reserved_at = models.DateTimeField(_("reserved at"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=32, blank=True)
    invoiced_at = models.DateTimeField(_("invoiced at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")
        permissions = [
            ("record_invoice_deliverynote", "Can record the invoice of a delivery note"),
            ("cancel_deliverynote", "Can cancel a back-order delivery note"),
        ]
        indexes = [
            models.Index(fields=["status", "warehouse", "ship_by"]),
            models.Index(fields=["status", "created_at"]),
            # the list of notes (newest first) within the user's division
            models.Index(fields=["division", "created_at", "id"], name="note_division_list_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @transition(field=status, source=Status.WAITING, target=Status.RESERVED)
    def reserve(self, *, at: Any) -> None:
        self.reserved_at = at

    @transition(field=status, source=Status.RESERVED, target=Status.INVOICED)
    def invoice(self, *, invoice_number: str, at: Any) -> None:
        self.invoice_number = invoice_number
        self.invoiced_at = at

    @transition(field=status, source=Status.INVOICED, target=Status.SHIPPED)
    def ship(self, *, at: Any) -> None:
        self.shipped_at = at

    @transition(field=status, source=list(OPEN_STATUSES), target=Status.CANCELLED)
    def cancel(self, *, reason: str, at: Any) -> None:
        self.cancel_reason = reason
        self.cancelled_at = at


class DeliveryNoteLine(models.Model):
    delivery_note = models.ForeignKey(
        DeliveryNote,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("delivery note"),
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("order line")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["delivery_note", "order_line__position"]
        verbose_name = _("delivery note line")
        verbose_name_plural = _("delivery note lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="delivery_note_line_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["delivery_note", "order_line"], name="one_note_line_per_order_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_note_id}: {self.product_id} × {self.quantity}"


class PickList(models.Model):
    """One printed wave: the delivery notes of one ship-by day and warehouse, or a selection."""

    number = models.CharField(_("pick list"), max_length=32, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="pick_lists", verbose_name=_("warehouse")
    )
    ship_by = models.DateField(_("ship by"), null=True, blank=True)
    delivery_notes = models.ManyToManyField(
        DeliveryNote, related_name="pick_lists", verbose_name=_("delivery notes")
    )
    printed_at = models.DateTimeField(_("printed at"), default=timezone.now)
    printed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-printed_at", "-id"]
        verbose_name = _("pick list")
        verbose_name_plural = _("pick lists")

    def __str__(self) -> str:
        return self.number


class Carrier(models.Model):
    """A carrier of the carrier master (owned by logistics_lead)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tracking_pattern = models.CharField(
        _("tracking number pattern"),
        max_length=100,
        blank=True,
        help_text=_("A regular expression the whole tracking number must match, e.g. SF\\d{12}."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FreightRate(models.Model):
    """A carrier's rate to one province (GB/T 2260 code): a first-weight price and a price
    per additional (started) kilogram."""

    carrier = models.ForeignKey(
        Carrier, on_delete=models.CASCADE, related_name="rates", verbose_name=_("carrier")
    )
    province_code = models.CharField(_("province code"), max_length=2)
    first_weight_kg = models.DecimalField(
        _("first weight (kg)"), max_digits=6, decimal_places=2, default=Decimal("1.00")
    )
    first_price = models.DecimalField(_("first-weight price"), max_digits=10, decimal_places=2)
    additional_price_per_kg = models.DecimalField(
        _("price per additional kg"), max_digits=10, decimal_places=2
    )

    class Meta:
        ordering = ["carrier__code", "province_code"]
        verbose_name = _("freight rate")
        verbose_name_plural = _("freight rates")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "province_code"], name="one_rate_per_carrier_province"
            ),
            models.CheckConstraint(
                condition=Q(first_weight_kg__gt=0), name="freight_first_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(first_price__gte=0) & Q(additional_price_per_kg__gte=0),
                name="freight_prices_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id} → {self.province_code}"


class LogisticsReport(models.Model):
    """The 09:00 report to the platform logistics group: the shipments since the last one.
    One per working day; a shipment belongs to exactly one report."""

    number = models.CharField(_("report"), max_length=32, unique=True)
    day = models.DateField(_("report day"), unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    shipment_count = models.PositiveIntegerField(_("shipments"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("logistics report")
        verbose_name_plural = _("logistics reports")

    def __str__(self) -> str:
        return self.number


class Shipment(models.Model):
    """The hand-over of one delivery note to a carrier."""

    delivery_note = models.OneToOneField(
        DeliveryNote,
        on_delete=models.PROTECT,
        related_name="shipment",
        verbose_name=_("delivery note"),
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("warehouse")
    )
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("carrier")
    )
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    parcels = models.PositiveSmallIntegerField(_("parcels"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=9, decimal_places=2)
    freight_cost = models.DecimalField(
        _("freight cost"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now, db_index=True)
    shipped_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        LogisticsReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("logistics report"),
    )

    class Meta:
        ordering = ["-shipped_at", "-id"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="unique_tracking_per_carrier"
            ),
            models.CheckConstraint(condition=Q(parcels__gte=1), name="shipment_parcels_positive"),
            models.CheckConstraint(condition=Q(weight_kg__gt=0), name="shipment_weight_positive"),
        ]
        indexes = [
            models.Index(fields=["report", "shipped_at"]),
            # the shipment list (newest first) scoped by the warehouses of the user's
            # divisions: a page and its capped count read the index alone
            models.Index(fields=["shipped_at", "id", "warehouse"], name="shipment_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier_id} {self.tracking_number}"


class ShippedListRun(models.Model):
    """The end-of-day list of shipped orders sent to the sales reps, once per division and day."""

    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    order_count = models.PositiveIntegerField(_("orders"), default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["division", "day"], name="one_shipped_list_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.day}"


class LowStockEpisode(models.Model):
    """A stretch of time during which a product's available stock in a warehouse lay below
    its last 7 days' shipments; alerted once when it opens."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("since"), default=timezone.now)
    closed_at = models.DateTimeField(_("until"), null=True, blank=True)
    available = models.IntegerField(_("available"))
    shipped_last_week = models.PositiveIntegerField(_("shipped in the last 7 days"))

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("low-stock episode")
        verbose_name_plural = _("low-stock episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse"],
                condition=Q(closed_at__isnull=True),
                name="one_open_low_stock_episode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id} {self.opened_at:%Y-%m-%d}"


class ReplenishmentRequest(ConcurrentTransitionMixin, models.Model):
    """采购申请: proposed by the low-stock scan (or raised by hand); above the approval
    threshold it needs the approval role's decision before it is ordered."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("replenishment request"), max_length=32, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED, protected=True
    )
    episode = models.ForeignKey(
        LowStockEpisode, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replenishment request")
        verbose_name_plural = _("replenishment requests")
        permissions = [("approve_replenishmentrequest", "Can approve a replenishment request")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="replenishment_quantity_positive"
            ),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="replenishment_cost"),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source=Status.PROPOSED, target=Status.SUBMITTED)
    def submit(self, *, at: Any) -> None:
        self.submitted_at = at

    @transition(field=status, source=[Status.PROPOSED, Status.SUBMITTED], target=Status.APPROVED)
    def approve(self, *, at: Any, by: Any, note: str = "") -> None:
        self.decided_at, self.decided_by, self.decision_note = at, by, note

    @transition(field=status, source=Status.SUBMITTED, target=Status.REJECTED)
    def reject(self, *, at: Any, by: Any, note: str) -> None:
        self.decided_at, self.decided_by, self.decision_note = at, by, note

    @transition(field=status, source=Status.APPROVED, target=Status.RECEIVED)
    def receive(self) -> None:
        pass

    @transition(field=status, source=[Status.PROPOSED, Status.SUBMITTED], target=Status.CANCELLED)
    def cancel(self, *, at: Any, by: Any, note: str) -> None:
        self.decided_at, self.decided_by, self.decision_note = at, by, note


class InboundReceipt(models.Model):
    """入库单: goods received into a warehouse, checked and booked the same day."""

    number = models.CharField(_("inbound receipt"), max_length=32, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("warehouse")
    )
    supplier = models.CharField(_("supplier"), max_length=200)
    supplier_document = models.CharField(_("supplier's delivery note"), max_length=64, blank=True)
    request = models.ForeignKey(
        ReplenishmentRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("replenishment request"),
    )
    received_on = models.DateField(_("received on"))
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    booked_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-booked_at", "-id"]
        verbose_name = _("inbound receipt")
        verbose_name_plural = _("inbound receipts")

    def __str__(self) -> str:
        return self.number


class InboundReceiptLine(models.Model):
    receipt = models.ForeignKey(InboundReceipt, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["receipt", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="receipt_line_quantity_positive"
            ),
            models.UniqueConstraint(fields=["receipt", "product"], name="one_receipt_line_per_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.product_id} × {self.quantity}"


class StockTake(ConcurrentTransitionMixin, models.Model):
    """每周盘点: the count sheet of one warehouse for one week."""

    class Status(models.TextChoices):
        OPEN = "open", _("Counting")
        SUBMITTED = "submitted", _("Awaiting approval")
        POSTED = "posted", _("Approved and posted")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("stock take"), max_length=32, unique=True)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_takes", verbose_name=_("warehouse")
    )
    week = models.DateField(_("week of"), help_text=_("The Monday of the counted week."))
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, protected=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-week", "warehouse__code"]
        verbose_name = _("stock take")
        verbose_name_plural = _("stock takes")
        permissions = [("approve_stocktake", "Can approve a stock take and post its variances")]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "week"],
                condition=~Q(status="cancelled"),
                name="one_stock_take_per_warehouse_week",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @transition(field=status, source=Status.OPEN, target=Status.SUBMITTED)
    def submit(self, *, at: Any, by: Any) -> None:
        self.submitted_at, self.submitted_by = at, by

    @transition(field=status, source=Status.SUBMITTED, target=Status.OPEN)
    def reopen(self) -> None:
        self.submitted_at, self.submitted_by = None, None

    @transition(field=status, source=Status.SUBMITTED, target=Status.POSTED)
    def post(self, *, at: Any, by: Any) -> None:
        self.posted_at, self.approved_by = at, by

    @transition(field=status, source=[Status.OPEN, Status.SUBMITTED], target=Status.CANCELLED)
    def cancel(self) -> None:
        pass


class StockTakeLine(models.Model):
    stock_take = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    bin_code = models.CharField(_("bin location"), max_length=32, blank=True)
    expected = models.IntegerField(_("book quantity"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)

    class Meta:
        ordering = ["stock_take", "bin_code", "product__sku"]
        constraints = [
            models.UniqueConstraint(fields=["stock_take", "product"], name="one_count_per_sku")
        ]

    def __str__(self) -> str:
        return f"{self.stock_take_id}: {self.product_id}"

    @property
    def variance(self) -> int | None:
        return None if self.counted is None else self.counted - self.expected
