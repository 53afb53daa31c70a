"""gunicorn settings for the web processes (docs/operations.md):

    DJANGO_SETTINGS_MODULE=ecomops.settings.production gunicorn -c python:ecomops.gunicorn_conf

Every value can be changed from the environment; the defaults suit one host behind nginx
on the same machine. Web processes keep no state of their own (sessions in PostgreSQL,
cache and login lock-out in Redis), so any number of them may run side by side.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "ecomops.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# sync workers: 2 per core + 1 is gunicorn's rule of thumb for I/O-bound Django views
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
# the slowest page (a large export) is sent to Celery; 60 s kills a hung request only
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# recycle workers now and then so a slow leak cannot grow without bound
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# the proxies whose X-Forwarded-Proto gunicorn believes (Django's SECURE_PROXY_SSL_HEADER
# then sees https); the client address for login throttling is TRUSTED_PROXIES' business
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
proc_name = "ecomops-web"
# gunicorn ≥ 27 opens a control socket at one fixed path per user, which two instances on
# a host would fight over; off unless a path is given (older versions ignore both names)
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
