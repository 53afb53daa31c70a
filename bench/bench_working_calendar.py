"""Benchmark: working-calendar arithmetic on generated timestamps.

Every order's ship-by date and SLA due times go through these functions at intake, and
the per-minute breach scan compares against them, so they must stay cheap. Run with
`make bench`; figures go to bench/results/working_calendar.txt.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecomops.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from core.working_calendar import add_business_minutes, local_zone, ship_by  # noqa: E402

COUNT = int(os.environ.get("BENCH_COUNT", "200000"))


def timestamps(count: int) -> list[dt.datetime]:
    generator = random.Random(20261127)
    start = dt.datetime(2026, 1, 1, tzinfo=local_zone()).timestamp()
    span = 365 * 24 * 3600
    return [
        dt.datetime.fromtimestamp(start + generator.random() * span, tz=dt.UTC)
        for _ in range(count)
    ]


def measure(
    label: str, function: Callable[[dt.datetime], object], values: list[dt.datetime]
) -> str:
    began = time.perf_counter()
    for value in values:
        function(value)
    elapsed = time.perf_counter() - began
    rate = len(values) / elapsed
    return f"{label:<32} {len(values):>9,} calls  {elapsed:8.3f} s  {rate:>12,.0f}/s"


def main() -> None:
    call_command("migrate", verbosity=0)
    values = timestamps(COUNT)
    lines = [
        f"working calendar benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        measure("ship_by", ship_by, values),
        measure("add_business_minutes(+15)", lambda v: add_business_minutes(v, 15), values),
        measure("add_business_minutes(+600)", lambda v: add_business_minutes(v, 600), values),
    ]
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "working_calendar.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    print(report, end="")


if __name__ == "__main__":
    main()
