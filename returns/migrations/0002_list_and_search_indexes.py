# The list's indexes (returns.selectors.return_list_for_user), the refunds' by status (the
# queues) and, hand-written, trigram indexes for the list's search by number
# (returns.selectors._search_q).

from core.search_indexes import trigram_indexes
from django.db import migrations, models

# Numbers searched by substring: trigram indexes, PostgreSQL only (SQLite reads its small
# tables whole). Django's `icontains` / `iexact` compare UPPER(column::text).
TRIGRAM_INDEXES = [
    ("return_number_trgm", "returns_returnrequest", "UPPER(number::text)"),
    ("return_order_number_trgm", "returns_returnrequest", "UPPER(return_order_number::text)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="returnrequest",
            name="returns_ret_divisio_53c17b_idx",
        ),
        migrations.AddIndex(
            model_name="returnrequest",
            index=models.Index(
                fields=["division", "requested_at", "id"], name="return_division_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="returnrequest",
            index=models.Index(
                fields=["division", "status", "requested_at", "id"],
                name="return_division_status_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="refund",
            index=models.Index(fields=["status"], name="refund_status_idx"),
        ),
        trigram_indexes(TRIGRAM_INDEXES),
    ]
