"""Documents of a campaign round made by the apps above this one (the round bulletin, by
``bulletins``), shown on the round's page: a registry those apps fill from their
``AppConfig.ready()``, as ``projects.panels`` is filled — this app cannot import them."""

from __future__ import annotations

from collections.abc import Callable

_PROVIDERS: list[Callable[..., dict]] = []


def register(provider: Callable[..., dict]) -> None:
    """``provider(*, user, rnd) -> dict``: template context for the round's page."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def round_documents(*, user, rnd) -> dict:
    context: dict = {}
    for provider in _PROVIDERS:
        context.update(provider(user=user, rnd=rnd))
    return context
