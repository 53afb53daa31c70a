"""The base of every domain refusal: a business rule said no, and the message is for the
user. Views turn it into a message (or a form error on `field`); the API into a 4xx."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: object = "", field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
