"""One discovery rule for every registry: a missing module is skipped, a broken one raises
(core.discovery). A fake app on sys.path stands in for a domain app with a typo."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from core import dashboard, navigation
from core.discovery import app_modules, modules_of, project_app_names, submodule_of
from core.roles import all_role_permissions


@pytest.fixture
def fake_app(tmp_path: Path, settings: Any) -> Iterator[str]:
    """`fakeapp`, importable from a temporary folder: a dashboard with a broken import, a
    navigation module, no schedule module."""
    package = tmp_path / "fakeapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "dashboard.py").write_text("import a_module_that_does_not_exist\n")
    (package / "navigation.py").write_text("NAV_ITEMS = []\n")
    sys.path.insert(0, str(tmp_path))
    yield "fakeapp"
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == "fakeapp" or n.startswith("fakeapp.")]:
        del sys.modules[name]


def test_a_missing_module_is_skipped_and_a_present_one_imported(fake_app: str) -> None:
    assert submodule_of(fake_app, "schedule") is None
    assert submodule_of(fake_app, "navigation").NAV_ITEMS == []  # type: ignore[union-attr]
    assert [m.__name__ for m in modules_of([fake_app, "core"], "navigation")] == [
        "fakeapp.navigation",
        "core.navigation",
    ]


def test_a_module_that_fails_to_import_raises_instead_of_vanishing(fake_app: str) -> None:
    with pytest.raises(ModuleNotFoundError, match="a_module_that_does_not_exist"):
        submodule_of(fake_app, "dashboard")


def test_the_home_page_registry_raises_on_an_apps_broken_dashboard(
    fake_app: str, settings: Any
) -> None:
    dashboard._panel_builders.cache_clear()
    try:
        with (
            override_settings(
                INSTALLED_APPS=[*settings.INSTALLED_APPS, fake_app],
                PROJECT_APPS=[*settings.PROJECT_APPS, fake_app],
            ),
            pytest.raises(ModuleNotFoundError, match="a_module_that_does_not_exist"),
        ):
            dashboard._panel_builders()
    finally:
        dashboard._panel_builders.cache_clear()


def test_project_apps_in_the_order_of_an_orders_life(settings: Any) -> None:
    assert project_app_names() == settings.PROJECT_APPS
    assert [m.__name__ for m in app_modules("roles", exclude=["core"])] == [
        "catalog.roles",
        "orders.roles",
        "fulfilment.roles",
        "billing.roles",
        "returns.roles",
    ]
    assert [m.__name__ for m in app_modules("demo")][:3] == [
        "core.demo",
        "catalog.demo",
        "orders.demo",
    ]


def test_the_registries_collect_every_apps_entries() -> None:
    navigation._all_items.cache_clear()
    urls = {item.url_name for item in navigation._all_items()}
    assert {"core:home", "catalog:product-list", "orders:order-list"} <= urls
    assert "orders.view_order" in all_role_permissions()["sales_rep"]
