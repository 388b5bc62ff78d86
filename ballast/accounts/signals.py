"""Login log: every sign-in, sign-out and failure."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ballast.accounts.models import LoginEvent


def _client(request):
    if request is None:
        return None, ""
    return request.META.get("REMOTE_ADDR") or None, request.META.get("HTTP_USER_AGENT", "")[:255]


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.LOGIN, user=user, username=user.get_username(), ip=ip, user_agent=agent
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.LOGOUT,
        user=user,
        username=user.get_username(),
        ip=ip,
        user_agent=agent,
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        kind=LoginEvent.Kind.FAILED,
        username=str(credentials.get("username", ""))[:150],
        ip=ip,
        user_agent=agent,
    )
