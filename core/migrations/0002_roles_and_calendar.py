"""Data: the role groups of SPEC.md with their core permissions, the official calendar,
and (on PostgreSQL) a trigger that keeps the audit table append-only below the ORM."""

from django.db import migrations

from core.calendar_seed import seed_special_days
from core.roles import ALL_ROLES, grant_role_permissions


def create_roles(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        group_model.objects.get_or_create(name=role)
    grant_role_permissions(apps, "core")


def seed_calendar(apps, schema_editor):
    seed_special_days(apps.get_model("core", "SpecialDay"), first_year=2020)


AUDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditrecord is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditrecord_no_change
    BEFORE UPDATE OR DELETE ON core_auditrecord
    FOR EACH ROW EXECUTE FUNCTION core_auditrecord_append_only();
"""
AUDIT_GUARD_DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditrecord_no_change ON core_auditrecord;
DROP FUNCTION IF EXISTS core_auditrecord_append_only();
"""


def guard_audit_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_SQL, params=None)


def unguard_audit_table(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
        migrations.RunPython(guard_audit_table, unguard_audit_table),
    ]
