"""Models of the orders app (SPEC §2, §7)."""

from .customer import Customer
from .line import OrderLine
from .order import Order
from .platform import Platform
from .routing import ProvinceRoute
from .sla import SlaBreach, Step

__all__ = [
    "Customer",
    "Order",
    "OrderLine",
    "Platform",
    "ProvinceRoute",
    "SlaBreach",
    "Step",
]
