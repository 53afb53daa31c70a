from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from orders.hooks import STAGE_BILLING, register_cancellation_participant

        from .services.invoices import invoice_cancellation_participant

        # billing decides first: an invoiced, unshipped order is credited; a shipped one refused
        register_cancellation_participant(
            invoice_cancellation_participant, stage=STAGE_BILLING, name="billing"
        )
