from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # The catalog's velocity job reads sales through a registry so that the catalog
        # never imports orders; the registry module may not exist yet in every checkout.
        if find_spec("catalog.sales") is not None:
            from .selectors import units_sold_since

            import_module("catalog.sales").register_sales_source(units_sold_since)
