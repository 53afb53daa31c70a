from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns and refunds")

    def ready(self) -> None:
        from billing.hooks import register_settlement_source

        from . import numbers  # noqa: F401  (registers the document series)
        from .services import returns_settlement_figures

        # exchanged goods and paid refunds enter the monthly settlement of their period
        register_settlement_source(returns_settlement_figures)
