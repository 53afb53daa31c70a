"""Data: the catalog permissions of each role; on PostgreSQL a trigger keeps the price
history append-only below the ORM (as core does for the audit table)."""

from django.db import migrations

from catalog.roles import ROLE_PERMISSIONS
from core.append_only import append_only_trigger
from core.roles import grant_role_permissions


def grant_permissions(apps, schema_editor):
    grant_role_permissions(apps, "catalog", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_listing_applications_prices_bins"),
        ("core", "0002_roles_and_calendar"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        append_only_trigger("catalog_pricechange"),
    ]
