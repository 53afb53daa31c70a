from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from core.periods import register_period_lock_source
        from orders.hooks import STAGE_BILLING, register_cancellation_participant

        from .services.invoices import invoice_cancellation_participant
        from .services.settlement import settlement_locked_period

        # a signed settlement locks its period for every dated document (core.periods)
        register_period_lock_source(settlement_locked_period)

        # billing decides first: an invoiced, unshipped order is credited; a shipped one refused
        register_cancellation_participant(
            invoice_cancellation_participant, stage=STAGE_BILLING, name="billing"
        )
