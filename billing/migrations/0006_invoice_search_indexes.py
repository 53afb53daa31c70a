# Hand-written: trigram indexes for the invoice search (billing.views.invoices._search).

from core.search_indexes import trigram_indexes
from django.db import migrations

# Number and title searched by substring: trigram indexes, PostgreSQL only (SQLite reads
# its small tables whole). Django's `icontains` / `iexact` compare UPPER(column::text).
TRIGRAM_INDEXES = [
    ("invoice_number_trgm", "billing_invoice", "UPPER(number::text)"),
    ("invoice_buyer_title_trgm", "billing_invoice", "UPPER(buyer_title::text)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_invoice_list_index"),
    ]

    operations = [
        trigram_indexes(TRIGRAM_INDEXES),
    ]
