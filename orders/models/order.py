"""The order and its state machine (SPEC §2).

Transition methods only change fields of the order; the services in
`orders.services.transitions` lock the row, check role and division, call them, save
and write the audit row. Due times are computed by the services (they need the
working calendar) and passed in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.crypto import EncryptedTextField, mask, mask_phone
from core.models import Division, Warehouse
from core.transitions import ConcurrentTransitionMixin

from . import conditions as c
from .customer import Customer
from .platform import Platform
from .querysets import OrderQuerySet
from .sla import Step

ZERO = Decimal("0.00")
# Order.objects' list ordering in the triage queue (selectors.order_list_for_user): an
# ascending PostgreSQL index puts nulls last, as the queue does.
QUEUE_ORDER = ("next_due_at", "placed_at", "id")
DUE_FIELDS = (
    "identify_due_at",
    "sales_order_due_at",
    "delivery_note_due_at",
    "invoice_due_at",
    "handover_due_at",
)
# Who did each step (null until a person does it).
USER_FIELDS = (
    "keyed_in_by",
    "identified_by",
    "confirmed_by",
    "delivery_note_by",
    "invoiced_by",
    "shipped_by",
    "cancelled_by",
)


def _masked_phone(value: str) -> str:
    return mask_phone(value) if len(value) == 11 else mask(value, visible_start=3)


class Order(ConcurrentTransitionMixin, models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IDENTIFIED = "identified", _("Customer identified")
        CONFIRMED = "confirmed", _("Sales order confirmed")
        ON_HOLD = "on_hold", _("On hold (no stock)")
        ALLOCATED = "allocated", _("Allocated")
        INVOICED = "invoiced", _("Invoiced")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        API = "api", _("Intake API")
        KEYED_IN = "keyed_in", _("Keyed in")

    class IdentifiedBy(models.TextChoices):
        ORG_CODE = "org_code", _("Organisation code (automatic)")
        ID_NUMBER = "id_number", _("ID number (automatic)")
        LINKED = "linked", _("Linked by a sales representative")
        CREATED = "created", _("New customer created")

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.IDENTIFIED,
        Status.CONFIRMED,
        Status.ON_HOLD,
        Status.ALLOCATED,
        Status.INVOICED,
    )
    CANCELLABLE_STATUSES = OPEN_STATUSES
    CURRENT_STEP = {
        Status.RECEIVED: Step.IDENTIFY,
        Status.IDENTIFIED: Step.SALES_ORDER,
        Status.CONFIRMED: Step.DELIVERY_NOTE,
        Status.ON_HOLD: Step.DELIVERY_NOTE,
        Status.ALLOCATED: Step.INVOICE,
        Status.INVOICED: Step.HANDOVER,
    }

    # Unique through Meta.constraints, not unique=True: a plain unique index, without the
    # pattern-ops copy PostgreSQL would get (numbers are searched whole). Indexes cost every
    # intake an insert each, so each of this table's has a reader (issue 12).
    number = models.CharField(_("order number"), max_length=32)
    platform = models.ForeignKey(  # indexed by unique_platform_order_no (platform first)
        Platform,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("platform"),
        db_index=False,
    )
    platform_order_no = models.CharField(_("platform order number"), max_length=64)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # "v2:<sha256>" of the cleaned content (bare 64 hex digits: first-release format)
    payload_hash = models.CharField(max_length=80, editable=False)
    division = models.ForeignKey(  # indexed by order_div_queue_idx (division first)
        Division,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("division"),
        db_index=False,
    )
    warehouse = models.ForeignKey(  # indexed by order_wh_queue_idx (warehouse first)
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("planned warehouse"),
        db_index=False,
    )
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, protected=True
    )
    placed_at = models.DateTimeField(_("placed at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    ship_by = models.DateField(_("ship by"))
    keyed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("keyed in by"),
        db_index=False,  # USER_FIELDS: a partial index
    )

    # The buyer as the platform sent it (the master record is `customer`).
    buyer_kind = models.CharField(_("buyer kind"), max_length=16, choices=Customer.Kind.choices)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_org_code = models.CharField(_("organisation code"), max_length=18, blank=True)
    buyer_contact_name = models.CharField(_("responsible person"), max_length=100, blank=True)
    buyer_id_number = EncryptedTextField(_("ID number"), blank=True)
    buyer_id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    buyer_phone = EncryptedTextField(_("buyer phone"))
    buyer_phone_index = models.CharField(max_length=64, blank=True, editable=False)  # Meta

    ship_province = models.CharField(_("province"), max_length=32)
    province_code = models.CharField(_("province code"), max_length=2)
    ship_city = models.CharField(_("city"), max_length=64)
    ship_district = models.CharField(_("district"), max_length=64, blank=True)
    ship_street = models.CharField(_("street and number"), max_length=200)
    ship_postcode = models.CharField(_("postcode"), max_length=6)
    ship_recipient = models.CharField(_("recipient"), max_length=100)
    ship_phone = EncryptedTextField(_("recipient phone"))

    goods_amount = models.DecimalField(_("goods amount"), max_digits=12, decimal_places=2)
    freight = models.DecimalField(_("freight"), max_digits=12, decimal_places=2, default=ZERO)
    is_paid = models.BooleanField(_("paid"), default=False)

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    identification_method = models.CharField(
        _("identified by"), max_length=16, choices=IdentifiedBy.choices, blank=True
    )
    sales_order_number = models.CharField(_("sales order number"), max_length=32, blank=True)
    invoice_title = models.CharField(_("invoice title"), max_length=200, blank=True)
    invoice_tax_number = models.CharField(_("taxpayer number"), max_length=18, blank=True)
    delivery_note_number = models.CharField(_("delivery note"), max_length=32, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=32, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    hold_reason = models.CharField(_("hold reason"), max_length=200, blank=True)
    # What the rep should look at before confirming (orders.flags): codes with figures.
    review_flags = models.JSONField(_("review flags"), default=list, blank=True)
    is_flagged = models.BooleanField(_("flagged for review"), default=False)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    # SLA clocks: due time of each step, and when / by whom it was done.
    identify_due_at = models.DateTimeField(_("identify by"), null=True, blank=True)
    sales_order_due_at = models.DateTimeField(_("sales order by"), null=True, blank=True)
    delivery_note_due_at = models.DateTimeField(_("delivery note by"), null=True, blank=True)
    # The policy's delivery-note window the order falls in (12:00 or 15:00 deadline), fixed
    # at intake from `placed_at`; the parts-support queue groups by it (clocks).
    delivery_note_window_at = models.DateTimeField(_("delivery-note window"), null=True, blank=True)
    invoice_due_at = models.DateTimeField(_("invoice by"), null=True, blank=True)
    handover_due_at = models.DateTimeField(_("hand over by"), null=True, blank=True)
    identified_at = models.DateTimeField(_("identified at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    delivery_note_at = models.DateTimeField(_("delivery note at"), null=True, blank=True)
    invoiced_at = models.DateTimeField(_("invoiced at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    on_hold_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    delivery_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    invoiced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # USER_FIELDS: a partial index
    )
    # The running step and its due time, kept by the transitions for sorting queues.
    next_step = models.CharField(_("next step"), max_length=16, choices=Step.choices, blank=True)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("identify_order", "Can identify the customer of an order"),
            ("confirm_order", "Can confirm a sales order"),
            ("hold_order", "Can put an order on hold"),
            ("allocate_order", "Can allocate an order"),
            ("invoice_order", "Can mark an order invoiced"),
            ("ship_order", "Can mark an order shipped"),
            ("deliver_order", "Can record the receipt of an order"),
            ("close_order", "Can close an order"),
            ("cancel_order", "Can cancel an order"),
            ("view_sla_report", "Can view the SLA report"),
            ("reveal_ship_phone", "Can reveal the recipient's phone number (for delivery)"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="unique_order_number"),
            models.UniqueConstraint(
                fields=["platform", "platform_order_no"], name="unique_platform_order_no"
            ),
            models.UniqueConstraint(
                fields=["sales_order_number"],
                condition=~Q(sales_order_number=""),
                name="unique_sales_order_number",
            ),
            models.CheckConstraint(condition=Q(freight__gte=0), name="order_freight_not_negative"),
            models.CheckConstraint(
                condition=Q(goods_amount__gte=0), name="order_goods_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_due_at"]),
            models.Index(fields=["ship_by", "warehouse"]),
            models.Index(fields=["placed_at"]),
            # the day's shipped goods of the daily close (and any shipped-in-a-period
            # figure): only shipped orders are indexed, so the intake's inserts skip it
            models.Index(
                fields=["shipped_at", "division"],
                condition=Q(shipped_at__isnull=False),
                name="order_shipped_idx",
            ),
            models.Index(fields=["status", "delivery_note_window_at"]),
            # The triage list's ordering (next due time, nulls last; placed; id) within
            # what it filters by, so a page reads its 25 rows instead of sorting a year.
            models.Index(fields=[*QUEUE_ORDER], name="order_queue_idx"),
            models.Index(fields=["division", *QUEUE_ORDER], name="order_div_queue_idx"),
            models.Index(
                fields=["division", "status", *QUEUE_ORDER], name="order_div_status_queue_idx"
            ),
            # the division too (PostgreSQL: INCLUDE), so that a rep's warehouse filter —
            # warehouse and the rep's divisions — and its capped count are read from the
            # index alone, not from 10,000 rows of the table
            models.Index(
                fields=["warehouse", *QUEUE_ORDER],
                name="order_wh_queue_idx",
                include=["division"],
            ),
            models.Index(fields=["ship_by", *QUEUE_ORDER], name="order_ship_by_queue_idx"),
            # exact searches
            models.Index(fields=["platform_order_no"], name="order_platform_no_idx"),
            models.Index(fields=["buyer_phone_index"], name="order_buyer_phone_idx"),
            models.Index(
                fields=["buyer_id_number_index"],
                condition=~Q(buyer_id_number_index=""),
                name="order_buyer_id_number_idx",
            ),
            # the SLA report's window per step (a due time is set when its step starts)
            *(
                models.Index(
                    fields=[due], condition=Q(**{f"{due}__isnull": False}), name=f"order_{due}_idx"
                )
                for due in DUE_FIELDS
            ),
            # who did a step: read only when a user is deleted (PROTECT); empty at intake,
            # so only the rows that name somebody are indexed
            *(
                models.Index(
                    fields=[name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"order_{name}_idx",
                )
                for name in USER_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # --- display helpers ----------------------------------------------------------
    @property
    def total_amount(self) -> Decimal:
        return (self.goods_amount + self.freight).quantize(Decimal("0.01"))

    @property
    def buyer_id_number_masked(self) -> str:
        return mask(self.buyer_id_number)

    @property
    def buyer_phone_masked(self) -> str:
        return _masked_phone(self.buyer_phone)

    @property
    def ship_phone_masked(self) -> str:
        return _masked_phone(self.ship_phone)

    @property
    def ship_address(self) -> str:
        return "".join((self.ship_province, self.ship_city, self.ship_district, self.ship_street))

    @property
    def is_corporate(self) -> bool:
        return self.buyer_kind == Customer.Kind.CORPORATE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_breached(self, now: dt.datetime | None = None) -> bool:
        """The row form of `Order.objects.breached(now)`: open, a running step, and its
        due time strictly before `now`. Templates call it without `now` (the clock)."""
        now = now or timezone.now()
        return (
            self.is_open
            and bool(self.next_step)
            and self.next_due_at is not None
            and self.next_due_at < now
        )

    def due_times(self) -> dict[str, dt.datetime]:
        """The due time of each step known so far, in step order."""
        fields = {
            Step.IDENTIFY: self.identify_due_at,
            Step.SALES_ORDER: self.sales_order_due_at,
            Step.DELIVERY_NOTE: self.delivery_note_due_at,
            Step.INVOICE: self.invoice_due_at,
            Step.HANDOVER: self.handover_due_at,
        }
        return {str(step): due for step, due in fields.items() if due is not None}

    # --- transitions -----------------------------------------------------------------
    def _step_changed(self) -> None:
        step = self.CURRENT_STEP.get(self.status)
        self.next_step = step or ""
        self.next_due_at = self.due_times().get(step) if step else None

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.IDENTIFIED,
        conditions=[c.has_customer],
        permission="orders.identify_order",
    )
    def identify(
        self, *, identified_how: str, at: dt.datetime, by: Any, sales_order_due_at: Any
    ) -> None:
        self.identification_method = identified_how
        self.identified_at = at
        self.identified_by = by
        self.sales_order_due_at = sales_order_due_at

    @transition(
        field=status,
        source=Status.IDENTIFIED,
        target=Status.CONFIRMED,
        conditions=[c.has_customer, c.has_goods, c.has_invoice_title],
        permission="orders.confirm_order",
    )
    def confirm(
        self, *, sales_order_number: str, at: dt.datetime, by: Any, delivery_note_due_at: Any
    ) -> None:
        self.sales_order_number = sales_order_number
        self.confirmed_at = at
        self.confirmed_by = by
        self.delivery_note_due_at = delivery_note_due_at

    @transition(
        field=status,
        source=Status.CONFIRMED,
        target=Status.ON_HOLD,
        permission="orders.hold_order",
    )
    def hold(self, *, reason: str, at: dt.datetime) -> None:
        self.hold_reason = reason
        self.on_hold_at = at

    @transition(
        field=status,
        source=[Status.CONFIRMED, Status.ON_HOLD],
        target=Status.ALLOCATED,
        conditions=[c.has_sales_order],
        permission="orders.allocate_order",
    )
    def allocate(
        self, *, delivery_note_number: str, at: dt.datetime, by: Any, invoice_due_at: Any
    ) -> None:
        self.delivery_note_number = delivery_note_number
        self.delivery_note_at = at
        self.delivery_note_by = by
        self.invoice_due_at = invoice_due_at
        self.hold_reason = ""

    @transition(
        field=status,
        source=Status.ALLOCATED,
        target=Status.INVOICED,
        conditions=[c.has_delivery_note],
        permission="orders.invoice_order",
    )
    def invoice(self, *, invoice_number: str, at: dt.datetime, by: Any) -> None:
        self.invoice_number = invoice_number
        self.invoiced_at = at
        self.invoiced_by = by

    @transition(
        field=status,
        source=Status.INVOICED,
        target=Status.SHIPPED,
        conditions=[c.has_delivery_note, c.has_invoice, c.has_tracking],
        permission="orders.ship_order",
    )
    def ship(self, *, at: dt.datetime, by: Any) -> None:
        self.shipped_at = at
        self.shipped_by = by

    @transition(
        field=status,
        source=Status.SHIPPED,
        target=Status.DELIVERED,
        permission="orders.deliver_order",
    )
    def deliver(self, *, at: dt.datetime) -> None:
        self.delivered_at = at

    @transition(
        field=status,
        source=Status.DELIVERED,
        target=Status.CLOSED,
        conditions=[c.has_receipt, c.return_window_passed],
        permission="orders.close_order",
    )
    def close(self, *, at: dt.datetime) -> None:
        self.closed_at = at

    @transition(
        field=status,
        source=list(CANCELLABLE_STATUSES),
        target=Status.CANCELLED,
        permission="orders.cancel_order",
    )
    def cancel(self, *, reason: str, at: dt.datetime, by: Any) -> None:
        self.cancel_reason = reason
        self.cancelled_at = at
        self.cancelled_by = by
