"""Production settings pass Django's deployment checks and refuse to start half-configured."""

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "HOSHIN_ENV": "production",
    "ALLOWED_HOSTS": "hoshin.example.com",
    "HOSHIN_PROXY_SSL_HEADER": "true",
}


def run_hoshin(tmp_path, *args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("HOSHIN_", "DJANGO_"))}
    environment.pop("SECRET_KEY", None)
    environment.pop("ALLOWED_HOSTS", None)
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **env)
    return subprocess.run([sys.executable, "-m", "hoshin", *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def secret_key():
    return secrets.token_urlsafe(64)


def test_check_deploy_passes(tmp_path, secret_key):
    result = run_hoshin(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY=secret_key, HOSHIN_HSTS_PRELOAD="true", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_without_preload_only_warns(tmp_path, secret_key):
    result = run_hoshin(tmp_path, "check", "--deploy", SECRET_KEY=secret_key, **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "security.W021" in result.stderr
    assert "security.W0" not in result.stderr.replace("security.W021", "")


def test_secret_key_file_is_read(tmp_path, secret_key):
    key_file = tmp_path / "secret"
    key_file.write_text(secret_key, encoding="utf-8")

    result = run_hoshin(tmp_path, "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY_FILE=str(key_file),
                        HOSHIN_HSTS_PRELOAD="true", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing, message", [
    ("SECRET_KEY", "SECRET_KEY (or SECRET_KEY_FILE) is required"),
    ("ALLOWED_HOSTS", "ALLOWED_HOSTS is required"),
])
def test_production_refuses_missing_setting(tmp_path, secret_key, missing, message):
    env = {"SECRET_KEY": secret_key, **PRODUCTION_ENV}
    del env[missing]

    result = run_hoshin(tmp_path, "check", **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / ".hoshin-secret-key").exists()
