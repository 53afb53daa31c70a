"""Pure business rules of the catalog: base-information completeness, the price guard and
who may change or override which price.

No queries beyond the product's own images and the user's roles and permissions; models
import this module for the listing condition, so it must not import models itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_has_role

CENT = Decimal("0.01")

# SKUs are compared ignoring case and surrounding blanks: they are stored upper case.
sku_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
    _("Use letters, digits and . _ / - only, starting with a letter or digit."),
)


def normalise_sku(value: str) -> str:
    """The stored form of a SKU: without surrounding blanks, upper case ("demo-001 " →
    "DEMO-001"). Every write and every look-up by SKU goes through it."""
    return value.strip().upper()


@dataclass(frozen=True)
class MissingItem:
    """One missing piece of 《公司电商产品基础信息表》: a stable code and a label."""

    code: str
    label: Any


def _has_images(product: Any) -> bool:
    if product.pk is None:
        return False
    cache = getattr(product, "_prefetched_objects_cache", {})
    if "images" in cache:
        return bool(cache["images"])
    return bool(product.images.exists())


def missing_base_information(product: Any) -> list[MissingItem]:
    """What is still missing before the product may be listed, in form order."""
    checks = [
        ("images", _("at least one product image"), _has_images(product)),
        ("detail_content", _("detail-page content"), bool(product.detail_content.strip())),
        (
            "offline_market_price",
            _("offline market price"),
            product.offline_market_price is not None,
        ),
        ("online_guide_price", _("online guide price"), product.online_guide_price is not None),
        (
            "baseline_subsidy_price",
            _("online baseline subsidy price"),
            product.baseline_subsidy_price is not None,
        ),
        ("selling_price", _("selling price"), product.selling_price is not None),
        (
            "expected_monthly_sales",
            _("expected monthly sales"),
            product.expected_monthly_sales is not None,
        ),
        ("promotion_plan", _("promotion plan"), bool(product.promotion_plan.strip())),
    ]
    return [MissingItem(code, label) for code, label, present in checks if not present]


def base_information_complete(product: Any) -> bool:
    """Condition of the `list_for_sale` transition."""
    return not missing_base_information(product)


# Who changes which price (《电商业务管理办法》 产品定价): the division supplies the three
# reference prices, the product group sets the selling price after weighing them.
PRICE_PERMISSIONS: dict[str, str] = {
    "offline_market_price": "catalog.change_product_reference_prices",
    "online_guide_price": "catalog.change_product_reference_prices",
    "baseline_subsidy_price": "catalog.change_product_reference_prices",
    "selling_price": "catalog.change_product_selling_price",
}


def prices_user_may_change(user: Any) -> tuple[str, ...]:
    """The price fields this user's role may change, in form order."""
    return tuple(
        name for name, permission in PRICE_PERMISSIONS.items() if user.has_perm(permission)
    )


def user_may_override_price_guard(user: Any) -> bool:
    """SPEC §1: only a `product_group` user overrides the price guard. Membership of the
    role is required as such: a superuser or system administrator outside the product
    group holds every permission but does not decide prices."""
    return user_has_role(user, Role.PRODUCT_GROUP) and user.has_perm("catalog.override_price_guard")


def money(value: Decimal | None) -> Decimal | None:
    """Prices are kept to the fen, rounded half up."""
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class GuardViolation:
    code: str  # "below_baseline" | "above_offline" | "guide_below_baseline" | "guide_above_offline"
    message: Any
    field: str = "selling_price"  # the price that breaks the rule


def price_guard_violation(
    *,
    selling_price: Decimal | None,
    baseline_subsidy_price: Decimal | None,
    offline_market_price: Decimal | None,
) -> GuardViolation | None:
    """The guard rail of SPEC §1: baseline subsidy price ≤ selling price ≤ offline market price.

    Both bounds are inclusive: a selling price equal to the baseline is allowed, one fen
    below is not.
    """
    if selling_price is None:
        return None
    if baseline_subsidy_price is not None and selling_price < baseline_subsidy_price:
        return GuardViolation(
            "below_baseline",
            _("The selling price %(selling)s is below the online baseline subsidy price %(bound)s.")
            % {"selling": selling_price, "bound": baseline_subsidy_price},
        )
    if offline_market_price is not None and selling_price > offline_market_price:
        return GuardViolation(
            "above_offline",
            _("The selling price %(selling)s is above the offline market price %(bound)s.")
            % {"selling": selling_price, "bound": offline_market_price},
        )
    return None


def guide_price_violation(
    *,
    online_guide_price: Decimal | None,
    baseline_subsidy_price: Decimal | None,
    offline_market_price: Decimal | None,
) -> GuardViolation | None:
    """The same guard for the online guide price: baseline subsidy price ≤ online guide
    price ≤ offline market price, both bounds inclusive."""
    if online_guide_price is None:
        return None
    if baseline_subsidy_price is not None and online_guide_price < baseline_subsidy_price:
        return GuardViolation(
            "guide_below_baseline",
            _(
                "The online guide price %(guide)s is below the online baseline subsidy price "
                "%(bound)s."
            )
            % {"guide": online_guide_price, "bound": baseline_subsidy_price},
            field="online_guide_price",
        )
    if offline_market_price is not None and online_guide_price > offline_market_price:
        return GuardViolation(
            "guide_above_offline",
            _("The online guide price %(guide)s is above the offline market price %(bound)s.")
            % {"guide": online_guide_price, "bound": offline_market_price},
            field="online_guide_price",
        )
    return None


def weight_violation(weight_kg: Any) -> str | None:
    """A product weighs something: the carrier's freight and the parcel weight on the
    pick list come from it (0 was accepted and printed as a weightless parcel)."""
    if weight_kg is None or weight_kg <= 0:
        return str(_("The weight must be greater than 0 kg."))
    return None
