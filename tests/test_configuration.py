"""Production configuration comes from the environment and fails loudly when wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts the chorus command in a subprocess: seconds apiece.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "CHORUS_MODE": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-tests",
    "ALLOWED_HOSTS": "chorus.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/chorus-config-test.sqlite3",
    "DEFAULT_FROM_EMAIL": "chorus@example.gov.uk",
    "CHORUS_ORGANISATION_NAME": "Example Council",
}


def _chorus(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHORUS_", "DJANGO_", "SECRET_", "DATABASE_"))
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "chorus.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
    )


def test_check_deploy_reports_no_warnings_under_production_settings() -> None:
    result = _chorus("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SECRET_KEY", "", "SECRET_KEY is not set"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32 characters"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS is not set"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS must not contain '*'"),
        ("DATABASE_URL", "", "DATABASE_URL is not set"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL must point at PostgreSQL"),
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("CHORUS_BRAND_COLOUR", "blue", "CHORUS_BRAND_COLOUR must be a colour"),
        ("CHORUS_MODE", "staging", "CHORUS_MODE must be one of production, local"),
    ],
)
def test_a_missing_or_malformed_value_stops_start_up_naming_the_variable(
    name: str, value: str, message: str
) -> None:
    env = {**PRODUCTION, name: value}
    result = _chorus("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    result = _chorus(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        **PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == "False ['chorus.example.gov.uk']", result.stderr


def test_chorus_help_lists_the_operator_commands() -> None:
    result = _chorus("--help")
    for command in ("serve", "worker", "demo", "createadmin", "check"):
        assert f"  {command}" in result.stdout


@pytest.mark.parametrize("command", ["serve", "worker", "demo", "createadmin"])
def test_each_command_explains_itself(command: str, tmp_path: Path) -> None:
    result = _chorus(command, "--help", CHORUS_MODE="local", CHORUS_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "usage: chorus " + command in result.stdout


def test_createadmin_refuses_a_common_password_and_changes_nothing(tmp_path: Path) -> None:
    env = {"CHORUS_MODE": "local", "CHORUS_DATA_DIR": str(tmp_path)}
    assert _chorus("migrate", "-v0", **env).returncode == 0
    weak = _chorus(
        "createadmin",
        "--email",
        "a@example.gov.uk",
        "--name",
        "A",
        "--no-input",
        CHORUS_ADMIN_PASSWORD="password123",
        **env,
    )
    assert weak.returncode != 0 and "too common" in weak.stderr
    ok = _chorus(
        "createadmin",
        "--email",
        "a@example.gov.uk",
        "--name",
        "A",
        "--no-input",
        CHORUS_ADMIN_PASSWORD="a-long-unusual-passphrase",
        **env,
    )
    assert ok.returncode == 0, ok.stderr
    again = _chorus(
        "createadmin",
        "--email",
        "A@example.gov.uk",
        "--name",
        "A",
        "--no-input",
        CHORUS_ADMIN_PASSWORD="a-long-unusual-passphrase",
        **env,
    )
    assert "already exists" in again.stderr
