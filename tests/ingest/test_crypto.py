"""Secrets at rest: Fernet keys from HOSHIN_FIELD_KEY, with rotation."""

import pytest
from cryptography.fernet import Fernet

from hoshin.core.env import ConfigurationError
from hoshin.ingest.crypto import decrypt, encrypt


def test_round_trip_with_configured_key(monkeypatch):
    monkeypatch.setenv("HOSHIN_FIELD_KEY", Fernet.generate_key().decode())

    token = encrypt("postgresql://reader:secret@db/warehouse")

    assert "secret" not in token
    assert decrypt(token) == "postgresql://reader:secret@db/warehouse"


def test_rotated_key_still_decrypts(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("HOSHIN_FIELD_KEY", old)
    token = encrypt("value")

    monkeypatch.setenv("HOSHIN_FIELD_KEY", f"{new},{old}")

    assert decrypt(token) == "value"


def test_unknown_key_fails_clearly(monkeypatch):
    monkeypatch.setenv("HOSHIN_FIELD_KEY", Fernet.generate_key().decode())
    token = encrypt("value")

    monkeypatch.setenv("HOSHIN_FIELD_KEY", Fernet.generate_key().decode())

    with pytest.raises(ConfigurationError, match="cannot be decrypted"):
        decrypt(token)


def test_production_requires_key(monkeypatch, settings):
    monkeypatch.delenv("HOSHIN_FIELD_KEY", raising=False)
    settings.PRODUCTION = True

    with pytest.raises(ConfigurationError, match="HOSHIN_FIELD_KEY is required"):
        encrypt("value")


def test_invalid_key_names_variable(monkeypatch):
    monkeypatch.setenv("HOSHIN_FIELD_KEY", "not-a-key")

    with pytest.raises(ConfigurationError, match="HOSHIN_FIELD_KEY is not a list of Fernet keys"):
        encrypt("value")
