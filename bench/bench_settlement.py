"""Benchmark: the monthly settlement of a 150,000-order period (SPEC §4, issue 10 item 5).

Generates (bulk_create, once; reused while the database holds it) a settlement period
2026-09-26 – 2026-10-25 with 150,000 shipped orders in division GQ (10 % split into two
shipments, some back-orders shipped in the next period), 15,000 in division DQ, 10,000
GQ orders shipped in the neighbouring periods, and 300 red-letter credit notes. Then it
times `settlement_compute` (the service: SQL aggregates per chunk of the period, progress
stored after each; its default chunks and one chunk per day) for both divisions against
a hand-written SQL `GROUP BY division` of the same figures, checks that the figures
agree, and writes bench/results/settlement.json.

Run on PostgreSQL (the database is created and migrated when missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecomops_bench_settle \\
        .venv/bin/python bench/bench_settlement.py

BENCH_ORDERS changes the size; BENCH_FRESH=1 regenerates the data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecomops.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecomops_bench_settle")
os.environ.setdefault("DEBUG", "0")  # no query log while timing

ORDERS = int(os.environ.get("BENCH_ORDERS", "150000"))
OTHER_DIVISION_ORDERS = ORDERS // 10
OUTSIDE_ORDERS = ORDERS // 15
CREDIT_NOTES = 300
SPLIT_SHARE = 0.10
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
FIRST_DAY, LAST_DAY = dt.date(2026, 9, 26), dt.date(2026, 10, 25)
BATCH = 5000
RESULTS = ROOT / "bench" / "results" / "settlement.json"


def ensure_database() -> None:
    """Create the PostgreSQL database of DATABASE_URL when it does not exist."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        raise SystemExit("Run this benchmark on PostgreSQL (DATABASE_URL=postgres://…).")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and os.environ.get("BENCH_FRESH") == "1":
            admin.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.models import Invoice, Settlement  # noqa: E402
from billing.services.settlement import (  # noqa: E402
    compute_step_days,
    settlement_compute,
    settlement_open,
)
from core.models import Division  # noqa: E402
from core.working_calendar import at_local  # noqa: E402
from fulfilment.models import Carrier, DeliveryNote, DeliveryNoteLine, Shipment  # noqa: E402
from orders.models import Order, OrderLine  # noqa: E402

FIGURES = ("shipped_sales", "freight", "credit_notes", "shipment_count")


# --- data -------------------------------------------------------------------------------------
def _period_moment(generator: random.Random, first: dt.date, days: int) -> dt.datetime:
    start = at_local(first, dt.time.min)
    return start + dt.timedelta(seconds=generator.randrange(days * 86400))


class Generator:
    """Orders with lines, delivery notes with lines and shipments, written in batches."""

    def __init__(self) -> None:
        from tests.factories import DivisionFactory, WarehouseFactory
        from tests.orders.factories import ListedProductFactory, PlatformFactory

        self.random = random.Random(20261128)
        self.platform = PlatformFactory(code="bench", name="Bench mall")
        self.carrier = Carrier.objects.create(code="BENCH", name="Bench carrier")
        self.divisions = {
            code: DivisionFactory(code=code, name=f"{code} division") for code in ("GQ", "DQ")
        }
        self.warehouses = {
            code: WarehouseFactory(division=division, kind="main", code=f"{code}-MAIN")
            for code, division in self.divisions.items()
        }
        self.products = {
            code: [
                ListedProductFactory(sku=f"{code}-SKU-{n:03d}", division=division)
                for n in range(40)
            ]
            for code, division in self.divisions.items()
        }
        self.serial = 0
        self.tracking = 0

    def run(self) -> None:
        period_days = (LAST_DAY - FIRST_DAY).days + 1
        plans: list[tuple[str, dt.date, int, int]] = [
            ("GQ", FIRST_DAY, period_days, ORDERS),
            ("DQ", FIRST_DAY, period_days, OTHER_DIVISION_ORDERS),
            ("GQ", FIRST_DAY - dt.timedelta(days=30), 30, OUTSIDE_ORDERS // 2),
            ("GQ", LAST_DAY + dt.timedelta(days=1), 30, OUTSIDE_ORDERS - OUTSIDE_ORDERS // 2),
        ]
        for code, first, days, count in plans:
            done = 0
            while done < count:
                size = min(BATCH, count - done)
                with transaction.atomic():
                    self.batch(code, first, days, size)
                done += size
                print(f"  {code} {first}: {done:,}/{count:,} orders", flush=True)
        self.credit_notes()

    def batch(self, code: str, first: dt.date, days: int, size: int) -> None:
        generator = self.random
        division, warehouse = self.divisions[code], self.warehouses[code]
        orders: list[Order] = []
        lines: list[list[OrderLine]] = []
        for _ in range(size):
            self.serial += 1
            shipped_at = _period_moment(generator, first, days)
            order_lines = [
                OrderLine(
                    position=position,
                    product=(product := generator.choice(self.products[code])),
                    sku=product.sku,
                    name=product.name,
                    unit="件",
                    quantity=(quantity := generator.randint(1, 5)),
                    unit_price=(price := Decimal(generator.randint(100, 99999)) / 100),
                    vat_rate=Decimal("0.130"),
                    amount=quantity * price,
                )
                for position in range(1, generator.randint(1, 3) + 1)
            ]
            orders.append(
                Order(
                    number=f"SO-{code}-B{self.serial:07d}",
                    platform=self.platform,
                    platform_order_no=f"B{self.serial:08d}",
                    source="api",
                    payload_hash="bench",
                    division=division,
                    warehouse=warehouse,
                    status=Order.Status.SHIPPED,
                    placed_at=shipped_at - dt.timedelta(hours=30),
                    received_at=shipped_at - dt.timedelta(hours=30),
                    ship_by=shipped_at.date(),
                    buyer_kind="corporate",
                    buyer_name="北京某某科技有限公司",
                    buyer_phone="",
                    ship_province="北京市",
                    province_code="11",
                    ship_city="北京市",
                    ship_street="东长安街 1 号",
                    ship_postcode="100010",
                    ship_recipient="李明",
                    ship_phone="",
                    goods_amount=sum((line.amount for line in order_lines), Decimal(0)),
                    freight=Decimal(generator.randint(0, 3000)) / 100,
                    is_paid=True,
                    shipped_at=shipped_at,
                )
            )
            lines.append(order_lines)
        Order.objects.bulk_create(orders, batch_size=BATCH)
        for order, order_lines in zip(orders, lines, strict=True):
            for line in order_lines:
                line.order = order
        OrderLine.objects.bulk_create([line for group in lines for line in group], batch_size=BATCH)
        self.notes(orders, lines, division=division, warehouse=warehouse)

    def notes(
        self, orders: list[Order], lines: list[list[OrderLine]], *, division: Any, warehouse: Any
    ) -> None:
        """One note per order; a split order ships part now and the rest up to 5 days later
        (back-orders of the last days ship in the next period)."""
        generator = self.random
        notes: list[DeliveryNote] = []
        note_lines: list[list[tuple[OrderLine, int]]] = []
        times: list[dt.datetime] = []
        for order, order_lines in zip(orders, lines, strict=True):
            assert order.shipped_at is not None
            split = generator.random() < SPLIT_SHARE and order_lines[0].quantity > 1
            parts = [[(line, line.quantity) for line in order_lines]]
            if split:
                first_part = order_lines[0].quantity - 1
                parts = [
                    [(order_lines[0], first_part)],
                    [(order_lines[0], 1)] + [(line, line.quantity) for line in order_lines[1:]],
                ]
            for index, part in enumerate(parts):
                at = order.shipped_at + dt.timedelta(hours=generator.randint(1, 120) * index)
                notes.append(
                    DeliveryNote(
                        number=f"DN-B{order.pk:08d}-{index}",
                        order=order,
                        division=division,
                        warehouse=warehouse,
                        kind="full" if not split else ("partial", "back_order")[index],
                        status=DeliveryNote.Status.SHIPPED,
                        ship_by=order.ship_by,
                        created_at=order.placed_at,
                        reserved_at=order.placed_at,
                        invoice_number=f"I{order.pk}-{index}",
                        invoiced_at=at,
                        shipped_at=at,
                    )
                )
                note_lines.append(part)
                times.append(at)
        DeliveryNote.objects.bulk_create(notes, batch_size=BATCH)
        DeliveryNoteLine.objects.bulk_create(
            [
                DeliveryNoteLine(
                    delivery_note=note, order_line=line, product_id=line.product_id, quantity=q
                )
                for note, part in zip(notes, note_lines, strict=True)
                for line, q in part
            ],
            batch_size=BATCH,
        )
        shipments = []
        for note, at in zip(notes, times, strict=True):
            self.tracking += 1
            shipments.append(
                Shipment(
                    delivery_note=note,
                    order_id=note.order_id,
                    warehouse=warehouse,
                    carrier=self.carrier,
                    tracking_number=f"BN{self.tracking:010d}",
                    parcels=1,
                    weight_kg=Decimal("1.00"),
                    shipped_at=at,
                )
            )
        Shipment.objects.bulk_create(shipments, batch_size=BATCH)

    def credit_notes(self) -> None:
        """Red-letter notes (negative) of GQ, issued in the period, with their originals."""
        division = self.divisions["GQ"]
        notes = DeliveryNote.objects.filter(division=division).select_related("order")[
            :CREDIT_NOTES
        ]
        originals, credits = [], []
        for note in notes:
            amount = Decimal(self.random.randint(100, 50000)) / 100
            issued = _period_moment(self.random, FIRST_DAY, 30)
            common = {
                "division": division,
                "order": note.order,
                "delivery_note": note,
                "buyer_title": "北京某某科技有限公司",
                "issued_at": issued,
                "tax_amount": Decimal("0.00"),
            }
            original = Invoice(
                number=f"FP-B-{note.pk}", net_amount=amount, total_amount=amount, **common
            )
            originals.append(original)
            credits.append((original, -amount, common))
        Invoice.objects.bulk_create(originals)
        Invoice.objects.bulk_create(
            [
                Invoice(
                    number=f"{original.number}-R",
                    kind=Invoice.Kind.CREDIT_NOTE,
                    original=original,
                    net_amount=amount,
                    total_amount=amount,
                    **common,
                )
                for original, amount, common in credits
            ]
        )


# --- the hand-written SQL ---------------------------------------------------------------------
RAW_GOODS = """
SELECT dn.division_id, SUM(dnl.quantity * ol.unit_price)
FROM fulfilment_shipment s
JOIN fulfilment_deliverynote dn ON dn.id = s.delivery_note_id
JOIN fulfilment_deliverynoteline dnl ON dnl.delivery_note_id = dn.id
JOIN orders_orderline ol ON ol.id = dnl.order_line_id
WHERE s.shipped_at >= %(start)s AND s.shipped_at < %(end)s
GROUP BY dn.division_id
"""
RAW_SHIPMENTS = """
SELECT dn.division_id, COUNT(*),
       COALESCE(SUM(o.freight) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM fulfilment_shipment e
           WHERE e.order_id = s.order_id
             AND (e.shipped_at < s.shipped_at OR (e.shipped_at = s.shipped_at AND e.id < s.id))
       )), 0)
FROM fulfilment_shipment s
JOIN fulfilment_deliverynote dn ON dn.id = s.delivery_note_id
JOIN orders_order o ON o.id = s.order_id
WHERE s.shipped_at >= %(start)s AND s.shipped_at < %(end)s
GROUP BY dn.division_id
"""
RAW_CREDIT_NOTES = """
SELECT division_id, -SUM(ABS(total_amount))
FROM billing_invoice
WHERE kind = 'credit_note' AND issued_at >= %(start)s AND issued_at < %(end)s
GROUP BY division_id
"""


def raw_figures() -> dict[int, dict[str, Any]]:
    bounds = {
        "start": at_local(FIRST_DAY, dt.time.min),
        "end": at_local(LAST_DAY + dt.timedelta(days=1), dt.time.min),
    }
    figures: dict[int, dict[str, Any]] = {}

    def row(division_id: int) -> dict[str, Any]:
        return figures.setdefault(
            division_id,
            {
                "shipped_sales": Decimal("0.00"),
                "freight": Decimal("0.00"),
                "credit_notes": Decimal("0.00"),
                "shipment_count": 0,
            },
        )

    with connection.cursor() as cursor:
        cursor.execute(RAW_GOODS, bounds)
        for division_id, goods in cursor.fetchall():
            row(division_id)["shipped_sales"] = goods
        cursor.execute(RAW_SHIPMENTS, bounds)
        for division_id, count, freight in cursor.fetchall():
            row(division_id).update(shipment_count=count, freight=freight)
        cursor.execute(RAW_CREDIT_NOTES, bounds)
        for division_id, credit in cursor.fetchall():
            row(division_id)["credit_notes"] = credit
    return figures


# --- timing -----------------------------------------------------------------------------------
def timed(
    functions: dict[str, Callable[[], Any]], runs: int = RUNS
) -> dict[str, tuple[list[float], Any]]:
    """Each function once to warm the caches, then `runs` rounds, the functions taking
    turns within a round so that a busy moment of the machine hits them alike."""
    results = {name: function() for name, function in functions.items()}
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            began = time.perf_counter()
            results[name] = function()
            times[name].append(time.perf_counter() - began)
    return {name: (times[name], results[name]) for name in functions}


def service_figures(step_days: int | None) -> Callable[[], dict[int, dict[str, Any]]]:
    def run() -> dict[int, dict[str, Any]]:
        figures = {}
        for division in Division.objects.filter(code__in=("GQ", "DQ")).order_by("code"):
            settlement = settlement_open(division=division, day=FIRST_DAY)
            settlement = settlement_compute(settlement=settlement, step_days=step_days)
            figures[division.pk] = {name: getattr(settlement, name) for name in FIGURES}
        return figures

    return run


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Order.objects.filter(platform__code="bench").exists():
        began = time.perf_counter()
        print(f"Generating {ORDERS:,} orders in the period …", flush=True)
        Generator().run()
        print(f"  generated in {time.perf_counter() - began:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    Settlement.objects.all().delete()

    gq, dq = (Division.objects.get(code=code).pk for code in ("GQ", "DQ"))
    measured = timed(
        {
            "raw": raw_figures,
            "default": service_figures(step_days=None),
            "single": service_figures(step_days=31),
            "daily": service_figures(step_days=1),
        }
    )
    raw_times, raw = measured["raw"]
    default_times, default = measured["default"]
    single_times, single = measured["single"]
    daily_times, daily = measured["daily"]
    assert default == single == daily == {pk: raw[pk] for pk in daily}, (default, daily, raw)
    step_days = {
        code: compute_step_days(FIRST_DAY, LAST_DAY, division_id=pk)
        for code, pk in (("GQ", gq), ("DQ", dq))
    }

    codes = dict(Division.objects.values_list("pk", "code"))
    counts = {
        "orders": Order.objects.count(),
        "order_lines": OrderLine.objects.count(),
        "delivery_notes": DeliveryNote.objects.count(),
        "delivery_note_lines": DeliveryNoteLine.objects.count(),
        "shipments": Shipment.objects.count(),
        "credit_notes": Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count(),
        "orders_in_period_gq": ORDERS,
        "orders_in_period_dq": OTHER_DIVISION_ORDERS,
    }
    best_raw = min(raw_times)
    result = {
        "benchmark": "monthly settlement (billing.services.settlement.settlement_compute)",
        "run_at": timezone.now().isoformat(timespec="seconds"),
        "database": f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else connection.vendor,
        "period": [FIRST_DAY.isoformat(), LAST_DAY.isoformat()],
        "rows": counts,
        "figures": {
            codes[pk]: {name: str(value) for name, value in values.items()}
            for pk, values in daily.items()
        },
        "service_default_chunk_days": step_days,
        "seconds": {
            "raw_sql_group_by": [round(t, 4) for t in raw_times],
            "service_default_chunks": [round(t, 4) for t in default_times],
            "service_one_chunk": [round(t, 4) for t in single_times],
            "service_per_day_chunks": [round(t, 4) for t in daily_times],
        },
        "best_seconds": {
            "raw_sql_group_by": round(best_raw, 4),
            "service_default_chunks": round(min(default_times), 4),
            "service_one_chunk": round(min(single_times), 4),
            "service_per_day_chunks": round(min(daily_times), 4),
        },
        "ratio_to_raw_sql": {
            "service_default_chunks": round(min(default_times) / best_raw, 2),
            "service_one_chunk": round(min(single_times) / best_raw, 2),
            "service_per_day_chunks": round(min(daily_times) / best_raw, 2),
        },
        "ratio_of_medians_to_raw_sql": {
            name: round(statistics.median(times) / statistics.median(raw_times), 2)
            for name, times in (
                ("service_default_chunks", default_times),
                ("service_one_chunk", single_times),
                ("service_per_day_chunks", daily_times),
            )
        },
        "note": (
            "Both divisions: the service computes one division per call (two calls), the "
            "raw SQL groups both in one pass. Per-day chunks pay the join scans once per "
            "day; the default chunks hold ~CHUNK_SHIPMENTS shipments each."
        ),
        "target": "within 2x of the raw SQL",
        "figures_equal_raw_sql": True,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result["best_seconds"], indent=2))
    print(json.dumps(result["ratio_to_raw_sql"], indent=2))
    print(json.dumps(result["ratio_of_medians_to_raw_sql"], indent=2))


if __name__ == "__main__":
    main()
