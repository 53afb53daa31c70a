"""Request and response bodies of the returns endpoints (SPEC §7). The schemas check shape
only; every rule is the services' (returns.services, returns.evidence)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic.json_schema import JsonDict

from orders.api_schemas import FieldErrorOut

from .models import Refund, ReturnRequest

AMOUNT: JsonDict = {"format": "decimal", "example": "128.50"}


class ReturnIn(Schema):
    platform_order_no: str = Field(description="The order, under the platform's number")
    request_no: str = Field(
        "",
        description="The platform's id of this request, at most 64 characters. When given, "
        "the call is idempotent: the same request again answers 200 with the request "
        "already received; other content under the same id answers 409.",
    )
    kind: str = Field(
        description="What the customer asks for",
        json_schema_extra={"enum": list(ReturnRequest.Kind.values)},
    )
    reason: int = Field(
        description="1 not as described, 2 wrong or missing item, 3 damaged on arrival, "
        "4 quality problem, 5 other (needs text)",
        json_schema_extra={"enum": list(ReturnRequest.Reason.values)},
    )
    text: str = Field(
        "", description="The customer's words, at most 500 characters; required for reason 5"
    )
    lines: str = Field(
        description='JSON text: [{"sku": "…", "quantity": 1}, …]; a SKU on two lines of '
        'the order also needs "line", the line\'s position (1, 2, …)',
        examples=['[{"sku": "DEMO-001", "quantity": 1}]'],
    )


class ReturnLineOut(Schema):
    line: int = Field(description="Position of the order line")
    sku: str
    quantity: int
    unit_price: str = Field(json_schema_extra=AMOUNT)
    amount: str = Field(json_schema_extra=AMOUNT)


class WarehouseOut(Schema):
    code: str
    name: str
    address: str


class ApprovalOut(Schema):
    role: str
    at: dt.datetime


class ApprovalsOut(Schema):
    required: list[str] = Field(description="Roles whose approval the refund needs")
    recorded: list[ApprovalOut]
    missing: list[str] = Field(description="Roles still to approve; the refund waits for them")


class RefundOut(Schema):
    number: str
    status: str = Field(json_schema_extra={"enum": list(Refund.Status.values)})
    amount: str = Field(json_schema_extra=AMOUNT)
    goods_amount: str = Field(json_schema_extra=AMOUNT)
    return_freight: str = Field(json_schema_extra=AMOUNT)
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None


class ReturnOut(Schema):
    id: int
    number: str
    platform_order_no: str
    order_number: str
    request_no: str | None
    status: str = Field(json_schema_extra={"enum": list(ReturnRequest.Status.values)})
    kind: str = Field(description="What the customer asked for")
    resolution: str | None = Field(
        description="What the sales representative accepted (return or exchange); null "
        "until reviewed"
    )
    reason: int
    text: str
    lines: list[ReturnLineOut]
    goods_amount: str = Field(json_schema_extra=AMOUNT)
    evidence_count: int
    window_ends_at: dt.datetime | None = Field(
        description="The return window of the order closes at this moment (exclusive)"
    )
    return_order_number: str | None = Field(
        description="The return order (退货单), once the abnormal-receipt feedback is done"
    )
    warehouse: WarehouseOut = Field(description="Send the goods and the invoice back here")
    refund: RefundOut | None = Field(description="A return's refund, once accepted")
    approvals: ApprovalsOut = Field(
        description="The refund's approvals; empty lists until the request is accepted as "
        "a return (an exchange has none)"
    )
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    received_at: dt.datetime | None = Field(description="Goods accepted and back in stock")
    closed_at: dt.datetime | None


class ReturnConflictOut(Schema):
    detail: str
    number: str | None = Field(description="The request already received under this id")
    errors: list[FieldErrorOut] = []
