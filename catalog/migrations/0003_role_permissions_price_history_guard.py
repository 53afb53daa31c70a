"""Data: the catalog permissions of each role; on PostgreSQL a trigger keeps the price
history append-only below the ORM (as core does for the audit table).

The table is frozen here as it stood when this migration was written: a migration must
not read today's catalog/roles.py, whose permissions may not exist yet at this point of
the history (0004 split change_product_prices in two). Later changes are migrations of
their own; core's post_migrate hook syncs the groups with catalog/roles.py afterwards.
"""

from django.db import migrations

from core.append_only import append_only_trigger
from core.roles import grant_role_permissions

_READ = (
    "catalog.view_category",
    "catalog.view_product",
    "catalog.view_productimage",
    "catalog.view_productbin",
    "catalog.view_listingapplication",
    "catalog.view_pricechange",
)

ROLE_PERMISSIONS = {
    "product_group": (
        *_READ,
        "catalog.review_listingapplication",
        "catalog.publish_product",
        "catalog.change_product_prices",
        "catalog.override_price_guard",
        "catalog.edit_product_base_information",
    ),
    "division_sales": (
        *_READ,
        "catalog.file_listingapplication",
        "catalog.change_product_prices",
        "catalog.edit_product_base_information",
    ),
    "admin": (
        *_READ,
        "catalog.add_category",
        "catalog.change_category",
        "catalog.delete_category",
        "catalog.add_product",
        "catalog.change_product",
        "catalog.add_productimage",
        "catalog.change_productimage",
        "catalog.delete_productimage",
        "catalog.add_productbin",
        "catalog.change_productbin",
        "catalog.delete_productbin",
    ),
}


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
