"""Django admin for the catalog's master data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import PriceChange, Product, ProductBin
from core.audit import audit_history
from tests.catalog.factories import ProductBinFactory
from tests.factories import WarehouseFactory


@pytest.fixture
def admin_client_for(users: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


@pytest.mark.parametrize(
    "model", ["category", "product", "productbin", "listingapplication", "pricechange"]
)
def test_changelists_open(model: str, admin_client_for: Client, make_application: Any) -> None:
    make_application()
    response = admin_client_for.get(reverse(f"admin:catalog_{model}_changelist"))
    assert response.status_code == 200


def test_price_history_and_applications_are_read_only(admin_client_for: Client) -> None:
    assert admin_client_for.get(reverse("admin:catalog_pricechange_add")).status_code == 403
    assert admin_client_for.get(reverse("admin:catalog_listingapplication_add")).status_code == 403


def _product_form(product: Product, warehouse: Any, bin_code: str) -> dict[str, str]:
    return {
        "sku": product.sku,
        "name": product.name,
        "division": str(product.division_id),
        "category": "",
        "specification": "",
        "unit": product.unit,
        "weight_kg": "1.000",
        "vat_rate": "0.130",
        "detail_content": "",
        "expected_monthly_sales": "",
        "promotion_plan": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "bins-TOTAL_FORMS": "1",
        "bins-INITIAL_FORMS": "0",
        "bins-0-warehouse": str(warehouse.pk),
        "bins-0-bin_code": bin_code,
    }


def test_bins_are_edited_inline_and_audited(
    admin_client_for: Client, make_product: Any, warehouses: dict[str, Any]
) -> None:
    product = make_product()

    response = admin_client_for.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        _product_form(product, warehouses["central"], " c-02-03 "),
    )

    assert response.status_code == 302
    bin_location = ProductBin.objects.get(product=product)
    assert (bin_location.warehouse, bin_location.bin_code) == (warehouses["central"], "C-02-03")
    actions = [r.action for r in audit_history(product)]
    assert actions == ["product_changed_in_admin", "productbin_changed_in_admin"]


def test_a_bin_in_another_divisions_warehouse_is_refused(
    admin_client_for: Client, make_product: Any, other_division: Any
) -> None:
    product = make_product()
    foreign = WarehouseFactory(division=other_division, code="DQ-MAIN")

    response = admin_client_for.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        _product_form(product, foreign, "A-01-01"),
    )

    assert response.status_code == 200
    assert not ProductBin.objects.exists()


def test_one_bin_per_product_and_warehouse(make_product: Any, warehouses: dict[str, Any]) -> None:
    from django.db import IntegrityError, transaction

    product = make_product()
    ProductBinFactory(product=product, warehouse=warehouses["main"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductBinFactory(product=product, warehouse=warehouses["main"])


def test_prices_and_status_are_read_only_in_the_product_admin(
    admin_client_for: Client, make_product: Any, warehouses: dict[str, Any]
) -> None:
    product = make_product(status=Product.Status.LISTED, complete=True)
    data = _product_form(product, warehouses["main"], "A-01-01")
    data.update(selling_price="1.00", status="draft")

    admin_client_for.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    product.refresh_from_db()
    assert (str(product.selling_price), product.status) == ("85.00", "listed")
    assert not PriceChange.objects.exists()


def _with_image_inline(data: dict[str, str], product: Product, *, delete: bool) -> dict[str, str]:
    image = product.images.get()
    inline = {
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "1",
        "images-0-id": str(image.pk),
        "images-0-product": str(product.pk),
        "images-0-caption": "换个说明",
        "images-0-position": "0",
    }
    if delete:
        inline["images-0-DELETE"] = "on"
    return {**data, **inline}


def test_a_listed_products_base_information_and_images_are_read_only_in_the_admin(
    admin_client_for: Client, make_product: Any, warehouses: dict[str, Any]
) -> None:
    product = make_product(status=Product.Status.LISTED, complete=True)
    data = _with_image_inline(
        _product_form(product, warehouses["main"], "A-01-01"), product, delete=True
    )
    url = reverse("admin:catalog_product_change", args=[product.pk])

    page = admin_client_for.get(url)
    response = admin_client_for.post(url, data)

    assert {"detail_content", "expected_monthly_sales", "promotion_plan"} <= set(
        page.context["adminform"].readonly_fields
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.detail_content, product.expected_monthly_sales, product.promotion_plan) == (
        "产品详情。",
        50,
        "首月满减。",
    )
    assert list(product.images.values_list("caption", flat=True)) == ["主图"]
    assert [r.action for r in audit_history(product)] == [
        "product_changed_in_admin",
        "productbin_changed_in_admin",
    ]


def test_an_unlisted_products_images_and_base_information_are_edited_in_the_admin(
    admin_client_for: Client, make_product: Any, warehouses: dict[str, Any]
) -> None:
    product = make_product(status=Product.Status.APPROVED, complete=True)
    data = _with_image_inline(
        _product_form(product, warehouses["main"], "A-01-01"), product, delete=True
    )

    response = admin_client_for.post(
        reverse("admin:catalog_product_change", args=[product.pk]), data
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.detail_content, product.promotion_plan) == ("", "")
    assert not product.images.exists()


def test_bulk_deletes_write_one_audit_row_per_object(
    admin_client_for: Client, make_product: Any, warehouses: dict[str, Any], users: dict[str, Any]
) -> None:
    from core.models import AuditRecord

    product = make_product()
    bins = [
        ProductBinFactory(product=product, warehouse=warehouses["main"], bin_code="A-01-01"),
        ProductBinFactory(product=product, warehouse=warehouses["central"], bin_code="C-01-01"),
    ]
    kept = ProductBinFactory(warehouse=warehouses["main"], bin_code="A-09-09")

    response = admin_client_for.post(
        reverse("admin:catalog_productbin_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(b.pk) for b in bins],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(ProductBin.objects.all()) == [kept]
    rows = AuditRecord.objects.filter(action="productbin_deleted_in_admin").order_by("object_id")
    assert [(r.object_type, r.object_id, r.actor, r.data) for r in rows] == [
        ("catalog.productbin", str(b.pk), users["admin"], {"bulk": True}) for b in bins
    ]


def test_a_bulk_delete_of_categories_is_audited(
    admin_client_for: Client, users: dict[str, Any]
) -> None:
    from core.models import AuditRecord
    from tests.catalog.factories import CategoryFactory

    categories = [CategoryFactory(name="甲"), CategoryFactory(name="乙")]

    admin_client_for.post(
        reverse("admin:catalog_category_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(c.pk) for c in categories],
            "post": "yes",
        },
    )

    assert sorted(
        AuditRecord.objects.filter(action="category_deleted_in_admin").values_list(
            "object_repr", flat=True
        )
    ) == ["乙", "甲"]
