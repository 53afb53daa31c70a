from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(seed_routes_if_empty, sender=self)
        # The catalog's velocity job reads sales through a registry so that the catalog
        # never imports orders; the registry module may not exist yet in every checkout.
        if find_spec("catalog.sales") is not None:
            from .selectors import units_sold_since

            import_module("catalog.sales").register_sales_source(units_sold_since)


def seed_routes_if_empty(**kwargs: object) -> None:
    """post_migrate: an empty routing table (new or flushed database) gets the default
    rule; a table with rows belongs to the admins and is left alone."""
    from core.models import Warehouse

    from .models import ProvinceRoute
    from .provinces import PROVINCES, REMOTE_PROVINCE_CODES

    if ProvinceRoute.objects.exists():
        return
    ProvinceRoute.objects.bulk_create(
        ProvinceRoute(
            code=p.code,
            name=p.name,
            warehouse_kind=Warehouse.Kind.CENTRAL
            if p.code in REMOTE_PROVINCE_CODES
            else Warehouse.Kind.MAIN,
        )
        for p in PROVINCES
    )
