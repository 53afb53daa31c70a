"""Key rotation, step 2: re-encrypt every encrypted column under the newest key.

1. Put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy.
2. `python manage.py reencrypt_personal_data`.
3. Remove the old keys from FIELD_ENCRYPTION_KEYS, deploy.

Covers every model of every app that uses core.crypto.EncryptedTextField. Rows are
read (any configured key decrypts) and written back (the newest key encrypts) in
batches, each batch in its own transaction; running it twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from core.crypto import encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt personal data under the newest key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            count = self._reencrypt(model, fields, batch_size)
            self.stdout.write(
                f"{model._meta.label}: {count} rows re-encrypted ({', '.join(fields)})"
            )
        self.stdout.write(self.style.SUCCESS("Done."))

    def _reencrypt(self, model: Any, fields: list[str], batch_size: int) -> int:
        count, last_pk = 0, None
        while True:
            with transaction.atomic():
                rows = model._default_manager.order_by("pk").select_for_update()
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows.only("pk", *fields)[:batch_size])
                if not batch:
                    return count
                model._default_manager.bulk_update(batch, fields)
            count += len(batch)
            last_pk = batch[-1].pk
