"""Helpers for the API tests: a client holding a person's personal token."""

from rest_framework.test import APIClient

from ballast.accounts.services import token_create


def token_client(user, name="测试脚本") -> APIClient:
    """An API client that calls as ``user`` with a fresh personal token."""
    _token, secret = token_create(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def etag(response) -> str:
    return response.headers["ETag"]
