"""The scheduled notices on the task queue (``ballast.core.queue``): every five minutes
the workers escalate issues by the city rules, write the time notices (near/past
deadline, report returned, daily digest) and e-mail every notice not yet e-mailed — what
``manage.py send_notifications`` does by hand. A run that overlaps another, or runs again
after a worker died, changes nothing twice: notices are unique by key and each e-mail is
claimed atomically before it is sent (``notifications.py``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.utils import timezone

from ballast.coordination import notifications
from ballast.core import queue
from ballast.core.history import acting

logger = logging.getLogger(__name__)


@queue.task(name="coordination.send_notifications", cron="*/5 * * * *", retry=3)
def send_notifications(timestamp: int | None = None) -> dict[str, int]:
    """Escalations, report deadlines, returned reports, digests and their e-mails, as of
    the tick (``timestamp``, seconds since the epoch, given by the queue's scheduler): a
    run retried after its worker died judges the same moment again."""
    now = datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else timezone.now()
    with acting(reason="定时通知", source="command"):
        result = notifications.run(now=now)
    logger.info("scheduled notices: %s", result)
    return result
