"""The main menu: a registry every app contributes its entries to.

An app lists its entries in its own ``menu.py`` as ``ENTRIES``, a tuple of dicts:

* ``order`` — the place in the menu (10, 20, …: the menu reads in the order of the work),
* ``label`` — a lazily translated label,
* ``url`` — the URL name of the page,
* ``needs`` — the named actions of :func:`ballast.accounts.policy.may_do` the person must
  all hold (the same questions the page asks before it answers),
* optionally ``shown`` — ``callable(user) -> bool``, a further condition the app decides
  (e.g. "this person has linked projects"), and ``args`` — ``callable(user) -> list``, the
  URL's arguments.

The shell finds the ``menu`` modules through the app registry (like the admin's
``autodiscover``), so it imports no app, and no app's ``menu.py`` imports the shell.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballast.accounts import policy

# The shell's own entries: the home page first, the Django admin (the configuration:
# clusters, rules, schemes) last, for those who may change it.
HOME = {"order": 0, "label": gettext_lazy("首页"), "url": "web:home", "needs": ()}
ADMIN = {"order": 1000, "label": gettext_lazy("管理后台"), "url": "admin:index"}
ADMIN_NEEDS = ("config.change",)

_entries: list[dict] | None = None


def entries() -> list[dict]:
    """Every app's entries, in menu order (collected once)."""
    global _entries
    if _entries is None:
        found = [HOME]
        for config in apps.get_app_configs():
            if module_has_submodule(config.module, "menu"):
                module = __import__(f"{config.name}.menu", fromlist=["ENTRIES"])
                found.extend(getattr(module, "ENTRIES", ()))
        _entries = sorted(found, key=lambda e: e["order"])
    return _entries


def items_for(user) -> list[tuple[str, str]]:
    """(label, url) of every page ``user`` may open, in menu order."""
    items = []
    for entry in entries():
        if not all(policy.may_do(user, need) for need in entry["needs"]):
            continue
        shown = entry.get("shown")
        if shown is not None and not shown(user):
            continue
        args = entry["args"](user) if "args" in entry else ()
        items.append((str(entry["label"]), reverse(entry["url"], args=args)))
    if all(policy.may_do(user, need) for need in ADMIN_NEEDS):
        items.append((_(str(ADMIN["label"])), reverse(ADMIN["url"])))
    return items
