"""Benchmark: order intake (`POST /api/v1/orders`) beside the floor, over HTTP.

    make bench                     # every benchmark
    make bench-one NAME=intake     # this one (or: .venv/bin/python bench/bench_intake.py)

It recreates and migrates its own PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ecomops_bench; the name must contain "bench"), seeds a
platform with its token, division GQ with its warehouses, three listed products and a known
individual customer, starts gunicorn on loopback (ecomops/gunicorn_conf.py, 5 sync workers,
ecomops.settings.bench: DEBUG off) and loads, with 1, 8 and 32 closed-loop clients:

- the floor, `POST /bench/floor`: a bare Django view inserting one row (bench_floor app,
  routed only by the bench settings);
- the intake: a 3-line order of the known individual customer (identified at once), each
  request with a new platform order number.

Results: bench/results/intake.json and the table in docs/performance.md, section "Intake".

Floor and intake are measured in alternating turns — BENCH_ROUNDS (3) turns of each, every
turn BENCH_DURATION / BENCH_ROUNDS seconds, F I F I F I — so that both see the machine at
the same time (a shared machine's speed drifts over a minute, and the ratio would carry
it); each point adds up its turns.

Environment: BENCH_DURATION (s per point, 15), BENCH_WARMUP (s before each load's first
turn, 2), BENCH_SETTLE (s before its later turns, 0.5),
BENCH_PREWARM (s of both loads before the first point, 3), BENCH_CLIENTS
("1,8,32"), BENCH_WORKERS (5), BENCH_KEEP_DB=1 (use the database as it is, only migrate),
BENCH_OUTPUT (the JSON file), BENCH_DOC (the Markdown file; "-" leaves it alone).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _harness as h  # noqa: E402

ID_NUMBER = "11010519491231002X"  # a valid resident ID (the tests' example)
SKUS = ("BENCH-A", "BENCH-B", "BENCH-C")


def seed() -> str:
    """The platform's token; everything else the intake needs, through the project's
    services (platform, customer) and the test factories (division, warehouses, products)."""
    from orders.models import Customer, Platform
    from orders.services.customers import customer_create, customer_find_exact
    from orders.services.platforms import platform_create, platform_set_token
    from tests.factories import DivisionFactory, WarehouseFactory
    from tests.orders.factories import ListedProductFactory

    division = DivisionFactory(code="GQ", name="工起事业部")
    WarehouseFactory(division=division, kind="main", code="GQ-MAIN", name="总仓")
    WarehouseFactory(division=division, kind="central", code="GQ-CENTRAL", name="中心仓")
    for sku in SKUS:
        ListedProductFactory(sku=sku, division=division)
    platform = Platform.objects.filter(code="bench").first()
    if platform is None:
        platform, token = platform_create(name="Bench mall", code="bench", by=None)
    else:
        token = platform_set_token(platform=platform, by=None)
    customer, _ = customer_find_exact(kind=Customer.Kind.INDIVIDUAL, id_number=ID_NUMBER)
    if customer is None:
        customer_create(
            kind=Customer.Kind.INDIVIDUAL,
            division=division,
            by=None,
            data={
                "name": "张三",
                "id_number": ID_NUMBER,
                "phone": "13700001111",
                "province": "北京市",
                "city": "北京市",
                "district": "东城区",
                "street": "东长安街 1 号",
                "postcode": "100010",
            },
        )
    return token


def order_body(placed_at: dt.datetime) -> dict[str, Any]:
    return {
        "platform_order_no": "{NUMBER}",
        "placed_at": placed_at.isoformat(timespec="seconds"),
        "division": "GQ",
        "buyer": {
            "kind": "individual",
            "name": "张三",
            "id_number": ID_NUMBER,
            "phone": "13700001111",
        },
        "ship_to": {
            "province": "北京市",
            "city": "北京市",
            "district": "东城区",
            "street": "东长安街 1 号",
            "postcode": "100010",
            "recipient": "张三",
            "phone": "13700001111",
        },
        "lines": [
            {"sku": sku, "quantity": quantity, "unit_price": price}
            for sku, quantity, price in zip(
                SKUS, (2, 1, 5), ("100.00", "35.50", "8.20"), strict=True
            )
        ],
        "freight": "10.00",
        "paid": True,
    }


def run() -> dict[str, Any]:
    duration = h.env_float("BENCH_DURATION", 15)
    warmup = h.env_float("BENCH_WARMUP", 2)
    clients = h.env_clients()
    workers = h.env_int("BENCH_WORKERS", 5)
    rounds = h.env_int("BENCH_ROUNDS", 3)
    settle = h.env_float("BENCH_SETTLE", 0.5)
    machine = h.machine()  # the load average before this benchmark adds its own
    h.django_setup()
    with h.step(f"database {h.database_url().rsplit('/', 1)[-1]}: create, migrate, seed"):
        h.database_prepare()
        token = seed()
        postgres = h.postgres_version()
    run_id = uuid.uuid4().hex[:8]
    template = json.dumps(order_body(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
    head, tail = (part.encode() for part in template.split("{NUMBER}"))
    auth = {"Authorization": f"Bearer {token}"}
    floor_request = h.http_post("/bench/floor", b"{}")

    numbers = itertools.count(1)  # a new platform order number for every request, all run

    def intake_request(_: int) -> bytes:
        number = f"B{run_id}-{next(numbers)}".encode()
        return h.http_post("/api/v1/orders", head + number + tail, auth)

    prewarm = h.env_float("BENCH_PREWARM", 3)
    points = []
    with h.step(f"gunicorn, {workers} workers"), h.Gunicorn(workers=workers) as server:
        # every worker opens its connection pool and imports its views before anything counts
        for make_request in (lambda _: floor_request, intake_request):
            h.load(
                name="warm",
                port=server.port,
                make_request=make_request,
                clients=workers,
                duration=prewarm,
                warmup=0,
                expect=201,
            )
        for count in clients:
            # floor and intake in alternating turns (F I F I F I): a ratio of two loads
            # measured a minute apart on a shared machine would carry its drift
            floor, intake = h.load_alternating(
                loads=[("floor", lambda _: floor_request), ("intake", intake_request)],
                port=server.port,
                clients=count,
                duration=duration,
                warmup=warmup,
                rounds=rounds,
                settle=settle,
                expect=201,
            )
            ratio = round(intake.rps / floor.rps, 3) if floor.rps else 0.0
            line = (
                f"  {count:>3} clients: floor {floor.rps:7.1f} req/s p99 {floor.p99_ms:6.1f} ms"
                f" | intake {intake.rps:7.1f} req/s p50 {intake.p50_ms:5.1f} p95"
                f" {intake.p95_ms:5.1f} p99 {intake.p99_ms:6.1f} ms | ratio {ratio:.3f}"
            )
            for point in (floor, intake):
                if point.errors:
                    line += f" | {point.name} errors {point.errors}: {point.first_error}"
            print(line, flush=True)
            points.append(
                {
                    "clients": count,
                    "floor": h.point_dict(floor),
                    "intake": h.point_dict(intake),
                    "ratio": ratio,
                }
            )
    return {
        "benchmark": "intake",
        "generated_at": h.now_utc(),
        "machine": {**machine, "database": postgres},
        "setup": {
            "server": f"gunicorn (ecomops/gunicorn_conf.py), {workers} sync workers, loopback",
            "settings": h.SETTINGS,
            "duration_s": duration,
            "warmup_s": warmup,
            "rounds": rounds,
            "settle_s": settle,
            "generator": "bench/_harness.py: asyncio closed loop, one connection per request",
            "order": "3 lines, individual buyer known to the portal (identified at intake)",
        },
        "points": points,
    }


def table(result: dict[str, Any]) -> str:
    rows = [
        f"Measured {result['generated_at']}: {result['machine']['cpus']} CPUs, "
        f"{result['machine']['database']}, Python {result['machine']['python']}, "
        f"load average {result['machine'].get('load_average_1m', '?')} at the start, "
        f"{result['setup']['duration_s']:g} s per point in {result['setup'].get('rounds', 1)} "
        "alternating turns of floor and intake (`bench/results/intake.json`).",
        "",
        "| clients | floor req/s | intake req/s | intake p50 | p95 | p99 | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for point in result["points"]:
        floor, intake = point["floor"], point["intake"]
        rows.append(
            f"| {point['clients']} | {floor['rps']:.0f} | {intake['rps']:.0f} | "
            f"{intake['p50_ms']:.1f} ms | {intake['p95_ms']:.1f} ms | {intake['p99_ms']:.1f} ms | "
            f"{point['ratio']:.3f} |"
        )
    return "\n".join(rows)


def main() -> None:
    result = run()
    output = Path(os.environ.get("BENCH_OUTPUT") or h.RESULTS / "intake.json")
    h.write_json(output, result)
    doc = os.environ.get("BENCH_DOC") or str(h.PERFORMANCE_DOC)
    if doc != "-":
        h.doc_block_replace(Path(doc), "intake", table(result), section="Intake")
    print(f"wrote {output}" + ("" if doc == "-" else f" and {doc}"))


if __name__ == "__main__":
    main()
