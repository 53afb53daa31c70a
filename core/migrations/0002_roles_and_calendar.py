"""Data: the role groups of SPEC.md with their core permissions, the official calendar,
and (on PostgreSQL) a trigger that keeps the audit table append-only below the ORM."""

from django.db import migrations

from core.append_only import append_only_trigger
from core.calendar_seed import seed_special_days
from core.roles import ALL_ROLES, grant_role_permissions


def create_roles(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        group_model.objects.get_or_create(name=role)
    grant_role_permissions(apps, "core")


def seed_calendar(apps, schema_editor):
    seed_special_days(apps.get_model("core", "SpecialDay"), first_year=2020)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
        append_only_trigger("core_auditrecord"),
    ]
