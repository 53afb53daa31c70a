"""Shared pieces of the HTTP benchmarks (bench/bench_*.py): a PostgreSQL database of their
own, gunicorn on loopback with the production configuration (ecomops/gunicorn_conf.py)
and ecomops.settings.bench, a bounded closed-loop load generator, and the writers of
bench/results/*.json and of docs/performance.md.

Nothing here is imported by the portal. Every process started here is stopped again
(`Gunicorn` is a context manager that kills its whole process group).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ecomops_bench"
SETTINGS = "ecomops.settings.bench"


# --- configuration from the environment ---------------------------------------------------
def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def env_clients(default: str = "1,8,32") -> list[int]:
    return [int(part) for part in os.environ.get("BENCH_CLIENTS", default).split(",") if part]


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def django_setup() -> None:
    """Configure Django with the bench settings against the bench database (in this
    process; gunicorn gets the same environment)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = database_url()
    import django

    django.setup()


# --- the database ----------------------------------------------------------------------------
def database_recreate(url: str) -> None:
    """Drop and create the benchmark's own database. Refuses a database whose name does
    not say `bench`: a mistyped DATABASE_URL must not cost anybody their data."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to recreate database {name!r}: its name must contain 'bench' "
            "(or set BENCH_KEEP_DB=1 to use it as it is)."
        )
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def database_prepare() -> None:
    """Recreate (unless BENCH_KEEP_DB=1) and migrate the bench database; call before
    `django_setup()` touches the database."""
    if os.environ.get("BENCH_KEEP_DB") != "1":
        database_recreate(database_url())
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = str(cursor.fetchone()[0])
        cursor.execute("SHOW fsync")
        fsync = str(cursor.fetchone()[0])
    return f"PostgreSQL {version} (fsync {fsync})"


# --- gunicorn ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Gunicorn:
    """gunicorn with ecomops/gunicorn_conf.py on a free loopback port, in its own process
    group; `with Gunicorn(...) as server:` waits until it answers and always stops it."""

    workers: int = 5
    port: int = 0
    log: Path = field(default_factory=lambda: ROOT / "var" / "bench-gunicorn.log")  # ignored by git
    process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.port = self.port or free_port()
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": database_url(),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_THREADS": "1",
            # the access log is formatted as in production but thrown away
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
            # worker recycling (production: every ~2000 requests) would put a worker's
            # Django start-up into the figures; set BENCH_MAX_REQUESTS to measure with it
            "GUNICORN_MAX_REQUESTS": os.environ.get("BENCH_MAX_REQUESTS", "0"),
        }
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:ecomops.gunicorn_conf"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log}")
            try:
                status, _ = asyncio.run(_request("127.0.0.1", self.port, _get(b"/api/v1/")))
                if status:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the load generator ----------------------------------------------------------------------
def _get(path: bytes) -> bytes:
    return b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def http_post(path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """One complete HTTP/1.1 POST (gunicorn's sync workers close every connection)."""
    lines = [
        f"POST {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Connection: close",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _request(host: str, port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        await writer.drain()
        response = await reader.read()  # until the server closes
    finally:
        writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, body


@dataclass
class Point:
    """One load point: `clients` closed-loop clients for `duration` seconds."""

    name: str
    clients: int
    duration: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    first_error: str = ""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return 0.0
    rank = max(1, round(share * len(values) + 0.5))
    return values[min(rank, len(values)) - 1]


def load(
    *,
    name: str,
    port: int,
    make_request: Callable[[int], bytes],
    clients: int,
    duration: float,
    warmup: float,
    expect: int,
) -> Point:
    """Closed loop: each of `clients` sends a request, waits for the whole answer, sends
    the next; at most `clients` requests are in flight (bounded). Requests finished during
    the warm-up are not counted."""
    run = asyncio.run(_load(port, make_request, clients, duration, warmup, expect))
    return _point(name, clients, [run])


def load_alternating(
    *,
    loads: list[tuple[str, Callable[[int], bytes]]],
    port: int,
    clients: int,
    duration: float,
    warmup: float,
    rounds: int,
    settle: float,
    expect: int,
) -> list[Point]:
    """Each of `loads` (name, request maker) for `duration` seconds in all, as `rounds`
    turns of duration/rounds each, one load after the other: A B A B A B. A shared machine
    changes speed over a minute (the floor alone swung by a quarter between two runs here),
    and loads measured at the same time compare fairly. The first turn of each load starts
    after `warmup`, the later ones after `settle` (the closed loop refilling); the points
    add up the turns (requests over the measured time, percentiles of every latency)."""
    runs: dict[str, list[_Run]] = {name: [] for name, _make in loads}
    for turn in range(max(1, rounds)):
        for name, make_request in loads:
            runs[name].append(
                asyncio.run(
                    _load(
                        port,
                        make_request,
                        clients,
                        duration / max(1, rounds),
                        warmup if turn == 0 else settle,
                        expect,
                    )
                )
            )
    return [_point(name, clients, runs[name]) for name, _make in loads]


@dataclass
class _Run:
    """One measured stretch of one load: what _point adds up."""

    duration: float
    expect: int
    latencies: list[float]
    statuses: dict[str, int]
    first_error: str


def _point(name: str, clients: int, runs: list[_Run]) -> Point:
    latencies = sorted(latency for run in runs for latency in run.latencies)
    statuses: dict[str, int] = {}
    for run in runs:
        for status, count in run.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    duration = sum(run.duration for run in runs)
    done = len(latencies)
    errors = done - statuses.get(str(runs[0].expect), 0)
    return Point(
        name=name,
        clients=clients,
        duration=duration,
        requests=done,
        errors=errors,
        rps=round((done - errors) / duration, 1),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
        max_ms=round((latencies[-1] if latencies else 0.0) * 1000, 1),
        statuses=statuses,
        first_error=next((run.first_error for run in runs if run.first_error), ""),
    )


async def _load(
    port: int,
    make_request: Callable[[int], bytes],
    clients: int,
    duration: float,
    warmup: float,
    expect: int,
) -> _Run:
    counter = iter(range(10**12))
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + duration
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    first_error: list[str] = []

    async def client() -> None:
        while True:
            raw = make_request(next(counter))
            began = time.perf_counter()
            if began >= stop_at:
                return
            try:
                status, body = await _request("127.0.0.1", port, raw)
            except OSError as error:
                status, body = 0, str(error).encode()
            ended = time.perf_counter()
            if began >= measure_from and ended <= stop_at:
                latencies.append(ended - began)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status != expect and not first_error:
                    first_error.append(f"{status} {body[:300]!r}")

    await asyncio.gather(*(client() for _ in range(clients)))
    return _Run(duration, expect, latencies, statuses, first_error[0] if first_error else "")


# --- results -------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        # other work on the machine skews every figure; the ratio to the floor less so
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def point_dict(point: Point) -> dict[str, Any]:
    return asdict(point)


def now_utc() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"


def doc_block_replace(doc: Path, name: str, text: str, *, section: str) -> None:
    """Put `text` between the markers `<!-- bench:{name}:start/end -->` of `doc`; a
    missing document or block is created under the heading `## {section}`. Everything
    outside the markers (prose, other sections) is left as it is."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    content = doc.read_text() if doc.exists() else "# Performance\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(content):
        content = pattern.sub(lambda _: block, content)
    elif f"## {section}\n" in content:
        content = content.replace(f"## {section}\n", f"## {section}\n\n{block}\n", 1)
    else:
        content = content.rstrip() + f"\n\n## {section}\n\n{block}\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(content)


@contextmanager
def step(label: str) -> Iterator[None]:
    began = time.perf_counter()
    print(f"… {label}", flush=True)
    yield
    print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)
