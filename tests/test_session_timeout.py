"""Sessions end after 30 idle minutes (each request pushes the expiry on) and when the
browser closes (the cookie has no expiry of its own)."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone


def _sign_in(client):
    response = client.post("/login/", {"username": "clerk_a", "password": "pass"})
    assert response.status_code == 302
    return response


def test_the_session_cookie_ends_with_the_browser(client, people):
    response = _sign_in(client)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


def test_an_idle_session_expires_after_thirty_minutes(client, people, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    settings.BALLAST_SESSION_TOUCH_SECONDS = 0  # every request pushes the expiry on
    _sign_in(client)
    session = Session.objects.get(session_key=client.session.session_key)
    left = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)
    # Working keeps it alive: a request pushes the expiry on.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/projects/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)
    # Thirty idle minutes later it is gone: the next page asks to sign in again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_pages_push_the_expiry_on_at_most_once_a_minute(client, people, settings):
    """Reading pages is not a database write each time: within a minute of the last push
    a request leaves the session row alone."""
    assert settings.BALLAST_SESSION_TOUCH_SECONDS == 60
    _sign_in(client)
    client.get("/projects/")  # the first page after signing in pushes the expiry on
    session = Session.objects.get(session_key=client.session.session_key)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(expire_date=soon)
    assert client.get("/projects/").status_code == 200
    session.refresh_from_db()
    assert session.expire_date == soon
