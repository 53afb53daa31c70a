"""Production: PostgreSQL, Redis, HTTPS behind a proxy, several web and worker processes.
Refuses to start without SECRET_KEY or without a shared cache (CACHE_URL, Redis)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (at least 50 random characters)."
    )
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY")
# Login lock-out counters and the working-calendar cache must be shared by every process:
# a per-process cache (locmem, or none) would let each gunicorn worker count on its own.
CACHE_URL = env("CACHE_URL", default="")
if not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        "CACHE_URL must be set in the environment to a Redis URL shared by every process "
        "(e.g. redis://127.0.0.1:6379/1); a per-process cache breaks login lock-out."
    )
CACHES = {"default": env.cache("CACHE_URL")}
