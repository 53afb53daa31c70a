"""A sales rep identifies a new customer and confirms the sales order (SPEC §2)."""

import pytest
from playwright.sync_api import expect

from orders.models import Customer, Order
from tests.orders.factories import ListedProductFactory, PlatformFactory, receive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sales_rep_identifies_a_new_customer_and_confirms_the_sales_order(
    page, login, make_user, division, warehouses
):
    make_user("sales_rep", username="sales_rep", first_name="刘代表")
    ListedProductFactory(sku="SKU-A", division=division)
    order = receive(
        PlatformFactory(), platform_order_no="MALL-E2E-1", **{"ship_to.province": "新疆"}
    )
    assert order.status == Order.Status.RECEIVED

    login("sales_rep")
    page.goto("/orders/")
    page.click(f"text={order.number}")
    page.wait_for_selector("[data-testid=identification]")
    assert "138****5678" in page.inner_text("main")  # masked phone

    page.click("[data-testid=create-customer]")
    page.wait_for_selector("[data-testid=customer-form]")
    assert page.input_value("#id_name") == "北京某某科技有限公司"
    page.click("[data-testid=customer-submit]")

    page.wait_for_selector("[data-testid=confirm]")
    customer = Customer.objects.get()
    assert customer.number in page.inner_text("[data-testid=order-customer]")
    assert page.input_value("#id_invoice_title") == "北京某某科技有限公司"
    assert page.input_value("#id_lines-0-quantity") == "2"
    page.fill("#id_lines-0-quantity", "3")  # the buyer asked for one more on the phone
    page.fill("#id_lines-0-unit_price", "95.00")
    page.click("[data-testid=confirm-submit]")

    expect(page.locator("[data-testid=sales-order-number]")).to_contain_text("SO-GQ-")
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.customer == customer and order.warehouse == warehouses["central"]
    assert order.sales_order_number.startswith("SO-GQ-")
    line = order.lines.get()
    assert (line.quantity, str(line.unit_price), str(order.goods_amount)) == (3, "95.00", "285.00")
    assert page.inner_text("[data-testid=sales-order-number]") == order.sales_order_number
    assert page.locator("[data-testid=confirm]").count() == 0
    history = page.inner_text("[data-testid=history]")
    assert "识别客户" in history and "确认销售订单" in history  # actions, in Chinese
