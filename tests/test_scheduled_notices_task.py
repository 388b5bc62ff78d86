"""The scheduled notices as a queue task (``coordination.send_notifications``, every five
minutes on the workers): a tick judges its own moment, and the same tick run again — a
retry after its worker died — or an overlapping next tick sends nothing twice."""

from django.core import mail

from ballast.core import queue
from ballast.inbox.models import Notification as Notice
from tests.test_coordination_fixtures import *  # noqa: F403
from tests.test_coordination_fixtures import at
from tests.test_notification_rules import mailed  # noqa: F401 - fixture


def test_a_tick_run_twice_sends_each_notice_once(project_a, mailed, raise_issue):  # noqa: F811
    from datetime import date

    raise_issue(project_a, deadline=date(2023, 3, 31))
    task = queue.function("coordination.send_notifications")
    tick = int(at(2023, 4, 1, 7).timestamp())
    first = task(timestamp=tick)
    # the issue is past its deadline at the tick: escalated, notified and mailed
    assert first["escalated"] == 1 and first["emailed"] == len(mail.outbox) == 7
    assert Notice.objects.count() == 7
    again = task(timestamp=tick)  # the worker died after sending: the job runs again
    assert again["escalated"] == 0 and again["emailed"] == 0
    later = task(timestamp=tick + 300)  # the next tick
    assert later["emailed"] == 0
    assert len(mail.outbox) == 7 and Notice.objects.count() == 7
