"""Price changes with the guard rail of SPEC §1 and an append-only history."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.lock_order import row_lock

from ..exceptions import CatalogError, PriceGuardRefused, TransitionRefused
from ..models import PriceChange, Product
from ..rules import (
    GuardViolation,
    guide_price_violation,
    money,
    price_guard_violation,
    prices_user_may_change,
    user_may_override_price_guard,
)
from ._common import ensure_division_access

# The prices each guard rule compares; changing any of them re-checks that rule (an
# earlier override of one rule survives changes that do not touch its prices).
SELLING_GUARD_FIELDS = ("selling_price", "baseline_subsidy_price", "offline_market_price")
GUIDE_GUARD_FIELDS = ("online_guide_price", "baseline_subsidy_price", "offline_market_price")


@dataclass(frozen=True)
class PriceSet:
    offline_market_price: Decimal | None = None
    online_guide_price: Decimal | None = None
    baseline_subsidy_price: Decimal | None = None
    selling_price: Decimal | None = None

    @classmethod
    def of(cls, product: Product) -> PriceSet:
        return cls(**{name: getattr(product, name) for name in cls.names()})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def quantized(self) -> PriceSet:
        return replace(self, **{name: money(getattr(self, name)) for name in self.names()})

    def changed_from(self, other: PriceSet) -> list[str]:
        return [name for name in self.names() if getattr(self, name) != getattr(other, name)]


@transaction.atomic
def product_prices_change(
    *,
    product: Product,
    by: Any,
    prices: PriceSet,
    reason: str = "",
    override: bool = False,
) -> list[PriceChange]:
    """Set the four prices of a product; one history row per changed price.

    Each changed price needs its permission: the division's sales manager gives the
    reference prices, only the product group sets the selling price.

    A selling price below the baseline subsidy price or above the offline market price
    is refused unless a user allowed to override (the product group) asks for it with a
    written reason; the override is kept in the history.
    """
    product = row_lock(product)
    ensure_division_access(user=by, division_id=product.division_id)
    may_change = prices_user_may_change(by)
    if not may_change:
        raise TransitionRefused(_("Your role does not allow changing prices."))
    new = prices.quantized()
    old = PriceSet.of(product)
    validate_price_set(old=old, new=new)
    changed = new.changed_from(old)
    if not changed:
        raise CatalogError(_("No price was changed."))
    _ensure_may_change(changed=changed, may_change=may_change)
    is_override = check_price_guard(
        new=new, changed=changed, by=by, reason=reason, override=override
    )
    return apply_price_changes(
        product=product, by=by, new=new, reason=reason, is_guard_override=is_override
    )


def _ensure_may_change(*, changed: list[str], may_change: tuple[str, ...]) -> None:
    """Each changed price needs its own permission (rules.PRICE_PERMISSIONS)."""
    refused = [name for name in changed if name not in may_change]
    if refused:
        raise TransitionRefused(
            _("Your role does not allow changing: %(prices)s.")
            % {"prices": "、".join(str(PriceChange.Kind(name).label) for name in refused)},
            field=refused[0],
        )


def validate_price_set(*, old: PriceSet, new: PriceSet) -> None:
    for name in PriceSet.names():
        value = getattr(new, name)
        if value is None and getattr(old, name) is not None:
            raise CatalogError(_("A price cannot be removed, only changed."), field=name)
        if value is not None and value <= 0:
            raise CatalogError(_("A price must be greater than zero."), field=name)
    if (
        new.baseline_subsidy_price is not None
        and new.offline_market_price is not None
        and new.baseline_subsidy_price > new.offline_market_price
    ):
        raise CatalogError(
            _("The online baseline subsidy price cannot be above the offline market price."),
            field="baseline_subsidy_price",
        )
    if new.selling_price is not None and (
        new.offline_market_price is None or new.baseline_subsidy_price is None
    ):
        raise PriceGuardRefused(
            _(
                "Enter the offline market price and the online baseline subsidy price "
                "before the selling price."
            ),
            field="selling_price",
        )


def guard_violations(*, new: PriceSet, changed: list[str]) -> list[GuardViolation]:
    """The guard rules (SPEC §1) that the changed prices break: baseline subsidy price ≤
    selling price ≤ offline market price, and the same for the online guide price."""
    found = []
    if set(changed) & set(SELLING_GUARD_FIELDS):
        found.append(
            price_guard_violation(
                selling_price=new.selling_price,
                baseline_subsidy_price=new.baseline_subsidy_price,
                offline_market_price=new.offline_market_price,
            )
        )
    if set(changed) & set(GUIDE_GUARD_FIELDS):
        found.append(
            guide_price_violation(
                online_guide_price=new.online_guide_price,
                baseline_subsidy_price=new.baseline_subsidy_price,
                offline_market_price=new.offline_market_price,
            )
        )
    return [violation for violation in found if violation is not None]


def check_price_guard(
    *, new: PriceSet, changed: list[str], by: Any, reason: str, override: bool
) -> bool:
    """Refuse prices outside the guard rails unless a product_group user overrides with a
    written reason; True when the change passes only thanks to such an override."""
    violations = guard_violations(new=new, changed=changed)
    if not violations:
        return False
    broken = " ".join(str(violation.message) for violation in violations)
    if not override:
        raise PriceGuardRefused(
            "{} {}".format(
                broken, _("Only the product group can override this, with a written reason.")
            ),
            field=violations[0].field,
        )
    if not user_may_override_price_guard(by):
        raise PriceGuardRefused(
            "{} {}".format(broken, _("Only the product group may override the price guard.")),
            field="override",
        )
    if not reason.strip():
        raise PriceGuardRefused(
            _("Overriding the price guard needs a written reason."), field="reason"
        )
    return True


def apply_price_changes(
    *, product: Product, by: Any, new: PriceSet, reason: str, is_guard_override: bool = False
) -> list[PriceChange]:
    """Write the prices of an already locked product, its history rows and the audit row."""
    old = PriceSet.of(product)
    changed = new.changed_from(old)
    if not changed:
        return []
    for name in changed:
        setattr(product, name, getattr(new, name))
    product.save(update_fields=[*changed, "updated_at"])
    rows = PriceChange.objects.bulk_create(
        [
            PriceChange(
                product=product,
                kind=name,
                old_value=getattr(old, name),
                new_value=getattr(new, name),
                changed_by=by if getattr(by, "is_authenticated", False) else None,
                reason=reason.strip(),
                is_guard_override=is_guard_override,
            )
            for name in changed
        ]
    )
    audit_record(
        obj=product,
        action="prices_changed",
        by=by,
        note=reason.strip(),
        data={
            "prices": {
                name: [_text(getattr(old, name)), _text(getattr(new, name))] for name in changed
            },
            "guard_override": is_guard_override,
        },
    )
    return rows


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
