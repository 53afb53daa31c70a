"""Domain errors of the catalog; views turn them into messages or form errors."""

from __future__ import annotations

from typing import Any

from core.exceptions import DomainError


class CatalogError(DomainError):
    """A refused catalog operation; `field` names the form field it belongs to, if any."""

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message), field=field)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class TransitionRefused(CatalogError):
    """Wrong state, wrong role or another division's object."""


class BaseInformationIncomplete(CatalogError):
    """Listing refused, or a change refused that would leave a listed product incomplete;
    `missing` lists the rules.MissingItem pieces."""

    def __init__(self, message: Any, *, missing: list[Any], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.missing = missing


class PriceGuardRefused(CatalogError):
    """A selling price outside the guard rails without a valid override."""
