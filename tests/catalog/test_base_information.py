"""《公司电商产品基础信息表》 of a listed product stays complete (service and pages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalog.exceptions import BaseInformationIncomplete
from catalog.models import Product
from catalog.services import product_base_information_update, product_image_remove
from core.audit import audit_history

P = Product.Status


def _snapshot(product: Product) -> tuple[Any, ...]:
    product.refresh_from_db()
    return (
        product.detail_content,
        product.expected_monthly_sales,
        product.promotion_plan,
        product.name,
        product.images.count(),
    )


COMPLETE = ("产品详情。", 50, "首月满减。")


@pytest.mark.parametrize(
    ("field", "empty", "label"),
    [
        ("detail_content", "   ", "detail-page content"),
        ("expected_monthly_sales", None, "expected monthly sales"),
        ("promotion_plan", "", "promotion plan"),
    ],
)
def test_a_listed_product_cannot_lose_base_information(
    field: str, empty: Any, label: str, users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    with pytest.raises(BaseInformationIncomplete) as refused:
        product_base_information_update(
            product=product, by=users["product_group"], changes={field: empty, "name": "新名称"}
        )

    assert [item.code for item in refused.value.missing] == [field]
    assert refused.value.field == field
    assert str(refused.value) == (
        "A listed product must keep its base information complete; this would remove: "
        f"{label}. Delist the product first."
    )
    assert _snapshot(product) == (*COMPLETE, product.name, 1)
    assert product.name != "新名称"
    assert not audit_history(product).exists()


def test_every_piece_that_would_be_missing_is_named(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    with pytest.raises(BaseInformationIncomplete) as refused:
        product_base_information_update(
            product=product,
            by=users["division_sales"],
            changes={"detail_content": "", "promotion_plan": " "},
        )

    assert [item.code for item in refused.value.missing] == ["detail_content", "promotion_plan"]
    assert refused.value.field is None
    assert _snapshot(product)[:3] == COMPLETE
    assert not audit_history(product).exists()


@pytest.mark.parametrize("state", [P.DRAFT, P.APPROVED, P.DELISTED])
def test_a_product_not_listed_may_be_incomplete(
    state: str, users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=state, complete=True)

    changed = product_base_information_update(
        product=product, by=users["product_group"], changes={"promotion_plan": ""}
    )

    assert changed == ["promotion_plan"]
    product.refresh_from_db()
    assert product.promotion_plan == ""
    assert audit_history(product).get().data == {"promotion_plan": ["首月满减。", ""]}


def test_a_listed_product_may_still_change_what_keeps_it_complete(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    product_base_information_update(
        product=product,
        by=users["product_group"],
        changes={"detail_content": "新的详情。", "expected_monthly_sales": 0},
    )

    product.refresh_from_db()
    assert (product.detail_content, product.expected_monthly_sales) == ("新的详情。", 0)


def test_the_last_image_of_a_listed_product_is_refused_as_incomplete(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    with pytest.raises(BaseInformationIncomplete) as refused:
        product_image_remove(image=product.images.get(), by=users["product_group"])

    assert [item.code for item in refused.value.missing] == ["images"]
    assert str(refused.value) == "A listed product must keep at least one image."
    assert product.images.count() == 1
    assert not audit_history(product).exists()


def test_the_edit_page_puts_the_refusal_on_the_field(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)
    client = Client()
    client.force_login(users["product_group"])

    response = client.post(
        reverse("catalog:product-edit", args=[product.pk]),
        {
            "name": product.name,
            "category": "",
            "specification": "",
            "unit": product.unit,
            "weight_kg": "1.000",
            "vat_rate": "0.130",
            "detail_content": "",
            "expected_monthly_sales": "50",
            "promotion_plan": "首月满减。",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "detail_content": [
            "A listed product must keep its base information complete; this would remove: "
            "detail-page content. Delist the product first."
        ]
    }
    assert _snapshot(product)[:3] == COMPLETE
    assert not audit_history(product).exists()
