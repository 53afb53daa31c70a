"""The returns pages under /returns/. Each views module of this app lists its own
`urlpatterns`; they are joined here."""

from __future__ import annotations

from importlib import import_module
from pkgutil import iter_modules

from django.urls import URLPattern

from . import views

app_name = "returns"

urlpatterns: list[URLPattern] = []
for _info in sorted(iter_modules(views.__path__), key=lambda info: info.name):
    if _info.name.startswith("_"):
        continue
    urlpatterns += getattr(import_module(f"{views.__name__}.{_info.name}"), "urlpatterns", [])
