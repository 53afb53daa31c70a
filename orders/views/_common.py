"""Roles and helpers shared by the pages of the orders app."""

from __future__ import annotations

from django.http import HttpRequest

from core.roles import Role

from ..models import Order

VIEWERS = (
    Role.SALES_REP,
    Role.SALES_LEAD,
    Role.PARTS_SUPPORT,
    Role.DIVISION_FINANCE,
    Role.WAREHOUSE,
    Role.LOGISTICS_LEAD,
    Role.HQ_FINANCE,
    Role.SALES_HEAD,
    Role.ECOM_LEADER,
)
REPS = (Role.SALES_REP, Role.SALES_LEAD)
SLA_VIEWERS = (
    Role.SALES_REP,
    Role.SALES_LEAD,
    Role.LOGISTICS_LEAD,
    Role.HQ_FINANCE,
    Role.SALES_HEAD,
    Role.ECOM_LEADER,
)
REP_QUEUE = [Order.Status.RECEIVED, Order.Status.IDENTIFIED]


def query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
