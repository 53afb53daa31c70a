"""Split "change product prices" in two (《电商业务管理办法》 产品定价): the division gives
the three reference prices, the product group sets the selling price from them.

The table of this step is frozen here; the old permission is taken from every group and
deleted, so no user keeps the right to set the selling price through it.
"""

from django.db import migrations

from core.roles import grant_role_permissions

OLD = "change_product_prices"
REFERENCE = "change_product_reference_prices"
SELLING = "change_product_selling_price"

ROLE_PERMISSIONS = {
    "product_group": (f"catalog.{REFERENCE}", f"catalog.{SELLING}"),
    "division_sales": (f"catalog.{REFERENCE}",),
}


def split(apps, schema_editor):
    grant_role_permissions(apps, "catalog", ROLE_PERMISSIONS)
    permission_model = apps.get_model("auth", "Permission")
    permission_model.objects.filter(content_type__app_label="catalog", codename=OLD).delete()


def merge(apps, schema_editor):
    """Reverse: whoever held either new permission gets the old one back."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    product_type, _created = content_type_model.objects.get_or_create(
        app_label="catalog", model="product"
    )
    old, _created = permission_model.objects.get_or_create(
        content_type=product_type, codename=OLD, defaults={"name": "Can change product prices"}
    )
    new = permission_model.objects.filter(
        content_type=product_type, codename__in=[REFERENCE, SELLING]
    )
    for group in group_model.objects.filter(permissions__in=new).distinct():
        group.permissions.add(old)
    new.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_role_permissions_price_history_guard"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="product",
            options={
                "ordering": ["sku"],
                "permissions": [
                    ("publish_product", "Can list and delist products"),
                    (
                        "change_product_reference_prices",
                        "Can change the reference prices (offline market, online guide, "
                        "baseline)",
                    ),
                    ("change_product_selling_price", "Can change the selling price"),
                    ("override_price_guard", "Can set a selling price outside the price guard"),
                    ("edit_product_base_information", "Can edit product base information"),
                ],
                "verbose_name": "product",
                "verbose_name_plural": "products",
            },
        ),
        migrations.RunPython(split, merge),
    ]
