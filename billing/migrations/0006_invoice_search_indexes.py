# Hand-written: trigram indexes for the invoice search (billing.views.invoices._search).

from django.db import migrations

# Number and title searched by substring: trigram indexes, PostgreSQL only (SQLite reads
# its small tables whole). Django's `icontains` / `iexact` compare UPPER(column::text).
TRIGRAM_INDEXES = [
    ("invoice_number_trgm", "billing_invoice", "UPPER(number::text)"),
    ("invoice_buyer_title_trgm", "billing_invoice", "UPPER(buyer_title::text)"),
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_invoice_list_index"),
    ]

    operations = [
        migrations.RunPython(trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
