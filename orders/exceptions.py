"""Errors raised by the orders services; views and the API turn them into messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.exceptions import DomainError


class OrderError(DomainError):
    """A business rule refused the operation; the message is for the user."""


class TransitionNotAllowed(OrderError):
    pass


class PermissionDenied(OrderError):
    pass


class OrderPeriodLocked(OrderError):
    """The time given lies in a settled, locked period (core.periods)."""


class CancellationRefused(OrderError):
    """A cancellation participant (e.g. billing, for an invoice that cannot be credited)
    refused; the message says why."""


class CustomerConflict(OrderError):
    """Another active customer already holds this organisation code or ID number."""


@dataclass(frozen=True)
class FieldError:
    field: str  # path in the intake body, e.g. "buyer.id_number" or "lines[0].sku"
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class IntakeInvalid(OrderError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class ReceiptInvalid(IntakeInvalid):
    """The receipt time breaks a rule (in the future, before the shipment, badly written)."""


class IntakeConflict(OrderError):
    """The platform order number exists with a different body."""

    def __init__(self, order: Any) -> None:
        super().__init__("The platform order number exists with different content.")
        self.order = order
