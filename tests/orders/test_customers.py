"""Identification, candidates, corrections with history, merging, personal data (SPEC §2, §6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import audit_history
from core.crypto import mask_phone
from core.models import AuditRecord
from orders import selectors, services
from orders.exceptions import CustomerConflict, OrderError, PermissionDenied
from orders.models import Customer, Order
from tests.orders.factories import (
    ID_NUMBER,
    CustomerFactory,
    credit_code,
    individual_payload,
    order_in_state,
    receive,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep")


@pytest.fixture
def new_order(platform: Any, product: Any, warehouses: Any) -> Order:
    return receive(platform)


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


# --- candidates -----------------------------------------------------------------------------
def test_candidates_are_ranked_by_name_person_and_phone(
    new_order: Order, rep: Any, division: Any, english: Any
) -> None:
    same_name = CustomerFactory(
        division=division,
        name="北京某某科技（集团）有限公司",
        org_code=credit_code("11111111"),
        contact_name="赵六",
        phone="13000000000",
    )
    same_phone = CustomerFactory(
        division=division,
        name="别的公司",
        org_code=credit_code("22222222"),
        contact_name="钱七",
        phone="13812345678",
    )
    similar = CustomerFactory(
        division=division,
        name="北京某某科技发展有限公司",
        org_code=credit_code("33333333"),
        contact_name="李明",
        phone="13000000001",
    )
    CustomerFactory(
        division=division,
        name="无关公司",
        org_code=credit_code("44444444"),
        contact_name="孙八",
        phone="13000000002",
    )

    candidates = selectors.customer_candidates(order=new_order, user=rep)

    assert [c.customer for c in candidates] == [same_name, similar, same_phone]
    # every one carries another organisation code than the order's: a quarter of the score
    assert candidates[0].score == 60 // 4
    assert candidates[2].score == 50 // 4
    assert all(c.conflicts for c in candidates)
    assert "same responsible person" in candidates[1].reasons


def test_the_candidates_shown_are_whole_and_the_pool_is_read_without_personal_data(
    new_order: Order, rep: Any, division: Any, django_assert_num_queries: Any
) -> None:
    shown = CustomerFactory(
        division=division, name=new_order.buyer_name, phone="13900000009", street="长安街 9 号"
    )
    with CaptureQueriesContext(connection) as read:
        candidates = selectors.customer_candidates(order=new_order, user=rep)
    with django_assert_num_queries(0):
        assert [c.customer.pk for c in candidates] == [shown.pk]
        assert candidates[0].customer.phone_masked == mask_phone("13900000009")
        assert candidates[0].customer.street == "长安街 9 号"
    pool_reads = [q["sql"] for q in read.captured_queries if "LIMIT" in q["sql"]]
    assert pool_reads and not any('"phone",' in sql or '"id_number",' in sql for sql in pool_reads)


def test_candidates_leave_out_merged_and_other_kind(
    new_order: Order, rep: Any, division: Any
) -> None:
    target = CustomerFactory(division=division, name="甲", org_code=credit_code("55555555"))
    CustomerFactory(division=division, name="北京某某科技有限公司", org_code="", merged_into=target)
    CustomerFactory(
        division=division,
        kind="individual",
        name="北京某某科技有限公司",
        org_code="",
        phone="13812345678",
    )

    assert selectors.customer_candidates(order=new_order, user=rep) == []


def test_the_best_match_is_not_lost_behind_many_similar_names(
    new_order: Order, rep: Any, division: Any
) -> None:
    # 60 names that share the buyer's first characters and sort before it by name
    for index in range(60):
        CustomerFactory(
            division=division,
            name=f"北京某某{index:02d}号有限公司",
            org_code=credit_code(f"5{index:07d}"),
            contact_name="某人",
            phone=f"130{index:08d}",
        )
    same_name = CustomerFactory(
        division=division,
        name="北京某某科技有限公司",
        org_code=credit_code("70707070"),
        contact_name="赵六",
        phone="13000009999",
    )
    same_phone = CustomerFactory(
        division=division,
        name="朝阳贸易行",
        org_code=credit_code("80808080"),
        contact_name="钱七",
        phone="13812345678",
    )

    candidates = selectors.customer_candidates(order=new_order, user=rep)

    assert [c.customer for c in candidates[:2]] == [same_name, same_phone]
    # each carries another organisation code than the order: a quarter of 60 and of 50
    assert [c.score for c in candidates[:2]] == [15, 12]


def test_exact_code_or_id_number_match_is_proposed_first(
    platform: Any, product: Any, warehouses: Any, division: Any, rep: Any, english: Any
) -> None:
    # The orders arrive first (nobody to identify them); the customers are created later
    # under other names and phones (e.g. keyed in from a contract).
    corporate = receive(platform)
    person = receive(platform, buyer=individual_payload()["buyer"])
    assert corporate.status == person.status == Order.Status.RECEIVED
    company = CustomerFactory(
        division=division, name="完全不同的名字", org_code="600037341", phone="13000000000"
    )
    individual = CustomerFactory(
        division=division,
        kind="individual",
        name="张叁",
        org_code="",
        id_number=ID_NUMBER,
        contact_name="",
        phone="13000000001",
    )

    by_code = selectors.customer_candidates(order=corporate, user=rep)
    by_id = selectors.customer_candidates(order=person, user=rep)

    assert [(c.customer, c.score, c.reasons) for c in by_code] == [
        (company, 100, ["same organisation code"])
    ]
    assert [(c.customer, c.score, c.reasons) for c in by_id] == [
        (individual, 100, ["same ID number"])
    ]


# --- identification ---------------------------------------------------------------------------
def test_link_with_correction_keeps_the_history(new_order: Order, rep: Any, division: Any) -> None:
    customer = CustomerFactory(
        division=division,
        name="北京某某科技有限公司",
        org_code=credit_code("66666666"),
        phone="13900000000",
    )

    order = services.order_link_customer(
        order=new_order,
        customer=customer,
        by=rep,
        corrections={"phone": "13812345678", "street": "东长安街 1 号", "name": customer.name},
        note="confirmed by phone",
    )

    customer.refresh_from_db()
    assert order.status == Order.Status.IDENTIFIED
    assert order.customer == customer
    assert order.identification_method == Order.IdentifiedBy.LINKED
    assert order.identified_by == rep and order.sales_order_due_at is not None
    assert customer.phone == "13812345678" and customer.street == "东长安街 1 号"
    correction = audit_history(customer).get(action="customer_corrected")
    assert correction.actor == rep and correction.note == "confirmed by phone"
    assert correction.data == {
        "phone": {"old": "139****0000", "new": "138****5678"},
        "street": {"old": "工业路 8 号", "new": "东长安街 1 号"},
    }


def test_create_customer_from_the_order(new_order: Order, rep: Any) -> None:
    data = {
        "name": "北京某某科技有限公司",
        "org_code": new_order.buyer_org_code,
        "contact_name": "李明",
        "phone": new_order.buyer_phone,
        "province": "北京市",
        "city": "北京市",
        "district": "东城区",
        "street": "东长安街 1 号",
        "postcode": "100010",
    }

    order = services.order_create_customer(order=new_order, by=rep, data=data)

    customer = order.customer
    assert customer is not None
    assert order.status == Order.Status.IDENTIFIED
    assert order.identification_method == Order.IdentifiedBy.CREATED
    assert customer.number.startswith("C") and customer.org_code_core == "600037341"
    assert raw("orders_customer", "phone", customer.pk) != "13812345678"  # encrypted at rest
    assert Customer.objects.get(phone_index=customer.phone_index) == customer
    assert audit_history(customer).get().action == "customer_created"


def test_create_refuses_a_second_customer_with_the_same_code(
    new_order: Order, rep: Any, division: Any
) -> None:
    CustomerFactory(division=division, name="旧名", org_code="600037341")  # same code, legacy form

    with pytest.raises(CustomerConflict):
        services.order_create_customer(
            order=new_order, by=rep, data={"name": "新", "org_code": new_order.buyer_org_code}
        )

    new_order.refresh_from_db()
    assert new_order.status == Order.Status.RECEIVED and new_order.customer is None
    assert Customer.objects.count() == 1


def test_individual_identified_automatically_by_id_number(
    platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    from orders.api import _order_input
    from orders.api_schemas import OrderIn

    person = CustomerFactory(
        division=division,
        kind="individual",
        name="张三",
        org_code="",
        id_number=ID_NUMBER,
        phone="13700001111",
    )

    order = services.order_receive(
        platform=platform, data=_order_input(OrderIn(**individual_payload()))
    ).order

    assert order.customer == person
    assert order.identification_method == Order.IdentifiedBy.ID_NUMBER
    assert raw("orders_order", "buyer_id_number", order.pk) != ID_NUMBER
    assert order.buyer_id_number == ID_NUMBER


def test_automatic_identification_carries_the_time_of_receipt(
    platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from tests.orders.factories import order_input

    customer = CustomerFactory(division=division, org_code="600037341")
    received = dt.datetime(2026, 3, 2, 2, 3, tzinfo=dt.UTC)  # 10:03 in Beijing

    imported = services.order_receive(
        platform=platform, data=order_input(platform_order_no="IMPORT-1"), at=received
    ).order
    before = timezone.now()
    live = services.order_receive(platform=platform, data=order_input(platform_order_no="LIVE-1"))
    live = live.order

    assert imported.customer == live.customer == customer
    assert (imported.received_at, imported.identified_at) == (received, received)
    assert imported.sales_order_due_at == dt.datetime(2026, 3, 2, 2, 33, tzinfo=dt.UTC)
    assert live.identified_at == live.received_at and live.identified_at >= before


def test_merge_keeps_every_order_and_the_history(
    platform: Any, product: Any, warehouses: Any, division: Any, rep: Any
) -> None:
    target = CustomerFactory(
        division=division,
        name="北京某某科技有限公司",
        org_code="600037341",
        street="",
        phone="13000000000",
    )
    duplicate = CustomerFactory(
        division=division, name="北京某某科技", org_code="", street="东长安街 1 号"
    )
    other_code = {"buyer.org_code": credit_code("77777777")}
    orders = [
        order_in_state("identified", platform=platform, division=division, **other_code)
        for _ in range(2)
    ]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(customer=duplicate)
    services.customer_update(customer=duplicate, by=rep, changes={"contact_name": "李明"})
    kept = AuditRecord.objects.filter(
        object_id=str(duplicate.pk), object_type="orders.customer"
    ).count()

    result = services.customer_merge(source=duplicate, target=target, by=rep, note="same company")

    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert sorted(result.moved_order_ids) == sorted(o.pk for o in orders)
    assert set(Order.objects.filter(customer=target).values_list("pk", flat=True)) == {
        o.pk for o in orders
    }
    assert duplicate.merged_into == target and not duplicate.is_active
    assert target.street == "东长安街 1 号" and result.filled_fields == ["street"]
    assert target.phone == "13000000000"  # target's own values win
    assert (
        AuditRecord.objects.filter(
            object_id=str(duplicate.pk), object_type="orders.customer"
        ).count()
        == kept + 1
    )
    assert (
        audit_history(target).get(action="customer_merged").data["orders"] == result.moved_order_ids
    )
    assert all(audit_history(o).filter(action="customer_merged").exists() for o in orders)
    history = list(selectors.customer_history(customer=target))
    both = AuditRecord.objects.filter(
        object_type="orders.customer", object_id__in=[str(target.pk), str(duplicate.pk)]
    )
    assert history == list(both.order_by("at", "id")) and len(history) == kept + 2
    assert {r.object_id for r in history} == {str(target.pk), str(duplicate.pk)}


@pytest.mark.parametrize("case", ["self", "kind", "codes", "merged"])
def test_merge_refusals_change_nothing(case: str, division: Any, rep: Any) -> None:
    target = CustomerFactory(division=division, org_code=credit_code("12121212"))
    duplicate = {
        "self": target,
        "kind": CustomerFactory(
            division=division, kind="individual", org_code="", id_number=ID_NUMBER
        ),
        "codes": CustomerFactory(division=division, org_code=credit_code("34343434")),
        "merged": CustomerFactory(division=division, org_code="", merged_into=target),
    }[case]
    before = AuditRecord.objects.count()

    with pytest.raises(OrderError):
        services.customer_merge(source=duplicate, target=target, by=rep)

    assert AuditRecord.objects.count() == before
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == (target.pk if case == "merged" else None)


def test_merge_needs_the_permission(division: Any, make_user: Any) -> None:
    target = CustomerFactory(division=division, org_code=credit_code("12121212"))
    duplicate = CustomerFactory(division=division, org_code="")

    with pytest.raises(PermissionDenied):
        services.customer_merge(source=duplicate, target=target, by=make_user("warehouse"))
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


# --- personal data ---------------------------------------------------------------------------
def test_reveal_is_audited_for_roles_that_need_it(division: Any, rep: Any) -> None:
    person = CustomerFactory(division=division, kind="individual", org_code="", id_number=ID_NUMBER)

    value = services.personal_data_reveal(obj=person, field="id_number", by=rep)

    assert value == ID_NUMBER
    row = audit_history(person).get(action="personal_data_revealed")
    assert (row.actor, row.data) == (rep, {"field": "id_number"})
    assert ID_NUMBER not in str(row.data) + row.note + row.object_repr


@pytest.mark.parametrize("role", ["warehouse", "division_finance", "sales_head"])
def test_reveal_refused_for_other_roles_and_not_audited(
    role: str, division: Any, make_user: Any
) -> None:
    person = CustomerFactory(division=division, kind="individual", org_code="", id_number=ID_NUMBER)

    with pytest.raises(PermissionDenied):
        services.personal_data_reveal(obj=person, field="id_number", by=make_user(role))
    assert not audit_history(person).filter(action="personal_data_revealed").exists()


REVEALERS = {
    # role → the fields it may reveal (order fields, then customer-master fields)
    "sales_rep": {"buyer_id_number", "buyer_phone", "ship_phone", "id_number", "phone"},
    "sales_lead": {"buyer_id_number", "buyer_phone", "ship_phone", "id_number", "phone"},
    "admin": {"buyer_id_number", "buyer_phone", "ship_phone", "id_number", "phone"},
    "parts_support": {"ship_phone"},
    "warehouse": {"ship_phone"},
    "division_finance": set(),
    "logistics_lead": set(),
}


@pytest.mark.parametrize("role", list(REVEALERS))
def test_reveal_table_per_role_and_field(
    role: str, make_user: Any, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    user = make_user(role)
    order = receive(platform, buyer=individual_payload()["buyer"])
    person = CustomerFactory(
        division=division, kind="individual", org_code="", id_number=ID_NUMBER, phone="13712345678"
    )
    targets = {
        "buyer_id_number": order,
        "buyer_phone": order,
        "ship_phone": order,
        "id_number": person,
        "phone": person,
    }

    revealed = set()
    for field, obj in targets.items():
        try:
            services.personal_data_reveal(obj=obj, field=field, by=user)
        except PermissionDenied:
            continue
        revealed.add(field)

    assert revealed == REVEALERS[role]
    audited = [
        r.data["field"]
        for obj in (order, person)
        for r in audit_history(obj).filter(action="personal_data_revealed")
    ]
    assert sorted(audited) == sorted(REVEALERS[role])


def test_role_groups_hold_the_reveal_permissions() -> None:
    from django.contrib.auth.models import Group

    def reveal_codenames(role: str) -> set[str]:
        return set(
            Group.objects.get(name=role)
            .permissions.filter(codename__startswith="reveal_")
            .values_list("codename", flat=True)
        )

    everything = {"reveal_id_number", "reveal_phone", "reveal_ship_phone"}
    assert {role: reveal_codenames(role) for role in REVEALERS} == {
        "sales_rep": everything,
        "sales_lead": everything,
        "admin": everything,
        "parts_support": {"reveal_ship_phone"},
        "warehouse": {"reveal_ship_phone"},
        "division_finance": set(),
        "logistics_lead": set(),
    }


def test_permission_migration_takes_the_buyer_phone_from_delivery_roles() -> None:
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module(
        "orders.migrations.0006_reveal_ship_phone_for_delivery_roles"
    )
    reveal_phone = Permission.objects.get(codename="reveal_phone")
    warehouse = Group.objects.get(name="warehouse")
    warehouse.permissions.add(reveal_phone)  # as the first release granted it

    migration.forwards(apps, None)

    assert not warehouse.permissions.filter(codename="reveal_phone").exists()
    assert warehouse.permissions.filter(codename="reveal_ship_phone").exists()
    assert Group.objects.get(name="sales_rep").permissions.filter(pk=reveal_phone.pk).exists()


@pytest.mark.parametrize("field", ["buyer_id_number", "id_number"])
def test_revealing_an_empty_field_is_refused_and_not_audited(
    field: str, rep: Any, platform: Any, product: Any, warehouses: Any, division: Any
) -> None:
    # a corporate buyer and a corporate customer have no ID number
    obj = receive(platform) if field.startswith("buyer_") else CustomerFactory(division=division)
    before = AuditRecord.objects.count()

    with pytest.raises(OrderError) as caught:
        services.personal_data_reveal(obj=obj, field=field, by=rep)

    assert not isinstance(caught.value, PermissionDenied)
    assert AuditRecord.objects.count() == before


def test_masked_display(division: Any) -> None:
    person = CustomerFactory(
        division=division, kind="individual", org_code="", id_number=ID_NUMBER, phone="13812345678"
    )

    assert person.id_number_masked == "1101**********002X"
    assert person.phone_masked == "138****5678"


def test_customer_search_by_exact_phone_and_id_uses_the_blind_index(
    division: Any, rep: Any
) -> None:
    person = CustomerFactory(
        division=division,
        kind="individual",
        name="张三",
        org_code="",
        id_number=ID_NUMBER,
        phone="13812345678",
    )
    CustomerFactory(division=division, org_code=credit_code("99999999"), phone="13800000000")

    assert list(selectors.customer_list_for_user(user=rep, query="138 1234 5678")) == [person]
    assert list(selectors.customer_list_for_user(user=rep, query=ID_NUMBER.lower())) == [person]
    assert list(selectors.customer_list_for_user(user=rep, query="1381234")) == []


def test_reencrypt_command_moves_rows_to_the_newest_key(division: Any, settings: Any) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    person = CustomerFactory(division=division, kind="individual", org_code="", id_number=ID_NUMBER)
    old_token = raw("orders_customer", "id_number", person.pk)
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]

    call_command("reencrypt_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    new_token = raw("orders_customer", "id_number", person.pk)
    assert new_token != old_token
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # old key dropped
    assert Customer.objects.get(pk=person.pk).id_number == ID_NUMBER


# --- division scoping of a customer's orders ------------------------------------------------
@pytest.fixture
def orders_in_two_divisions(
    platform: Any, product: Any, warehouses: Any, division: Any, other_division: Any
) -> tuple[Customer, Order, Order]:
    """One customer of GQ that also bought through division DQ."""
    from tests.orders.factories import ListedProductFactory

    ListedProductFactory(sku="SKU-DQ", division=other_division)
    customer = CustomerFactory(division=division, org_code=credit_code("24682468"))
    code = {"buyer.org_code": customer.org_code}
    here = receive(platform, **code)
    there = receive(platform, division="DQ", **{"lines.0.sku": "SKU-DQ"}, **code)
    assert here.customer == there.customer == customer  # identified at intake
    return customer, here, there


def test_customer_orders_show_only_the_users_divisions(
    orders_in_two_divisions: tuple[Customer, Order, Order], make_user: Any, other_division: Any
) -> None:
    customer, here, there = orders_in_two_divisions
    rep = make_user("sales_rep")
    far_rep = make_user("sales_rep", divisions=[other_division])
    head = make_user("hq_finance")

    assert list(selectors.customer_orders(customer=customer, user=rep)) == [here]
    assert list(selectors.customer_orders(customer=customer, user=far_rep)) == [there]
    assert set(selectors.customer_orders(customer=customer, user=head)) == {here, there}


def test_customer_list_counts_only_the_users_orders(
    orders_in_two_divisions: tuple[Customer, Order, Order], make_user: Any, other_division: Any
) -> None:
    customer, _here, _there = orders_in_two_divisions
    rep = make_user("sales_rep")
    far_rep = make_user("sales_rep", divisions=[other_division])
    head = make_user("hq_finance")

    counts = {
        name: [(c.pk, c.order_count) for c in selectors.customer_list_for_user(user=user)]
        for name, user in (("rep", rep), ("far", far_rep), ("head", head))
    }

    assert counts == {
        "rep": [(customer.pk, 1)],
        "far": [(customer.pk, 1)],
        "head": [(customer.pk, 2)],
    }


# --- who may correct master data ------------------------------------------------------------
def _customer_state(customer: Customer) -> tuple[Any, ...]:
    customer.refresh_from_db()
    history = audit_history(customer).filter(action="customer_corrected").count()
    return customer.name, customer.phone, customer.updated_at, history


def test_a_rep_of_another_division_may_not_correct_a_customer_seen_through_a_shared_order(
    orders_in_two_divisions: tuple[Customer, Order, Order], make_user: Any, other_division: Any
) -> None:
    customer, _here, there = orders_in_two_divisions
    far_rep = make_user("sales_rep", divisions=[other_division])
    assert selectors.customer_get_for_user(user=far_rep, pk=customer.pk) == customer  # visible
    before = _customer_state(customer)

    with pytest.raises(PermissionDenied):
        services.customer_update(customer=customer, by=far_rep, changes={"name": "改名"})

    assert _customer_state(customer) == before


def test_correcting_needs_the_change_permission(division: Any, make_user: Any) -> None:
    customer = CustomerFactory(division=division)
    before = _customer_state(customer)

    with pytest.raises(PermissionDenied):
        services.customer_update(
            customer=customer, by=make_user("warehouse"), changes={"phone": "13700000000"}
        )

    assert _customer_state(customer) == before


def test_linking_with_corrections_is_refused_across_divisions(
    platform: Any,
    product: Any,
    warehouses: Any,
    division: Any,
    other_division: Any,
    make_user: Any,
) -> None:
    from tests.orders.factories import ListedProductFactory

    ListedProductFactory(sku="SKU-DQ", division=other_division)
    customer = CustomerFactory(division=division, org_code=credit_code("97979797"))
    # an order of the far division, not identified (another organisation code)
    order = receive(platform, division="DQ", **{"lines.0.sku": "SKU-DQ"})
    far_rep = make_user("sales_rep", divisions=[other_division])
    before = _customer_state(customer)

    with pytest.raises(PermissionDenied):
        services.order_link_customer(
            order=order, customer=customer, by=far_rep, corrections={"name": "改名"}
        )

    assert _customer_state(customer) == before
    order.refresh_from_db()
    assert (order.status, order.customer) == (Order.Status.RECEIVED, None)


def test_correcting_who_the_customer_is_needs_a_reason(division: Any, make_user: Any) -> None:
    from orders.exceptions import OrderError
    from orders.services import customer_update

    customer = CustomerFactory(division=division)
    lead = make_user("sales_lead")

    with pytest.raises(OrderError) as refused:
        customer_update(customer=customer, by=lead, changes={"name": "上海工起机械股份有限公司"})
    assert refused.value.field == "note"
    customer.refresh_from_db()
    assert customer.name == "上海工起机械有限公司"

    changed = customer_update(
        customer=customer,
        by=lead,
        changes={"name": "上海工起机械股份有限公司"},
        note="客户改制，电话确认",
    )
    assert changed == ["name"]
    assert "客户改制，电话确认" in [record.note for record in audit_history(customer)]


@pytest.mark.parametrize(
    ("province", "city", "stored"),
    [
        ("Jiangsu苏州市", "", ("江苏省", "苏州市")),
        ("江苏", "苏州市", ("江苏省", "苏州市")),
        ("Jiangsu苏州市", "苏州市", ("江苏省", "苏州市")),
        ("Jiangsu苏州市", "无锡市", ("Jiangsu苏州市", "无锡市")),  # nothing typed is lost
        ("火星", "", ("火星", "")),
    ],
)
def test_the_province_of_an_address_is_written_as_routing_knows_it(
    division: Any, make_user: Any, province: str, city: str, stored: tuple[str, str]
) -> None:
    from orders.services import customer_create

    data = {"name": "苏州某某有限公司", "org_code": credit_code("31313131"), "phone": "13912345678"}
    customer = customer_create(
        kind="corporate",
        division=division,
        by=make_user("sales_rep"),
        data={**data, "province": province, "city": city, "street": "人民路 1 号"},
    )

    assert (customer.province, customer.city) == stored


def test_a_conflicting_code_ranks_below_a_match_without_one_and_is_shown(
    new_order: Order, rep: Any, division: Any, client: Any, english: Any
) -> None:
    """Same name and same phone, but another organisation code: probably another buyer."""
    client.force_login(rep)
    other_code = CustomerFactory(
        division=division,
        name="北京某某科技有限公司",
        org_code=credit_code("12121212"),
        phone="13812345678",
    )
    plain = CustomerFactory(
        division=division,
        name="北京某某科技发展有限公司",
        org_code="",
        contact_name="李明",
        phone="13000000001",
    )

    candidates = selectors.customer_candidates(order=new_order, user=rep)

    assert [c.customer for c in candidates] == [plain, other_code]
    assert candidates[1].conflicts == [
        f"different organisation code (customer: {other_code.org_code})"
    ]
    rep.language = "en"
    rep.save(update_fields=["language"])
    page = client.get(f"/orders/{new_order.pk}/").content.decode()
    assert "different organisation code" in page and "candidate-conflict" in page
