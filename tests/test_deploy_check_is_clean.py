"""Production mode passes Django's deployment check with no warning at all: HTTPS redirect,
HSTS for a year with subdomains and preload, secure cookies, frames denied, a long random
secret — and the production settings refuse what would weaken them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Variables of the environment the checks must not inherit from the developer's shell
# (or from the browser tests' conftest, which allows async-unsafe ORM calls).
OWN = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "BALLAST_MODE",
    "DEBUG",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
}


def _production(tmp_path, args, **extra):
    env = {k: v for k, v in os.environ.items() if k not in OWN}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ballast.settings",
            "BALLAST_MODE": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "ballast.example.gov.cn,testserver",
            "BALLAST_VAR_DIR": str(tmp_path),
        }
    )
    env.update(extra)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _deploy_check(tmp_path, **extra):
    return _production(
        tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **extra
    )


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy(tmp_path):
    result = _deploy_check(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_names_the_redirect_when_it_is_turned_off(tmp_path):
    # The check is not silenced: turning the redirect off is reported, not hidden.
    result = _deploy_check(tmp_path, SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_refuses_a_short_or_repetitive_secret_key(tmp_path):
    for weak in ("short-secret", "ab" * 40, "django-insecure-" + secrets.token_urlsafe(50)):
        result = _production(tmp_path, ["manage.py", "check"], SECRET_KEY=weak)
        assert result.returncode != 0, weak
        assert "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_refuses_hsts_shorter_than_a_year(tmp_path):
    result = _production(tmp_path, ["manage.py", "check"], SECURE_HSTS_SECONDS="86400")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be at least 31536000" in result.stderr


def test_production_refuses_a_malformed_proxy_header(tmp_path):
    result = _production(
        tmp_path, ["manage.py", "check"], SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must read 'Header-Name: value'" in result.stderr


RESPONSE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
# Production serves hashed static files listed by collectstatic's manifest; this check of
# the headers runs without a collectstatic, so pages link the plain names.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client()
plain = client.get("/login/")
print("plain", plain.status_code, plain.headers.get("Location"))
secure = client.get("/login/", secure=True)
print("secure", secure.status_code)
for name in ("Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
             "Referrer-Policy", "Cross-Origin-Opener-Policy", "X-Content-Type-Options"):
    print(name, "=", secure.headers.get(name))
proxied = client.get("/login/", headers={"X-Forwarded-Proto": "https"})
print("proxied", proxied.status_code)
lang = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, secure=True)
print("Language-Cookie", "=", lang.cookies["django_language"].output())
"""


def _headers(output: str) -> dict[str, str]:
    return dict(line.split(" = ", 1) for line in output.splitlines() if " = " in line)


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    result = _production(tmp_path, ["-c", RESPONSE])
    assert result.returncode == 0, result.stderr
    assert "plain 301 https://testserver/login/" in result.stdout
    assert "secure 200" in result.stdout
    headers = _headers(result.stdout)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    cookie = headers["Language-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Without a proxy header configured, a client's X-Forwarded-Proto is not believed.
    assert "proxied 301" in result.stdout


def test_behind_a_tls_proxy_its_header_counts_as_https(tmp_path):
    result = _production(
        tmp_path, ["-c", RESPONSE], SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )
    assert result.returncode == 0, result.stderr
    assert "proxied 200" in result.stdout
    assert "plain 301" in result.stdout


def test_hsts_preload_and_subdomains_can_be_turned_off(tmp_path):
    result = _production(
        tmp_path,
        ["-c", RESPONSE],
        SECURE_HSTS_PRELOAD="false",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_SECONDS="63072000",
    )
    assert result.returncode == 0, result.stderr
    assert _headers(result.stdout)["Strict-Transport-Security"] == "max-age=63072000"
