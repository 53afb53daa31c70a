"""The price guard also covers the online guide price: the override permission says so
(create_permissions never renames an existing permission, so the name is set here)."""

from django.db import migrations

NAME = "Can set the selling or online guide price outside the price guard"


def rename(apps, schema_editor):
    permission_model = apps.get_model("auth", "Permission")
    permission_model.objects.filter(
        content_type__app_label="catalog", codename="override_price_guard"
    ).update(name=NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_sku_constraints"),
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
                        "Can change the reference prices (offline market, online guide, baseline)",
                    ),
                    ("change_product_selling_price", "Can change the selling price"),
                    (
                        "override_price_guard",
                        "Can set the selling or online guide price outside the price guard",
                    ),
                    ("edit_product_base_information", "Can edit product base information"),
                ],
                "verbose_name": "product",
                "verbose_name_plural": "products",
            },
        ),
        migrations.RunPython(rename, migrations.RunPython.noop),
    ]
