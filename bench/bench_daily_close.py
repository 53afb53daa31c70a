"""Benchmark: the daily close of a 5,000-order day beside a hand-written SQL GROUP BY.

Issue 10 §5: totals are computed in SQL, and the close of a big day must stay within 2×
of the raw SQL that computes the same figures. The data are generated straight into a
throwaway database (bulk_create, no services): a temporary SQLite file, or the database
of DATABASE_URL when it is set — that database is dropped and created again, so its name
must contain "bench" (e.g. postgres://postgres@127.0.0.1:5432/ecomops_bench_close).

Timed, median of BENCH_REPEAT runs each:
- `daily_close_run` for the day (the whole job: the figures of every division, the close
  rows, their audit rows, the notifications), the day's closes deleted between runs;
- `daily_close_figures` alone (the three grouped queries behind it);
- the raw SQL: the same three GROUP BY queries through connection.cursor().
The raw figures are checked against the stored closes. Figures go to
bench/results/daily_close.json (one line of text to stdout as well).

    .venv/bin/python bench/bench_daily_close.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecomops_bench_close \\
        .venv/bin/python bench/bench_daily_close.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "ecomops.settings.test"

ORDERS = int(os.environ.get("BENCH_ORDERS", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
DAY = dt.date(2026, 11, 20)  # a Friday; the run is on Saturday 21 November, 08:00
RESULT = ROOT / "bench" / "results" / "daily_close.json"


def throwaway_database() -> str:
    """Point DATABASE_URL at a fresh database and say which."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = Path(tempfile.mkdtemp(prefix="bench-close-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return str(path)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: a benchmark database's name contains 'bench'.")
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


DATABASE_NAME = throwaway_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from billing.models import DailyClose, Invoice  # noqa: E402
from billing.services.daily_close import daily_close_figures, daily_close_run  # noqa: E402
from catalog.models import Product  # noqa: E402
from core.models import Division, Notification, User, Warehouse  # noqa: E402
from core.working_calendar import at_local  # noqa: E402
from fulfilment.models import DeliveryNote  # noqa: E402
from orders.models import Order, OrderLine, Platform  # noqa: E402

CANCELLED = Order.Status.CANCELLED


# --- the data ---------------------------------------------------------------------------------
def generate() -> dict[str, int]:
    """ORDERS orders placed on DAY (80 % GQ, 20 % DQ), half as many on each neighbouring
    day, 1–3 lines each; 3 % cancelled, 85 % paid; invoices for a third of the day's
    orders (2 % credited the same day) and a fifth of the day before's orders shipped."""
    generator = random.Random(20261120)
    platform = Platform.objects.create(name="商城", code="mall", token_hash="0" * 64)
    divisions = [
        Division.objects.create(code="GQ", name="工起事业部"),
        Division.objects.create(code="DQ", name="电气事业部"),
    ]
    warehouses = {
        d.pk: Warehouse.objects.create(
            code=f"{d.code}-MAIN", name="总仓", division=d, kind=Warehouse.Kind.MAIN
        )
        for d in divisions
    }
    products = {
        d.pk: [
            Product.objects.create(
                sku=f"{d.code}-{n:03d}", name=f"产品 {n}", division=d, selling_price="100.00"
            )
            for n in range(20)
        ]
        for d in divisions
    }
    # Finance users get the inbox messages; no e-mail address: the e-mail copy goes through
    # Celery after commit in production, not inside the job (eager here, so left out).
    for role, division in (("hq_finance", None), ("division_finance", divisions[0])):
        user = User.objects.create_user(f"bench-{role}", "", "x")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if division is not None:
            user.divisions.add(division)
    batches = [(DAY, ORDERS), (DAY - dt.timedelta(days=1), ORDERS // 2)]
    batches.append((DAY + dt.timedelta(days=1), ORDERS // 2))
    orders: list[Order] = []
    lines: list[OrderLine] = []
    serial = 0
    for day, count in batches:
        start = at_local(day, dt.time.min)
        for _ in range(count):
            serial += 1
            division = divisions[0] if generator.random() < 0.8 else divisions[1]
            order, order_lines = _order(generator, serial, day, start, division, products)
            order.warehouse = warehouses[division.pk]
            order.platform = platform
            orders.append(order)
            lines.append(order_lines)  # type: ignore[arg-type]
    created = Order.objects.bulk_create(orders, batch_size=1000)
    flat: list[OrderLine] = []
    for order, order_lines in zip(created, lines, strict=True):
        for line in order_lines:  # type: ignore[attr-defined]
            line.order = order
            flat.append(line)
    OrderLine.objects.bulk_create(flat, batch_size=2000)
    invoices = _invoices(generator, [o for o in created if o.placed_at.date() >= DAY])
    shipped = _ship_day_before(generator)
    return {
        "orders": len(created),
        "orders_of_the_day": Order.objects.filter(
            placed_at__gte=at_local(DAY, dt.time.min),
            placed_at__lt=at_local(DAY + dt.timedelta(days=1), dt.time.min),
        ).count(),
        "order_lines": len(flat),
        "invoices": invoices,
        "shipped_that_day": shipped,
    }


def _order(
    generator: random.Random,
    serial: int,
    day: dt.date,
    start: dt.datetime,
    division: Division,
    products: dict[int, list[Product]],
) -> tuple[Order, list[OrderLine]]:
    placed_at = start + dt.timedelta(seconds=generator.randrange(86_400))
    order_lines = []
    goods = Decimal("0.00")
    for position in range(1, generator.randint(1, 3) + 1):
        product = generator.choice(products[division.pk])
        quantity = generator.randint(1, 5)
        price = Decimal(generator.randrange(100, 200_000)) / 100
        amount = (price * quantity).quantize(Decimal("0.01"))
        goods += amount
        order_lines.append(
            OrderLine(
                position=position,
                product=product,
                sku=product.sku,
                name=product.name,
                unit="件",
                quantity=quantity,
                unit_price=price,
                vat_rate=Decimal("0.130"),
                amount=amount,
            )
        )
    order = Order(
        number=f"{division.code}-{day:%Y%m%d}-{serial:06d}",
        platform_order_no=f"B-{serial:07d}",
        source=Order.Source.API,
        payload_hash="bench",
        division=division,
        status=CANCELLED if generator.random() < 0.03 else Order.Status.CONFIRMED,
        placed_at=placed_at,
        ship_by=day,
        buyer_kind="corporate",
        buyer_name="北京某某科技有限公司",
        buyer_phone="13812345678",
        ship_province="北京市",
        province_code="11",
        ship_city="北京市",
        ship_street="东长安街 1 号",
        ship_postcode="100010",
        ship_recipient="李明",
        ship_phone="13812345678",
        goods_amount=goods,
        freight=Decimal(generator.choice(["0.00", "10.00", "15.50", "22.00"])),
        is_paid=generator.random() < 0.85,
    )
    return order, order_lines


def _invoices(generator: random.Random, orders: list[Order]) -> int:
    chosen = [o for o in orders if o.status != CANCELLED and generator.random() < 1 / 3]
    notes = DeliveryNote.objects.bulk_create(
        [
            DeliveryNote(
                number=f"DN-{o.pk:07d}",
                order=o,
                division_id=o.division_id,
                warehouse_id=o.warehouse_id,
                ship_by=o.ship_by,
            )
            for o in chosen
        ],
        batch_size=1000,
    )
    issued_at = at_local(DAY, dt.time(15))
    invoices = Invoice.objects.bulk_create(
        [
            _invoice(f"INV-{o.pk:07d}", o, note, o.goods_amount + o.freight, issued_at)
            for o, note in zip(chosen, notes, strict=True)
        ],
        batch_size=1000,
    )
    credited = [i for i in invoices if generator.random() < 0.02]
    Invoice.objects.bulk_create(
        [
            _invoice(
                f"RED-{i.pk:07d}",
                i.order,
                i.delivery_note,
                -i.total_amount,
                issued_at + dt.timedelta(hours=1),
                original=i,
            )
            for i in credited
        ]
    )
    return len(invoices) + len(credited)


def _invoice(
    number: str,
    order: Order,
    note: DeliveryNote,
    total: Decimal,
    issued_at: dt.datetime,
    original: Invoice | None = None,
) -> Invoice:
    return Invoice(
        number=number,
        kind=Invoice.Kind.CREDIT_NOTE if original else Invoice.Kind.INVOICE,
        original=original,
        division_id=order.division_id,
        order=order,
        delivery_note=note,
        buyer_title="北京某某科技有限公司",
        issued_at=issued_at,
        net_amount=total,
        tax_amount=Decimal("0.00"),
        total_amount=total,
    )


def _ship_day_before(generator: random.Random) -> int:
    day_before = DAY - dt.timedelta(days=1)
    candidates = list(
        Order.objects.filter(
            placed_at__gte=at_local(day_before, dt.time.min),
            placed_at__lt=at_local(DAY, dt.time.min),
        )
        .exclude(status=CANCELLED)
        .values_list("pk", flat=True)
    )
    chosen = [pk for pk in candidates if generator.random() < 0.2]
    return Order.objects.filter(pk__in=chosen).update(
        shipped_at=at_local(DAY, dt.time(16)), status=Order.Status.SHIPPED
    )


# --- the raw SQL ------------------------------------------------------------------------------
def raw_sql_figures() -> dict[int, dict[str, Any]]:
    """The same figures by hand: three GROUP BY queries over the day's Beijing bounds."""
    adapt = connection.ops.adapt_datetimefield_value
    start = adapt(at_local(DAY, dt.time.min))
    end = adapt(at_local(DAY + dt.timedelta(days=1), dt.time.min))
    orders, invoices = Order._meta.db_table, Invoice._meta.db_table
    live = "status <> 'cancelled'"
    result: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT division_id,
                   COUNT(CASE WHEN {live} THEN 1 END),
                   COALESCE(SUM(CASE WHEN {live} THEN goods_amount END), 0),
                   COALESCE(SUM(CASE WHEN {live} THEN freight END), 0),
                   COALESCE(SUM(CASE WHEN {live} THEN goods_amount + freight END), 0),
                   COALESCE(SUM(CASE WHEN {live} AND is_paid THEN goods_amount + freight END), 0),
                   COUNT(CASE WHEN {live} AND NOT is_paid THEN 1 END)
              FROM {orders}
             WHERE placed_at >= %s AND placed_at < %s
             GROUP BY division_id
            """,  # noqa: S608 - table names from the models, values as parameters
            [start, end],
        )
        for row in cursor.fetchall():
            names = ("order_count", "goods", "freight", "total", "paid", "unpaid_count")
            result[row[0]] = dict(zip(names, row[1:], strict=True))
        cursor.execute(
            f"""
            SELECT division_id,
                   COALESCE(SUM(CASE WHEN kind = 'invoice' THEN total_amount END), 0)
                 - COALESCE(SUM(CASE WHEN kind = 'credit_note' THEN ABS(total_amount) END), 0)
              FROM {invoices}
             WHERE issued_at >= %s AND issued_at < %s
             GROUP BY division_id
            """,  # noqa: S608
            [start, end],
        )
        for division_id, invoiced in cursor.fetchall():
            result.setdefault(division_id, {})["invoiced"] = invoiced
        cursor.execute(
            f"""
            SELECT division_id, COALESCE(SUM(CASE WHEN {live} THEN goods_amount END), 0)
              FROM {orders}
             WHERE shipped_at >= %s AND shipped_at < %s
             GROUP BY division_id
            """,  # noqa: S608
            [start, end],
        )
        for division_id, shipped in cursor.fetchall():
            result.setdefault(division_id, {})["shipped"] = shipped
    return result


# --- timing -----------------------------------------------------------------------------------
def median_timings(measured: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Median seconds of each function; the functions take turns in every round, so a
    slower moment of the machine falls on all of them alike. One warm-up round first."""
    timings: dict[str, list[float]] = {name: [] for name in measured}
    for round_number in range(REPEAT + 1):
        for name, function in measured.items():
            forget_the_close()
            began = time.perf_counter()
            function()
            if round_number:  # round 0 warms the connection, caches and query plans
                timings[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in timings.items()}


def forget_the_close() -> None:
    """Delete the day's closes so that the next run closes the day again (their audit rows
    are append-only and stay; they do not stop a new close)."""
    Notification.objects.filter(topic="daily_close").delete()
    DailyClose.objects.filter(day=DAY).delete()


def run_the_close() -> None:
    created = daily_close_run(now=at_local(DAY + dt.timedelta(days=1), dt.time(8)))
    assert [c.day for c in created] == [DAY, DAY], created


def check(raw: dict[int, dict[str, Any]]) -> None:
    for close in DailyClose.objects.filter(day=DAY):
        expected = raw[close.division_id]
        pairs = [
            (close.order_count, expected["order_count"]),
            (close.goods_amount, expected["goods"]),
            (close.freight_amount, expected["freight"]),
            (close.total_amount, expected["total"]),
            (close.paid_amount, expected["paid"]),
            (close.unpaid_count, expected["unpaid_count"]),
            (close.invoiced_amount, expected.get("invoiced", 0)),
            (close.shipped_amount, expected.get("shipped", 0)),
        ]
        for stored, by_hand in pairs:
            assert Decimal(str(stored)) == Decimal(str(by_hand)).quantize(Decimal("0.01")) or (
                stored == by_hand
            ), (close.division_id, stored, by_hand)


def main() -> None:
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    counts = generate()
    generated_in = time.perf_counter() - began
    for division in Division.objects.all():  # the last close: the day before, for each
        DailyClose.objects.create(division=division, day=DAY - dt.timedelta(days=1))
    medians = median_timings(
        {
            "run": run_the_close,
            "figures": lambda: daily_close_figures(day=DAY),
            "raw": raw_sql_figures,
        }
    )
    run_seconds, figures_seconds, raw_seconds = medians["run"], medians["figures"], medians["raw"]
    statements = {}
    for name, function in (("run", run_the_close), ("raw", raw_sql_figures)):
        forget_the_close()
        with CaptureQueriesContext(connection) as queries:
            function()
        statements[name] = len(queries)
    run_the_close()
    check(raw_sql_figures())
    result = {
        "benchmark": "daily close of one day vs hand-written SQL GROUP BY",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database_vendor": connection.vendor,
        "database_version": ".".join(str(v) for v in connection.Database.sqlite_version_info)
        if connection.vendor == "sqlite"
        else str(connection.pg_version if hasattr(connection, "pg_version") else ""),
        "python": sys.version.split()[0],
        "business_day": DAY.isoformat(),
        "rows": {**counts, "divisions": Division.objects.count()},
        "repeat": REPEAT,
        "daily_close_run_seconds": round(run_seconds, 6),
        "daily_close_figures_seconds": round(figures_seconds, 6),
        "raw_sql_seconds": round(raw_seconds, 6),
        "ratio_run_to_raw_sql": round(run_seconds / raw_seconds, 3),
        "ratio_figures_to_raw_sql": round(figures_seconds / raw_seconds, 3),
        "sql_statements_run": statements["run"],
        "sql_statements_raw": statements["raw"],
        # the run's writes (close rows, audit rows, inbox messages, savepoints): a fixed
        # number of statements per division and day, not growing with the orders
        "run_minus_figures_seconds": round(run_seconds - figures_seconds, 6),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "target_ratio": 2.0,
        "figures_within_target": figures_seconds / raw_seconds <= 2.0,
        "run_within_target": run_seconds / raw_seconds <= 2.0,
        "figures_match_raw_sql": True,
        "data_generated_seconds": round(generated_in, 2),
    }
    runs = _merge(result)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(runs, ensure_ascii=False, indent=2) + "\n")
    print(
        f"daily close {connection.vendor}: {counts['orders_of_the_day']:,} orders on "
        f"{DAY.isoformat()}, run {run_seconds * 1000:.1f} ms (figures "
        f"{figures_seconds * 1000:.1f} ms) vs raw SQL {raw_seconds * 1000:.1f} ms: "
        f"ratio {run_seconds / raw_seconds:.2f} (figures {figures_seconds / raw_seconds:.2f}), "
        f"target ≤ 2.0 → {RESULT.relative_to(ROOT)}"
    )


def _merge(result: dict[str, Any]) -> dict[str, Any]:
    """The file keeps the latest run of each database vendor."""
    runs: dict[str, Any] = {}
    if RESULT.exists():
        try:
            runs = json.loads(RESULT.read_text())
        except ValueError:
            runs = {}
    runs[result["database_vendor"]] = result
    return runs


if __name__ == "__main__":
    main()
