import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hash passwords with MD5 in these tests, which sign in many times; production keeps PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
