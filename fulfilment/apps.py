from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "fulfilment"
    verbose_name = _("Fulfilment")

    def ready(self) -> None:
        from orders.hooks import (
            STAGE_STOCK,
            register_cancellation_participant,
            register_order_section,
            register_shipments_source,
        )

        from .selectors import order_section, shipments_of_order
        from .services.delivery_notes import release_on_order_cancel

        register_shipments_source(shipments_of_order)
        register_order_section(order_section)

        register_cancellation_participant(
            release_on_order_cancel, stage=STAGE_STOCK, name="fulfilment: free reserved stock"
        )
