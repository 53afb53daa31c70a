from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_return_from_request_to_payout(
    delivered: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from core.models import SmsMessage
    from fulfilment.models import StockLevel, StockMove
    from returns.models import Refund, ReturnRequest
    from returns.services import (
        RequestInput,
        refund_approve,
        refund_pay,
        refund_review,
        return_accept,
        return_feedback,
        return_inspect,
        return_invoice_record,
        return_request_submit,
    )

    order = delivered(quantity=2, unit_price="100.00")
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        request, created = return_request_submit(
            order=order,
            data=RequestInput(kind="return", reason=3, reason_text="", lines={line.pk: 1}),
        )
    assert created and request.status == "requested" and request.goods_amount == Decimal("100.00")
    request = return_accept(
        request=request, by=people["sales_rep"], kind="return", return_freight="12.00"
    )
    refund = Refund.objects.get(request=request)
    assert refund.amount == Decimal("112.00") and refund.required_roles == ["sales_head"]
    return_feedback(request=request, by=people["parts_support"], part="parts")
    request = return_feedback(request=request, by=people["logistics_lead"], part="warehouse")
    assert request.status == "awaiting_goods" and request.return_order_number.startswith("TH-")
    before = StockLevel.objects.get(product=line.product, warehouse=order.warehouse).on_hand
    request = return_inspect(request=request, by=people["warehouse_receiver"], accepted=True)
    assert request.status == "received"
    level = StockLevel.objects.get(product=line.product, warehouse=order.warehouse)
    assert level.on_hand == before + 1
    assert (
        StockMove.objects.filter(kind="return", document=request.return_order_number).count() == 1
    )
    refund_approve(refund=refund, by=people["sales_head"])
    request = return_invoice_record(
        request=request, by=people["division_finance"], handling="credited"
    )
    assert request.credit_notes.count() == 1
    credit = request.credit_notes.get()
    assert credit.total_amount == Decimal("-100.00") and credit.return_number == request.number
    refund_review(refund=refund, by=people["division_finance"])
    with django_capture_on_commit_callbacks(execute=True):
        refund_pay(refund=refund, by=people["hq_finance"], reference="BANK-1")
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.CLOSED
    assert SmsMessage.objects.count() == 3  # received, paid, complete
    assert SmsMessage.objects.filter(text__contains=request.number).count() == 3
