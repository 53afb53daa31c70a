"""Data: the catalog permissions of each role; on PostgreSQL a trigger keeps the price
history append-only below the ORM (as core does for the audit table)."""

from django.db import migrations

from catalog.roles import ROLE_PERMISSIONS
from core.roles import grant_role_permissions


def grant_permissions(apps, schema_editor):
    grant_role_permissions(apps, "catalog", ROLE_PERMISSIONS)


PRICE_GUARD_SQL = """
CREATE OR REPLACE FUNCTION catalog_pricechange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'catalog_pricechange is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER catalog_pricechange_no_change
    BEFORE UPDATE OR DELETE ON catalog_pricechange
    FOR EACH ROW EXECUTE FUNCTION catalog_pricechange_append_only();
"""
PRICE_GUARD_DROP_SQL = """
DROP TRIGGER IF EXISTS catalog_pricechange_no_change ON catalog_pricechange;
DROP FUNCTION IF EXISTS catalog_pricechange_append_only();
"""


def guard_price_history(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PRICE_GUARD_SQL, params=None)


def unguard_price_history(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PRICE_GUARD_DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_listing_applications_prices_bins"),
        ("core", "0002_roles_and_calendar"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(guard_price_history, unguard_price_history),
    ]
