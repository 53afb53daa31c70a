"""Returns under concurrency (issue 11 items 1–3), each call on its own PostgreSQL
connection, released together at a barrier (skipped on SQLite): the last returnable unit
goes to one request, two approvers racing are both recorded and the refund approved once,
a platform retrying one request number concurrently makes one return."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from core.models import AuditRecord
from returns.exceptions import ReturnError
from returns.models import Refund, RefundApproval, ReturnRequest
from returns.services import (
    RequestInput,
    refund_approve,
    return_accept,
    return_request_submit,
)
from tests.fulfilment.test_concurrency_pg import _connection_per_thread, _together  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


def _data(line: Any, units: int = 1, request_no: str = "") -> RequestInput:
    return RequestInput(
        kind="return",
        reason=3,
        reason_text="",
        lines={line.pk: units},
        platform_request_no=request_no,
    )


def test_two_requests_for_the_last_unit_one_wins(delivered: Any, platform: Any) -> None:
    from orders.models import Order

    order = delivered(quantity=3)
    line = order.lines.get()
    return_request_submit(order=order, data=_data(line, 2))

    outcomes = _together(
        *[
            (
                lambda no=no: return_request_submit(
                    order=Order(pk=order.pk), data=_data(line, 1, no), platform=platform
                )
            )
            for no in ("RQ-1", "RQ-2", "RQ-3")
        ]
    )

    won = [o for o in outcomes if isinstance(o, tuple)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and won[0][1] is True
    assert len(lost) == 2 and all(
        isinstance(e, ReturnError) and e.rule == "over_return" for e in lost
    ), lost
    assert ReturnRequest.objects.filter(order=order).count() == 2


def test_two_approvers_racing_are_both_recorded_and_approve_once(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=1, unit_price="6000.00")
    line = order.lines.get()
    request, _ = return_request_submit(order=order, data=_data(line))
    return_accept(request=request, by=people["sales_rep"], kind="return")
    refund = Refund.objects.get(request=request)
    assert refund.required_roles == ["sales_head", "ecom_leader"]

    outcomes = _together(
        lambda: refund_approve(
            refund=Refund(pk=refund.pk, request_id=request.pk, order_id=order.pk),
            by=people["sales_head"],
        ),
        lambda: refund_approve(
            refund=Refund(pk=refund.pk, request_id=request.pk, order_id=order.pk),
            by=people["ecom_leader"],
        ),
    )

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    refund.refresh_from_db()
    assert refund.status == Refund.Status.APPROVED and refund.approvals_missing() == []
    assert sorted(RefundApproval.objects.filter(refund=refund).values_list("role", flat=True)) == [
        "ecom_leader",
        "sales_head",
    ]
    approved = AuditRecord.objects.filter(object_id=str(refund.pk), action="approved")
    assert approved.count() == 1


def test_one_platform_request_number_sent_twice_at_once_is_one_return(
    delivered: Any, platform: Any
) -> None:
    from orders.models import Order

    order = delivered(quantity=2)
    line = order.lines.get()

    outcomes = _together(
        *[
            (
                lambda: return_request_submit(
                    order=Order(pk=order.pk), data=_data(line, 1, "PLAT-77"), platform=platform
                )
            )
            for _ in range(4)
        ]
    )

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == [], errors
    assert sorted(created for _request, created in outcomes) == [False, False, False, True]
    assert len({request.pk for request, _created in outcomes}) == 1
    assert ReturnRequest.objects.filter(platform_request_no="PLAT-77").count() == 1
