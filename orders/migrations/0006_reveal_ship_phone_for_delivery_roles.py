"""Personal data: the warehouse and parts support reveal only the recipient's phone
(`reveal_ship_phone`, for the delivery); the buyer's and the customer master's phone and
ID numbers stay with the sales roles and admins."""

from django.db import migrations

from core.roles import grant_role_permissions

# Frozen here: the roles module may change later, this migration must not.
GRANTS = {
    "sales_rep": ("orders.reveal_ship_phone",),
    "sales_lead": ("orders.reveal_ship_phone",),
    "admin": ("orders.reveal_ship_phone",),
    "parts_support": ("orders.reveal_ship_phone",),
    "warehouse": ("orders.reveal_ship_phone",),
}
NO_LONGER = {"parts_support": ("reveal_phone",), "warehouse": ("reveal_phone",)}


def _permissions(apps, codenames):
    permission_model = apps.get_model("auth", "Permission")
    return permission_model.objects.filter(content_type__app_label="orders", codename__in=codenames)


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "orders", GRANTS)
    # create_permissions() leaves existing names alone
    _permissions(apps, ["reveal_phone"]).update(
        name="Can reveal full buyer and customer phone numbers"
    )
    group_model = apps.get_model("auth", "Group")
    for role, codenames in NO_LONGER.items():
        group = group_model.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codenames))


def backwards(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role, codenames in NO_LONGER.items():
        group = group_model.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, codenames))
    _permissions(apps, ["reveal_phone"]).update(name="Can reveal full phone numbers")


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_reveal_permissions_options"),
        ("core", "0002_roles_and_calendar"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
