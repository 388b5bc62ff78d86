"""The inbox (通知): one's own notifications, newest first; mark read; delivery choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ballast.inbox import services
from ballast.inbox.forms import PreferencesForm
from ballast.inbox.models import Notification
from ballast.web.pages import query_without_page

PAGE_SIZE = 30


@login_required
@require_safe
def inbox(request):
    mine = Notification.objects.restrict(request.user)
    shown = mine.filter(read_at__isnull=True) if request.GET.get("unread") else mine
    return render(
        request,
        "inbox/inbox.html",
        {
            "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query_without_page(request),
            "unread_only": bool(request.GET.get("unread")),
            "unread": mine.filter(read_at__isnull=True).count(),
        },
    )


@login_required
def notification_open(request, pk: int):
    """Open a notification: mark it read and follow its link (or back to the inbox)."""
    notification = get_object_or_404(Notification.objects.restrict(request.user), pk=pk)
    if request.method == "POST":
        services.mark_read(user=request.user, notification=notification, now=timezone.now())
        return redirect(notification.safe_link or "inbox:inbox")
    return render(request, "inbox/notification.html", {"notification": notification})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user, now=timezone.now())
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return redirect("inbox:inbox")


@login_required
def preferences(request):
    current = services.deliveries_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("通知方式已保存。"))
        return redirect("inbox:preferences")
    return render(request, "inbox/preferences.html", {"form": form})
