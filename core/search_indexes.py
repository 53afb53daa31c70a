"""Trigram indexes for searches by substring, as a migration operation (PostgreSQL only;
SQLite reads its small tables whole). Django's `icontains` / `iexact` compare
UPPER(column::text), so the indexed expression is usually that.

    trigram_indexes([("invoice_number_trgm", "billing_invoice", "UPPER(number::text)")])
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def trigram_indexes(indexes: list[tuple[str, str, str]]) -> migrations.RunPython:
    """Create the (name, table, expression) GIN trigram indexes; drop them when reversed."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, expression in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (({expression}) gin_trgm_ops)"
            )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _expression in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
