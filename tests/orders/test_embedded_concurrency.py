"""The embedded default (SQLite file) takes simultaneous intakes: WAL, immediate
transactions and a busy timeout (settings). Runs a fresh process on a file database, since
the suite's in-memory database cannot show it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, threading
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # ALLOWED_HOSTS takes "testserver"
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
from django.test import Client
from tests.factories import DivisionFactory, WarehouseFactory
from tests.orders.factories import TOKEN, ListedProductFactory, PlatformFactory, payload

division = DivisionFactory(code="GQ", name="工起事业部")
WarehouseFactory(division=division, kind="main", code="GQ-MAIN", name="总仓")
WarehouseFactory(division=division, kind="central", code="GQ-CENTRAL", name="中心仓")
PlatformFactory()
ListedProductFactory(sku="SKU-A", division=division)
connections.close_all()

barrier = threading.Barrier(10)
statuses = []

def send(index):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", raise_request_exception=False)
    body = payload(platform_order_no=f"MALL-CONCURRENT-{index}")
    barrier.wait()
    response = client.post("/api/v1/orders", body, content_type="application/json")
    statuses.append(response.status_code)
    connections.close_all()

threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
from orders.models import Order
print(json.dumps({"statuses": sorted(statuses), "orders": Order.objects.count()}))
"""


def test_ten_simultaneous_intakes_on_the_embedded_sqlite_are_all_stored(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "ecomops.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": [201] * 10, "orders": 10}
