"""Where a page's form goes after a POST: back to the page it came from, safely."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back(request, fallback: str, *args):
    """Redirect to the form's ``next`` when it is a local address, else to ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, *args)
