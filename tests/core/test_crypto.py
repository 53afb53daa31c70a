"""core.crypto: encrypted fields, key rotation, blind index and masking."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from core import crypto

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY])
def test_round_trip_returns_the_plaintext_and_never_stores_it() -> None:
    token = crypto.encrypt("110105194912310021")

    assert "110105194912310021" not in token
    assert crypto.decrypt(token) == "110105194912310021"


@override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY])
def test_tokens_of_equal_values_differ() -> None:
    assert crypto.encrypt("13812345678") != crypto.encrypt("13812345678")


def test_rotation_reencrypts_under_the_newest_key_and_old_key_can_be_dropped() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = crypto.encrypt("13812345678")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert crypto.decrypt(token) == "13812345678"
        rotated = crypto.rotate(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert crypto.decrypt(rotated) == "13812345678"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


@override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY])
def test_new_tokens_use_the_first_key() -> None:
    token = crypto.encrypt("x")

    assert Fernet(NEW_KEY.encode()).decrypt(token.encode()) == b"x"


@override_settings(BLIND_INDEX_KEY="key-one")
def test_blind_index_is_deterministic_keyed_and_separated_by_purpose() -> None:
    first = crypto.blind_index("13812345678", purpose="phone")

    assert first == crypto.blind_index("13812345678", purpose="phone")
    assert len(first) == 64
    assert first != crypto.blind_index("13812345678", purpose="id_number")
    assert first != crypto.blind_index("13812345679", purpose="phone")
    assert crypto.blind_index("", purpose="phone") == ""
    with override_settings(BLIND_INDEX_KEY="key-two"):
        assert crypto.blind_index("13812345678", purpose="phone") != first


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105194912310021", "1101**********0021"),
        ("11010519491231002X", "1101**********002X"),
        ("12345678", "12****78"),
        ("", ""),
    ],
)
def test_mask_keeps_only_the_ends(value: str, masked: str) -> None:
    assert crypto.mask(value) == masked


def test_mask_phone() -> None:
    assert crypto.mask_phone("13812345678") == "138****5678"


@override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY])
def test_encrypted_field_prepares_tokens_and_reads_plaintext() -> None:
    field = crypto.EncryptedTextField()

    token = field.get_prep_value("13812345678")

    assert token != "13812345678"
    assert field.from_db_value(token, None, None) == "13812345678"
    assert field.get_prep_value("") == ""
    assert field.from_db_value(None, None, None) is None
