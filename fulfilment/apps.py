from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    name = "fulfilment"
    verbose_name = _("Fulfilment")

    def ready(self) -> None:
        from orders.hooks import STAGE_STOCK, register_cancellation_participant

        from .services.delivery_notes import release_on_order_cancel

        register_cancellation_participant(
            release_on_order_cancel, stage=STAGE_STOCK, name="fulfilment: free reserved stock"
        )
