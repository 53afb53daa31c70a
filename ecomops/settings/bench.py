"""Benchmarks (bench/): production-like (DEBUG off, PostgreSQL with Django's pool, the
production middleware) plus the `bench_floor` app, whose bare view is the floor the intake
is compared with. Only the benchmark harness uses these settings; the floor is routed
nowhere else (ecomops.urls does not know it)."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

DEBUG = False
SECRET_KEY = env(
    "SECRET_KEY", default="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench_floor"]
ROOT_URLCONF = "bench_floor.urls"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
