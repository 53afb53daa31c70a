"""Pages of the orders app: thin views over selectors and services (one per operation)."""

from .customers import CustomerDetailView, CustomerListView, CustomerMergeView, CustomerUpdateView
from .identification import OrderCreateCustomerView, OrderLinkCustomerView
from .lookup import OrderSkuLookupView
from .orders import (
    OrderCancelView,
    OrderCloseView,
    OrderConfirmView,
    OrderCreateView,
    OrderDeliverView,
    OrderDetailView,
    OrderListView,
)
from .privacy import CustomerRevealView, OrderRevealView
from .reports import SlaReportView

__all__ = [
    "CustomerDetailView",
    "CustomerListView",
    "CustomerMergeView",
    "CustomerRevealView",
    "CustomerUpdateView",
    "OrderCancelView",
    "OrderCloseView",
    "OrderConfirmView",
    "OrderCreateCustomerView",
    "OrderCreateView",
    "OrderDeliverView",
    "OrderDetailView",
    "OrderLinkCustomerView",
    "OrderListView",
    "OrderRevealView",
    "OrderSkuLookupView",
    "SlaReportView",
]
