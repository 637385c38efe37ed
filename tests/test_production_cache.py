"""Production needs a cache every web process shares (the portal's link-request limits live there):
with DEBUG off the settings refuse to start without CACHE_URL, as they do without SECRET_KEY."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**variables):
    env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings_refuse_to_start_without_a_shared_cache_when_debug_is_off():
    result = start_django()
    assert result.returncode != 0
    assert "ImproperlyConfigured: CACHE_URL must be set when DEBUG is off" in result.stderr


def test_settings_start_with_a_redis_cache_when_debug_is_off():
    result = start_django(CACHE_URL="redis://127.0.0.1:6379/1")
    assert result.returncode == 0, result.stderr
