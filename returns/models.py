"""Returns and refunds (SPEC §5, the policy's 退货及退款 flow and OA 退款流程).

A `ReturnRequest` (退/换货申请) is one customer request against one delivered order: return
or exchange, the lines and quantities, reason ①–⑤, evidence files. It moves through:

    requested ─┬─ reject ───────────────────────────────→ rejected
               └─ accept (rep: return | exchange) ─────→ accepted
    accepted ── feedback done (parts support + warehouse lead; 异常收货反馈)
                 → return order number (退货单) ───────→ awaiting_goods
    awaiting_goods ─┬─ inspection refused ─────────────→ refused
                    └─ inspection accepted (stock back) → received
    refused ─┬─ three-way resolution "accept" (stock back) → received
             └─ three-way resolution "send back" ─────→ closed
    received ── every remaining step done ──────────────→ closed (archived)

"Every remaining step": finance has recovered the invoice or issued the red-letter credit
note, and — for a return — the refund is paid, or — for an exchange — the replacement
delivery note exists. A `Refund` (OA 退款流程) belongs to a return resolved as "return": it
waits for its approvals (`sales_head` always, `ecom_leader` above the threshold), then
division finance reviews it (return freight included) and head-office finance pays it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import Division, Warehouse
from core.transitions import ConcurrentTransitionMixin
from orders.models import Order, OrderLine, Platform

_USER = settings.AUTH_USER_MODEL
_MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


def _feedback_done(request: Any) -> bool:
    return bool(request.feedback_done)


def _all_approved(refund: Any) -> bool:
    return not refund.approvals_missing()


class ReturnRequest(ConcurrentTransitionMixin, models.Model):
    """退/换货申请 and, once the feedback is done, its return order (退货单)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting review")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted: feedback under way")
        AWAITING_GOODS = "awaiting_goods", _("Awaiting the goods")
        REFUSED = "refused", _("Refused at inspection")
        RECEIVED = "received", _("Goods received")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        RETURN = "return", _("Return and refund")
        EXCHANGE = "exchange", _("Exchange")

    class Reason(models.IntegerChoices):
        NOT_AS_DESCRIBED = 1, _("① Not as described")
        WRONG_OR_MISSING = 2, _("② Wrong or missing item")
        DAMAGED = 3, _("③ Damaged on arrival")
        QUALITY = 4, _("④ Quality problem")
        OTHER = 5, _("⑤ Other")

    class Source(models.TextChoices):
        API = "api", _("Platform API")
        PORTAL = "portal", _("Portal")

    class InvoiceHandling(models.TextChoices):
        PENDING = "", _("Not yet")
        RECOVERED = "recovered", _("Invoice recovered")
        CREDITED = "credited", _("Red-letter credit note")

    number = models.CharField(_("return request"), max_length=32, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="return_requests", verbose_name=_("order")
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("return to warehouse"),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform_request_no = models.CharField(_("platform request number"), max_length=64, blank=True)
    payload_hash = models.CharField(max_length=80, blank=True, editable=False)
    requested_kind = models.CharField(_("customer asks for"), max_length=8, choices=Kind.choices)
    kind = models.CharField(_("resolution"), max_length=8, choices=Kind.choices, blank=True)
    reason = models.PositiveSmallIntegerField(_("reason"), choices=Reason.choices)
    reason_text = models.CharField(_("customer's words"), max_length=500, blank=True)
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED, protected=True
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    goods_amount = models.DecimalField(_("goods amount"), default=ZERO, **_MONEY)

    # the rep's review
    decided_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("review note"), max_length=500, blank=True)
    # 异常收货反馈: parts support and the warehouse lead each complete their part
    feedback_parts_at = models.DateTimeField(_("feedback: parts support"), null=True, blank=True)
    feedback_parts_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback_warehouse_at = models.DateTimeField(
        _("feedback: warehouse lead"), null=True, blank=True
    )
    feedback_warehouse_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    feedback_note = models.CharField(_("feedback note"), max_length=500, blank=True)
    return_order_number = models.CharField(_("return order"), max_length=32, blank=True)
    # the receiver's inspection
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspection_note = models.CharField(_("inspection note"), max_length=500, blank=True)
    restocked_at = models.DateTimeField(_("booked into stock at"), null=True, blank=True)
    # finance: the invoice that came back with the goods
    invoice_handling = models.CharField(
        _("invoice"), max_length=12, choices=InvoiceHandling.choices, blank=True, default=""
    )
    invoice_handled_at = models.DateTimeField(_("invoice handled at"), null=True, blank=True)
    invoice_handled_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice_note = models.CharField(_("invoice note"), max_length=500, blank=True)
    credit_notes = models.ManyToManyField(
        "billing.Invoice", blank=True, related_name="+", verbose_name=_("credit notes")
    )
    # an exchange ships its replacement on a delivery note of its own
    replacement_note = models.ForeignKey(
        "fulfilment.DeliveryNote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement delivery note"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.CharField(_("closing note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        permissions = [
            ("review_returnrequest", "Can accept or reject a return request"),
            ("feedback_parts_returnrequest", "Can complete the parts-support feedback"),
            ("feedback_warehouse_returnrequest", "Can complete the warehouse-lead feedback"),
            ("inspect_returnrequest", "Can inspect returned goods"),
            ("resolve_returnrequest", "Can record a three-way resolution"),
            ("handle_invoice_returnrequest", "Can record the invoice of a return"),
            ("replace_returnrequest", "Can write the replacement delivery note"),
            ("view_evidence_returnrequest", "Can open the evidence of a return"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_request_no"],
                condition=~Q(platform_request_no=""),
                name="return_platform_request_unique",
            ),
            models.CheckConstraint(
                condition=Q(reason__gte=1, reason__lte=5), name="return_reason_1_to_5"
            ),
            models.CheckConstraint(condition=Q(goods_amount__gte=0), name="return_goods_amount"),
        ]
        indexes = [
            # the list's ordering (newest first, the id as the tie-break) within a division,
            # and within a division and status (a filter, the home panels): a page and the
            # capped count read the index, not the table
            models.Index(
                fields=["division", "requested_at", "id"], name="return_division_list_idx"
            ),
            models.Index(
                fields=["division", "status", "requested_at", "id"],
                name="return_division_status_idx",
            ),
            models.Index(fields=["order", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_exchange(self) -> bool:
        return self.kind == self.Kind.EXCHANGE

    @property
    def feedback_done(self) -> bool:
        return self.feedback_parts_at is not None and self.feedback_warehouse_at is not None

    @transition(field=status, source=Status.REQUESTED, target=Status.ACCEPTED)
    def accept(self, *, kind: str, at: Any, by: Any, note: str) -> None:
        self.kind, self.decided_at, self.decided_by, self.decision_note = kind, at, by, note

    @transition(field=status, source=Status.REQUESTED, target=Status.REJECTED)
    def reject(self, *, at: Any, by: Any, note: str) -> None:
        self.decided_at, self.decided_by, self.decision_note = at, by, note
        self.closed_at = at

    @transition(
        field=status,
        source=Status.ACCEPTED,
        target=Status.AWAITING_GOODS,
        conditions=[_feedback_done],
    )
    def open_return_order(self, *, number: str) -> None:
        self.return_order_number = number

    @transition(field=status, source=Status.AWAITING_GOODS, target=Status.REFUSED)
    def refuse(self, *, at: Any, by: Any, note: str) -> None:
        self.inspected_at, self.inspected_by, self.inspection_note = at, by, note

    @transition(
        field=status, source=[Status.AWAITING_GOODS, Status.REFUSED], target=Status.RECEIVED
    )
    def receive(self, *, at: Any, by: Any, note: str) -> None:
        if self.status == self.Status.AWAITING_GOODS:
            self.inspected_at, self.inspected_by, self.inspection_note = at, by, note
        self.restocked_at = at

    @transition(field=status, source=[Status.REFUSED, Status.RECEIVED], target=Status.CLOSED)
    def close(self, *, at: Any, note: str = "") -> None:
        self.closed_at, self.close_note = at, note


class ReturnLine(models.Model):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("order line")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **_MONEY)
    amount = models.DecimalField(_("amount"), **_MONEY)

    class Meta:
        ordering = ["request", "order_line_id"]
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(fields=["request", "order_line"], name="return_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} × {self.quantity}"


def evidence_storage() -> FileSystemStorage:
    """Private: no base URL, outside MEDIA_ROOT."""
    return FileSystemStorage(location=settings.RETURNS_EVIDENCE_ROOT, base_url=None)


def evidence_path(instance: ReturnEvidence, filename: str) -> str:
    """Stored under a random name (the customer's file name is kept in the row only)."""
    return f"returns/{instance.request_id}/{instance.token}{instance.extension}"


class ReturnEvidence(models.Model):
    """A photo or document the customer sent. Stored in the private media storage
    (RETURNS_EVIDENCE_ROOT), never under a public URL; served by a permission-checked view."""

    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("return")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(
        _("file"), upload_to=evidence_path, storage=evidence_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ReturnResolution(models.Model):
    """The three-way settlement (rep, warehouse, customer) of goods refused at inspection."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept the goods after all")
        SEND_BACK = "send_back", _("Send the goods back to the customer")

    request = models.OneToOneField(
        ReturnRequest, on_delete=models.PROTECT, related_name="resolution"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    rep_name = models.CharField(_("sales representative"), max_length=100)
    warehouse_name = models.CharField(_("warehouse"), max_length=100)
    customer_name = models.CharField(_("customer"), max_length=100)
    agreement = models.CharField(_("what was agreed"), max_length=1000)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("three-way resolution")
        verbose_name_plural = _("three-way resolutions")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.outcome}"


class Refund(ConcurrentTransitionMixin, models.Model):
    """OA 退款流程 of a return: approvals, division finance's review, head-office payout."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REVIEWED = "reviewed", _("Reviewed by finance")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("refund"), max_length=32, unique=True)
    request = models.OneToOneField(
        ReturnRequest, on_delete=models.PROTECT, related_name="refund", verbose_name=_("return")
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    goods_amount = models.DecimalField(_("goods"), **_MONEY)
    return_freight = models.DecimalField(_("return freight"), default=ZERO, **_MONEY)
    amount = models.DecimalField(_("refund amount"), **_MONEY)
    required_roles = models.JSONField(_("approvals required"), default=list)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_APPROVAL,
        protected=True,
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    paid_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        permissions = [
            ("approve_refund", "Can approve a refund (as the role's approver)"),
            ("review_refund", "Can review a refund (division finance)"),
            ("pay_refund", "Can confirm a refund's payout (head-office finance)"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(goods_amount__gte=0), name="refund_goods"),
            models.CheckConstraint(condition=Q(return_freight__gte=0), name="refund_freight"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount__lte=models.F("goods_amount") + models.F("return_freight")),
                name="refund_not_above_goods_and_freight",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "status"]),
            # the queues of the approvers, division finance and head office: the refunds in
            # one (open) status, found without reading the year's paid ones
            models.Index(fields=["status"], name="refund_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def approvals_missing(self, recorded: set[str] | None = None) -> list[str]:
        if recorded is None:
            recorded = set(self.approvals.values_list("role", flat=True))
        return [role for role in self.required_roles if role not in recorded]

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.APPROVED,
        conditions=[_all_approved],
    )
    def approve(self, *, at: Any) -> None:
        self.approved_at = at

    @transition(field=status, source=Status.APPROVED, target=Status.REVIEWED)
    def review(self, *, at: Any, by: Any, note: str, return_freight: Decimal) -> None:
        self.reviewed_at, self.reviewed_by, self.review_note = at, by, note
        self.return_freight = return_freight

    @transition(
        field=status,
        source=Status.REVIEWED,
        target=Status.PAID,
        conditions=[_all_approved],
    )
    def pay(self, *, at: Any, by: Any, reference: str) -> None:
        self.paid_at, self.paid_by, self.payment_reference = at, by, reference

    @transition(
        field=status,
        source=[Status.AWAITING_APPROVAL, Status.APPROVED, Status.REVIEWED],
        target=Status.CANCELLED,
    )
    def cancel(self, *, at: Any, reason: str) -> None:
        self.cancelled_at, self.cancel_reason = at, reason


class RefundApproval(models.Model):
    """One approval of a refund, per required role; append-only in the services."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="approvals")
    role = models.CharField(_("as"), max_length=32)
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("approved at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["refund", "at", "id"]
        verbose_name = _("refund approval")
        verbose_name_plural = _("refund approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["refund", "role"], name="refund_approval_once_per_role"
            ),
            models.UniqueConstraint(
                fields=["refund", "by"], name="refund_approval_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.refund_id} {self.role}"
