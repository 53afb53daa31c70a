"""Request and response bodies of the intake API (SPEC §7).

The schemas check shape and types only, strictly: `true` is no quantity and `"yes"` is
not paid (pydantic's lax mode would take them for 1 and true). Every business rule (ID
numbers, codes, postcodes, SKUs, amounts, times) is checked by the same code as the
keyed-in form, so the field formats below are documentation, not a second set of rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt
from pydantic.json_schema import JsonDict

AMOUNT: JsonDict = {"format": "decimal", "pattern": r"^\d+(\.\d{1,2})?$", "example": "128.50"}


class BuyerIn(Schema):
    kind: Literal["corporate", "individual"]
    name: str = Field(description="Company name or the person's name", max_length=200)
    org_code: str | None = Field(
        None,
        description="Corporate: 18-character credit code (GB 32100) or 9-character "
        "organisation code (GB 11714)",
        examples=["91110000600037341L"],
    )
    id_number: str | None = Field(
        None,
        description="Individual: 18-digit resident ID (GB 11643)",
        examples=["11010519491231002X"],
    )
    contact_name: str | None = Field(
        None, description="Corporate: responsible person", max_length=100
    )
    phone: str = Field(description="Mainland mobile (corporate buyers may give a landline)")


class ShipToIn(Schema):
    province: str = Field(description="Name (新疆, 新疆维吾尔自治区, Xinjiang) or GB/T 2260 code")
    city: str
    district: str = ""
    street: str = Field(description="Street and number")
    postcode: str = Field(description="6 digits", examples=["100010"])
    recipient: str
    phone: str = Field(description="Mainland mobile number", examples=["13812345678"])


class LineIn(Schema):
    sku: str
    quantity: StrictInt = Field(description="A JSON integer greater than zero")
    unit_price: str = Field(
        description="Decimal string, at most two places", json_schema_extra=AMOUNT
    )


class OrderIn(Schema):
    platform_order_no: str = Field(description="Unique per platform; intake is idempotent on it")
    placed_at: str = Field(
        description="ISO 8601 with UTC offset; not more than 10 minutes in the future",
        json_schema_extra={"format": "date-time", "example": "2026-03-02T10:15:00+08:00"},
    )
    division: str = Field(description="Division code", examples=["GQ"])
    buyer: BuyerIn
    ship_to: ShipToIn
    lines: list[LineIn]
    freight: str = Field(description="Decimal string", json_schema_extra=AMOUNT)
    paid: StrictBool = Field(description="JSON true or false")


class ReceiptIn(Schema):
    received_at: str | None = Field(
        None,
        description="When the customer confirmed receipt (ISO 8601 with offset); now if omitted",
        json_schema_extra={"format": "date-time"},
    )


class TrackingOut(Schema):
    carrier: str
    tracking_number: str
    shipped_at: dt.datetime


class ShipmentOut(Schema):
    carrier: str
    carrier_code: str
    tracking_number: str
    shipped_at: dt.datetime
    parcels: int
    delivery_note: str
    warehouse: str


class DueOut(Schema):
    identify: dt.datetime | None = None
    sales_order: dt.datetime | None = None
    delivery_note: dt.datetime | None = None
    invoice: dt.datetime | None = None
    handover: dt.datetime | None = None


class OrderOut(Schema):
    number: str
    platform_order_no: str
    status: str
    placed_at: dt.datetime
    ship_by: dt.date
    warehouse: str | None
    due: dict[str, dt.datetime] = Field(
        description="Due time of each SLA step known so far: identify, sales_order, "
        "delivery_note, invoice, handover"
    )
    tracking: TrackingOut | None = Field(
        None, description="The latest shipment (the order's last hand-over to a carrier)"
    )
    shipments: list[ShipmentOut] = Field(
        default_factory=list,
        description="Every shipment of the order, oldest first (a partial delivery has several)",
    )
    received_at: dt.datetime | None = Field(None, description="Receipt confirmed by the customer")


class FieldErrorOut(Schema):
    field: str = Field(description="Path in the body, e.g. buyer.id_number or lines[0].sku")
    rule: str = Field(description="The broken rule, e.g. gb11643_checksum, sku_not_listed")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


class ConflictOut(Schema):
    detail: str
    number: str = Field(description="The order already received under this platform number")
