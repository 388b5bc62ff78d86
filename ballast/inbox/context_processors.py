"""The header's unread badge: ``inbox`` in every page's context (registered in settings'
TEMPLATES, so the shell's base template shows it without importing this app)."""

from __future__ import annotations

from django.urls import reverse

from ballast.inbox.services import unread_count


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox": {"url": reverse("inbox:inbox"), "unread": unread_count(user)}}
