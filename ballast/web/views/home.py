"""The landing page: each person lands on the page the policy names for them
(:func:`ballast.accounts.policy.landing`); the others see the workspace."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import resolve, reverse

from ballast.accounts import policy


@login_required
def home(request):
    """City administrators and leaders see the cockpit here; clerks and reviewers go to
    their queue; the other roles see what they may use."""
    user = request.user
    found = policy.landing(user)
    if found is None:
        return workspace(request)
    name, in_place = found
    if not in_place:
        return redirect(name)
    # Served at "/" itself: the page's own view (the shell knows it by its URL only).
    match = resolve(reverse(name))
    return match.func(request, *match.args, **match.kwargs)


def workspace(request):
    user = request.user
    context = {
        "workspace": policy.workspace_kind(user),
        # The auditor's home leads to the trail and the login log (ballast.audit).
        "reads_audit": policy.may_do(user, "audit.view"),
    }
    return render(request, "web/workspace.html", context)
