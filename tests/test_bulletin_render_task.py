"""Bulletin rendering on the task queue (issue 16 item 2): publishing from the page takes
the number and hands the composing to ``bulletins.render``; the page shows the progress
until it is published; the publication happens once whatever the deliveries; a failure
is shown and, after the last attempt, marks the bulletin failed."""

import pytest
from django.db import connection

from ballast.bulletins import services, tasks
from ballast.bulletins.models import Bulletin
from ballast.bulletins.selectors import content_hash
from ballast.core import queue
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture

PAGE_POST = {"period": "2023Q1", "unit": "", "as_of": ""}


@pytest.fixture
def immediate(settings):
    settings.TASK_QUEUE = "immediate"


def test_published_by_the_task_after_the_commit_with_progress_on_the_page(
    immediate,
    client,
    q1_city,  # noqa: F811
    city,
    people,
    django_capture_on_commit_callbacks,
):
    client.force_login(people["city_admin"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/bulletins/publish/", PAGE_POST)
    bulletin = Bulletin.objects.get()
    assert response["Location"] == f"/bulletins/{bulletin.pk}/"
    (run_task,) = [c for c in callbacks if "bulletins.render" in repr(c)]  # after the commit
    assert (bulletin.status, bulletin.progress, bulletin.number) == ("rendering", 0, 1)
    assert bulletin.title == "关于2023年一季度全市重大项目建设情况的通报"
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert 'id="bulletin-progress"' in page and "<strong>0%</strong>" in page
    assert "bulletins/detail.js" in page
    assert client.get(f"/bulletins/{bulletin.pk}/download.docx").status_code == 404
    assert "生成中 0%" in client.get("/bulletins/").content.decode()

    run_task()
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.progress, bulletin.error) == ("published", 100, "")
    assert bulletin.content["number"] == 1
    assert bulletin.figures_hash == content_hash(bulletin.content)
    assert bytes(bulletin.docx)[:2] == b"PK"
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "bulletin-progress" not in page and "全市新签约项目3个" in page
    assert client.get(f"/bulletins/{bulletin.pk}/download.docx").status_code == 200

    # A second delivery (a retry, a worker thought dead) publishes nothing again.
    versions = bulletin.history.count()
    published_at = bulletin.published_at
    assert services.bulletin_render(bulletin_id=bulletin.pk) is None
    queue.function(services.RENDER_TASK)(bulletin_id=bulletin.pk)
    bulletin.refresh_from_db()
    assert (bulletin.history.count(), bulletin.published_at) == (versions, published_at)
    # The next one takes the next number while the first is rendered or not.
    second = services.bulletin_publish(
        user=people["city_admin"], city=city, period="2023Q2", background=True
    )
    assert second.number == 2


def test_a_failure_is_shown_retried_and_final_on_the_last_attempt(
    immediate,
    client,
    q1_city,  # noqa: F811
    city,
    people,
    monkeypatch,
):
    bulletin = services.bulletin_publish(
        user=people["city_admin"], city=city, period="2023Q1", background=True
    )

    def broken(content):
        raise OSError("磁盘已满")

    monkeypatch.setattr(services, "render_docx", broken)
    with pytest.raises(OSError):
        tasks.render_bulletin(bulletin_id=bulletin.pk, attempt=(1, 4))
    bulletin.refresh_from_db()
    assert (bulletin.status, bulletin.progress) == ("rendering", 60)
    assert bulletin.error == "OSError: 磁盘已满"
    client.force_login(people["city_admin"])
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "上一次生成出错，将自动重试：OSError: 磁盘已满" in page

    with pytest.raises(OSError):
        tasks.render_bulletin(bulletin_id=bulletin.pk, attempt=(4, 4))
    bulletin.refresh_from_db()
    assert bulletin.status == "failed" and not bulletin.content
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "通报生成失败，未发布。" in page and "bulletin-progress" not in page

    # Fixed, a late delivery does not publish the given-up one: it stays failed.
    monkeypatch.undo()
    assert services.bulletin_render(bulletin_id=bulletin.pk) is None
    bulletin.refresh_from_db()
    assert bulletin.status == "failed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="procrastinate needs PostgreSQL")
def test_on_the_workers_the_job_is_written_in_the_publishing_transaction(
    settings,
    q1_city,  # noqa: F811
    city,
    people,
):
    settings.TASK_QUEUE = "procrastinate"
    bulletin = services.bulletin_publish(
        user=people["city_admin"], city=city, period="2023Q1", background=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args->>'bulletin_id', queue_name, status FROM procrastinate_jobs "
            "WHERE task_name = %s",
            [services.RENDER_TASK],
        )
        assert cursor.fetchall() == [(str(bulletin.pk), "bulletins", "todo")]
    assert Bulletin.objects.get().status == "rendering"
