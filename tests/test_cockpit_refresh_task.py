"""The figure refresh on the task queue (``dashboards.refresh_cockpits``): it computes the
cockpit figures of each scope under the same key the cockpit page reads, so the page that
follows computes nothing; and a change of the data makes the page compute afresh (the
refresh never keeps figures past a write)."""

from datetime import date

import pytest

from ballast.core import queue
from ballast.dashboards import selectors
from ballast.dashboards.tasks import refresh_cockpits


@pytest.fixture
def cache_on(settings):
    settings.BALLAST_DASHBOARD_CACHE_SECONDS = 300
    from django.core.cache import cache

    cache.clear()


def test_refresh_fills_the_cockpits_the_pages_then_read(
    client, people, make_project, pinned_today, monkeypatch, cache_on
):
    pinned_today(date(2023, 6, 30))
    make_project(stages={"started": date(2023, 1, 5)})
    calls = []
    real = selectors.cockpit

    def counting(**kwargs):
        calls.append((kwargs["user"].username, kwargs["region"].code))
        return real(**kwargs)

    monkeypatch.setattr(selectors, "cockpit", counting)
    # city-level people share scopes by role; unit leaders and reviewers have their unit's
    refreshed = queue.function("dashboards.refresh_cockpits")()
    assert refreshed == len(calls) > 0
    assert ("city_leader", "321000") in calls
    assert ("leader_a", "321081") in calls
    calls.clear()

    client.force_login(people["city_leader"])
    assert client.get("/cockpit/").status_code == 200
    assert calls == []  # computed by the refresh, not by the page

    make_project(name="新项目")  # the data changed: a new stamp
    assert client.get("/cockpit/").status_code == 200
    assert calls == [("city_leader", "321000")]


def test_the_scheduled_jobs_are_periodic_tasks_of_the_queue():
    """What cron and the systemd timers ran before: the workers defer them on schedule."""
    from django.utils.module_loading import autodiscover_modules
    from procrastinate.contrib.django import app

    autodiscover_modules("tasks")  # as the worker does at start
    periodic = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic == {
        "dashboards.refresh_cockpits": "*/10 * * * *",
        "coordination.send_notifications": "*/5 * * * *",
        "core.clear_sessions": "30 3 * * *",
        "queue.retry_stalled_jobs": "* * * * *",
    }
    assert refresh_cockpits.name == "dashboards.refresh_cockpits"
