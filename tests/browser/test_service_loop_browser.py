"""The service loop in a real browser (issue 13): a clerk raises an issue, the city
assigns it, the department answers with a roadmap step and resolves it, the raiser
confirms (销号); a leader logs a visit on a 390 px phone with an issue raised on the spot;
two judges score a tour on phones and see each other's scores only once the city has
closed it; a node goes late and its department's officer reads the notice in the inbox.
The issue carries a photo from the form that raised it and a document from the
department; the visit a photo taken on the phone. Screenshots in
test-artifacts/screenshots/loop-*.png."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from ballast.accounts.choices import Role
from ballast.attachments.models import Attachment
from ballast.coordination import services
from ballast.coordination.models import Issue, TourScore, Visit
from ballast.inbox.models import Notification
from ballast.projects import services as project_services
from ballast.projects.models import Node, NodeTemplate
from tests.conftest import make_user, tiny_jpeg

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fits(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面宽 {width}px，超出 390px 手机屏幕"


def test_an_issue_goes_round_the_loop(session, people, make_project, department):
    project = make_project(name="仪征港口物流园")
    s = session()
    page = s.login("clerk_a")
    page.goto("/issues/")
    page.click("text=提出问题")
    page.wait_for_load_state("load")
    page.select_option("#id_project", str(project.pk))
    page.select_option("#id_category", "land")
    page.fill("#id_description", "用地指标未落实，影响二期开工")
    page.check("#id_is_major")
    # a photo of the site, chosen in the same form
    page.set_input_files(
        "#id_files",
        files=[{"name": "二期用地现场.jpg", "mimeType": "image/jpeg",
                "buffer": tiny_jpeg(size=(640, 480), gps=True)}],
    )  # fmt: skip
    s.shot("loop-1-clerk-raises")
    page.click("button[type=submit]:has-text('提交')")
    page.wait_for_load_state("load")
    issue = Issue.objects.get()
    assert page.url.endswith(f"/issues/{issue.pk}/")
    assert "已提出" in page.inner_text("main")
    # the photo's thumbnail is drawn on the issue page (decoded by the browser)
    thumb = page.locator("#attachments img.thumb")
    expect(thumb).to_have_count(1)
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#attachments img.thumb');"
        " return i && i.complete && i.naturalWidth === 320; }"
    )
    s.shot("loop-1b-issue-with-photo")
    # a major issue shows its same-day clock
    assert page.locator("[data-sla]").count() == 1

    page = s.login("city_admin")
    page.goto(f"/issues/{issue.pk}/")
    page.select_option("#id_department", str(department.pk))
    page.fill("#id_deadline", "2030-06-30")
    page.click("#assign-form button[type=submit]")
    page.wait_for_load_state("load")
    assert "已交办" in page.inner_text("main")
    issue.refresh_from_db()
    assert issue.department == department and issue.deadline == date(2030, 6, 30)

    page = s.login("dept")
    page.goto("/issues/")
    s.shot("loop-2-department-inbox")
    page.click(f"[data-issue='{issue.pk}'] .i-title a")
    page.wait_for_load_state("load")
    page.click("#issue-actions button:has-text('受理')")
    page.wait_for_load_state("load")
    page.fill("#step-form #id_planned_on", "2030-05-10")
    page.fill("#step-form #id_description", "报省自然资源厅审批用地指标")
    page.fill("#step-form #id_owner", "王科长")
    page.click("#step-form button[type=submit]")
    page.wait_for_load_state("load")
    assert "报省自然资源厅审批用地指标" in page.inner_text(".roadmap")
    # the department's document, on the issue's documents panel
    page.set_input_files(
        "#attachments input[name=files]",
        files=[{"name": "用地指标批复.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#attachments button[type=submit]")
    page.wait_for_load_state("load")
    expect(page.locator("#attachments a.doc")).to_contain_text("用地指标批复.pdf")
    page.fill("#issue-actions input[name=resolution]", "省厅已下达用地指标 120 亩")
    page.click("#issue-actions button:has-text('办结')")
    page.wait_for_load_state("load")
    s.shot("loop-3-department-answers")
    issue.refresh_from_db()
    assert issue.status == "resolved" and issue.steps.get().owner == "王科长"

    page = s.login("clerk_a")
    page.goto(f"/issues/{issue.pk}/")
    assert "省厅已下达用地指标 120 亩" in page.inner_text("main")
    page.click("#issue-actions button:has-text('确认销号')")
    page.wait_for_load_state("load")
    issue.refresh_from_db()
    assert issue.status == "closed"
    history = page.inner_text(".history")
    for reason in ("提出问题", "交办", "受理", "路线图", "办结", "确认销号"):
        assert reason in history, reason
    s.shot("loop-4-raiser-confirms")

    page = s.login("city_admin")
    page.goto("/issues/?state=closed")
    assert page.locator(f"[data-status='closed'] [data-issue='{issue.pk}']").count() == 1
    s.shot("loop-5-city-board-closed")


def test_a_leader_logs_a_visit_on_a_phone(session, people, make_project):
    leader = people["leader_a"]
    linked = make_project(name="扬州晶澳光伏")
    linked.leaders.add(leader)
    make_project(name="仪征汽车零部件")
    s = session(**PHONE)
    page = s.login("leader_a")
    page.goto("/visits/new/")
    _fits(page)
    # the linked project is the first choice
    first = page.locator("#id_project optgroup").first
    assert "我挂钩的项目" in first.get_attribute("label")
    page.select_option("#id_project", str(linked.pk))
    page.fill("#id_findings", "二期厂房主体封顶，设备进场")
    page.fill("#id_issues", "变电站接入未排期")
    page.select_option("#id_issue_category", "utilities")
    photos = page.locator("#id_photos")
    assert photos.get_attribute("capture") == "environment"
    assert photos.get_attribute("accept") == "image/*"
    page.set_input_files(
        "#id_photos",
        files=[{"name": "IMG_0412.jpg", "mimeType": "image/jpeg",
                "buffer": tiny_jpeg(size=(1200, 900), taken="2023:03:02 10:15:00", gps=True)}],
    )  # fmt: skip
    s.shot("loop-6-visit-phone-form")
    page.click("button[type=submit]:has-text('保存走访')")
    page.wait_for_load_state("load")
    _fits(page)
    assert "走访已记录" in page.inner_text("main")
    visit = Visit.objects.get()
    # the visit's page with its photo (a 320 px thumbnail, fitted to the phone)
    assert page.url.endswith(f"/visits/{visit.pk}/")
    page.wait_for_function(
        "() => { const i = document.querySelector('#attachments img.thumb');"
        " return i && i.complete && i.naturalWidth === 320; }"
    )
    photo = Attachment.objects.get(owner_type__model="visit", owner_id=visit.pk)
    assert photo.taken_on == date(2023, 3, 2) and photo.uploaded_by == leader
    assert visit.project == linked and visit.visitor == leader
    assert list(visit.issues.values_list("description", "category")) == [
        ("变电站接入未排期", "utilities")
    ]
    s.shot("loop-7-visit-phone-saved")


def test_two_judges_score_a_tour_on_phones(session, people, make_project):
    first = make_project(name="观摩一号项目")
    second = make_project(name="观摩二号项目")
    judge2 = make_user("judge_li", Role.CITY_REVIEWER, people["city_admin"].region)
    tour = services.tour_create(
        user=people["city_admin"],
        city=first.unit.parent,
        name="二季度项目观摩",
        on=date(2023, 6, 20),
        period="2023Q2",
        criteria=[("形象进度", 60), ("投资强度", 40)],
        judges=[people["city_reviewer"], judge2],
        projects=[first, second],
    )
    c1, c2 = tour.criteria.order_by("sort_order")
    tp1 = tour.tour_projects.get(project=first)

    def score(username, points1, points2):
        s = session(**PHONE)
        page = s.login(username)
        page.goto(f"/tours/{tour.pk}/score/")
        _fits(page)
        card = page.locator(f"#tp-{tp1.pk}")
        card.locator(f"input[name=c{c1.pk}]").fill(points1)
        card.locator(f"input[name=c{c2.pk}]").fill(points2)
        card.locator("button[type=submit]").click()
        page.wait_for_load_state("load")
        return s, page

    s1, page1 = score("city_reviewer", "55", "35")
    assert "已保存" in page1.inner_text("main")
    s2, page2 = score("judge_li", "50", "30")
    text = page2.inner_text("main")
    assert "截止评分前看不到其他评委的评分" in text and "90" not in text
    s2.shot("loop-8-judge-scores-phone")
    assert TourScore.objects.filter(tour_project=tp1).count() == 4

    admin = session()
    page = admin.login("city_admin")
    page.goto(f"/tours/{tour.pk}/")
    page.click("button:has-text('截止评分')")
    page.wait_for_load_state("load")
    tour.refresh_from_db()
    assert tour.closed_on is not None
    # two judges: no trimming, the mean of 90 and 80
    assert "85.00" in page.inner_text("main")

    page2.goto(f"/tours/{tour.pk}/score/")
    text = page2.inner_text(f"#tp-{tp1.pk}")
    assert "其他评委总分" in text and "90" in text
    s2.shot("loop-9-judge-sees-others-after-closing")


def test_a_node_goes_late_and_its_officer_reads_the_notice(
    session, people, make_project, city, department, pinned_today
):
    """A node plan from the city's templates; on 2023-03-10 the filing node (due 03-02,
    60 days before the planned start) is late: the notices run tells the department's
    officer, who finds it in the inbox and opens the project with the node marked late."""
    today = pinned_today(date(2023, 3, 10))
    NodeTemplate.objects.create(
        city=city, category="industrial", kind="filing", offset_days=-60, department=department
    )
    NodeTemplate.objects.create(
        city=city, category="industrial", kind="construction_permit", offset_days=-5, sort_order=1
    )
    project = make_project(name="仪征港口项目", planned_start=date(2023, 5, 1))
    project_services.node_templates_apply(user=people["clerk_a"], project=project)
    # the filing node's responsible person: the project's leader in the unit
    filing = Node.objects.get(project=project, kind="filing")  # due 2023-03-02
    filing.person_user = people["leader_a"]
    filing.save()
    call_command("send_notifications", "--now", "2023-03-10T09:00:00+08:00", stdout=io.StringIO())
    late = Notification.objects.filter(event="node_overdue")
    assert set(late.values_list("recipient__username", flat=True)) == {"dept", "leader_a"}
    notice = late.get(recipient=people["department"])
    assert notice.subject.startswith("【节点已逾期 8 天】仪征港口项目：")
    assert notice.subject.endswith("期限2023-03-02")

    # the department's officer: the notice in the inbox, with the node's dates
    s = session()
    page = s.login("dept")
    expect(page.locator("[data-testid=inbox-badge]")).to_be_visible()
    page.click("[data-testid=inbox-link]")
    row = page.locator("tr.unread", has_text="【节点已逾期 8 天】仪征港口项目")
    expect(row).to_have_count(1)
    s.shot("loop-10-node-late-inbox")
    row.get_by_role("link").click()
    expect(page.locator(".prewrap")).to_contain_text("计划完成日期：2023-03-02")
    s.shot("loop-11-node-late-notice")
    # the node's person goes from the notice to the project, the node marked late
    page = s.login("leader_a")
    page.click("[data-testid=inbox-link]")
    page.locator("tr.unread", has_text="【节点已逾期 8 天】仪征港口项目").get_by_role(
        "link"
    ).click()
    page.click("button:has-text('前往办理')")
    page.wait_for_url(f"**/projects/{project.pk}/")
    late_nodes = page.locator("[data-late-node]")
    expect(late_nodes).to_have_count(1)
    late_nodes.first.scroll_into_view_if_needed()
    s.shot("loop-12-node-late-on-project", full_page=False)
    # the department's officer answers it: the notice leads to the node, recorded done
    page = s.login("dept")
    page.click("[data-testid=inbox-link]")
    page.locator("tr", has_text="【节点已逾期 8 天】仪征港口项目").get_by_role("link").click()
    page.click("button:has-text('前往办理')")
    page.wait_for_url(f"**/projects/nodes/{filing.pk}/answer/")
    expect(page.locator("[data-late-node]")).to_have_count(1)
    page.select_option("select[name=outcome]", "done")
    page.fill("input[name=completed_on]", "2023-03-09")
    page.fill("textarea[name=note]", "已取得备案证")
    s.shot("loop-13-department-answers-node")
    page.click("button:has-text('保存')")
    page.wait_for_url("**/projects/nodes/")
    expect(page.locator("table.grid")).to_contain_text("已取得备案证")
    expect(page.locator("table.grid [data-late-node]")).to_have_count(0)
    s.shot("loop-14-department-node-list")
    filing.refresh_from_db()
    assert (filing.outcome, filing.completed_on) == ("done", date(2023, 3, 9))

    assert today == date(2023, 3, 10)
