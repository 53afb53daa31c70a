"""The lines of an order: product, quantity and price as received (or as confirmed)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product

from .order import Order


class OrderLine(models.Model):
    order = models.ForeignKey(  # indexed by unique_order_line_position (order first)
        Order,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("order"),
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(_("position"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=3)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["order", "position"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"], name="unique_order_line_position"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_line_unit_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.position} {self.sku} × {self.quantity}"
