"""Issue 8 §11, §12, §16, §20 on the order desk: errors at the field with the input kept,
two reps on one order, what the confirmed order shows, the key-in form's aids."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from orders import services
from orders.models import Order
from tests.factories import DivisionFactory
from tests.orders.factories import (
    CustomerFactory,
    ListedProductFactory,
    credit_code,
    order_in_state,
    receive,
)
from tests.orders.test_views import client_for, confirm_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", username="rep", first_name="", last_name="")


@pytest.fixture
def rep_client(rep: Any) -> Client:
    return client_for(rep)


@pytest.fixture
def en_client(rep: Any) -> Client:
    """The rep with English chosen (the portal's language is per user)."""
    rep.language = "en"
    rep.save(update_fields=["language"])
    return client_for(rep)


@pytest.fixture
def other_rep(make_user: Any) -> Any:
    return make_user("sales_rep", username="wang")


# --- §11 confirmation errors at the field, input kept ------------------------------------
def test_negative_freight_is_refused_at_the_field_and_the_edits_are_kept(
    en_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("identified", platform=platform, division=division)
    freight = order.freight
    detail = en_client.get(reverse("orders:order-detail", args=[order.pk]))
    data = confirm_data(
        detail, freight="-5", invoice_title="改过的抬头有限公司", **{"lines-0-quantity": "3"}
    )

    response = en_client.post(reverse("orders:order-confirm", args=[order.pk]), data)

    assert response.status_code == 422
    form = response.context["confirm_form"]
    assert [e.code for e in form.errors.as_data()["freight"]] == ["min_value"]
    page = response.content.decode()
    assert "≥ 0" in page and "decimal string" not in page
    # what the rep typed is still in the form
    assert 'value="改过的抬头有限公司"' in page and 'value="-5"' in page
    assert response.context["confirm_lines"].forms[0]["quantity"].value() == "3"
    order.refresh_from_db()
    assert order.status == Order.Status.IDENTIFIED and order.freight == freight


# --- §12 two reps on the same order ------------------------------------------------------
def test_second_rep_confirming_learns_who_was_first_and_keeps_the_input(
    en_client: Client,
    other_rep: Any,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    order = order_in_state("identified", platform=platform, division=division)
    detail = en_client.get(reverse("orders:order-detail", args=[order.pk]))
    at = timezone.make_aware(dt.datetime(2026, 11, 27, 14, 5))  # Beijing time
    services.order_confirm(order=order, by=other_rep, invoice_title="先到的抬头", at=at)
    data = confirm_data(detail, invoice_title="我的抬头")

    response = en_client.post(reverse("orders:order-confirm", args=[order.pk]), data)

    assert response.status_code == 409
    page = response.content.decode()
    assert "wang" in page and "2026-11-27 14:05" in page and "Beijing" in page
    assert 'value="我的抬头"' in page
    assert 'data-testid="confirm-submit"' not in page  # nothing to send a second time
    order.refresh_from_db()
    assert order.invoice_title == "先到的抬头"


def test_second_rep_creating_a_customer_keeps_the_input_and_is_told(
    rep_client: Client,
    other_rep: Any,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    order = receive(platform)
    url = reverse("orders:order-create-customer", args=[order.pk])
    form = rep_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["contact_name"] = "我输入的联系人"
    customer = order_in_state("identified", platform=platform, division=division).customer
    services.order_identify(order=order, customer=customer, by=other_rep, method="linked")

    response = rep_client.post(url, data)

    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "wang" in page and "我输入的联系人" in page and 'data-testid="customer-submit"' not in page
    )
    # opening the page afterwards leads to the order with the same explanation
    again = rep_client.get(url, follow=True)
    assert again.redirect_chain[-1][0] == reverse("orders:order-detail", args=[order.pk])
    assert any("wang" in str(m) for m in again.context["messages"])


def test_cancelling_an_order_another_rep_cancelled_says_who_and_when(
    en_client: Client,
    other_rep: Any,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    order = order_in_state("identified", platform=platform, division=division)
    at = timezone.make_aware(dt.datetime(2026, 11, 27, 9, 30))
    services.order_cancel(order=order, by=other_rep, reason="买家撤单")
    Order.objects.filter(pk=order.pk).update(cancelled_at=at)

    response = en_client.post(
        reverse("orders:order-cancel", args=[order.pk]), {"reason": "dup"}, follow=True
    )

    texts = [str(m) for m in response.context["messages"]]
    assert any("wang" in t and "2026-11-27 09:30" in t for t in texts), texts


# --- §16 what a confirmed order shows ----------------------------------------------------
def test_confirmed_order_shows_invoice_title_tax_number_and_yuan(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("identified", platform=platform, division=division)
    order = services.order_confirm(
        order=order,
        by=None,
        invoice_title="北京某某科技有限公司",
        invoice_tax_number=order.customer.org_code,
    )

    page = rep_client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()

    assert 'data-testid="invoice-title">北京某某科技有限公司<' in page
    assert f'data-testid="invoice-tax-number">{order.invoice_tax_number}<' in page
    assert "¥100.00" in page  # the line's unit price carries the currency


def test_triage_list_shows_yuan_and_the_clock_time_a_countdown_counts_to(
    en_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = receive(platform)

    page = en_client.get(reverse("orders:order-list") + "?status=received").content.decode()

    assert f"¥{order.total_amount:,.2f}" in page
    due = timezone.localtime(order.next_due_at).strftime("%m-%d %H:%M")
    assert f"until {due}" in page


def test_dates_are_written_alike_in_both_languages_and_in_admin() -> None:
    from django.utils.formats import date_format, get_format

    at = timezone.make_aware(dt.datetime(2026, 11, 28, 14, 5))
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert date_format(timezone.localtime(at), "DATETIME_FORMAT") == "2026-11-28 14:05"
            assert date_format(at.date(), "DATE_FORMAT") == "2026-11-28"
            assert get_format("SHORT_DATETIME_FORMAT") == "Y-m-d H:i"


# --- §13 irreversible actions ask first --------------------------------------------------
def test_cancel_and_merge_forms_name_what_will_happen(
    en_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("identified", platform=platform, division=division)

    page = en_client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    customer_page = en_client.get(
        reverse("orders:customer-detail", args=[order.customer.pk])
    ).content.decode()

    assert f'data-confirm="Cancel order {order.number}? Its reserved stock' in page
    assert "js/confirm.js" in page
    assert f"Merge the duplicate into {order.customer.number}?" in customer_page


# --- §20 key-in form ---------------------------------------------------------------------
def test_sku_lookup_gives_the_listed_price_in_the_users_divisions_only(
    rep_client: Client, platform: Any, product: Any, division: Any
) -> None:
    ListedProductFactory(sku="SKU-ELSE", division=DivisionFactory(code="ZZ"))
    ListedProductFactory(sku="SKU-DRAFT", division=division, status="draft")
    url = reverse("orders:sku-lookup")

    found = rep_client.get(url, {"sku": " sku-a "})
    assert found.status_code == 200
    assert found.json() | {"name": "-"} == {
        "sku": "SKU-A",
        "name": "-",
        "unit": product.unit,
        "division": division.code,
        "unit_price": "100.00",
    }
    for sku in ("SKU-ELSE", "SKU-DRAFT", "NOPE", ""):
        response = rep_client.get(url, {"sku": sku})
        assert response.status_code == 404 and response.json()["rule"] == "sku_not_listed"


def test_key_in_errors_are_summarised_at_the_top_with_links_to_the_fields(
    rep_client: Client, platform: Any, product: Any, division: Any
) -> None:
    form = rep_client.get(reverse("orders:order-create")).content.decode()
    assert '<label for="id_platform_order_no" class="required">' in form
    assert 'data-buyer-kind="individual"' in form and "data-sku-lookup" in form

    response = rep_client.post(
        reverse("orders:order-create"),
        {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "buyer_kind": "corporate",
            "lines-0-sku": "SKU-A",
            "lines-0-quantity": "x",
            "lines-0-unit_price": "1",
        },
    )

    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert 'href="#id_platform_order_no"' in page and 'href="#id_lines-0-quantity"' in page


def test_status_filter_is_ticked_not_ctrl_clicked(
    rep_client: Client, platform: Any, division: Any
) -> None:
    page = rep_client.get(reverse("orders:order-list")).content.decode()
    assert 'type="checkbox" name="status" value="received"' in page
    assert '<select name="status"' not in page


def test_merge_with_an_unknown_number_keeps_the_input_and_says_so_at_the_field(
    en_client: Client, division: Any
) -> None:
    target = CustomerFactory(division=division, org_code=credit_code("51515151"))

    response = en_client.post(
        reverse("orders:customer-merge", args=[target.pk]),
        {"duplicate": "C-NOPE-1", "note": "same buyer"},
    )

    assert response.status_code == 422
    form = response.context["merge_form"]
    assert form.errors["duplicate"] == ["No customer of yours has this number."]
    page = response.content.decode()
    assert 'value="C-NOPE-1"' in page and 'value="same buyer"' in page
