"""Writes of the orders app. Later apps use these (never `order.status = …`)."""

from .customers import (
    customer_create,
    customer_find_exact,
    customer_merge,
    customer_update,
    personal_data_reveal,
    user_can_correct_customer,
)
from .intake import BuyerInput, LineInput, OrderInput, ShipToInput, order_input_check, order_receive
from .lines import LineCorrection
from .platforms import platform_create, platform_set_token
from .receipts import order_receipt_record
from .sla import sla_scan
from .transitions import (
    order_cancel,
    order_close,
    order_confirm,
    order_hold,
    order_identify,
    order_lock,
    order_mark_allocated,
    order_mark_delivered,
    order_mark_invoiced,
    order_mark_shipped,
    transition_allowed,
)
from .triage import order_create_customer, order_link_customer

__all__ = [
    "BuyerInput",
    "LineCorrection",
    "LineInput",
    "OrderInput",
    "ShipToInput",
    "customer_create",
    "customer_find_exact",
    "customer_merge",
    "customer_update",
    "order_cancel",
    "order_close",
    "order_confirm",
    "order_create_customer",
    "order_hold",
    "order_identify",
    "order_input_check",
    "order_link_customer",
    "order_lock",
    "order_mark_allocated",
    "order_mark_delivered",
    "order_mark_invoiced",
    "order_mark_shipped",
    "order_receipt_record",
    "order_receive",
    "personal_data_reveal",
    "platform_create",
    "platform_set_token",
    "sla_scan",
    "transition_allowed",
    "user_can_correct_customer",
]
