"""The price guard of SPEC §1 at its edges, overrides and the price history."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from catalog.exceptions import CatalogError, PriceGuardRefused, TransitionRefused
from catalog.models import PriceChange, Product
from catalog.rules import price_guard_violation
from catalog.services import (
    PriceSet,
    ProductProposal,
    listing_application_create,
    listing_application_revise,
    product_prices_change,
)
from core.audit import audit_history

D = Decimal


def _prices(product: Product, **changes: str) -> PriceSet:
    current = PriceSet.of(product)
    return PriceSet(**{**current.__dict__, **{k: D(v) for k, v in changes.items()}})


@pytest.fixture
def product(make_product: Any) -> Product:
    """Offline market 100.00, guide 90.00, baseline subsidy 80.00, selling 85.00."""
    return make_product(status=Product.Status.LISTED, complete=True)


def _unchanged(product: Product) -> None:
    product.refresh_from_db()
    assert PriceSet.of(product) == PriceSet(D("100.00"), D("90.00"), D("80.00"), D("85.00"))
    assert not PriceChange.objects.exists()
    assert not audit_history(product).exists()


@pytest.mark.parametrize(
    ("selling", "allowed"),
    [
        ("80.00", True),  # equal to the baseline subsidy price
        ("79.99", False),  # one fen below
        ("100.00", True),  # equal to the offline market price
        ("100.01", False),  # one fen above
        ("90.00", True),
    ],
)
def test_selling_price_guard_edges(
    selling: str, allowed: bool, product: Product, users: dict[str, Any]
) -> None:
    prices = _prices(product, selling_price=selling)

    if allowed:
        product_prices_change(product=product, by=users["product_group"], prices=prices)
        product.refresh_from_db()
        assert product.selling_price == D(selling)
        change = PriceChange.objects.get()
        assert (change.kind, change.old_value, change.new_value) == (
            "selling_price",
            D("85.00"),
            D(selling),
        )
        assert change.changed_by == users["product_group"]
        assert change.is_guard_override is False
    else:
        with pytest.raises(PriceGuardRefused):
            product_prices_change(product=product, by=users["product_group"], prices=prices)
        _unchanged(product)


def test_the_guard_applies_to_the_product_group_too_without_override(
    product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(PriceGuardRefused, match="below the online baseline subsidy price"):
        product_prices_change(
            product=product,
            by=users["product_group"],
            prices=_prices(product, selling_price="79.99"),
            reason="促销",
        )
    _unchanged(product)


def test_product_group_overrides_with_a_written_reason(
    product: Product, users: dict[str, Any]
) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, selling_price="79.99"),
        reason="双十一限时补贴,经领导批准",
        override=True,
    )

    product.refresh_from_db()
    assert product.selling_price == D("79.99")
    change = PriceChange.objects.get()
    assert change.is_guard_override is True
    assert change.reason == "双十一限时补贴,经领导批准"
    record = audit_history(product).get()
    assert record.action == "prices_changed"
    assert record.data == {
        "prices": {"selling_price": ["85.00", "79.99"]},
        "guard_override": True,
    }


def test_override_without_reason_is_refused(product: Product, users: dict[str, Any]) -> None:
    with pytest.raises(PriceGuardRefused) as refused:
        product_prices_change(
            product=product,
            by=users["product_group"],
            prices=_prices(product, selling_price="100.01"),
            reason="  ",
            override=True,
        )
    assert refused.value.field == "reason"
    _unchanged(product)


def test_division_sales_cannot_override(product: Product, users: dict[str, Any]) -> None:
    with pytest.raises(PriceGuardRefused, match="Only the product group"):
        product_prices_change(
            product=product,
            by=users["division_sales"],
            prices=_prices(product, baseline_subsidy_price="85.01"),
            reason="想促销",
            override=True,
        )
    _unchanged(product)


def test_raising_the_baseline_above_the_selling_price_is_guarded(
    product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(PriceGuardRefused):
        product_prices_change(
            product=product,
            by=users["division_sales"],
            prices=_prices(product, baseline_subsidy_price="85.01"),
        )
    _unchanged(product)


def test_changing_only_the_guide_price_keeps_an_earlier_override(
    product: Product, users: dict[str, Any]
) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, selling_price="79.00"),
        reason="清仓",
        override=True,
    )
    product.refresh_from_db()

    product_prices_change(
        product=product,
        by=users["division_sales"],
        prices=_prices(product, online_guide_price="88.00"),
    )

    product.refresh_from_db()
    assert (product.selling_price, product.online_guide_price) == (D("79.00"), D("88.00"))


def test_every_changed_price_gets_its_own_history_row(
    product: Product, users: dict[str, Any]
) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, offline_market_price="110.00", selling_price="95.50"),
        reason="调价",
    )

    rows = {c.kind: (c.old_value, c.new_value, c.reason) for c in PriceChange.objects.all()}
    assert rows == {
        "offline_market_price": (D("100.00"), D("110.00"), "调价"),
        "selling_price": (D("85.00"), D("95.50"), "调价"),
    }


def test_prices_are_rounded_to_the_fen_half_up(product: Product, users: dict[str, Any]) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, selling_price="80.005"),
    )
    product.refresh_from_db()
    assert product.selling_price == D("80.01")


def test_unchanged_prices_are_refused(product: Product, users: dict[str, Any]) -> None:
    with pytest.raises(CatalogError, match="No price was changed"):
        product_prices_change(product=product, by=users["division_sales"], prices=_prices(product))
    _unchanged(product)


def test_a_role_without_price_permission_is_refused(
    product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(TransitionRefused):
        product_prices_change(
            product=product, by=users["sales_rep"], prices=_prices(product, selling_price="90.00")
        )
    _unchanged(product)


def test_another_divisions_sales_manager_is_refused(
    product: Product, make_user: Any, other_division: Any
) -> None:
    stranger = make_user("division_sales", divisions=[other_division])
    with pytest.raises(TransitionRefused):
        product_prices_change(
            product=product, by=stranger, prices=_prices(product, selling_price="90.00")
        )
    _unchanged(product)


def test_selling_price_needs_both_bounds_first(make_product: Any, users: dict[str, Any]) -> None:
    product = make_product(offline_market_price=D("100.00"))

    with pytest.raises(PriceGuardRefused, match="before the selling price"):
        product_prices_change(
            product=product,
            by=users["product_group"],
            prices=PriceSet(offline_market_price=D("100.00"), selling_price=D("90.00")),
        )
    product.refresh_from_db()
    assert product.selling_price is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"baseline_subsidy_price": "100.01"}, "cannot be above the offline market price"),
        ({"selling_price": "0.00"}, "greater than zero"),
    ],
)
def test_impossible_prices_are_refused(
    changes: dict[str, str], message: str, product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(CatalogError, match=message):
        product_prices_change(
            product=product, by=users["product_group"], prices=_prices(product, **changes)
        )
    _unchanged(product)


def test_a_price_cannot_be_removed(product: Product, users: dict[str, Any]) -> None:
    prices = PriceSet(**{**PriceSet.of(product).__dict__, "online_guide_price": None})
    with pytest.raises(CatalogError, match="cannot be removed"):
        product_prices_change(product=product, by=users["product_group"], prices=prices)
    _unchanged(product)


def test_price_history_is_append_only(product: Product, users: dict[str, Any]) -> None:
    product_prices_change(
        product=product, by=users["product_group"], prices=_prices(product, selling_price="90.00")
    )
    change = PriceChange.objects.get()

    with pytest.raises(PermissionError):
        change.save()
    with pytest.raises(PermissionError):
        change.delete()
    with pytest.raises(PermissionError):
        PriceChange.objects.all().update(reason="x")
    assert PriceChange.objects.get().new_value == D("90.00")


# price field → (new value inside every guard rail, roles allowed to change it)
PRICE_ROLE_TABLE = {
    "offline_market_price": ("105.00", {"division_sales", "product_group", "admin"}),
    "online_guide_price": ("92.00", {"division_sales", "product_group", "admin"}),
    "baseline_subsidy_price": ("82.00", {"division_sales", "product_group", "admin"}),
    "selling_price": ("88.00", {"product_group", "admin"}),
}
PRICE_ROLES = ("division_sales", "product_group", "sales_rep", "admin", "admin_group")


@pytest.mark.parametrize(
    ("field", "role"), [(field, role) for field in PRICE_ROLE_TABLE for role in PRICE_ROLES]
)
def test_price_field_role_table(
    field: str, role: str, product: Product, users: dict[str, Any]
) -> None:
    """The division gives the reference prices; only the product group sets the selling price
    ("admin" is a superuser, "admin_group" a system administrator without price rights)."""
    value, allowed_roles = PRICE_ROLE_TABLE[field]
    call = {
        "product": product,
        "by": users[role],
        "prices": _prices(product, **{field: value}),
        "reason": "调价",
    }

    if role in allowed_roles:
        product_prices_change(**call)
        product.refresh_from_db()
        assert getattr(product, field) == D(value)
        change = PriceChange.objects.get()
        assert (change.kind, change.new_value, change.changed_by) == (field, D(value), users[role])
    else:
        with pytest.raises(TransitionRefused):
            product_prices_change(**call)
        _unchanged(product)


def test_division_sales_is_told_which_price_it_may_not_change(
    product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(TransitionRefused) as refused:
        product_prices_change(
            product=product,
            by=users["division_sales"],
            prices=_prices(product, online_guide_price="91.00", selling_price="90.00"),
        )

    assert str(refused.value) == "Your role does not allow changing: selling price."
    assert refused.value.field == "selling_price"
    _unchanged(product)


@pytest.mark.parametrize(
    ("selling", "code"),
    [("79.99", "below_baseline"), ("80.00", None), ("100.00", None), ("100.01", "above_offline")],
)
def test_price_guard_rule(selling: str, code: str | None) -> None:
    violation = price_guard_violation(
        selling_price=D(selling),
        baseline_subsidy_price=D("80.00"),
        offline_market_price=D("100.00"),
    )
    assert (violation.code if violation else None) == code


# Who may override the guard: (role, change) → None if allowed, else (error, field).
# "admin" is a superuser outside the product group, "admin_group" a system administrator
# who is not a superuser; SPEC §1 gives the override to product_group users only.
BELOW_BASELINE = {"selling_price": "79.99"}
BASELINE_ABOVE_SELLING = {"baseline_subsidy_price": "85.01"}
OVERRIDE_TABLE = [
    ("product_group", BELOW_BASELINE, None),
    ("superuser_in_product_group", BELOW_BASELINE, None),
    ("admin", BELOW_BASELINE, (PriceGuardRefused, "override")),
    ("admin_group", BELOW_BASELINE, (TransitionRefused, None)),
    ("division_sales", BELOW_BASELINE, (TransitionRefused, "selling_price")),
    ("sales_rep", BELOW_BASELINE, (TransitionRefused, None)),
    ("product_group", BASELINE_ABOVE_SELLING, None),
    ("admin", BASELINE_ABOVE_SELLING, (PriceGuardRefused, "override")),
    ("admin_group", BASELINE_ABOVE_SELLING, (TransitionRefused, None)),
    ("division_sales", BASELINE_ABOVE_SELLING, (PriceGuardRefused, "override")),
]


@pytest.mark.parametrize(
    ("role", "change", "refusal"),
    OVERRIDE_TABLE,
    ids=[f"{role}-{next(iter(change))}" for role, change, _refusal in OVERRIDE_TABLE],
)
def test_price_guard_override_role_table(
    role: str,
    change: dict[str, str],
    refusal: tuple[type[Exception], str | None] | None,
    product: Product,
    users: dict[str, Any],
    make_user: Any,
) -> None:
    if role == "superuser_in_product_group":
        user = make_user("product_group", username="root_pg", is_superuser=True)
    else:
        user = users[role]
    call = {
        "product": product,
        "by": user,
        "prices": _prices(product, **change),
        "reason": "平台大促,经电商领导同意",
        "override": True,
    }

    if refusal is None:
        product_prices_change(**call)
        product.refresh_from_db()
        field, value = next(iter(change.items()))
        assert getattr(product, field) == D(value)
        assert PriceChange.objects.get().is_guard_override is True
        assert audit_history(product).get().data["guard_override"] is True
    else:
        error, field = refusal
        with pytest.raises(error) as refused:
            product_prices_change(**call)
        assert type(refused.value) is error
        assert refused.value.field == field
        _unchanged(product)


def test_the_roles_hold_the_split_price_permissions(db: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    def price_codenames(role: str) -> set[str]:
        return set(
            Group.objects.get(name=role)
            .permissions.filter(codename__contains="price", content_type__model="product")
            .values_list("codename", flat=True)
        )

    assert price_codenames("division_sales") == {"change_product_reference_prices"}
    assert price_codenames("product_group") == {
        "change_product_reference_prices",
        "change_product_selling_price",
        "override_price_guard",
    }
    assert not Permission.objects.filter(codename="change_product_prices").exists()


# --- the online guide price: baseline subsidy ≤ guide ≤ offline market -------------------
@pytest.mark.parametrize(
    ("guide", "allowed", "message"),
    [
        ("80.00", True, ""),  # equal to the baseline subsidy price
        (
            "79.99",
            False,
            "The online guide price 79.99 is below the online baseline subsidy price 80.00.",
        ),
        ("100.00", True, ""),  # equal to the offline market price
        (
            "100.01",
            False,
            "The online guide price 100.01 is above the offline market price 100.00.",
        ),
    ],
)
def test_guide_price_guard_edges(
    guide: str, allowed: bool, message: str, product: Product, users: dict[str, Any]
) -> None:
    prices = _prices(product, online_guide_price=guide)

    if allowed:
        product_prices_change(product=product, by=users["division_sales"], prices=prices)
        product.refresh_from_db()
        assert product.online_guide_price == D(guide)
        assert PriceChange.objects.get().is_guard_override is False
    else:
        with pytest.raises(PriceGuardRefused) as refused:
            product_prices_change(product=product, by=users["division_sales"], prices=prices)
        assert str(refused.value) == (
            f"{message} Only the product group can override this, with a written reason."
        )
        assert refused.value.field == "online_guide_price"
        _unchanged(product)


def test_lowering_the_offline_price_below_the_guide_price_is_guarded(
    product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(PriceGuardRefused, match="guide price 90.00 is above the offline market"):
        product_prices_change(
            product=product,
            by=users["division_sales"],
            prices=_prices(product, offline_market_price="89.99"),
        )
    _unchanged(product)


def test_product_group_overrides_the_guide_price_with_a_reason(
    product: Product, users: dict[str, Any]
) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, online_guide_price="100.50"),
        reason="厂家统一指导价,高于本地线下市价",
        override=True,
    )

    product.refresh_from_db()
    assert product.online_guide_price == D("100.50")
    change = PriceChange.objects.get()
    assert (change.kind, change.is_guard_override, change.reason) == (
        "online_guide_price",
        True,
        "厂家统一指导价,高于本地线下市价",
    )


@pytest.mark.parametrize(
    ("role", "reason", "field"),
    [
        ("product_group", " ", "reason"),
        ("division_sales", "想调", "override"),
        ("admin", "x", "override"),
    ],
)
def test_a_guide_price_override_needs_the_product_group_and_a_reason(
    role: str, reason: str, field: str, product: Product, users: dict[str, Any]
) -> None:
    with pytest.raises(PriceGuardRefused) as refused:
        product_prices_change(
            product=product,
            by=users[role],
            prices=_prices(product, online_guide_price="79.00"),
            reason=reason,
            override=True,
        )
    assert refused.value.field == field
    _unchanged(product)


def test_changing_only_the_selling_price_keeps_an_earlier_guide_override(
    product: Product, users: dict[str, Any]
) -> None:
    product_prices_change(
        product=product,
        by=users["product_group"],
        prices=_prices(product, online_guide_price="100.50"),
        reason="厂家指导价",
        override=True,
    )
    product.refresh_from_db()

    product_prices_change(
        product=product, by=users["product_group"], prices=_prices(product, selling_price="86.00")
    )

    product.refresh_from_db()
    assert (product.online_guide_price, product.selling_price) == (D("100.50"), D("86.00"))
    assert PriceChange.objects.filter(is_guard_override=True).count() == 1


def test_both_broken_rules_are_named(product: Product, users: dict[str, Any]) -> None:
    with pytest.raises(PriceGuardRefused) as refused:
        product_prices_change(
            product=product,
            by=users["product_group"],
            prices=_prices(product, offline_market_price="84.00"),
        )
    assert str(refused.value) == (
        "The selling price 85.00 is above the offline market price 84.00. "
        "The online guide price 90.00 is above the offline market price 84.00. "
        "Only the product group can override this, with a written reason."
    )
    assert refused.value.field == "selling_price"
    _unchanged(product)


def _proposal(division: Any, *, guide: str) -> ProductProposal:
    return ProductProposal(
        sku="GQ-9001",
        name="液压齿轮泵",
        division=division,
        weight_kg=D("2.500"),
        offline_market_price=D("720.00"),
        online_guide_price=D(guide),
        baseline_subsidy_price=D("600.00"),
        expected_monthly_sales=25,
    )


@pytest.mark.parametrize(
    ("guide", "message"),
    [
        ("719.99", None),
        ("720.01", "The online guide price 720.01 is above the offline market price 720.00."),
        ("599.99", "The online guide price 599.99 is below the online baseline subsidy price"),
    ],
)
def test_an_application_keeps_the_guide_price_between_baseline_and_offline(
    guide: str, message: str | None, users: dict[str, Any], division: Any
) -> None:
    proposal = _proposal(division, guide=guide)

    if message is None:
        application = listing_application_create(
            by=users["division_sales"], proposal=proposal, rationale="线下热销"
        )
        assert application.product.online_guide_price == D(guide)
    else:
        with pytest.raises(PriceGuardRefused, match=message) as refused:
            listing_application_create(
                by=users["division_sales"], proposal=proposal, rationale="线下热销"
            )
        assert refused.value.field == "online_guide_price"
        assert not Product.objects.exists()
        assert not PriceChange.objects.exists()


def test_a_revised_application_keeps_the_guide_price_guard(
    users: dict[str, Any], division: Any, make_application: Any
) -> None:
    application = make_application()
    before = PriceSet.of(application.product)

    with pytest.raises(PriceGuardRefused, match="is above the offline market price 720.00"):
        listing_application_revise(
            application=application,
            by=users["division_sales"],
            proposal=replace(_proposal(division, guide="720.01"), sku=application.product.sku),
            rationale=application.rationale,
        )

    application.product.refresh_from_db()
    assert PriceSet.of(application.product) == before
    assert not PriceChange.objects.exists()
    assert not audit_history(application).exists()
