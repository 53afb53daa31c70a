"""Browser: division_sales files a listing application, product_group approves it,
completes the base information through the pages and lists the product; the division
then sees the selling price it may not change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.models import ListingApplication, PriceChange, Product
from core.models import Notification
from tests.catalog.factories import CategoryFactory, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_out(page: Any) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")


def test_application_is_filed_approved_completed_and_listed(
    page: Any, login: Any, make_user: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("division_sales", username="sales_mgr", first_name="李经理")
    make_user("product_group", username="pg", first_name="赵组长")
    CategoryFactory(name="液压泵", parent=CategoryFactory(name="液压件"))

    # division_sales files the application (《公司电商产品上架申请表》) and submits it.
    login("sales_mgr")
    page.click("nav >> text=上架申请")
    page.click("[data-testid=new-application]")
    page.fill("#id_sku", "gq-e2e-01")  # stored as GQ-E2E-01
    page.fill("#id_name", "齿轮泵 CBN-E310")
    page.select_option("#id_category", label="液压件 / 液压泵")
    page.fill("#id_specification", "排量 10 mL/r")
    page.fill("#id_unit", "台")
    page.fill("#id_weight_kg", "3.5")
    page.fill("#id_offline_market_price", "720.00")
    page.fill("#id_online_guide_price", "680.00")
    page.fill("#id_baseline_subsidy_price", "640.00")
    page.fill("#id_expected_monthly_sales", "25")
    page.fill("#id_rationale", "线下月销 30 台,客户希望在商城直接下单。")
    page.click("button[name=submit]")
    assert page.inner_text("[data-testid=application-status]") == "已提交"
    assert "已提交审核" in page.inner_text(".messages")
    _log_out(page)

    # product_group finds it in the review queue from the home page and approves it.
    login("pg")
    assert page.inner_text("[data-testid=review-queue-count]").startswith("1")
    page.click("text=打开审核队列")
    page.click("[data-testid=review-queue] a")
    page.fill("[data-testid=approve-form] textarea", "符合上架标准")
    page.click("[data-testid=approve-form] button")
    assert page.inner_text("[data-testid=application-status]") == "已批准"
    missing = page.inner_text("[data-testid=missing-base-information]")
    assert "线上售价" in missing and "详情页内容" in missing

    # On the product page listing is blocked until the base information is complete.
    page.click("text=产品页面")
    assert page.is_disabled("[data-testid=product-actions] button.primary")
    page.click("text=修改价格")
    page.fill("#id_selling_price", "639.99")
    page.click("[data-testid=price-form] button.primary")
    assert "低于线上基准补贴价" in page.inner_text("[data-testid=price-form]")
    page.fill("#id_selling_price", "660.00")
    page.fill("#id_reason", "上线定价")
    page.click("[data-testid=price-form] button.primary")
    assert "价格已保存" in page.inner_text(".messages")

    page.click("text=编辑基础信息")
    page.fill("#id_detail_content", "齿轮泵 CBN-E310\n\n原厂品质,出厂逐件检验。")
    page.fill("#id_promotion_plan", "上线首月满 1000 减 50。")
    page.click("[data-testid=base-information-form] button.primary")
    assert "基础信息已保存" in page.inner_text(".messages")

    image = tmp_path / "pump.png"
    image.write_bytes(png_bytes(16))
    page.set_input_files("#id_image", str(image))
    page.fill("#id_caption", "主图")
    page.click("text=上传图片")
    assert "图片已添加" in page.inner_text(".messages")
    assert page.inner_text("[data-testid=base-information-complete]") == "基础信息已完整。"

    page.click("[data-testid=product-actions] button:has-text('上架')")
    assert "产品已上架" in page.inner_text(".messages")
    assert page.inner_text("[data-testid=product-status]") == "已上架"
    assert "660.00" in page.inner_text("[data-testid=price-history]")

    # The division's sales manager sees the selling price but may not change it.
    product_url = page.url
    _log_out(page)
    login("sales_mgr")
    page.goto(product_url)
    page.click("text=修改价格")
    assert page.is_disabled("#id_selling_price")
    assert page.is_enabled("#id_online_guide_price")
    assert "由电商平台产品组制定" in page.inner_text("[data-testid=price-form]")

    product = Product.objects.get(sku="GQ-E2E-01")
    assert product.status == Product.Status.LISTED
    assert product.selling_price == Decimal("660.00")
    application = ListingApplication.objects.get(product=product)
    assert application.status == ListingApplication.Status.APPROVED
    assert PriceChange.objects.filter(product=product, kind="selling_price").count() == 1
    applicant_messages = Notification.objects.filter(recipient__username="sales_mgr")
    assert applicant_messages.filter(topic="catalog.application_approved").exists()
    assert applicant_messages.filter(topic="catalog.product_listed").exists()
