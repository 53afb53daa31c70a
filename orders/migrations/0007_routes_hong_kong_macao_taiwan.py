"""Routing rows for Taiwan (71), Hong Kong (81) and Macao (82), served by the main
warehouse. Rows an admin already added are left as they are."""

from django.db import migrations

# Frozen here (orders.provinces may change later; this migration must not).
ROUTES = [("71", "台湾省"), ("81", "香港特别行政区"), ("82", "澳门特别行政区")]


def add_routes(apps, schema_editor):
    route_model = apps.get_model("orders", "ProvinceRoute")
    for code, name in ROUTES:
        route_model.objects.get_or_create(
            code=code, defaults={"name": name, "warehouse_kind": "main"}
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_reveal_ship_phone_for_delivery_roles")]

    operations = [migrations.RunPython(add_routes, migrations.RunPython.noop)]
