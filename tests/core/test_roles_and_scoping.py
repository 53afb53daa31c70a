import pytest
from django.contrib.auth.models import Group

from core.models import Division
from core.roles import ALL_ROLES, user_sees_all_divisions
from core.scoping import divisions_for_user, scope_to_user_divisions

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
