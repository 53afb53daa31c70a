"""A tiny run of each benchmark (bench/), so the harness cannot rot: the intake benchmark
with one client for about a second against the test database, its own short-lived
gunicorn, figures written to a temporary file. Runs wherever the suite runs on PostgreSQL
(CI); skipped on SQLite or without gunicorn. The benchmarks themselves are `make bench`."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]

# transaction=True: what the benchmark writes (it commits, from other processes) is
# flushed after the test, like every other table.
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def test_the_intake_benchmark_runs(tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run against PostgreSQL")
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed")
    output, doc = tmp_path / "intake.json", tmp_path / "performance.md"
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BENCH_KEEP_DB": "1",  # the test database: only the floor's table is added
        "BENCH_CLIENTS": "1",
        "BENCH_DURATION": "1",
        "BENCH_WARMUP": "0.2",
        "BENCH_PREWARM": "0.3",
        "BENCH_WORKERS": "2",
        "BENCH_ROUNDS": "2",  # F I F I
        "BENCH_SETTLE": "0.1",
        "BENCH_OUTPUT": str(output),
        "BENCH_DOC": str(doc),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    connection.close()  # nothing of ours holds the database while the benchmark migrates

    run = subprocess.run(
        [sys.executable, "bench/bench_intake.py"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result: dict[str, Any] = json.loads(output.read_text())
    [point] = result["points"]
    assert point["clients"] == 1
    for name in ("floor", "intake"):
        assert point[name]["requests"] > 0, point
        assert point[name]["errors"] == 0, point[name]["first_error"]
        assert 0 < point[name]["p50_ms"] <= point[name]["p99_ms"]
    assert point["ratio"] > 0
    assert result["setup"]["rounds"] == 2
    assert point["floor"]["duration"] == pytest.approx(1) == point["intake"]["duration"]
    text = doc.read_text()
    assert "## Intake" in text and "| clients | floor req/s |" in text


def test_the_floor_is_not_routed_by_the_portal() -> None:
    with pytest.raises(Resolver404):
        resolve("/bench/floor")


def test_alternating_turns_add_up_into_one_point() -> None:
    """The harness's sum of turns: requests over the measured time, percentiles over every
    latency, errors against the expected status, the first error kept."""
    sys.path.insert(0, str(ROOT / "bench"))
    import _harness as h

    turns = [
        h._Run(2.0, 201, [0.010] * 98 + [0.5, 0.6], {"201": 100}, ""),
        h._Run(2.0, 201, [0.020] * 49 + [0.030], {"201": 49, "500": 1}, "500 b'boom'"),
    ]

    point = h._point("intake", 8, turns)

    assert (point.requests, point.errors, point.duration) == (150, 1, 4.0)
    assert point.rps == pytest.approx(149 / 4.0, abs=0.05)
    assert point.p50_ms == 10.0 and point.p99_ms == 500.0 and point.max_ms == 600.0
    assert point.statuses == {"201": 149, "500": 1} and point.first_error == "500 b'boom'"
