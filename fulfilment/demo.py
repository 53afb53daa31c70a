"""Demo data of fulfilment (SPEC §8): carriers with regional rates, opening stock of the
demo products in both GQ warehouses, and the orders the orders demo confirmed carried on
through the services — a held order waiting for stock, notes reserved, invoiced and
shipped, a partial delivery with its back-order waiting, a back-order cancelled.
Idempotent: carriers and stock are created once; orders arrive here only when new."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.models import Warehouse
from core.roles import Role
from orders import services as orders
from orders.demo import STEP_MINUTES, _step_time
from orders.models import Order
from orders.provinces import PROVINCES, REMOTE_PROVINCE_CODES

from .models import (
    Carrier,
    DeliveryNote,
    FreightRate,
    PickList,
    ReplenishmentRequest,
    StockLevel,
    StockMove,
    StockTake,
)
from .services import (
    delivery_note_cancel,
    delivery_note_create,
    shipment_create,
    stock_levels_lock,
    stock_move_post,
)
from .services.picking import pick_list_create
from .services.receipts import inbound_receipt_book
from .services.replenishment import (
    low_stock_scan,
    replenishment_approve,
    replenishment_cancel,
    replenishment_create,
    replenishment_reject,
    replenishment_submit,
)
from .services.reports import logistics_report_run
from .services.stock_take import (
    stock_take_approve,
    stock_take_cancel,
    stock_take_count,
    stock_take_open,
    stock_take_submit,
    week_of,
)

CARRIERS = (
    ("SF", "顺丰速运", r"SF\d{12}", Decimal("12.00"), Decimal("2.00")),
    ("ZTO", "中通快递", r"\d{12,15}", Decimal("8.00"), Decimal("1.50")),
    ("JD", "京东物流", r"JD[0-9A-Z]{10,15}", Decimal("10.00"), Decimal("2.00")),
)
REMOTE_SURCHARGE = Decimal("8.00")
# Opening stock per warehouse kind; the rest of the demo products get 60 in each.
OPENING = {
    "DEMO-008": {"main": 5, "central": 5},  # DEMO-MALL-0006 wants 30: on hold
    "DEMO-016": {"main": 5, "central": 5},  # DEMO-MALL-0014 wants 8: partial, back-order 3
    "DEMO-017": {"main": 2, "central": 2},  # DEMO-MALL-0015 wants 4: partial, rest dropped
    "DEMO-018": {"main": 3, "central": 40},  # low stock once it ships
}
DEFAULT_OPENING = 60
PARTIAL = {"DEMO-MALL-0014": "back_order", "DEMO-MALL-0015": "dropped"}
_TO_INVOICE: list[dict[str, Any]] = []


def seed(context: dict[str, Any]) -> None:
    carriers = _carriers()
    _opening_stock(context)
    users = context["users"]
    todo = sorted(context.get("orders_to_fulfil", []), key=lambda item: item[2])
    _TO_INVOICE.clear()
    for order, state, placed_at in todo:
        _fulfil(order, state, placed_at, users, carriers["SF"])
    # notes whose orders go on past the invoice: billing.demo takes them on
    context["notes_to_invoice"] = list(_TO_INVOICE)
    _replenishment_and_receipt(context)
    _pick_list(context)
    _stock_takes(context)
    context["carriers"] = carriers


def finish(context: dict[str, Any]) -> None:
    """After every app's data: the low-stock scan and today's logistics report (on a
    working day), as the beat jobs would have run them."""
    low_stock_scan()
    logistics_report_run()


# sku, warehouse key, quantity, unit cost, what happens to the request
REQUESTS = (
    ("DEMO-019", "main", 10, Decimal("50.00"), "received"),
    ("DEMO-016", "main", 20, Decimal("80.00"), "submitted"),
    ("DEMO-020", "central", 30, Decimal("60.00"), "approved"),
    ("DEMO-001", "main", 5, Decimal("500.00"), "rejected"),
    ("DEMO-002", "central", 3, Decimal("10.00"), "proposed"),
    ("DEMO-003", "main", 4, Decimal("25.00"), "cancelled"),
)


def _replenishment_and_receipt(context: dict[str, Any]) -> None:
    """Replenishment requests in every state and an inbound receipt that received one."""
    if ReplenishmentRequest.objects.exists():
        return
    users, warehouses = context["users"], context["warehouses"]
    products = context.get("products") or {}
    parts, leader = users[Role.PARTS_SUPPORT], users[Role.ECOM_LEADER]
    for sku, key, quantity, cost, outcome in REQUESTS:
        if sku not in products:
            continue
        request = replenishment_create(
            product=products[sku],
            warehouse=warehouses[key],
            quantity=quantity,
            unit_cost=cost,
            by=parts,
        )
        if outcome == "proposed":
            continue
        if outcome == "cancelled":
            replenishment_cancel(
                request=request, by=parts, note="已由调拨解决 / covered by a transfer"
            )
            continue
        request = replenishment_submit(request=request, by=parts)  # ≤ 1,000: approved at once
        if outcome == "approved" and request.status == ReplenishmentRequest.Status.SUBMITTED:
            replenishment_approve(request=request, by=leader, note="同意补货 / approved")
        elif outcome == "rejected":
            replenishment_reject(
                request=request, by=leader, note="价格偏高，请重新询价 / price too high"
            )
        elif outcome == "received":
            inbound_receipt_book(
                warehouse=warehouses[key],
                by=users[Role.WAREHOUSE],
                supplier="工起机械制造有限公司",
                supplier_document="SH-20261128-01",
                request=request,
                lines=[(products[sku], quantity)],
                note="外包装完好，数量核对无误 / checked",
            )


def _stock_takes(context: dict[str, Any]) -> None:
    """Count sheets in every state: three weeks ago cancelled, two weeks ago posted with a
    variance, last week's submitted for approval, this week's open."""
    if StockTake.objects.exists():
        return
    users, warehouses = context["users"], context["warehouses"]
    keeper, lead = users[Role.WAREHOUSE], users[Role.LOGISTICS_LEAD]
    this_week = week_of(timezone.localdate())
    main, central = warehouses["main"], warehouses["central"]
    cancelled = stock_take_open(warehouse=main, by=keeper, week=this_week - dt.timedelta(weeks=3))
    stock_take_cancel(stock_take=cancelled, by=keeper, reason="盘点人员调休，改期 / rescheduled")
    for warehouse, weeks, outcome in ((main, 2, "posted"), (central, 1, "submitted")):
        sheet = stock_take_open(
            warehouse=warehouse, by=keeper, week=this_week - dt.timedelta(weeks=weeks)
        )
        lines = list(sheet.lines.order_by("pk"))
        counts: dict[int, int | str | None] = {line.pk: line.expected for line in lines}
        if lines and outcome == "posted":
            counts[lines[0].pk] = lines[0].expected + 1  # one unit found in the bin
        stock_take_count(stock_take=sheet, by=keeper, counts=counts)
        sheet = stock_take_submit(stock_take=sheet, by=keeper)
        if outcome == "posted":
            stock_take_approve(stock_take=sheet, by=lead)
    stock_take_open(warehouse=main, by=keeper, week=this_week)


def _pick_list(context: dict[str, Any]) -> None:
    """One printed wave: the notes of GQ-MAIN waiting to be picked."""
    if PickList.objects.exists():
        return
    warehouse = context["warehouses"]["main"]
    notes = list(
        DeliveryNote.objects.filter(
            warehouse=warehouse,
            status__in=[DeliveryNote.Status.RESERVED, DeliveryNote.Status.INVOICED],
        ).values_list("pk", flat=True)
    )
    if notes:
        pick_list_create(warehouse=warehouse, by=context["users"][Role.WAREHOUSE], note_ids=notes)


def _carriers() -> dict[str, Carrier]:
    carriers = {}
    for code, name, pattern, first, extra in CARRIERS:
        carrier, created = Carrier.objects.get_or_create(
            code=code, defaults={"name": name, "tracking_pattern": pattern}
        )
        if created:
            FreightRate.objects.bulk_create(
                FreightRate(
                    carrier=carrier,
                    province_code=p.code,
                    first_price=first
                    + (REMOTE_SURCHARGE if p.code in REMOTE_PROVINCE_CODES else 0),
                    additional_price_per_kg=extra,
                )
                for p in PROVINCES
            )
        carriers[code] = carrier
    return carriers


def _opening_stock(context: dict[str, Any]) -> None:
    """An opening balance (stock moves of kind adjustment) the first time only."""
    warehouses: dict[str, Warehouse] = context["warehouses"]
    products = context.get("products") or {}
    if StockMove.objects.filter(document="OPENING").exists():
        return
    admin = context["users"].get(Role.ADMIN)
    with transaction.atomic():
        for key, warehouse in sorted(warehouses.items()):
            listed = [p for sku, p in sorted(products.items()) if p.is_listed]
            levels = stock_levels_lock(warehouse=warehouse, product_ids=[p.pk for p in listed])
            for product in listed:
                quantity = OPENING.get(product.sku, {}).get(key, DEFAULT_OPENING)
                stock_move_post(
                    levels[product.pk],
                    kind=StockMove.Kind.ADJUSTMENT,
                    quantity=quantity,
                    by=admin,
                    document="OPENING",
                    note="期初库存 / opening balance",
                    at=timezone.now() - dt.timedelta(days=30),
                )


def _fulfil(
    order: Order, state: str, placed_at: dt.datetime, users: dict[str, Any], carrier: Carrier
) -> None:
    S = Order.Status
    now = timezone.now()

    def at(step: str) -> dt.datetime:
        return _step_time(placed_at, STEP_MINUTES[step], now)

    parts = users[Role.PARTS_SUPPORT]
    partial = PARTIAL.get(order.platform_order_no)
    if partial:
        line = order.lines.get()
        level = StockLevel.objects.get(product=line.product, warehouse=order.warehouse)
        notes = delivery_note_create(
            order=order,
            by=parts,
            quantities={line.pk: min(level.available, line.quantity)},
            partial_agreed_with="王芳 (sales_rep)",
            note="客户同意分批发货 / customer agreed to a partial delivery",
            at=at("allocate"),
        )
    else:
        notes = delivery_note_create(order=order, by=parts, at=at("allocate"))
    note = notes[0]
    if state in (S.ON_HOLD, S.ALLOCATED) or note.status == DeliveryNote.Status.WAITING:
        return
    # Invoicing is billing's (billing.demo issues the invoice, then calls `after_invoice`).
    _TO_INVOICE.append(
        {"note": note, "notes": notes, "state": state, "placed_at": placed_at, "partial": partial}
    )


def after_invoice(item: dict[str, Any], users: dict[str, Any], carrier: Carrier) -> None:
    """The rest of a demo order once billing invoiced its note: hand-over, receipt, close."""
    S = Order.Status
    note, notes, state, partial = item["note"], item["notes"], item["state"], item["partial"]
    order = note.order
    now = timezone.now()

    def at(step: str) -> dt.datetime:
        return _step_time(item["placed_at"], STEP_MINUTES[step], now)

    if state == S.INVOICED:
        return
    shipment_create(
        note=note,
        by=users[Role.WAREHOUSE],
        carrier=carrier,
        tracking_number=f"SF{order.pk:012d}",
        parcels=1 + sum(line.quantity for line in note.lines.all()) // 10,
        weight_kg=Decimal("2.50"),
        at=at("ship"),
    )
    if partial == "dropped":
        delivery_note_cancel(
            note=notes[1],
            by=users[Role.PARTS_SUPPORT],
            reason="客户不再需要余下数量 / customer dropped the rest",
        )
    if partial or state == S.SHIPPED:
        return
    order = orders.order_mark_delivered(order=Order.objects.get(pk=order.pk), at=at("deliver"))
    if state == S.DELIVERED:
        return
    orders.order_close(order=order, by=users[Role.SALES_REP])
