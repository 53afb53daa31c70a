"""Data: store every SKU normalised (no surrounding blanks, upper case) before 0006 adds
the constraints that keep it so. Two SKUs that differ only in case cannot both stay:
the migration stops and names them, for an administrator to resolve by hand."""

from django.db import migrations


def normalise(apps, schema_editor):
    product_model = apps.get_model("catalog", "Product")
    by_normal: dict[str, list[str]] = {}
    for sku in product_model.objects.values_list("sku", flat=True):
        by_normal.setdefault(sku.strip().upper(), []).append(sku)
    clashes = {normal: skus for normal, skus in by_normal.items() if len(skus) > 1}
    if clashes:
        raise RuntimeError(
            "SKUs that differ only in case or blanks; rename all but one first: "
            + "; ".join(", ".join(sorted(skus)) for skus in clashes.values())
        )
    for normal, (sku,) in by_normal.items():
        if sku != normal:
            product_model.objects.filter(sku=sku).update(sku=normal)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_split_price_permissions")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
