"""Settings shared by every environment; values come from the environment (django-environ).

Embedded defaults (SQLite under var/, kombu's filesystem broker) let the portal run with
no server; DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

from core.discovery import modules_of

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "ninja",  # serves the API docs page's assets from the package (no CDN)
]
# The project's apps, in the order of an order's life (imports point only leftwards).
PROJECT_APPS = ["core", "catalog", "orders", "fulfilment", "billing", "returns"]
INSTALLED_APPS += PROJECT_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserAccessMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "core.middleware.ControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ecomops.urls"
WSGI_APPLICATION = "ecomops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]

# Every form's common widgets are written in Python, the same HTML as Django's templates
# (core.form_renderer; tests/core/test_form_renderer.py compares them): a filter form of a
# list page cost ~1.5 ms per field through the template engine, on every request.
FORM_RENDERER = "core.form_renderer.WidgetRenderer"

# --- database -------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ecomops.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's own pool (psycopg 3); it is per process, so keep it small for Celery workers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        "timeout": 10,
    }
else:
    # The embedded default must take what a platform sends at once (ten simultaneous
    # intakes): WAL lets readers run beside the writer, IMMEDIATE takes the write lock at
    # BEGIN (no deadlocked upgrade from a read lock, the cause of "database is locked"),
    # and a writer waits up to 20 s for the previous one.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# The intake's hot statements (core.rawsql) are prepared once per pooled connection on
# PostgreSQL. Turn off behind a pooler that cannot keep prepared statements (PgBouncer in
# transaction mode before 1.21 / without max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Django's database sessions and ModelBackend, with the two reads of every request (the
# session, the signed-in user) as fixed statements (core.request_reads, issue 12).
SESSION_ENGINE = "core.request_reads"
AUTHENTICATION_BACKENDS = ["core.request_reads.UserBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# --- language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# One way of writing dates in both languages and in Django admin (ecomops/formats/).
FORMAT_MODULE_PATH = ["ecomops.formats"]

# --- static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- mail and SMS ---------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ecomops@localhost")
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.OutboxSmsBackend")
# E-mail copies of inbox messages go from a Celery task, retried with backoff on SMTP
# errors; after this many attempts the message is marked "failed" (the inbox row stays).
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=6)
# Where users reach the portal; e-mails carry absolute links built on it.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "store_processed": False,
        "control_folder": str(_broker / "control"),
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Every entry is idempotent and safe to run late or twice. Times are Asia/Shanghai.
CELERY_BEAT_SCHEDULE = {
    # 02:30 every day: warn admins when next year's official holiday schedule is missing.
    "calendar-next-year-check": {
        "task": "core.tasks.calendar_next_year_check_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # every 15 minutes: queue again the e-mails of inbox messages whose task was lost.
    "notification-email-requeue": {
        "task": "core.tasks.notification_email_requeue_task",
        "schedule": crontab(minute="*/15"),
    },
}

# Each app keeps its beat entries in `<app>/schedule.py` (BEAT_SCHEDULE); that module
# imports nothing but celery.schedules, so reading it here is safe. A missing module is
# skipped, a broken one stops the start (core.discovery).
for _module in modules_of(PROJECT_APPS, "schedule"):
    CELERY_BEAT_SCHEDULE.update(_module.BEAT_SCHEDULE)

# --- business rules -------------------------------------------------------------------
BUSINESS_DAY_START = env("BUSINESS_DAY_START", default="08:30")
BUSINESS_DAY_END = env("BUSINESS_DAY_END", default="17:30")
SHIP_SAME_DAY_CUTOFF = env("SHIP_SAME_DAY_CUTOFF", default="15:00")
# An edit of the special-day table reaches the process that saved it at once and every
# other process within this many seconds (core.working_calendar).
CALENDAR_VERSION_CHECK_SECONDS = env.float("CALENDAR_VERSION_CHECK_SECONDS", default=2.0)
# Invoices are due by this time on the ship-by day (or 60 business minutes after the note).
INVOICE_CUTOFF = env("INVOICE_CUTOFF", default="15:00")
# How old an order may be when it reaches the intake (placed_at): a platform replays what an
# outage held back, which is days, not months; an older order is keyed in with the lead's
# knowledge, not accepted silently. The future is bounded separately (10 minutes, SPEC §7).
ORDER_REPLAY_WINDOW_DAYS = env.int("ORDER_REPLAY_WINDOW_DAYS", default=31)
# How long (seconds) a web process keeps the platform found for an API token; a platform
# deactivated or a token replaced takes effect at once in the process that saved it and
# within this time in the others. 0 looks the platform up on every request.
PLATFORM_AUTH_CACHE_SECONDS = env.int("PLATFORM_AUTH_CACHE_SECONDS", default=5)
# An order line whose unit price lies further than this fraction from the listed selling
# price (or is zero) is accepted but flagged for the rep to look at (orders.flags).
ORDER_PRICE_TOLERANCE = env("ORDER_PRICE_TOLERANCE", default="0.10")
# Calendar days after the customer's receipt confirmation in which a return may be asked for.
ORDER_RETURN_WINDOW_DAYS = env.int("ORDER_RETURN_WINDOW_DAYS", default=5)
# Roles whose members see every division (the platform's head-office functions).
HEAD_OFFICE_ROLES = env.list(
    "HEAD_OFFICE_ROLES",
    default=["product_group", "ecom_leader", "sales_head", "hq_finance", "logistics_lead"],
)

# --- billing ------------------------------------------------------------------------------
# VAT rate of the freight line of an invoice (产品与物流费用共同的发票: freight is billed with
# the goods); the goods lines take each product's rate from the catalog.
FREIGHT_VAT_RATE = env("FREIGHT_VAT_RATE", default="0.13")

# --- returns ------------------------------------------------------------------------------
# A refund above this amount (CNY) needs the e-commerce leader as well as the head of sales
# (OA 退款流程: "5000元以下" includes 5,000, which needs the head of sales only).
RETURN_REFUND_LEADER_THRESHOLD = env("RETURN_REFUND_LEADER_THRESHOLD", default="5000.00")
# Evidence files of return requests: kept outside MEDIA_ROOT (never served as static
# files), opened only through the permission-checked view.
RETURNS_EVIDENCE_ROOT = env.path(
    "RETURNS_EVIDENCE_ROOT", default=str(VAR_DIR / "private" / "evidence")
)
RETURN_EVIDENCE_MAX_BYTES = env.int("RETURN_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
RETURN_EVIDENCE_MAX_FILES = env.int("RETURN_EVIDENCE_MAX_FILES", default=6)

# --- fulfilment ---------------------------------------------------------------------------
# Replenishment requests (采购申请) above this amount (CNY) need the approval role's decision
# (the policy's chairman; here a role setting). At or below it they are approved on submission.
REPLENISHMENT_APPROVAL_THRESHOLD = env("REPLENISHMENT_APPROVAL_THRESHOLD", default="1000.00")
REPLENISHMENT_APPROVAL_ROLE = env("REPLENISHMENT_APPROVAL_ROLE", default="ecom_leader")
# The warehouse lead who approves the weekly stock take before its variances post.
STOCK_TAKE_APPROVAL_ROLE = env("STOCK_TAKE_APPROVAL_ROLE", default="logistics_lead")
# Days of shipments a product's available stock must cover before it counts as low.
LOW_STOCK_COVER_DAYS = env.int("LOW_STOCK_COVER_DAYS", default=7)
# The platform's logistics group: e-mail addresses that receive the 09:00 logistics report.
LOGISTICS_REPORT_EMAILS = env.list("LOGISTICS_REPORT_EMAILS", default=[])

LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=15 * 60)
# The client's address behind a reverse proxy (login throttling, core.client_address): the
# header the proxy appends to (a META key, e.g. HTTP_X_FORWARDED_FOR) and the addresses or
# networks of the proxies trusted to write it. Unset: REMOTE_ADDR, the header ignored.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# --- personal-data encryption -----------------------------------------------------------
# Comma-separated Fernet keys, newest first; older keys still decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["N4z3Lk1Y5VZ2t9iS0XnJ8o7VtqzQ2yHDcAfpB6wD2kU="]
)
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="local-blind-index-key")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
