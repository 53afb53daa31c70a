"""Province names and codes (GB/T 2260) and the routing table (SPEC §3)."""

from __future__ import annotations

import pytest
from django.test import Client

from orders.models import ProvinceRoute
from orders.provinces import province_code
from tests.orders.conftest import post_order
from tests.orders.factories import payload


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("新疆维吾尔自治区", "65"),
        ("新疆维吾尔族自治区", "65"),  # the usual misspelling
        ("新疆维族自治区", "65"),
        ("新疆維吾爾自治區", "65"),
        ("Xinjiang Uyghur Autonomous Region", "65"),
        ("广西壮族自治区", "45"),
        ("广西壮自治区", "45"),
        ("广西壮族", "45"),
        ("广西省", "45"),
        ("宁夏回族自治区", "64"),
        ("宁夏回自治区", "64"),
        ("宁夏省", "64"),
        ("西藏藏族自治区", "54"),
        ("内蒙", "15"),
        ("内蒙古自治区", "15"),
        ("台湾", "71"),
        ("台湾省", "71"),
        ("臺灣", "71"),
        ("Taiwan", "71"),
        ("香港", "81"),
        ("香港特别行政区", "81"),
        ("香港特別行政區", "81"),
        ("Hong Kong", "81"),
        ("Hong Kong SAR", "81"),
        ("810000", "81"),
        ("澳门", "82"),
        ("澳門", "82"),
        ("澳门特别行政区", "82"),
        ("Macao", "82"),
        ("Macau", "82"),
        ("82", "82"),
    ],
)
def test_province_names_and_codes(name: str, code: str) -> None:
    assert province_code(name) == code


@pytest.mark.parametrize("name", ["回", "维吾尔族", "自治区", "Atlantis", "99", "990000"])
def test_unknown_names_stay_unknown(name: str) -> None:
    assert province_code(name) is None


@pytest.mark.django_db
def test_the_routing_table_has_every_province_level_division() -> None:
    routes = dict(ProvinceRoute.objects.values_list("code", "warehouse_kind"))

    assert len(routes) == 34
    assert {code: routes[code] for code in ("71", "81", "82")} == {
        "71": "main",
        "81": "main",
        "82": "main",
    }
    assert {code for code, kind in routes.items() if kind == "central"} == {
        "15",
        "21",
        "53",
        "54",
        "62",
        "64",
        "65",
    }


@pytest.mark.django_db
def test_the_route_migration_leaves_existing_rows_alone() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("orders.migrations.0007_routes_hong_kong_macao_taiwan")
    ProvinceRoute.objects.filter(code="81").update(name="香港", warehouse_kind="central")
    ProvinceRoute.objects.filter(code="82").delete()

    migration.add_routes(apps, None)

    assert ProvinceRoute.objects.get(code="81").warehouse_kind == "central"  # the admin's
    added = ProvinceRoute.objects.get(code="82")
    assert (added.name, added.warehouse_kind) == ("澳门特别行政区", "main")


@pytest.mark.parametrize(
    ("province", "warehouse"),
    [
        ("新疆维吾尔族自治区", "GQ-CENTRAL"),
        ("广西壮自治区", "GQ-MAIN"),
        ("宁夏回自治区", "GQ-CENTRAL"),
        ("香港特别行政区", "GQ-MAIN"),
        ("Macau", "GQ-MAIN"),
        ("台湾省", "GQ-MAIN"),
    ],
)
def test_intake_routes_the_new_spellings(api: Client, province: str, warehouse: str) -> None:
    response = post_order(api, payload(**{"ship_to.province": province}))

    assert response.status_code == 201
    assert response.json()["warehouse"] == warehouse
