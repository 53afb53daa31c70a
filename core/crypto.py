"""Personal data at rest (SPEC §6 客户信息保密): encrypted fields, blind index, masking.

- `EncryptedTextField` stores Fernet tokens made with the newest key of
  `settings.FIELD_ENCRYPTION_KEYS` (newest first); every listed key still decrypts, so
  rotation is: put the new key first, re-encrypt the rows (a management command loads
  and saves them, which writes with the newest key), then drop the old key.
- Fernet tokens are random, so equality look-ups go through a blind index: an HMAC of
  the normalised value under `settings.BLIND_INDEX_KEY`, stored next to the token.
- `mask()` shows the ends only (`1101**********1234`); revealing the full value is the
  caller's business and must be audited.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class DecryptionError(Exception):
    """A stored token cannot be read with any configured key."""


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("settings.FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    """A token of `value` under the newest key."""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("No configured key decrypts this value.") from error


def rotate(token: str) -> str:
    """The same plaintext, re-encrypted under the newest key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("No configured key decrypts this value.") from error


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash for exact look-up; `purpose` separates the indexes of different fields
    so equal strings in two fields do not hash alike. Empty input gives an empty index."""
    if not value:
        return ""
    key = settings.BLIND_INDEX_KEY.encode()
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask(value: str, *, visible_start: int = 4, visible_end: int = 4, fill: str = "*") -> str:
    """`110105194912310021` → `1101**********0021`; short values keep fewer characters."""
    if not value:
        return ""
    length = len(value)
    if length <= visible_start + visible_end:
        keep = max(1, length // 4)
        return value[:keep] + fill * (length - 2 * keep) + value[length - keep :]
    return (
        value[:visible_start] + fill * (length - visible_start - visible_end) + value[-visible_end:]
    )


def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`."""
    return mask(value, visible_start=3, visible_end=4)


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code sees the plaintext.

    Not searchable or orderable in the database: pair it with a blind-index column.
    """

    description = "Text encrypted at rest (Fernet, key rotation through MultiFernet)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """Names of the encrypted columns of a model (for the re-encryption command)."""
    return [
        field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
    ]
