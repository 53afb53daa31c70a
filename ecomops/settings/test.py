from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-media"
RETURNS_EVIDENCE_ROOT = VAR_DIR / "test-private" / "evidence"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite's orders carry fixed dates in 2025–2026 and it is also run under faketime in
# 2027; the replay window has tests of its own (tests/orders/test_api.py).
ORDER_REPLAY_WINDOW_DAYS = 3650
