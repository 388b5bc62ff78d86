"""The landing page: each role lands on the page it needs."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ballast.accounts import policy
from ballast.web.views.common import LANDING, shows_cockpit


@login_required
def home(request):
    """City administrators and leaders see the cockpit; clerks and reviewers go to their
    queue; the other roles see what they may use."""
    user = request.user
    if user.role in LANDING and not user.is_superuser:
        return redirect(LANDING[user.role])
    if shows_cockpit(user):
        # The cockpit lives in the dashboards app; it is served at "/" itself.
        from ballast.dashboards.views import cockpit

        return cockpit(request)
    return workspace(request)


def workspace(request):
    user = request.user
    context = {
        "role": user.role,
        # The auditor's home leads to the trail and the login log (ballast.audit).
        "reads_audit": policy.VIEW in policy.allowed_actions(user, "audit"),
    }
    return render(request, "web/workspace.html", context)
