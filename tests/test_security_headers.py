"""Every page carries a strict Content Security Policy (in the embedded mode too), frames
are denied, the referrer stays on the site, and the policy's report endpoint logs what
browsers report — within a size limit, without a session or CSRF token."""

import json
import logging
import re
from pathlib import Path

import pytest
from django.test import Client

from ballast.web.views import csp as csp_views

REPORT = {
    "csp-report": {
        "document-uri": "http://127.0.0.1:8000/projects/1/",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "http://127.0.0.1:8000/projects/1/",
        "status-code": 200,
        "script-sample": "alert(1)",
    }
}


def _logged(caplog):
    return [r for r in caplog.records if r.name == "ballast.security.csp"]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("url", ["/login/", "/admin/login/", "/"])
def test_pages_carry_a_strict_csp(client, url):
    response = client.get(url)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report/"],
    }
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_signed_in_pages_carry_the_csp_and_the_other_headers(client, people):
    client.force_login(people["clerk_a"])
    response = client.get("/projects/")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_language_cookie_is_http_only_and_same_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    cookie = response.cookies["django_language"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # the embedded mode serves plain HTTP on 127.0.0.1


def test_templates_hold_no_inline_script_or_style():
    """The rule of docs/development.md "Pages under the CSP", checked on every template of
    the product (the browser tests prove the pages they visit)."""
    root = Path(csp_views.__file__).resolve().parents[2]
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, re.compile(r"\sstyle=\""), re.compile(r"\son[a-z]+=\"")):
            offenders += [
                f"{template.relative_to(root)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
        if "<style" in text:
            offenders.append(f"{template.relative_to(root)}: <style>")
    assert offenders == []


def test_a_violation_report_is_logged(caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="ballast.security.csp"):
        response = client.post(
            "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
        )
    assert response.status_code == 204
    [record] = _logged(caplog)
    assert record.csp_report["blocked-uri"] == "inline"
    assert record.csp_report["effective-directive"] == "script-src-elem"
    assert record.csp_report["document-uri"] == "http://127.0.0.1:8000/projects/1/"
    assert "original-policy" not in record.csp_report
    assert "script-src-elem" in record.getMessage()


def test_reporting_api_reports_are_logged_too(caplog):
    body = [
        {
            "type": "csp-violation",
            "url": "http://127.0.0.1:8000/map/",
            "body": {
                "documentURL": "http://127.0.0.1:8000/map/",
                "effectiveDirective": "style-src-attr",
                "blockedURL": "inline",
                "disposition": "enforce",
            },
        }
    ]
    with caplog.at_level(logging.WARNING, logger="ballast.security.csp"):
        response = Client().post(
            "/csp-report/", json.dumps(body), content_type="application/reports+json"
        )
    assert response.status_code == 204
    [record] = _logged(caplog)
    assert record.csp_report["effective-directive"] == "style-src-attr"


def test_an_oversized_report_is_refused_unread(caplog, settings):
    settings.BALLAST_CSP_REPORT_MAX_BYTES = 1024
    padded = {"csp-report": {**REPORT["csp-report"], "script-sample": "x" * 2000}}
    with caplog.at_level(logging.WARNING, logger="ballast.security.csp"):
        response = Client().post(
            "/csp-report/", json.dumps(padded), content_type="application/csp-report"
        )
    assert response.status_code == 413
    assert _logged(caplog) == []


@pytest.mark.parametrize("body", ["not json", '{"report": {}}', '"csp"'])
def test_what_is_not_a_report_is_refused(body, caplog):
    with caplog.at_level(logging.WARNING, logger="ballast.security.csp"):
        response = Client().post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 400
    assert _logged(caplog) == []


def test_the_report_endpoint_takes_only_post(client):
    assert client.get("/csp-report/").status_code == 405
