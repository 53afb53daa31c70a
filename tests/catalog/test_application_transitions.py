"""Listing application state machine: state × role table, rejection and resubmission."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.exceptions import CatalogError, TransitionRefused
from catalog.models import ListingApplication, Product
from catalog.services import (
    listing_application_approve,
    listing_application_reject,
    listing_application_submit,
)
from core.audit import audit_history
from core.models import Notification
from tests.catalog.conftest import PRODUCT_STATE_FOR

A = ListingApplication.Status
P = Product.Status
# "admin" is a superuser in no group; "admin_group" a system administrator (no superuser).
ROLES = ("division_sales", "product_group", "sales_rep", "admin", "admin_group")


def _submit(application: ListingApplication, user: Any) -> None:
    listing_application_submit(application=application, by=user)


def _approve(application: ListingApplication, user: Any) -> None:
    listing_application_approve(application=application, by=user, note="ok")


def _reject(application: ListingApplication, user: Any) -> None:
    listing_application_reject(application=application, by=user, reason="资料不全")


ACTIONS = {"submit": _submit, "approve": _approve, "reject": _reject}

# (action, application state) → (roles allowed, application target, product target)
ALLOWED = {
    ("submit", A.DRAFT): ({"division_sales", "admin"}, A.SUBMITTED, P.IN_REVIEW),
    ("submit", A.REJECTED): ({"division_sales", "admin"}, A.SUBMITTED, P.IN_REVIEW),
    ("approve", A.SUBMITTED): ({"product_group", "admin"}, A.APPROVED, P.APPROVED),
    ("reject", A.SUBMITTED): ({"product_group", "admin"}, A.REJECTED, P.DRAFT),
}

TABLE = [(action, state, role) for action in ACTIONS for state in A.values for role in ROLES]


@pytest.mark.parametrize(("action", "state", "role"), TABLE)
def test_application_state_role_table(
    action: str, state: str, role: str, users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(state)
    product = application.product
    allowed_roles, target, product_target = ALLOWED.get((action, state), (set(), None, None))

    if role in allowed_roles:
        ACTIONS[action](application, users[role])
        application.refresh_from_db()
        product.refresh_from_db()
        assert application.status == target
        assert product.status == product_target
        assert [r.to_state for r in audit_history(application)] == [target]
        assert [r.to_state for r in audit_history(product)] == [product_target]
    else:
        with pytest.raises(TransitionRefused):
            ACTIONS[action](application, users[role])
        application.refresh_from_db()
        product.refresh_from_db()
        assert application.status == state
        assert product.status == PRODUCT_STATE_FOR[state]
        assert not audit_history(application).exists()
        assert not audit_history(product).exists()


def test_submit_notifies_the_product_group_of_the_division(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(A.DRAFT)

    listing_application_submit(application=application, by=users["division_sales"])

    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"pg"}
    message = Notification.objects.get()
    # In the recipient's language (the product group user reads English), whatever
    # language the actor uses.
    assert message.subject.startswith(f"Listing application {application.number} to review")
    assert message.link == f"/catalog/applications/{application.pk}/"


def test_approval_notifies_the_applicant(users: dict[str, Any], make_application: Any) -> None:
    application = make_application(A.SUBMITTED)

    listing_application_approve(application=application, by=users["product_group"], note="好")

    message = Notification.objects.get()
    assert message.recipient == users["division_sales"]
    assert message.topic == "catalog.application_approved"
    application.refresh_from_db()
    assert application.reviewed_by == users["product_group"]
    assert application.review_note == "好"


def test_rejection_needs_a_reason_and_changes_nothing_without_one(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(A.SUBMITTED)

    with pytest.raises(CatalogError):
        listing_application_reject(application=application, by=users["product_group"], reason=" ")

    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert not Notification.objects.exists()


def test_rejected_application_is_revised_and_resubmitted_with_the_reason_kept(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(A.DRAFT)
    listing_application_submit(application=application, by=users["division_sales"])
    listing_application_reject(
        application=application, by=users["product_group"], reason="缺少线下销量依据"
    )
    message = Notification.objects.get(recipient=users["division_sales"])
    assert "缺少线下销量依据" in message.body

    listing_application_submit(application=application, by=users["division_sales"])

    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert application.submission_count == 2
    assert application.rejection_reason == "缺少线下销量依据"
    actions = [r.action for r in audit_history(application)]
    assert actions == [
        "listing_application_submitted",
        "listing_application_rejected",
        "listing_application_submitted",
    ]
    assert audit_history(application)[1].note == "缺少线下销量依据"
    assert application.product.status == P.IN_REVIEW


def test_submit_refuses_an_application_without_offline_price_or_outlook(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(
        A.DRAFT, product={"offline_market_price": None, "expected_monthly_sales": None}
    )

    with pytest.raises(CatalogError, match="offline market price"):
        listing_application_submit(application=application, by=users["division_sales"])

    application.refresh_from_db()
    assert application.status == A.DRAFT
    assert application.product.status == P.DRAFT


def test_another_divisions_sales_manager_cannot_submit(
    make_user: Any, other_division: Any, make_application: Any
) -> None:
    application = make_application(A.DRAFT)
    stranger = make_user("division_sales", divisions=[other_division])

    with pytest.raises(TransitionRefused):
        listing_application_submit(application=application, by=stranger)

    application.refresh_from_db()
    assert application.status == A.DRAFT
