"""The schema's readers (Swagger UI, Redoc) load nothing from another origin and run no
inline script: their files come from drf-spectacular-sidecar under /static/."""

import re


def test_swagger_and_redoc_are_local_and_keep_the_csp(client, people):
    client.force_login(people["clerk_a"])
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "http://" not in html and "https://" not in html, url
        assert "/static/drf_spectacular_sidecar/" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{url}: inline script"
        assert "script-src 'self';" in response["Content-Security-Policy"]
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"] == "application/javascript"
    assert client.get("/api/v1/schema/").status_code == 200


def test_the_schema_is_for_signed_in_people(client):
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/docs/").status_code == 401
