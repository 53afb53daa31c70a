from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns and refunds")

    def ready(self) -> None:
        from billing.hooks import register_settlement_source
        from orders.hooks import register_close_blocker, register_order_section

        from . import numbers  # noqa: F401  (registers the document series)
        from .selectors import order_section
        from .services import order_close_blocker, returns_settlement_figures

        # exchanged goods and paid refunds enter the monthly settlement of their period
        register_settlement_source(returns_settlement_figures)
        # the order page lists the order's returns and offers "Start a return"
        register_order_section(order_section)
        # a delivered order does not close while one of its returns is in progress
        register_close_blocker(order_close_blocker)
