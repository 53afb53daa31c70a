import pytest
from django.contrib.auth.models import Group

from core.access import user_access_load
from core.models import Division, Warehouse
from core.roles import ALL_ROLES, user_sees_all_divisions
from core.scoping import divisions_and_warehouses, divisions_for_user, scope_to_user_divisions
from tests.factories import DivisionFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

SPEC_ROLES = {
    "product_group",
    "division_sales",
    "sales_rep",
    "sales_lead",
    "parts_support",
    "warehouse",
    "warehouse_receiver",
    "division_finance",
    "hq_finance",
    "sales_head",
    "ecom_leader",
    "logistics_lead",
    "admin",
}


def test_migrations_create_every_role_of_the_spec():
    assert set(ALL_ROLES) == SPEC_ROLES
    assert set(Group.objects.values_list("name", flat=True)) >= SPEC_ROLES


def test_admin_role_can_read_the_audit_log():
    admin_group = Group.objects.get(name="admin")
    assert admin_group.permissions.filter(codename="view_auditrecord").exists()


@pytest.mark.parametrize(
    ("role", "sees_all"),
    [
        ("sales_rep", False),
        ("division_finance", False),
        ("warehouse", False),
        ("hq_finance", True),
        ("product_group", True),
        ("ecom_leader", True),
        ("admin", True),
    ],
)
def test_scope_restricts_to_the_users_divisions(
    make_user, division, other_division, role, sees_all
):
    user = make_user(role)
    visible = set(scope_to_user_divisions(Division.objects.all(), user=user, division_field="pk"))
    expected = {division, other_division} if sees_all else {division}
    assert visible == expected
    assert user_sees_all_divisions(user) is sees_all


def test_user_in_two_divisions_sees_both(make_user, division, other_division):
    user = make_user("sales_rep", divisions=[division, other_division])
    assert set(divisions_for_user(user)) == {division, other_division}


def test_anonymous_and_inactive_users_see_nothing(make_user, division):
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user("hq_finance", is_active=False)
    assert not scope_to_user_divisions(
        Division.objects.all(), user=AnonymousUser(), division_field="pk"
    )
    assert not scope_to_user_divisions(Division.objects.all(), user=inactive, division_field="pk")


def _by_querysets(user):
    divisions = divisions_for_user(user)
    warehouses = Warehouse.objects.filter(division__in=divisions, is_active=True)
    return list(divisions), list(warehouses)


def test_divisions_and_warehouses_in_one_statement_are_the_querysets_rows(
    make_user, division, other_division, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    closed = DivisionFactory(code="ZZ", name="停用", is_active=False)
    for code, place, kind, active in [
        ("GQ-B", division, "main", True),
        ("GQ-A", division, "central", True),
        ("DQ-A", other_division, "main", True),
        ("GQ-OLD", division, "main", False),
        ("ZZ-A", closed, "main", True),  # active, of a closed division
    ]:
        WarehouseFactory(code=code, division=place, kind=kind, is_active=active)
    rep = make_user("sales_rep")
    both = make_user("sales_rep", divisions=[other_division, division])
    head = make_user("hq_finance", divisions=[])
    inactive = make_user("sales_rep", is_active=False)
    for user in (rep, both, head):
        user_access_load(user)  # as every page does before the view
        with django_assert_num_queries(1):
            divisions, warehouses = divisions_and_warehouses(user)
        expected_divisions, expected_warehouses = _by_querysets(user)
        assert divisions == expected_divisions
        assert warehouses == expected_warehouses
        for got, expected in zip(warehouses, expected_warehouses, strict=True):
            for name in ("code", "name", "division_id", "kind", "address", "is_active"):
                assert getattr(got, name) == getattr(expected, name)
    assert [w.code for w in divisions_and_warehouses(rep)[1]] == ["GQ-A", "GQ-B"]
    assert [d.code for d in divisions_and_warehouses(head)[0]] == ["DQ", "GQ"]
    assert divisions_and_warehouses(inactive) == ([], [])
    assert divisions_and_warehouses(AnonymousUser()) == ([], [])
