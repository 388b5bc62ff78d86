"""In a real browser (issue 13, items 5 and 7): a report returned by the unit reviewer
shows in the clerk's inbox with the unread badge in the header; a stage event with a
photo shows its thumbnail, and the clerk adds one from the project page."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ballast.attachments.services import attach
from ballast.inbox.models import Notification
from ballast.reports import services as report_services
from tests.conftest import tiny_jpeg

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_returned_report_shows_in_the_clerks_inbox(session, people, make_project, d):
    project = make_project(name="仪征退回测试项目", stages={"started": d(2023, 1, 10)})
    report = report_services.report_save(
        user=people["clerk_a"], project=project, month=d(2023, 3, 1),
        data={"investment": Decimal(80)},
    )  # fmt: skip
    report_services.report_submit(user=people["clerk_a"], report=report)
    report_services.report_return(
        user=people["reviewer_a"], report=report, reason="缺少形象进度照片"
    )
    moment = timezone.now() + timedelta(minutes=1)
    call_command("send_notifications", "--now", moment.isoformat(), stdout=io.StringIO())

    # the run told the clerk of the return (and of the project's red warnings, the digest)
    unread = Notification.objects.filter(recipient=people["clerk_a"], read_at=None).count()
    assert (
        Notification.objects.filter(recipient=people["clerk_a"], kind="report_returned").count()
        == 1
    )

    s = session()
    page = s.login("clerk_a")
    badge = page.locator("[data-testid=inbox-badge]")
    expect(badge).to_have_text(str(unread))
    s.shot("inbox-01-clerk-badge", full_page=False)
    page.click("[data-testid=inbox-link]")
    row = page.locator("tr.unread", has_text="【月报退回】仪征退回测试项目 2023年03月")
    expect(row).to_have_count(1)
    s.shot("inbox-02-clerk-inbox")
    row.get_by_role("link").click()
    expect(page.locator(".prewrap")).to_contain_text("退回原因：缺少形象进度照片")
    page.click("button:has-text('前往办理')")
    page.wait_for_url(f"**/reports/{report.pk}/")
    if unread > 1:
        expect(page.locator("[data-testid=inbox-badge]")).to_have_text(str(unread - 1))
    else:
        expect(page.locator("[data-testid=inbox-badge]")).to_have_count(0)


def test_a_stage_event_with_a_photo_shows_its_thumbnail(session, people, make_project, d):
    project = make_project(name="仪征开工照片项目", stages={"started": d(2023, 3, 10)})
    event = project.stage_events.get(stage="started")
    attach(
        user=people["clerk_a"], owner=event, caption="开工仪式",
        file=SimpleUploadedFile("开工.jpg", tiny_jpeg(size=(800, 600), taken="2023:03:10 09:00:00")),
    )  # fmt: skip

    s = session()
    page = s.login("clerk_a")
    page.goto(f"/projects/{project.pk}/")
    thumb = page.locator(f"#stage-{event.pk} img.thumb")
    expect(thumb).to_have_count(1)
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) == 320
    page.set_input_files(
        f"#stage-{event.pk} input[type=file]",
        files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": tiny_jpeg(gps=True)}],
    )
    page.fill(f"#stage-{event.pk} input[name=caption]", "基础施工")
    page.click(f"#stage-{event.pk} button:has-text('上传')")
    expect(page.locator(".messages")).to_contain_text("已上传 1 个附件")
    expect(page.locator(f"#stage-{event.pk} img.thumb")).to_have_count(2)
    s.shot("photos-01-stage-thumbnails")

    outsider = session()
    other = outsider.login("clerk_b")
    src = thumb.first.get_attribute("src")
    answer = other.request.get(src)
    assert answer.status == 404
    assert date(2023, 3, 10).isoformat() in page.inner_text(f"#stage-{event.pk}")
