"""What the apps above projects add to the project page (NetBox's template extensions):
a panel is a function ``(user, project, as_of, plan) -> dict`` whose result is added to
the page's context. The monthly reports contribute the reports and the monthly chart,
the figures the investment progress — each from its own ``AppConfig.ready()``, so the
projects app imports neither."""

from __future__ import annotations

from collections.abc import Callable

PANELS: list[Callable[..., dict]] = []


def register(panel: Callable[..., dict]) -> Callable[..., dict]:
    """Add ``panel`` to the project page (once)."""
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def context(*, user, project, as_of, plan) -> dict:
    """The context every registered panel adds for ``project``."""
    found: dict = {}
    for panel in PANELS:
        found.update(panel(user=user, project=project, as_of=as_of, plan=plan))
    return found
