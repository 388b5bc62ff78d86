"""Bulletin rendering on the task queue (``ballast.core.queue``).

``bulletins.render`` composes a bulletin asked for on the publish page (its number
already taken, the row 生成中) and stores its content and Word document
(``services.bulletin_render``). It is deferred in the publishing transaction, so it
exists exactly when the bulletin row does; a second delivery finds the bulletin
published and does nothing (the publication happens once, under a row lock). A failure
is retried (three more times, a minute apart); after the last one the bulletin is marked
生成失败 and the page says why. In the embedded mode it runs in the publishing process
right after the commit (one attempt).
"""

from __future__ import annotations

from procrastinate import RetryStrategy

from ballast.bulletins import services
from ballast.core import queue


def render_bulletin(bulletin_id: int, attempt: tuple[int, int] = (1, 1)) -> None:
    """Render bulletin ``bulletin_id``; the last attempt's failure marks it failed."""
    try:
        services.bulletin_render(bulletin_id=bulletin_id)
    except Exception:
        if attempt[0] >= attempt[1]:
            services.bulletin_failed(bulletin_id=bulletin_id)
        raise


render = queue.task(
    name=services.RENDER_TASK,
    retry=RetryStrategy(max_attempts=3, wait=60),
    queue="bulletins",
    pass_attempt=True,
)(render_bulletin)
