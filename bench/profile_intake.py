"""Profile one intake in process (no HTTP server): the SQL statements of one
`POST /api/v1/orders` through the whole Django stack (middleware, ninja, services) and the
time per request over many requests, optionally under cProfile.

    .venv/bin/python bench/profile_intake.py            # statements + ms per intake
    .venv/bin/python bench/profile_intake.py --cprofile # + the 30 costliest functions

Uses the bench database as bench_intake.py left it (BENCH_KEEP_DB=1 is implied: it only
migrates and seeds). Not part of `make bench`.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["BENCH_KEEP_DB"] = "1"

import _harness as h  # noqa: E402
import bench_intake  # noqa: E402


def main() -> None:
    count = int(os.environ.get("BENCH_COUNT", "300"))
    h.django_setup()
    h.database_prepare()
    token = bench_intake.seed()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    template = bench_intake.order_body(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    run = uuid.uuid4().hex[:8]

    def post(index: int) -> None:
        body = {**template, "platform_order_no": f"P{run}-{index}"}
        response = client.post("/api/v1/orders", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content

    for index in range(20):  # warm: pool, caches, imports
        post(index)
    with CaptureQueriesContext(connection) as queries:
        post(10**6)
    for number, query in enumerate(queries.captured_queries, 1):
        print(f"{number:>3} {query['time']:>6}s  {query['sql'][:150]}")
    print(f"{len(queries.captured_queries)} statements")
    profiler = cProfile.Profile(time.process_time) if "--cprofile" in sys.argv else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for index in range(100, 100 + count):
        post(index)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{count} intakes: {wall / count * 1000:.2f} ms wall, {cpu / count * 1000:.2f} ms CPU each"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
