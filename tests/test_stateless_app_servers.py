"""In production every app server keeps its cache and sessions outside its own process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "proxy": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def settings_under(**env) -> dict:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "BALLAST_", "TRUST_"))
        and key not in ("SECRET_KEY", "ALLOWED_HOSTS")
    }
    base.update(DJANGO_SETTINGS_MODULE="ballast.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


PRODUCTION = {
    "BALLAST_MODE": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "ballast.example.gov.cn",
    "DATABASE_URL": "postgres://ballast@127.0.0.1:5432/ballast",
}


def test_production_with_redis_keeps_cache_and_sessions_in_redis():
    shown = settings_under(
        **PRODUCTION,
        REDIS_URL="redis://10.0.2.20:6379/0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )
    assert shown == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "location": "redis://10.0.2.20:6379/0",
        "sessions": "django.contrib.sessions.backends.cached_db",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_without_redis_shares_a_database_cache():
    shown = settings_under(**PRODUCTION)
    assert shown["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert shown["location"] == "ballast_cache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db"


def test_the_embedded_mode_is_unchanged():
    shown = settings_under()
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["static"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert shown["proxy"] is None
