"""The trail listens; no other app calls it.

* every historical row django-simple-history writes (every BallastModel, and whatever
  else carries ``HistoricalRecords``) → one change record with before and after;
* Django's sign-in signals, django-axes' lockout (when axes is installed) and
  ``ballast.accounts.signals.security_event`` (unlocks, 2FA, passwords, roles, exports).
"""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from ballast.accounts.signals import security_event
from ballast.audit import services
from ballast.audit.choices import Kind, kind_of_security_event
from ballast.core.history import bulk_history_created


@receiver(post_create_historical_record, dispatch_uid="audit_change")
def _changed(sender, instance, history_instance, **kwargs):
    services.record_change(history_instance, instance)


@receiver(bulk_history_created, dispatch_uid="audit_bulk_change")
def _changed_in_bulk(sender, rows, instances, previous, **kwargs):
    services.record_bulk(rows, instances, previous)


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    services.record_event(kind=Kind.LOGIN, action="login", user=user, request=request, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    services.record_event(
        kind=Kind.LOGOUT, action="logout", user=user, request=request, target=user
    )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    services.record_event(
        kind=Kind.LOGIN_FAILED,
        action="login_failed",
        request=request,
        username=username,
        detail={"username": username},
    )


@receiver(security_event, dispatch_uid="audit_security_event")
def _security_event(sender, kind, user=None, target_user=None, detail=None, request=None, **kw):
    detail = dict(detail or {})
    reason = str(detail.pop("reason", "") or "")
    services.record_event(
        kind=kind_of_security_event(kind),
        action=kind[:32],
        user=user,
        request=request,
        target=target_user,
        detail=detail,
        reason=reason,
    )


def connect_lockout() -> None:
    """django-axes' ``user_locked_out`` → a lockout record (only when axes is installed)."""
    if not apps.is_installed("axes"):
        return
    try:
        from axes.signals import user_locked_out
    except ImportError:  # pragma: no cover - axes without its signals module
        return

    def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
        services.record_event(
            kind=Kind.LOCKOUT,
            action="lockout",
            request=request,
            username=username or "",
            detail={"username": username or "", "ip": ip_address or ""},
        )

    user_locked_out.connect(_locked_out, dispatch_uid="audit_lockout", weak=False)
