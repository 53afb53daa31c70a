"""Demo data of the orders app (SPEC §8): platform `mall` (token `demo-mall-token`), known
customers, and orders in every state — new ones waiting for identification, one whose
identification is overdue (flagged by the SLA scan). Everything goes through the services,
so history and clocks are real. Idempotent: platform order numbers are stable and an
existing order is left alone."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalog.models import Product
from core.roles import Role
from core.working_calendar import at_local, previous_working_day

from . import services
from .demo_data import CUSTOMERS, ORDERS, DemoOrder
from .models import Customer, Order, Platform
from .models.platform import hash_token

DEMO_TOKEN = "demo-mall-token"
_TO_FULFIL: list[tuple[Order, str, dt.datetime]] = []


def seed(context: dict[str, Any]) -> None:
    platform = _platform()
    division, users = context["division"], context["users"]
    products = context.get("products") or {
        p.sku: p for p in Product.objects.filter(sku__startswith="DEMO-")
    }
    for row in CUSTOMERS:
        _customer(row, division, users[Role.SALES_REP])
    _TO_FULFIL.clear()
    for spec in ORDERS:
        if Order.objects.filter(platform=platform, platform_order_no=spec.number).exists():
            continue
        _order(spec, platform, division, products, users)
    # (order, wanted state, placed at) of the new orders that go past the sales order:
    # fulfilment's demo takes them on with delivery notes and shipments.
    context["orders_to_fulfil"] = list(_TO_FULFIL)
    context["platform"] = platform


def finish(context: dict[str, Any]) -> None:
    services.sla_scan()


def _platform() -> Platform:
    platform = Platform.objects.filter(code="mall").first()
    if platform is None:
        platform, _token = services.platform_create(
            name="工业品商城", code="mall", by=None, token=DEMO_TOKEN
        )
    elif platform.token_hash != hash_token(DEMO_TOKEN):
        services.platform_set_token(platform=platform, by=None, token=DEMO_TOKEN)
    return platform


def _customer(row: tuple[str, ...], division: Any, rep: Any) -> None:
    kind, name, org, person, id_number, phone, prov, city, district, street, post = row
    if Customer.objects.filter(name=name).exists():
        return
    services.customer_create(
        kind=kind,
        division=division,
        by=rep,
        data={
            "name": name,
            "org_code": org,
            "contact_name": person,
            "id_number": id_number,
            "phone": phone,
            "province": prov,
            "city": city,
            "district": district,
            "street": street,
            "postcode": post,
        },
    )


def _order(
    spec: DemoOrder,
    platform: Platform,
    division: Any,
    products: dict[str, Product],
    users: dict[str, Any],
) -> None:
    lines = [
        services.LineInput(
            sku=sku,
            quantity=quantity,
            unit_price=str(
                (
                    (products[sku].selling_price or Decimal("100.00"))
                    * Decimal(spec.extra.get("price_factor", "1"))
                ).quantize(Decimal("0.01"))
            ),
        )
        for sku, quantity in spec.lines
        if sku in products and products[sku].is_listed
    ]
    if not lines:
        return  # the catalog's demo products are missing
    now = timezone.now()
    placed_at = _placed_at(spec.placed_days_ago, now)
    data = services.OrderInput(
        platform_order_no=spec.number,
        placed_at=placed_at,
        division=division.code,
        buyer=services.BuyerInput(
            **{"org_code": "", "id_number": "", "contact_name": "", **spec.buyer}
        ),
        ship_to=services.ShipToInput(**spec.ship_to),
        lines=lines,
        freight="15.00",
        paid=spec.paid,
    )
    source = Order.Source.KEYED_IN if spec.keyed_in else Order.Source.API
    rep = users[Role.SALES_REP]
    order = services.order_receive(
        platform=platform,
        data=data,
        source=source,
        by=rep if spec.keyed_in else None,
        at=_step_time(placed_at, RECEIVED_AFTER_MINUTES, now),
    ).order
    _advance(order, spec.state, placed_at, users)


def _placed_at(days_ago: float, now: dt.datetime) -> dt.datetime:
    """Recent orders lie minutes before now; older ones at 10:00 that many *working* days
    back, so an order meant to be overdue is overdue whatever day the demo is seeded
    (on a holiday no business minute passes)."""
    if days_ago < 1:
        return now - dt.timedelta(days=days_ago)
    day = timezone.localdate(now)
    for _ in range(math.ceil(days_ago)):
        day = previous_working_day(day)
    return at_local(day, dt.time(10, 0))


# When each step is done, in minutes after the order was placed (the demo's history must
# read in order: received ≤ identified ≤ confirmed ≤ delivery note ≤ invoice ≤ shipped …).
RECEIVED_AFTER_MINUTES = 1
STEP_MINUTES = {
    "identify": 10,
    "confirm": 25,
    "allocate": 80,
    "invoice": 120,
    "ship": 180,
    "deliver": 2 * 24 * 60,
}


def _step_time(placed_at: dt.datetime, minutes: float, now: dt.datetime) -> dt.datetime:
    """A step done `minutes` after placing, never later than now."""
    return min(placed_at + dt.timedelta(minutes=minutes), now)


def _advance(order: Order, state: str, placed_at: dt.datetime, users: dict[str, Any]) -> None:
    """Walk the order to `state` with the role that does each step, at plausible times."""
    S = Order.Status
    if state == S.RECEIVED:
        return
    rep = users[Role.SALES_REP]
    if state == S.CANCELLED:
        services.order_cancel(order=order, by=rep, reason="客户取消订单 / cancelled by the buyer")
        return
    now = timezone.now()

    def at(step: str) -> dt.datetime:
        return _step_time(placed_at, STEP_MINUTES[step], now)

    if order.status == S.RECEIVED:  # known buyers are identified at intake; others here
        customer = services.customer_find_exact(
            kind=order.buyer_kind, org_code=order.buyer_org_code, id_number=order.buyer_id_number
        )[0]
        if customer is None:
            return
        order = services.order_identify(
            order=order,
            customer=customer,
            by=rep,
            method=Order.IdentifiedBy.LINKED,
            at=at("identify"),
        )
    if state == S.IDENTIFIED:
        return
    order = services.order_confirm(
        order=order,
        by=rep,
        invoice_title=order.invoice_title,
        invoice_tax_number=order.invoice_tax_number,
        at=at("confirm"),
    )
    if state == S.CONFIRMED:
        return
    # Beyond the sales order the documents of fulfilment (delivery notes, shipments) and
    # billing carry the order; their demo modules pick these up (`orders_to_fulfil`).
    context_list = _TO_FULFIL
    context_list.append((order, state, placed_at))
