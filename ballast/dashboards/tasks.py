"""Figure refreshes on the task queue (``ballast.core.queue``).

``dashboards.refresh_cockpits`` computes, every ten minutes, the cockpit figures of every
city and unit for each distinct access scope of the people who open them (the same cache
key the cockpit page uses, ``core.cache.cached``), so the first leader to look after the
data changed does not wait for them. The cache is keyed by the data stamp, so a refresh
never makes a page show older figures; it only moves the computing off the page. It needs
the shared cache (Redis) to help: in the embedded mode periodic tasks do not run.
"""

from __future__ import annotations

import logging

from ballast.accounts import policy
from ballast.accounts.models import User
from ballast.core import clock, queue, replica
from ballast.core.cache import cached
from ballast.dashboards import selectors
from ballast.projects.selectors import city_in_scope

logger = logging.getLogger(__name__)


@queue.task(name="dashboards.refresh_cockpits", cron="*/10 * * * *", retry=1)
def refresh_cockpits(timestamp: int | None = None) -> int:
    """Compute the cockpits' figures as of today for every scope; returns how many."""
    as_of = clock.today()
    seen: set[tuple] = set()
    people = User.objects.filter(is_active=True).select_related("region").order_by("pk")
    for user in people:
        if user.region is None or not policy.may_do(user, "view_cockpit"):
            continue
        if user.is_province_level:
            continue  # the province page has its own figures, computed on view
        region = city_in_scope(user) if user.is_above_units else user.region
        if region is None:
            continue
        key = ("cockpit", policy.cache_scope(user), region.pk, as_of)
        if key in seen:
            continue
        seen.add(key)
        with replica.heavy_read():
            cached(key, lambda u=user, r=region: selectors.cockpit(user=u, region=r, as_of=as_of))
    logger.info("cockpit figures refreshed for %s scopes", len(seen))
    return len(seen)
