"""Settings come from the environment; production refuses to start without a secret."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Production refuses a short or repetitive secret (tests/test_deploy_check_is_clean.py).
KEY = secrets.token_urlsafe(50)


def _check(env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "BALLAST_MODE", "DEBUG"}
    }
    env.update(env_extra)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ballast.settings"},
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _check({"BALLAST_MODE": "production", "ALLOWED_HOSTS": "ballast.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_needs_allowed_hosts():
    result = _check({"BALLAST_MODE": "production", "SECRET_KEY": KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_with_settings_starts_without_debug():
    result = _check(
        {"BALLAST_MODE": "production", "SECRET_KEY": KEY, "ALLOWED_HOSTS": "ballast.example"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['ballast.example']"


def test_bad_boolean_is_refused():
    result = _check({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
