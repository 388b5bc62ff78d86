"""The REST API's generic base (NetBox's ``netbox/api/``): authentication by personal
token or session, the restricted viewset, RFC 9457 problems, ETag / If-Match, idempotency
keys, paging, rate limits and the OpenAPI schema. Each domain app's ``api/`` builds on
it; ``ballast/api_urls.py`` mounts them under ``/api/v1/`` (docs/api.md)."""
