"""Returns in billing's monthly settlement (issue 11 item 3): refunds fall in the period of
their payout, goods taken back on exchanges in the period they came back, the credit
notes of returns are not subtracted a second time, and a payout dated in a locked period
is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from billing.models import Invoice, Settlement
from billing.services.settlement import period_of
from core.periods import PeriodLocked
from core.working_calendar import at_local
from returns.models import Refund, ReturnRequest
from returns.services import (
    refund_approve,
    refund_pay,
    refund_review,
    return_invoice_record,
)
from tests.billing.test_settlement import computed_settlement, sign_all
from tests.returns.test_rules import advance, refund_of, submit

pytestmark = pytest.mark.django_db
S = ReturnRequest.Status


@pytest.fixture
def signers(make_user: Any) -> dict[str, Any]:
    return {
        role: make_user(role, username=f"signer_{role}")
        for role in ("sales_lead", "division_finance", "hq_finance")
    }


def _periods() -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    current = period_of(timezone.localdate())
    return period_of(current[0] - dt.timedelta(days=1)), current


def _reviewed(delivered: Any, people: dict[str, Any], *, received_at: dt.datetime) -> Refund:
    """A return of one of two units (credited by a red-letter note), approved and reviewed."""
    order = delivered(quantity=2, unit_price="100.00", received_at=received_at)
    request = submit(order, 1, at=received_at + dt.timedelta(hours=1))
    request = advance(request, S.RECEIVED, people, freight="12.00")
    return_invoice_record(request=request, by=people["division_finance"], handling="credited")
    refund = refund_approve(refund=refund_of(request), by=people["sales_head"])
    return refund_review(refund=refund, by=people["division_finance"])


def test_refunds_count_in_the_period_of_their_payout_and_credit_notes_once(
    delivered: Any, people: dict[str, Any], division: Any
) -> None:
    from returns.services import return_inspect

    previous, current = _periods()
    received_at = at_local(previous[1] - dt.timedelta(days=2), dt.time(10, 0))
    late = _reviewed(delivered, people, received_at=received_at)
    early = _reviewed(delivered, people, received_at=received_at)
    # the last microsecond of the previous period, and the first of the current one
    refund_pay(
        refund=late,
        by=people["hq_finance"],
        reference="B-1",
        at=at_local(previous[1], dt.time.max),
    )
    refund_pay(
        refund=early, by=people["hq_finance"], reference="B-2", at=at_local(current[0], dt.time.min)
    )
    # an exchange taken back on the previous period's last afternoon
    exchange = submit(
        delivered(quantity=1, unit_price="50.00", received_at=received_at),
        kind="exchange",
        at=received_at + dt.timedelta(hours=2),
    )
    exchange = advance(exchange, S.AWAITING_GOODS, people, kind="exchange")
    return_inspect(
        request=exchange,
        by=people["warehouse_receiver"],
        accepted=True,
        at=at_local(previous[1], dt.time(15, 0)),
    )
    credits = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE)
    assert credits.count() == 2 and all(c.return_number for c in credits)

    before = computed_settlement(division, previous[0])
    now = computed_settlement(division, current[0])

    assert before.refunds == Decimal("112.00") and now.refunds == Decimal("112.00")
    assert before.returns == Decimal("50.00") and now.returns == Decimal("0.00")
    # the return credit notes (issued today) are the refunds' business, not credit notes
    assert now.credit_notes == Decimal("0.00") and before.credit_notes == Decimal("0.00")
    for settlement in (before, now):
        assert settlement.net_due == (
            settlement.shipped_sales
            + settlement.freight
            + settlement.credit_notes
            - settlement.returns
            - settlement.refunds
        )


def test_a_payout_dated_in_a_locked_period_is_refused(
    delivered: Any, people: dict[str, Any], division: Any, signers: dict[str, Any]
) -> None:
    previous, _current = _periods()
    received_at = at_local(previous[1] - dt.timedelta(days=2), dt.time(10, 0))
    refund = _reviewed(delivered, people, received_at=received_at)
    locked = sign_all(computed_settlement(division, previous[0]), signers)
    assert locked.status == Settlement.Status.LOCKED

    with pytest.raises(PeriodLocked):
        refund_pay(
            refund=refund,
            by=people["hq_finance"],
            reference="B-1",
            at=at_local(previous[1], dt.time(16, 0)),
        )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.REVIEWED and refund.paid_at is None
    refund = refund_pay(refund=refund, by=people["hq_finance"], reference="B-1")
    assert refund.status == Refund.Status.PAID
    assert refund.request.status == S.CLOSED
