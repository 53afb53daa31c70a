"""Weekly sales-velocity classes (按销售速度分类) of listed products.

Class A: the best sellers that together make the first 80 % of the units sold in the
last 90 days; B: the next 15 %; C: the rest, including every product without a sale.
A product belongs to the class in which its first unit falls when products are laid
out by units sold, most first, so A always covers at least 80 %. Products that sold the
same number of units share one class: the class of the first of them (where the first
unit of the tie falls), so the order among equals never decides a class.
Slow mover: no sale in the last 30 days, for a product listed for at least 30 days.
Running it twice on the same data gives the same result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record

from ..models import Product
from ..sales import units_sold_since

CLASS_WINDOW = dt.timedelta(days=90)
SLOW_MOVER_WINDOW = dt.timedelta(days=30)
A_SHARE = Decimal("0.80")
B_SHARE = Decimal("0.95")


def classify_by_units(units: Mapping[int, int], products: Sequence[int]) -> dict[int, str]:
    """Class per product id of `products`; `units` are the units each sold (absent: none)."""
    ties: dict[int, list[int]] = {}
    for pk in products:
        ties.setdefault(max(units.get(pk, 0), 0), []).append(pk)
    total = sum(quantity * len(tie) for quantity, tie in ties.items())
    classes: dict[int, str] = {}
    before = 0
    for quantity in sorted(ties, reverse=True):
        tie_class = _class_at(before=before, total=total, sold=quantity)
        classes.update(dict.fromkeys(ties[quantity], tie_class))
        before += quantity * len(ties[quantity])
    return classes


def _class_at(*, before: int, total: int, sold: int) -> str:
    """The class where a product's first unit falls, `before` units being ahead of it."""
    if sold <= 0 or total == 0:
        return "C"
    share = Decimal(before) / Decimal(total)
    return "A" if share < A_SHARE else "B" if share < B_SHARE else "C"


@dataclass
class VelocityResult:
    classified_at: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    slow_movers: int = 0
    changed: int = 0
    cleared: int = 0


@transaction.atomic
def velocity_classify(*, now: dt.datetime | None = None) -> VelocityResult:
    """Classify every listed product; clear the class of products no longer listed."""
    now = now or timezone.now()
    listed = list(
        Product.objects.filter(status=Product.Status.LISTED)
        .order_by("sku")
        .only("pk", "sku", "velocity_class", "is_slow_mover", "listed_at")
    )
    units_90 = units_sold_since(since=now - CLASS_WINDOW)
    units_30 = units_sold_since(since=now - SLOW_MOVER_WINDOW)
    classes = classify_by_units(units_90, [p.pk for p in listed])
    result = VelocityResult(classified_at=now)
    changed: list[Product] = []
    for product in listed:
        new_class = classes[product.pk]
        slow = _is_slow_mover(product=product, units_30=units_30, now=now)
        result.counts[new_class] = result.counts.get(new_class, 0) + 1
        result.slow_movers += slow
        if (product.velocity_class, product.is_slow_mover) != (new_class, slow):
            audit_record(
                obj=product,
                action="velocity_classified",
                from_state=_label(product.velocity_class, product.is_slow_mover),
                to_state=_label(new_class, slow),
                data={"units_90_days": units_90.get(product.pk, 0)},
            )
            product.velocity_class, product.is_slow_mover = new_class, slow
            changed.append(product)
    for product in listed:
        product.velocity_classified_at = now
    Product.objects.bulk_update(
        listed, ["velocity_class", "is_slow_mover", "velocity_classified_at"], batch_size=500
    )
    result.changed = len(changed)
    result.cleared = (
        Product.objects.exclude(status=Product.Status.LISTED)
        .filter(~Q(velocity_class="") | Q(is_slow_mover=True))
        .update(velocity_class="", is_slow_mover=False)
    )
    return result


def _is_slow_mover(*, product: Product, units_30: Mapping[int, int], now: dt.datetime) -> bool:
    if units_30.get(product.pk, 0) > 0:
        return False
    return product.listed_at is None or product.listed_at <= now - SLOW_MOVER_WINDOW


def _label(velocity_class: str, slow: bool) -> str:
    return f"{velocity_class or '-'}{' slow' if slow else ''}"
