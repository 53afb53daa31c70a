"""The state × role table at service level (SPEC §5, issue 11 item 2): for every service,
only its role succeeds — every other role of SPEC §1 gets NotPermitted and nothing
changes, as does the right role of another division — and every service is refused in
every state but its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.forms.models import model_to_dict

from core.roles import ALL_ROLES
from returns.exceptions import NotPermitted, ReturnError
from returns.models import Refund, RefundApproval, ReturnRequest
from returns.services import (
    refund_approve,
    refund_pay,
    refund_review,
    return_accept,
    return_feedback,
    return_inspect,
    return_invoice_record,
    return_reject,
    return_replacement_create,
    return_resolve,
)
from tests.returns.test_rules import advance, refund_of, resolve, submit

pytestmark = pytest.mark.django_db
S = ReturnRequest.Status
R = Refund.Status

Call = Callable[[Any, Any], Any]

# service → (how it is called on a return or refund, the roles that may do it, the state
# it needs, whether the return is an exchange)
REQUEST_SERVICES: dict[str, tuple[Call, set[str], str]] = {
    "accept": (
        lambda r, u: return_accept(request=r, by=u, kind=r.requested_kind),
        {"sales_rep"},
        S.REQUESTED,
    ),
    "reject": (
        lambda r, u: return_reject(request=r, by=u, note="not to the standard"),
        {"sales_rep"},
        S.REQUESTED,
    ),
    "feedback_parts": (
        lambda r, u: return_feedback(request=r, by=u, part="parts"),
        {"parts_support"},
        S.ACCEPTED,
    ),
    "feedback_warehouse": (
        lambda r, u: return_feedback(request=r, by=u, part="warehouse"),
        {"logistics_lead"},
        S.ACCEPTED,
    ),
    "inspect": (
        lambda r, u: return_inspect(request=r, by=u, accepted=True),
        {"warehouse_receiver"},
        S.AWAITING_GOODS,
    ),
    "resolve": (
        lambda r, u: return_resolve(
            request=r,
            by=u,
            outcome="accept",
            rep_name="Wang",
            warehouse_name="Liu",
            customer_name="Ma",
            agreement="agreed",
        ),
        {"sales_rep"},
        S.REFUSED,
    ),
    "invoice": (
        lambda r, u: return_invoice_record(request=r, by=u, handling="credited", note="FP back"),
        {"division_finance"},
        S.RECEIVED,
    ),
    "replacement": (
        lambda r, u: return_replacement_create(request=r, by=u),
        {"parts_support"},
        S.RECEIVED,
    ),
}

REFUND_SERVICES: dict[str, tuple[Call, set[str], str]] = {
    "approve": (
        lambda f, u: refund_approve(refund=f, by=u),
        {"sales_head", "ecom_leader"},
        R.AWAITING_APPROVAL,
    ),
    "review": (lambda f, u: refund_review(refund=f, by=u), {"division_finance"}, R.APPROVED),
    "pay": (
        lambda f, u: refund_pay(refund=f, by=u, reference="BANK-1"),
        {"hq_finance"},
        R.REVIEWED,
    ),
}


def exchange_in(state: str, delivered: Any, people: dict[str, Any]) -> ReturnRequest:
    """An exchange request in `state` (its own order)."""
    request = submit(delivered(quantity=1), kind="exchange")
    if state == S.REQUESTED:
        return request
    if state == S.REJECTED:
        return return_reject(request=request, by=people["sales_rep"], note="not standard")
    if state == S.CLOSED:
        return resolve(advance(request, S.REFUSED, people, kind="exchange"), people, "send_back")
    return advance(request, state, people, kind="exchange")


def refund_in(state: str, delivered: Any, people: dict[str, Any]) -> Refund:
    """A refund in `state`; awaiting approval it is above the threshold (both approvers)."""
    price = "6000.00" if state == R.AWAITING_APPROVAL else "100.00"
    request = submit(delivered(quantity=1, unit_price=price))
    if state == R.CANCELLED:
        resolve(advance(request, S.REFUSED, people), people, "send_back")
        return refund_of(request)
    if state == R.AWAITING_APPROVAL:
        advance(request, S.ACCEPTED, people)
        return refund_of(request)
    request = advance(request, S.RECEIVED, people)
    return_invoice_record(request=request, by=people["division_finance"], handling="credited")
    refund = refund_approve(refund=refund_of(request), by=people["sales_head"])
    if state == R.APPROVED:
        return refund
    refund = refund_review(refund=refund, by=people["division_finance"])
    if state == R.REVIEWED:
        return refund
    return refund_pay(refund=refund, by=people["hq_finance"], reference="BANK-0")


def snapshot(obj: Any) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    from billing.models import Invoice
    from core.models import AuditRecord
    from fulfilment.models import DeliveryNote, StockMove

    request = obj.request if isinstance(obj, Refund) else obj
    refunds = Refund.objects.filter(request=request)
    return (
        model_to_dict(ReturnRequest.objects.get(pk=request.pk), exclude=["credit_notes"]),
        [model_to_dict(r) for r in refunds],
        RefundApproval.objects.count(),
        StockMove.objects.count(),
        Invoice.objects.count(),
        DeliveryNote.objects.count(),
        AuditRecord.objects.count(),
    )


@pytest.fixture
def one_per_role(make_user: Any) -> dict[str, Any]:
    return {role: make_user(role, username=f"only_{role}") for role in ALL_ROLES}


def _refusals(call: Call, target: Any, allowed: set[str], users: dict[str, Any]) -> dict[str, str]:
    """Every role but the allowed ones, refused with NotPermitted and no change."""
    outcome = {}
    for role, user in users.items():
        if role in allowed:
            continue
        before = snapshot(target)
        try:
            call(target, user)
        except NotPermitted:
            outcome[role] = "refused"
        else:
            outcome[role] = "DONE"
        assert snapshot(target) == before, role
    return outcome


@pytest.mark.parametrize("service", list(REQUEST_SERVICES))
def test_only_the_right_role_may_do_each_step_of_a_return(
    service: str,
    delivered: Any,
    people: dict[str, Any],
    one_per_role: dict[str, Any],
    make_user: Any,
    other_division: Any,
) -> None:
    call, allowed, state = REQUEST_SERVICES[service]
    request = exchange_in(state, delivered, people)
    if service == "replacement":
        request = return_invoice_record(
            request=request, by=people["division_finance"], handling="credited", note="FP back"
        )

    refused = _refusals(call, request, allowed, one_per_role)
    assert set(refused.values()) == {"refused"}, refused
    assert len(refused) == len(ALL_ROLES) - len(allowed)
    for role in allowed - set(settings.HEAD_OFFICE_ROLES):
        stranger = make_user(role, divisions=[other_division], username=f"dq_{role}")
        assert _refusals(call, request, set(), {role: stranger}) == {role: "refused"}

    [role] = allowed
    before = snapshot(request)
    call(request, one_per_role[role])
    assert snapshot(request) != before


@pytest.mark.parametrize("service", list(REFUND_SERVICES))
def test_only_the_right_role_may_approve_review_and_pay(
    service: str,
    delivered: Any,
    people: dict[str, Any],
    one_per_role: dict[str, Any],
    make_user: Any,
    other_division: Any,
) -> None:
    call, allowed, state = REFUND_SERVICES[service]
    refund = refund_in(state, delivered, people)

    refused = _refusals(call, refund, allowed, one_per_role)
    assert set(refused.values()) == {"refused"}, refused
    assert len(refused) == len(ALL_ROLES) - len(allowed)
    for role in allowed - set(settings.HEAD_OFFICE_ROLES):
        stranger = make_user(role, divisions=[other_division], username=f"dq_{role}")
        assert _refusals(call, refund, set(), {role: stranger}) == {role: "refused"}

    for role in (
        sorted(allowed, key=["sales_head", "ecom_leader"].index) if len(allowed) > 1 else allowed
    ):
        call(refund, one_per_role[role])
    refund.refresh_from_db()
    assert (
        refund.status
        == {R.AWAITING_APPROVAL: R.APPROVED, R.APPROVED: R.REVIEWED, R.REVIEWED: R.PAID}[state]
    )


REQUEST_STATES = list(S.values)


def test_every_step_of_a_return_is_refused_in_every_other_state(
    delivered: Any, people: dict[str, Any], one_per_role: dict[str, Any]
) -> None:
    requests = {state: exchange_in(state, delivered, people) for state in REQUEST_STATES}
    table: dict[tuple[str, str], str] = {}
    for service, (call, allowed, own_state) in REQUEST_SERVICES.items():
        user = one_per_role[sorted(allowed)[0]]
        for state, request in requests.items():
            if state == own_state:
                continue
            before = snapshot(request)
            with pytest.raises(ReturnError) as refused:
                call(request, user)
            assert not isinstance(refused.value, NotPermitted)
            table[(service, state)] = refused.value.rule
            assert snapshot(request) == before, (service, state)
    assert set(table.values()) == {"state"}, table
    assert len(table) == len(REQUEST_SERVICES) * (len(REQUEST_STATES) - 1)


def test_approval_review_and_payout_are_refused_in_every_other_refund_state(
    delivered: Any, people: dict[str, Any], one_per_role: dict[str, Any]
) -> None:
    refunds = {state: refund_in(state, delivered, people) for state in R.values}
    rules = {"approve": "state", "review": "not_approved", "pay": "not_reviewed"}
    for service, (call, allowed, own_state) in REFUND_SERVICES.items():
        user = one_per_role[sorted(allowed)[-1]]  # sales_head for approvals
        for state, refund in refunds.items():
            if state == own_state:
                continue
            before = snapshot(refund)
            with pytest.raises(ReturnError) as refused:
                call(refund, user)
            assert not isinstance(refused.value, NotPermitted), (service, state)
            assert refused.value.rule == rules[service], (service, state)
            assert snapshot(refund) == before, (service, state)


def test_only_the_sales_rep_keys_in_a_request(
    delivered: Any, one_per_role: dict[str, Any], make_user: Any, other_division: Any
) -> None:
    order = delivered(quantity=1)
    refused = {}
    for role, user in one_per_role.items():
        if role == "sales_rep":
            continue
        with pytest.raises(NotPermitted):
            submit(order, by=user)
        refused[role] = True
    assert len(refused) == len(ALL_ROLES) - 1 and not ReturnRequest.objects.exists()
    with pytest.raises(NotPermitted):
        submit(order, by=make_user("sales_rep", divisions=[other_division], username="dq_rep"))

    request = submit(order, by=one_per_role["sales_rep"])
    assert request.source == ReturnRequest.Source.PORTAL
    assert request.created_by == one_per_role["sales_rep"]
