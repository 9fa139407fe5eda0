"""Encryption of secrets stored in the database (SQL source URLs).

`HOSHIN_FIELD_KEY` contains one or more Fernet keys separated by commas.
The first key encrypts and all of them decrypt, so a key is rotated by
putting the new key first and saving the rows again. In development, when the variable is
unset, a key is derived from `SECRET_KEY`; production requires the variable.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from hoshin.core.env import ConfigurationError, env_str


@lru_cache(maxsize=4)
def _fernet(raw_keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in raw_keys.split(",") if key.strip()])
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "HOSHIN_FIELD_KEY is not a list of Fernet keys; generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        ) from exc


def field_cipher() -> MultiFernet:
    raw = env_str("HOSHIN_FIELD_KEY")
    if not raw:
        if getattr(settings, "PRODUCTION", False):
            raise ConfigurationError("HOSHIN_FIELD_KEY is required when HOSHIN_ENV=production")
        digest = hashlib.sha256(f"hoshin-field-key:{settings.SECRET_KEY}".encode()).digest()
        raw = base64.urlsafe_b64encode(digest).decode()
    return _fernet(raw)


def encrypt(text: str) -> str:
    return field_cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return field_cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ConfigurationError("a stored secret cannot be decrypted with HOSHIN_FIELD_KEY; was the key changed?") from exc


class EncryptedTextField(models.TextField):
    """Text encrypted with Fernet in the database and plain in Python."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
