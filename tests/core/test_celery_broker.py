"""A task travels through the configured broker (Redis in CI, the filesystem broker on a
laptop) to a real worker and back; the beat schedule is well-formed."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from ecomops.celery import app


@pytest.fixture
def broker_worker():
    app.conf.update(
        task_always_eager=False,
        result_backend="cache+memory://",
    )
    app.loader.import_task_module("celery.contrib.testing.tasks")
    # The app caches its result backend per thread; drop it so the one above is used.
    app._local.__dict__.pop("backend", None)
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=5):
            yield
    finally:
        app.conf.update(task_always_eager=True, result_backend=None)
        app._local.__dict__.pop("backend", None)


def test_task_round_trip_through_the_configured_broker(broker_worker):
    from core.tasks import broker_echo_task

    result = broker_echo_task.delay("订单")
    assert result.get(timeout=20) == "订单"
    assert app.connection().transport_cls in {"redis", "filesystem"} or app.conf.broker_url


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names unknown task {entry['task']}"
