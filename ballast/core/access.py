"""The access policy as the base models see it: ``Model.objects.restrict(user)`` asks the
policy that the accounts app registers here when Django starts
(``AccountsConfig.ready()``). The core imports no app; the policy sits above it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_restrict: Callable | None = None


def register(restrict: Callable) -> None:
    """Install the policy's ``restrict(queryset, user, action)``."""
    global _restrict
    _restrict = restrict


def restrict(queryset, user, action: str = "view"):
    """``queryset`` narrowed to what ``user`` may do ``action`` on (the policy's answer)."""
    if _restrict is None:
        raise ImproperlyConfigured("No access policy registered (ballast.accounts not ready).")
    return _restrict(queryset, user, action)
