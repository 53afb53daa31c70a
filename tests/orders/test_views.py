"""Pages: triage list (filters, search, query guard), detail, key-in form, identification,
transitions, reveal, customers, SLA report, home panels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit_history
from orders.models import Customer, Order
from tests.orders.factories import (
    ID_NUMBER,
    CustomerFactory,
    credit_code,
    order_in_state,
    receive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", username="rep")


@pytest.fixture
def rep_client(rep: Any) -> Client:
    client = Client()
    client.force_login(rep)
    return client


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- triage list ---------------------------------------------------------------------------------
# the session, the user, access, the filter form's divisions and warehouses (one statement),
# the count, the page, the unread badge
def _list_queries(client: Client, django_assert_num_queries: Any, count: int) -> Any:
    with django_assert_num_queries(count):
        return client.get(reverse("orders:order-list") + "?status=received")


def test_triage_query_count_does_not_grow_with_rows(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, django_assert_num_queries: Any
) -> None:
    for _index in range(3):
        receive(platform)
    few = _list_queries(rep_client, django_assert_num_queries, 7)
    for _index in range(12):
        receive(platform)
    many = _list_queries(rep_client, django_assert_num_queries, 7)

    assert few.status_code == many.status_code == 200
    assert len(few.context["orders"]) == 3 and len(many.context["orders"]) == 15


TRIAGE_STATES = ("received", "identified", "confirmed")


def _triage_orders(count: int, platform: Any, division: Any) -> None:
    for index in range(count):
        order_in_state(TRIAGE_STATES[index % 3], platform=platform, division=division)


def test_triage_query_count_with_customers_search_and_filters(
    rep_client: Client,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
    django_assert_num_queries: Any,
) -> None:
    url = reverse("orders:order-list") + (
        "?status=received&status=identified&status=confirmed&q=北京某某"
        f"&division={division.pk}&warehouse={warehouses['main'].pk}"
        "&ship_by=2026-03-02"
    )
    _triage_orders(3, platform, division)
    # the filter form checks division and warehouse against the choices it read: no query
    # more than unfiltered
    with django_assert_num_queries(7):
        few = rep_client.get(url)
    _triage_orders(27, platform, division)
    with django_assert_num_queries(7):
        many = rep_client.get(url)

    assert few.status_code == many.status_code == 200
    assert few.context["paginator"].count == 3 and many.context["paginator"].count == 30
    shown = list(many.context["orders"])
    assert len(shown) == 25
    assert {o.status for o in shown} == set(TRIAGE_STATES)
    # most urgent first: the 10 received, then 15 of the 20 identified and confirmed
    assert sum(o.customer is not None for o in shown) == 15
    assert all(o.customer.number in many.content.decode() for o in shown if o.customer)


def test_triage_defaults_to_the_reps_queue_sorted_by_due_time(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    later = receive(platform, placed_at=timezone.now().isoformat())
    earlier = receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    order_in_state("confirmed", platform=platform, division=division)

    response = rep_client.get(reverse("orders:order-list"))

    assert [o.pk for o in response.context["orders"]] == [earlier.pk, later.pk]
    assert b'class="breached"' in response.content
    assert (
        f'data-due="{timezone.localtime(earlier.next_due_at).isoformat()}"'.encode()
        in response.content
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("breached=on", ["old"]),
        ("q=MALL-OLD", ["old"]),
        ("q=13812345678", ["old", "new"]),  # exact phone through the blind index
        ("q=某某科技", ["old", "new"]),
        ("status=identified", []),
        ("warehouse={central}", ["new"]),
        ("ship_by=2026-03-02", ["old"]),
        ("due_within=15", ["old"]),
    ],
)
def test_triage_filters(
    query: str,
    expected: list[str],
    rep_client: Client,
    platform: Any,
    product: Any,
    warehouses: Any,
) -> None:
    orders = {
        "old": receive(
            platform, platform_order_no="MALL-OLD", placed_at="2026-03-02T10:00:00+08:00"
        ),
        "new": receive(
            platform,
            platform_order_no="MALL-NEW",
            # a little ahead (allowed up to 10 min): due > 15 min from now at any hour
            placed_at=(timezone.now() + dt.timedelta(minutes=5)).isoformat(),
            **{"ship_to.province": "新疆"},
        ),
    }
    url = reverse("orders:order-list") + "?" + query.format(central=warehouses["central"].pk)

    found = {o.pk for o in rep_client.get(url).context["orders"]}

    assert found == {orders[name].pk for name in expected}


def test_triage_shows_only_the_users_divisions(
    make_user: Any, other_division: Any, platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform)
    far_rep = make_user("sales_rep", divisions=[other_division])
    client = client_for(far_rep)

    assert list(client.get(reverse("orders:order-list")).context["orders"]) == []
    assert client.get(reverse("orders:order-detail", args=[order.pk])).status_code == 404


def test_triage_refused_for_roles_without_orders(make_user: Any) -> None:
    response = client_for(make_user("product_group")).get(reverse("orders:order-list"))

    assert response.status_code == 403


# --- key-in form ---------------------------------------------------------------------------------
def _form_data(platform: Any, division: Any, **changes: str) -> dict[str, str]:
    data = {
        "platform": str(platform.pk),
        "platform_order_no": "PHONE-1",
        "division": str(division.pk),
        "buyer_kind": "corporate",
        "buyer_name": "电话订货有限公司",
        "buyer_org_code": credit_code("24242424"),
        "buyer_contact_name": "周九",
        "buyer_id_number": "",
        "buyer_phone": "021-55556666",
        "ship_province": "上海",
        "ship_city": "上海市",
        "ship_district": "嘉定区",
        "ship_street": "工业路 9 号",
        "ship_postcode": "201800",
        "ship_recipient": "周九",
        "ship_phone": "13611112222",
        "freight": "8.00",
        "paid": "on",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-sku": "SKU-A",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "99.50",
        "lines-1-sku": "",
        "lines-1-quantity": "",
        "lines-1-unit_price": "",
    }
    data.update(changes)
    return data


def test_key_in_an_order(
    rep: Any, rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    response = rep_client.post(reverse("orders:order-create"), _form_data(platform, division))

    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "orders:order-detail", args=[order.pk]
    )
    assert (order.source, order.keyed_in_by, order.platform_order_no) == (
        "keyed_in",
        rep,
        "PHONE-1",
    )
    assert str(order.goods_amount) == "298.50" and order.warehouse == warehouses["main"]
    assert abs((order.placed_at - timezone.now()).total_seconds()) < 60


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"buyer_org_code": "911100006000373410"}, "buyer_org_code", "gb32100_checksum"),
        ({"ship_postcode": "2018"}, "ship_postcode", "postcode_format"),
        ({"ship_phone": "12345"}, "ship_phone", "mobile_format"),
        ({"freight": "1.005"}, "freight", "decimal_places"),
        (
            {
                "buyer_kind": "individual",
                "buyer_id_number": "110105194912310021",
                "buyer_phone": "13611112222",
            },
            "buyer_id_number",
            "gb11643_checksum",
        ),
    ],
)
def test_key_in_form_applies_the_intake_rules(
    changes: dict[str, str],
    field: str,
    code: str,
    rep_client: Client,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    response = rep_client.post(
        reverse("orders:order-create"), _form_data(platform, division, **changes)
    )

    assert response.status_code == 200
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    assert Order.objects.count() == 0


def test_key_in_form_marks_line_errors(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    response = rep_client.post(
        reverse("orders:order-create"),
        _form_data(platform, division, **{"lines-0-quantity": "0", "lines-0-sku": "NOPE"}),
    )

    line_errors = response.context["lines"].forms[0].errors.as_data()
    assert [e.code for e in line_errors["sku"]] == ["sku_unknown"]
    assert [e.code for e in line_errors["quantity"]] == ["quantity_positive"]


# --- detail, identification and transitions ------------------------------------------------------
def test_detail_shows_candidates_masked_data_and_history(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    CustomerFactory(
        division=division, name="北京某某科技有限公司", org_code=credit_code("56565656")
    )
    order = receive(platform)

    response = rep_client.get(reverse("orders:order-detail", args=[order.pk]))

    content = response.content.decode()
    assert len(response.context["candidates"]) == 1
    assert "138****5678" in content and "13812345678" not in content
    assert reverse("orders:order-create-customer", args=[order.pk]) in content
    assert [r.action for r in response.context["history"]] == ["received"]
    assert "confirm_form" not in response.context and "cancel_form" in response.context


def test_create_customer_then_confirm_through_the_pages(
    rep: Any, rep_client: Client, platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform)
    page = rep_client.get(reverse("orders:order-create-customer", args=[order.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}

    created = rep_client.post(reverse("orders:order-create-customer", args=[order.pk]), data)
    order.refresh_from_db()
    detail = rep_client.get(reverse("orders:order-detail", args=[order.pk]))
    confirmed = rep_client.post(
        reverse("orders:order-confirm", args=[order.pk]), confirm_data(detail), follow=True
    )

    order.refresh_from_db()
    assert created.status_code == 302
    assert order.customer is not None and order.customer.phone == "13812345678"
    assert order.status == Order.Status.CONFIRMED
    assert order.invoice_title == "北京某某科技有限公司"
    assert order.invoice_tax_number == order.customer.org_code
    assert order.sales_order_number in confirmed.content.decode()


def confirm_data(detail: Any, **changes: str) -> dict[str, str]:
    """The confirm form as the detail page renders it (lines included), with changes."""
    form, lines = detail.context["confirm_form"], detail.context["confirm_lines"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    management = lines.management_form
    data.update({management.add_prefix(n): str(management[n].value()) for n in management.fields})
    for line in lines.forms:
        data.update({line.add_prefix(n): str(line[n].value()) for n in line.fields})
    data.update(changes)
    return data


def test_the_rep_corrects_quantities_and_prices_when_confirming(
    rep: Any, rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    from tests.orders.factories import ListedProductFactory

    ListedProductFactory(sku="SKU-B", division=division)
    lines = [
        {"sku": "SKU-A", "quantity": 2, "unit_price": "100.00"},
        {"sku": "SKU-B", "quantity": 1, "unit_price": "50.00"},
    ]
    order = order_in_state("identified", platform=platform, division=division, lines=lines)
    detail = rep_client.get(reverse("orders:order-detail", args=[order.pk]))

    response = rep_client.post(
        reverse("orders:order-confirm", args=[order.pk]),
        confirm_data(detail, **{"lines-0-quantity": "3", "lines-1-unit_price": "45.5"}),
    )

    order.refresh_from_db()
    assert response.status_code == 302 and order.status == Order.Status.CONFIRMED
    assert [
        (li.sku, li.quantity, str(li.unit_price), str(li.amount)) for li in order.lines.all()
    ] == [
        ("SKU-A", 3, "100.00", "300.00"),
        ("SKU-B", 1, "45.50", "45.50"),
    ]
    assert (str(order.goods_amount), str(order.total_amount)) == ("345.50", "355.50")
    row = audit_history(order).get(action="confirmed")
    assert row.actor == rep
    assert row.data["lines"] == [
        {
            "position": 1,
            "sku": "SKU-A",
            "quantity": {"old": 2, "new": 3},
            "amount": {"old": "200.00", "new": "300.00"},
        },
        {
            "position": 2,
            "sku": "SKU-B",
            "unit_price": {"old": "50.00", "new": "45.50"},
            "amount": {"old": "50.00", "new": "45.50"},
        },
    ]
    assert row.data["goods_amount"] == {"old": "250.00", "new": "345.50"}
    page = rep_client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    assert "#1 SKU-A quantity: 2 → 3, amount: 200.00 → 300.00" in page
    assert "250.00 → 345.50" in page and "goods_amount" not in page  # a label, not the code


@pytest.mark.parametrize(
    "changes",
    [
        {"lines-0-unit_price": "0.00"},
        {"lines-0-unit_price": "0.001"},
        {"lines-0-quantity": "0"},
        {"lines-0-quantity": "1.5"},
        {"lines-0-position": "7"},  # no such line: the product cannot be swapped
        {"lines-TOTAL_FORMS": "0", "lines-0-quantity": ""},  # lines missing from the post
    ],
)
def test_confirm_refuses_bad_line_corrections_and_changes_nothing(
    changes: dict[str, str],
    rep_client: Client,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    order = order_in_state("identified", platform=platform, division=division)
    detail = rep_client.get(reverse("orders:order-detail", args=[order.pk]))

    response = rep_client.post(
        reverse("orders:order-confirm", args=[order.pk]), confirm_data(detail, **changes)
    )

    order.refresh_from_db()
    assert order.status == Order.Status.IDENTIFIED and order.sales_order_number == ""
    line = order.lines.get()
    assert (line.quantity, str(line.unit_price), str(order.goods_amount)) == (2, "100.00", "200.00")
    # the page comes back with the input and the error on it, not a redirect and a banner
    assert response.status_code == 422
    form, lines = response.context["confirm_form"], response.context["confirm_lines"]
    assert form.errors or lines.total_error_count()
    assert not audit_history(order).filter(action="confirmed").exists()


def test_link_page_corrects_master_data(
    rep: Any, rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    customer = CustomerFactory(
        division=division, name="北京某某科技", org_code=credit_code("78787878")
    )
    order = receive(platform)
    url = reverse("orders:order-link-customer", args=[order.pk, customer.pk])
    form = rep_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(name="北京某某科技有限公司", note="buyer confirmed")

    response = rep_client.post(url, data)

    order.refresh_from_db()
    customer.refresh_from_db()
    assert response.status_code == 302
    assert order.customer == customer and customer.name == "北京某某科技有限公司"
    assert customer.phone == "13912345678"  # blank phone kept the master value
    correction = audit_history(customer).get(action="customer_corrected")
    assert correction.data == {"name": {"old": "北京某某科技", "new": "北京某某科技有限公司"}}


def test_cancel_refused_for_the_warehouse_changes_nothing(
    make_user: Any, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("confirmed", platform=platform, division=division)
    client = client_for(make_user("warehouse"))

    response = client.post(
        reverse("orders:order-cancel", args=[order.pk]), {"reason": "x"}, follow=True
    )

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    with translation.override("zh-hans"):
        expected = _("Your role may not do this on order %(number)s.") % {"number": order.number}
    assert [str(m) for m in response.context["messages"]] == [expected]
    assert expected.startswith("您的角色无权")


def test_cancel_by_the_rep(
    rep: Any, rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("identified", platform=platform, division=division)

    response = rep_client.post(
        reverse("orders:order-cancel", args=[order.pk]), {"reason": "duplicate"}
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert (order.status, order.cancel_reason, order.cancelled_by) == (
        "cancelled",
        "duplicate",
        rep,
    )


def test_record_receipt_and_close_buttons(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    order = order_in_state("shipped", platform=platform, division=division)
    received = timezone.localtime() - dt.timedelta(days=6)

    rep_client.post(
        reverse("orders:order-deliver", args=[order.pk]),
        {"received_at": received.strftime("%Y-%m-%dT%H:%M"), "note": "phoned"},
    )
    detail = rep_client.get(reverse("orders:order-detail", args=[order.pk]))
    rep_client.post(reverse("orders:order-close", args=[order.pk]))

    order.refresh_from_db()
    assert detail.context["allowed"]["close"] is True
    assert order.status == Order.Status.CLOSED


def test_reveal_view_returns_the_value_and_audits(rep_client: Client, division: Any) -> None:
    person = CustomerFactory(division=division, kind="individual", org_code="", id_number=ID_NUMBER)
    url = reverse("orders:customer-reveal", args=[person.pk, "id_number"])

    page = rep_client.get(reverse("orders:customer-detail", args=[person.pk]))
    response = rep_client.post(url, HTTP_ACCEPT="application/json")

    assert ID_NUMBER not in page.content.decode() and "1101**********002X" in page.content.decode()
    assert response.json() == {"value": ID_NUMBER}
    assert audit_history(person).filter(action="personal_data_revealed").count() == 1


def test_reveal_view_refuses_parts_support_the_id_number(
    make_user: Any, division: Any, platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform)
    client = client_for(make_user("parts_support"))

    refused = client.post(
        reverse("orders:order-reveal", args=[order.pk, "buyer_id_number"]),
        HTTP_ACCEPT="application/json",
    )
    allowed = client.post(
        reverse("orders:order-reveal", args=[order.pk, "ship_phone"]),
        HTTP_ACCEPT="application/json",
    )

    assert refused.status_code == 403
    assert allowed.json() == {"value": "13812345678"}
    assert [r.data for r in audit_history(order).filter(action="personal_data_revealed")] == [
        {"field": "ship_phone"}
    ]


# --- customers -----------------------------------------------------------------------------------
def test_customer_list_query_count(
    rep_client: Client, division: Any, django_assert_num_queries: Any
) -> None:
    for index in range(3):
        CustomerFactory(division=division, org_code=credit_code(f"1000000{index}"))
    with django_assert_num_queries(6):  # access: one statement
        rep_client.get(reverse("orders:customer-list"))
    for index in range(3, 15):
        CustomerFactory(division=division, org_code=credit_code(f"100000{index:02d}"))
    with django_assert_num_queries(6):  # access: one statement
        response = rep_client.get(reverse("orders:customer-list"))
    assert len(response.context["customers"]) == 15


def test_merge_view(rep_client: Client, division: Any) -> None:
    target = CustomerFactory(division=division, org_code=credit_code("31313131"))
    duplicate = CustomerFactory(division=division, org_code="")

    response = rep_client.post(
        reverse("orders:customer-merge", args=[target.pk]),
        {"duplicate": duplicate.number, "note": "same"},
    )

    duplicate.refresh_from_db()
    assert response.status_code == 302 and duplicate.merged_into == target


def test_customer_correction_page(rep_client: Client, division: Any) -> None:
    customer = CustomerFactory(division=division, org_code=credit_code("41414141"))
    url = reverse("orders:customer-update", args=[customer.pk])
    form = rep_client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(phone="13566667777", note="new number")

    rep_client.post(url, data)

    customer.refresh_from_db()
    assert customer.phone == "13566667777"
    assert Customer.objects.get(phone_index=customer.phone_index) == customer


# --- SLA report and home -------------------------------------------------------------------------
def test_sla_report_page(
    make_user: Any, platform: Any, product: Any, warehouses: Any, django_assert_max_num_queries: Any
) -> None:
    receive(platform, placed_at="2026-03-02T10:00:00+08:00")
    client = client_for(make_user("sales_lead"))

    with django_assert_max_num_queries(14):  # incl. the user's and groups' permissions
        response = client.get(
            reverse("orders:sla-report") + "?date_from=2026-03-01&date_to=2026-03-03"
        )

    assert response.status_code == 200
    rows = response.context["rows"]
    # only the running step of a breached order is overdue (Order.objects.breached); the
    # later steps wait for it, as on the triage list
    assert [(r.step, r.day.isoformat(), r.overdue, r.pending) for r in rows] == [
        ("identify", "2026-03-02", 1, 0),
        ("invoice", "2026-03-02", 0, 1),
        ("handover", "2026-03-02", 0, 1),
    ]


def test_home_shows_the_triage_and_sla_panels(
    rep_client: Client, platform: Any, product: Any, warehouses: Any
) -> None:
    receive(platform)

    response = rep_client.get(reverse("core:home"))

    content = response.content.decode()
    assert 'data-testid="panel-to-identify">1<' in content
    assert reverse("orders:sla-report") in content
    assert reverse("orders:order-list") in content  # navigation entry


def test_customer_page_lists_only_orders_of_the_users_divisions(
    rep_client: Client,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
    other_division: Any,
) -> None:
    from tests.orders.factories import ListedProductFactory

    ListedProductFactory(sku="SKU-DQ", division=other_division)
    customer = CustomerFactory(division=division, org_code=credit_code("13571357"))
    here = receive(platform, **{"buyer.org_code": customer.org_code})
    there = receive(
        platform, division="DQ", **{"lines.0.sku": "SKU-DQ", "buyer.org_code": customer.org_code}
    )

    response = rep_client.get(reverse("orders:customer-detail", args=[customer.pk]))

    assert [o.pk for o in response.context["orders"]] == [here.pk]
    assert there.number not in response.content.decode()


def test_customer_page_rows_cost_no_query_each(
    rep_client: Client, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    """Its orders are read with what the rows show (status included: a deferred state is
    a query per row); three orders or one, the same statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = CustomerFactory(division=division, org_code=credit_code("24682468"))
    first = receive(platform, **{"buyer.org_code": customer.org_code})
    url = reverse("orders:customer-detail", args=[customer.pk])
    rep_client.get(url)
    with CaptureQueriesContext(connection) as one:
        rep_client.get(url)
    more = [receive(platform, **{"buyer.org_code": customer.org_code}) for _ in range(2)]
    with CaptureQueriesContext(connection) as three:
        response = rep_client.get(url)

    html = response.content.decode()
    assert len(three) == len(one)
    for order in (first, *more):
        order.refresh_from_db()
        assert order.number in html and f"{order.total_amount}" in html


def test_warehouse_sees_the_reveal_button_for_the_recipient_phone_only(
    make_user: Any, platform: Any, product: Any, warehouses: Any
) -> None:
    order = receive(platform)
    content = (
        client_for(make_user("warehouse"))
        .get(reverse("orders:order-detail", args=[order.pk]))
        .content.decode()
    )

    assert 'data-testid="reveal-ship_phone"' in content
    assert 'data-testid="reveal-buyer_phone"' not in content


def test_reveal_view_answers_400_for_an_empty_field(rep_client: Client, division: Any) -> None:
    company = CustomerFactory(division=division)

    response = rep_client.post(
        reverse("orders:customer-reveal", args=[company.pk, "id_number"]),
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert not audit_history(company).filter(action="personal_data_revealed").exists()


def test_customer_correction_page_is_refused_to_another_division(
    make_user: Any,
    other_division: Any,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    from tests.orders.factories import ListedProductFactory

    ListedProductFactory(sku="SKU-DQ", division=other_division)
    customer = CustomerFactory(division=division, org_code=credit_code("86868686"))
    receive(
        platform, division="DQ", **{"lines.0.sku": "SKU-DQ", "buyer.org_code": customer.org_code}
    )
    client = client_for(make_user("sales_rep", divisions=[other_division]))
    url = reverse("orders:customer-update", args=[customer.pk])

    detail = client.get(reverse("orders:customer-detail", args=[customer.pk]))
    page = client.get(url)
    posted = client.post(url, {"name": "改名", "org_code": customer.org_code, "contact_name": "x"})

    assert detail.status_code == 200 and url not in detail.content.decode()
    assert (page.status_code, posted.status_code) == (403, 403)
    customer.refresh_from_db()
    assert customer.name == "上海工起机械有限公司"
    assert not audit_history(customer).filter(action="customer_corrected").exists()


def test_pages_and_revealed_values_are_never_cached(
    client: Any, platform: Any, division: Any, warehouses: Any, product: Any, make_user: Any
) -> None:
    from tests.orders.factories import CustomerFactory

    client.force_login(make_user("sales_rep"))
    customer = CustomerFactory(division=division)

    page = client.get(reverse("orders:order-list"))
    revealed = client.post(
        reverse("orders:customer-reveal", args=[customer.pk, "phone"]),
        HTTP_ACCEPT="application/json",
    )

    assert "no-store" in page["Cache-Control"]
    assert revealed.status_code == 200, revealed.content
    assert "no-store" in revealed["Cache-Control"]
    assert revealed.json()["value"] == "13912345678"


def test_order_page_reads_who_did_each_step_with_the_order(
    rep_client: Client,
    make_user: Any,
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
) -> None:
    """The SLA clocks' "by" column (identified, confirmed, delivery note, invoice,
    handover): the users come with the order's own statement, not one statement each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = order_in_state(Order.Status.SHIPPED, platform=platform, division=division)
    url = reverse("orders:order-detail", args=[order.pk])
    rep_client.get(url)
    with CaptureQueriesContext(connection) as by_nobody:
        rep_client.get(url)
    people = {
        field: make_user("sales_rep", username=f"step-{field}")
        for field in (
            "identified_by",
            "confirmed_by",
            "delivery_note_by",
            "invoiced_by",
            "shipped_by",
        )
    }
    Order.objects.filter(pk=order.pk).update(**people)
    with CaptureQueriesContext(connection) as by_five:
        response = rep_client.get(url)

    html = response.content.decode()
    assert len(by_five) == len(by_nobody)
    for user in people.values():
        assert f"<td>{user.username}</td>" in html


@pytest.mark.parametrize(
    "name", ["orders:order-detail", "orders:customer-detail", "returns:detail"]
)
def test_detail_pages_answer_404_for_a_key_past_every_column(make_user: Any, name: str) -> None:
    client = client_for(make_user("sales_rep", "warehouse_receiver"))
    for key in (2**31, 2**63, 10**30):
        assert client.get(reverse(name, args=[key])).status_code == 404
