"""Build the demo-data contract of SPEC §8. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.discovery import app_modules


class Command(BaseCommand):
    help = "Create the demo data (division GQ, warehouses, users, products, orders …)."

    def handle(self, *args: Any, **options: Any) -> None:
        context: dict[str, Any] = {}
        # INSTALLED_APPS order follows the order's life; each app's `demo.seed(context)` adds
        # its part on top of the earlier apps' data.
        modules = app_modules("demo")
        with transaction.atomic():
            for module in modules:
                module.seed(context)
                self.stdout.write(f"seeded {module.__name__}")
            # Steps that need every app's data (e.g. velocity classes from demo orders).
            for module in modules:
                if hasattr(module, "finish"):
                    module.finish(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
