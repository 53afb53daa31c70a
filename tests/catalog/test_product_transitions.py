"""Product state machine: list ⇄ delist by the product group, state × role table."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.exceptions import BaseInformationIncomplete, CatalogError, TransitionRefused
from catalog.models import Product
from catalog.services import product_delist, product_list_for_sale
from core.audit import audit_history
from core.models import Notification

P = Product.Status
# "admin" is a superuser in no group; "admin_group" a system administrator (no superuser).
ROLES = ("division_sales", "product_group", "sales_rep", "admin", "admin_group")


def _list(product: Product, user: Any) -> None:
    product_list_for_sale(product=product, by=user)


def _delist(product: Product, user: Any) -> None:
    product_delist(product=product, by=user, reason="厂家停产")


ACTIONS = {"list_for_sale": _list, "delist": _delist}
ALLOWED = {
    ("list_for_sale", P.APPROVED): ({"product_group", "admin"}, P.LISTED),
    ("list_for_sale", P.DELISTED): ({"product_group", "admin"}, P.LISTED),
    ("delist", P.LISTED): ({"product_group", "admin"}, P.DELISTED),
}
TABLE = [(action, state, role) for action in ACTIONS for state in P.values for role in ROLES]


@pytest.mark.parametrize(("action", "state", "role"), TABLE)
def test_product_state_role_table(
    action: str, state: str, role: str, users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=state, complete=True)
    allowed_roles, target = ALLOWED.get((action, state), (set(), None))

    if role in allowed_roles:
        ACTIONS[action](product, users[role])
        product.refresh_from_db()
        assert product.status == target
        record = audit_history(product).get()
        assert (record.from_state, record.to_state, record.actor) == (state, target, users[role])
    else:
        with pytest.raises(TransitionRefused):
            ACTIONS[action](product, users[role])
        product.refresh_from_db()
        assert product.status == state
        assert not audit_history(product).exists()


def test_listing_sets_listed_at_and_tells_the_division(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.APPROVED, complete=True)

    product_list_for_sale(product=product, by=users["product_group"])

    product.refresh_from_db()
    assert product.listed_at is not None
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"sales_mgr"}


def test_listing_is_refused_while_base_information_is_missing(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.APPROVED, complete=True, promotion_plan="", selling_price=None)

    with pytest.raises(BaseInformationIncomplete) as refused:
        product_list_for_sale(product=product, by=users["product_group"])

    assert [item.code for item in refused.value.missing] == ["selling_price", "promotion_plan"]
    product.refresh_from_db()
    assert product.status == P.APPROVED
    assert product.listed_at is None
    assert not audit_history(product).exists()


def test_delisting_needs_a_reason(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)

    with pytest.raises(CatalogError):
        product_delist(product=product, by=users["product_group"], reason="")

    product.refresh_from_db()
    assert product.status == P.LISTED


def test_delisted_product_can_be_listed_again(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)

    product_delist(product=product, by=users["product_group"], reason="季节性下架")
    product_list_for_sale(product=product, by=users["product_group"])

    product.refresh_from_db()
    assert product.status == P.LISTED
    assert [r.action for r in audit_history(product)] == ["product_delisted", "product_listed"]
    assert audit_history(product)[0].note == "季节性下架"


def test_product_group_member_of_no_division_still_reviews_every_division(
    make_user: Any, other_division: Any, make_product: Any
) -> None:
    """product_group is a head-office role: it sees every division."""
    reviewer = make_user("product_group", divisions=[other_division])
    product = make_product(status=P.APPROVED, complete=True)

    product_list_for_sale(product=product, by=reviewer)

    product.refresh_from_db()
    assert product.status == P.LISTED


def test_status_cannot_be_set_directly(make_product: Any) -> None:
    product = make_product(status=P.APPROVED)

    with pytest.raises(AttributeError):
        product.status = P.LISTED
