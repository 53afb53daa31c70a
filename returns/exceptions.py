"""Refusals of the returns services; views and the API turn them into messages."""

from __future__ import annotations

from core.exceptions import DomainError


class ReturnError(DomainError):
    """A business rule refused the operation; the message is for the user, `field` names
    the input (API paths like `lines[0].quantity`), `rule` the rule (API `rule`)."""

    def __init__(self, message: object = "", field: str | None = None, rule: str = "") -> None:
        super().__init__(message, field=field)
        self.rule = rule or "invalid"


class NotPermitted(ReturnError):
    """The user's role or division does not allow this."""


class ReturnWindowClosed(ReturnError):
    """The request came after the return window (SPEC §5)."""


class ReturnConflict(ReturnError):
    """A platform request number already used with a different body."""
