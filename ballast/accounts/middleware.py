"""After the password: a new password when one is due, then the second factor.

A signed-in person whose password was reset by the security administrator, or is older
than the city's maximum age, can open nothing but the password page until they set a new
one. Then, when they have a TOTP device (or must have one, ``BALLAST_2FA_REQUIRED``),
they can open nothing but the verification (or enrolment) page until they pass it.
"""

import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ballast.accounts.choices import ADMINISTRATOR_ROLES
from ballast.accounts.passwords import password_expired

# Set in the session once the password and 2FA steps are cleared (saves the look-ups on
# every later request).
SESSION_CLEARED = "_ballast_account_steps_cleared"

# When the session's expiry was last pushed on (seconds since the epoch): the idle timeout
# (SESSION_COOKIE_AGE) restarts when a request saves the session, which happens at most
# once every BALLAST_SESSION_TOUCH_SECONDS — not on every request, which would make every
# page a database write (and on SQLite wait behind an import's write lock).
SESSION_TOUCHED = "_ballast_touched"

# Pages open on the way (sign-out, language, the steps themselves, static files).
_OPEN_PREFIXES = ("/static/", "/media/", "/i18n/")


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor (BALLAST_2FA_REQUIRED)."""
    mode = settings.BALLAST_2FA_REQUIRED
    if mode == "off":
        return False
    if user.is_superuser or user.role in ADMINISTRATOR_ROLES:
        return True
    return mode == "city" and user.is_above_units


def has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


class AccountSecurityMiddleware:
    """Sends a signed-in person to the password, 2FA-verify or 2FA-enrol step they owe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self._touch(request)
        step = self._step_due(request)
        if step is not None and request.path != reverse(step):
            path = request.path
            if not path.startswith(_OPEN_PREFIXES) and path != reverse("logout"):
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _touch(request) -> None:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return
        now = int(time.time())
        if now - session.get(SESSION_TOUCHED, 0) >= settings.BALLAST_SESSION_TOUCH_SECONDS:
            session[SESSION_TOUCHED] = now  # modified: saved with a new expiry

    def _step_due(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if user.must_change_password:
            return "accounts:password_change"
        verified = getattr(user, "is_verified", lambda: False)()
        if request.session.get(SESSION_CLEARED) and (verified or not two_factor_required(user)):
            # Checked once this session: the password was not expired and no device was
            # due. (Resets end the person's sessions, so this cannot go stale.)
            return None
        if password_expired(user):
            return "accounts:password_change"
        if not verified:
            if has_device(user):
                return "accounts:otp_verify"
            if two_factor_required(user):
                return "accounts:otp_enrol"
        request.session[SESSION_CLEARED] = True
        return None
