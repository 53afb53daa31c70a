"""Finding the per-app modules every registry collects (`dashboard`, `navigation`, `roles`,
`schedule`, `demo`): one rule for all of them, after Django's `autodiscover_modules`.

An app without the module is skipped; an app whose module exists but fails to import
raises — a typo in `orders/dashboard.py` must stop the process, not make the orders panels
quietly vanish. Modules are returned in INSTALLED_APPS order (core first, then the order's
life: catalog, orders, fulfilment, billing, returns).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from types import ModuleType

from django.utils.module_loading import module_has_submodule


def submodule_of(package_name: str, name: str) -> ModuleType | None:
    """`<package_name>.<name>` imported, or None when the package has no such module."""
    package = import_module(package_name)
    if not module_has_submodule(package, name):
        return None
    return import_module(f"{package_name}.{name}")


def modules_of(package_names: Iterable[str], name: str) -> list[ModuleType]:
    """The `name` module of each package that has one, in the order given. Usable before
    the app registry is ready (settings read `schedule` modules this way)."""
    return [
        module
        for package_name in package_names
        if (module := submodule_of(package_name, name)) is not None
    ]


def project_app_names() -> list[str]:
    """The installed apps that are this project's own (settings.PROJECT_APPS), in
    INSTALLED_APPS order."""
    from django.apps import apps
    from django.conf import settings

    own = set(settings.PROJECT_APPS)
    return [config.name for config in apps.get_app_configs() if config.name in own]


def app_modules(name: str, *, exclude: Iterable[str] = ()) -> list[ModuleType]:
    """The `name` module of every project app that has one, in INSTALLED_APPS order."""
    skipped = set(exclude)
    return modules_of([app for app in project_app_names() if app not in skipped], name)
