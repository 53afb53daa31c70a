"""Refusals of the fulfilment services; views turn them into messages or field errors."""

from __future__ import annotations

from core.exceptions import DomainError


class FulfilmentError(DomainError):
    """A business rule refused the operation; the message is for the user."""


class NotPermitted(FulfilmentError):
    """The user's role or division does not allow this."""


class StockShort(FulfilmentError):
    """Less stock is available than asked for."""
