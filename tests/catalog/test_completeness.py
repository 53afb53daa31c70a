"""《公司电商产品基础信息表》 completeness: what is missing, in form order."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import Product
from catalog.rules import base_information_complete, missing_base_information
from catalog.selectors import product_get_for_user

ALL_CODES = [
    "images",
    "detail_content",
    "offline_market_price",
    "online_guide_price",
    "baseline_subsidy_price",
    "selling_price",
    "expected_monthly_sales",
    "promotion_plan",
]


def test_a_bare_product_misses_everything(make_product: Any) -> None:
    product = make_product()

    assert [item.code for item in missing_base_information(product)] == ALL_CODES
    assert base_information_complete(product) is False


def test_a_complete_product_misses_nothing(make_product: Any) -> None:
    product = make_product(complete=True)

    assert missing_base_information(product) == []
    assert base_information_complete(product) is True


@pytest.mark.parametrize(
    ("field", "empty"),
    [
        ("detail_content", "   "),
        ("offline_market_price", None),
        ("online_guide_price", None),
        ("baseline_subsidy_price", None),
        ("selling_price", None),
        ("expected_monthly_sales", None),
        ("promotion_plan", ""),
    ],
)
def test_each_missing_field_is_named(field: str, empty: Any, make_product: Any) -> None:
    product = make_product(complete=True, **{field: empty})

    assert [item.code for item in missing_base_information(product)] == [field]


def test_zero_expected_sales_counts_as_given(make_product: Any) -> None:
    product = make_product(complete=True, expected_monthly_sales=0)

    assert missing_base_information(product) == []


def test_missing_image_is_named(make_product: Any) -> None:
    product = make_product(complete=True)
    product.images.all().delete()

    assert [item.code for item in missing_base_information(product)] == ["images"]


def test_prefetched_images_need_no_query(
    make_product: Any, users: dict[str, Any], django_assert_num_queries: Any
) -> None:
    product = make_product(complete=True)
    loaded = product_get_for_user(user=users["product_group"], pk=product.pk)

    with django_assert_num_queries(0):
        assert missing_base_information(loaded) == []
    assert isinstance(loaded, Product)
