"""Document numbers moved to core (core.DocumentSequence): every counter carries on from
its last value, so no number is issued twice and none is skipped."""

from django.db import migrations


def copy_counters(apps, schema_editor):
    old = apps.get_model("orders", "NumberSequence")
    new = apps.get_model("core", "DocumentSequence")
    for row in old.objects.all():
        new.objects.update_or_create(key=row.key, defaults={"last_value": row.last_value})


def copy_counters_back(apps, schema_editor):
    old = apps.get_model("orders", "NumberSequence")
    new = apps.get_model("core", "DocumentSequence")
    keys = ("ORDER-", "SO-", "CUSTOMER")
    for row in new.objects.all():
        if row.key.startswith(keys):
            old.objects.update_or_create(key=row.key, defaults={"last_value": row.last_value})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_document_sequence"),
        ("orders", "0007_routes_hong_kong_macao_taiwan"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_counters_back),
        migrations.DeleteModel(name="NumberSequence"),
    ]
