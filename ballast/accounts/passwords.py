"""Password rules of Ballast (口令复杂度, 等保2.0 L3 身份鉴别 / ASVS 5.0 V6.2).

Django's own validators give the length, the common-password list, the numeric-only
refusal and the similarity to the person's attributes; these add what 等保 asks beyond
them: three of the four character classes, never the username itself, and none of the
person's last N passwords (N from the city's ``SecuritySettings``).
"""

from __future__ import annotations

import re

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ballast.accounts.models import PasswordHistory, SecuritySettings, User

CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"[0-9]"),
    re.compile(r"[^a-zA-Z0-9]"),
)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case, upper-case, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in CLASSES if pattern.search(password))
        if found < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "n": self.min_classes
        }


class NotUsernameValidator:
    """The password must not contain the username (either way round, any case)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) < 3:
            return
        lowered = password.lower()
        if username in lowered or username[::-1] in lowered:
            raise ValidationError(_("密码不得包含用户名。"), code="password_has_username")

    def get_help_text(self):
        return _("密码不得包含用户名。")


class ReuseHistoryValidator:
    """None of the person's last N passwords (N: the city's security settings).

    ``password_changed`` keeps the hash of each new password, so the check needs no
    plain text.
    """

    def _count(self, user) -> int:
        return SecuritySettings.for_user(user).password_history_count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = user.password_history.values_list("password", flat=True)[: self._count(user)]
        if any(check_password(password, hashed) for hashed in recent):
            raise ValidationError(
                _("不得使用最近 %(n)d 次用过的密码。") % {"n": self._count(user)},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = max(self._count(user), 1)
        old = user.password_history.values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(old)).delete()
        # A plain update: the time of the change is not an account change of its own.
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self):
        return _("不得使用最近几次用过的密码。")


def password_expired(user, *, now=None) -> bool:
    """Whether ``user``'s password is older than the city's maximum age (密码有效期)."""
    changed = user.password_changed_at or user.date_joined
    if changed is None:
        return False
    now = now or timezone.now()
    days = SecuritySettings.for_user(user).password_max_age_days
    return (now - changed).days >= days
