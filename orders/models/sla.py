from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    """The SLA steps of an order, in order (SPEC §2)."""

    IDENTIFY = "identify", _("Customer identification")
    SALES_ORDER = "sales_order", _("Sales order")
    DELIVERY_NOTE = "delivery_note", _("Delivery note")
    INVOICE = "invoice", _("Invoice")
    HANDOVER = "handover", _("Hand-over to carrier")


class SlaBreach(models.Model):
    """A step that passed its due time unfinished; one row per order and step, so the
    scan notifies once however often it runs."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="breaches", verbose_name=_("order")
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    due_at = models.DateTimeField(_("due at"))
    detected_at = models.DateTimeField(_("detected at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        constraints = [
            models.UniqueConstraint(fields=["order", "step"], name="one_breach_per_order_step")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.step}"
