"""The pages keep to the Content Security Policy in a real browser: the watch of the
``session`` fixture catches a violation (and the browser's report reaches /csp-report/),
the charts draw and show their tooltips under the policy, and the Django admin — lists,
change forms with their widgets, history — works under it. Screenshots in
test-artifacts/screenshots/csp-*.png."""

import time
from datetime import date
from decimal import Decimal

import pytest

from ballast.accounts.choices import Role
from ballast.assessments.services import ensure_default_schemes
from ballast.bulletins.models import Bulletin
from ballast.core import queue
from ballast.imports.tasks import apply_job
from ballast.projects import services as project_services
from ballast.projects.models import Project
from ballast.reports import services as report_services
from tests.conftest import make_user
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture
from tests.test_web_import import XLSX, workbook_bytes

pytestmark = pytest.mark.browser

AS_OF = "2026-11-20"


def _wait_for(condition, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_violation_is_blocked_caught_and_reported(session, csp_reports):
    """The watch every browser test relies on: an inline script and a style attribute put
    into a page are refused by the browser, seen by the listener and the console, and
    reported to the server's endpoint."""
    s = session()
    page = s.page
    page.goto("/login/")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        document.body.setAttribute("style", "background: red");
    }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != (
        "rgb(255, 0, 0)"
    )
    assert _wait_for(lambda: len([v for v in s.csp_violations if "directive" in v]) >= 2)
    directives = {v["directive"] for v in s.csp_violations if "directive" in v}
    assert directives == {"script-src-elem", "style-src-attr"}
    assert any("console" in v for v in s.csp_violations)
    # the browser posts its reports in the background: on a busy machine it takes a while
    assert _wait_for(lambda: len(csp_reports.reports) >= 2, seconds=45.0)
    assert {r.get("effective-directive") for r in csp_reports.reports} == directives
    assert all(r["document-uri"].endswith("/login/") for r in csp_reports.reports)
    # Seen as expected: the fixture's own check must not fail this test.
    s.csp_violations.clear()
    csp_reports.clear()


@pytest.fixture
def chart_city(make_project, people, city, unit_a, unit_b):
    ensure_default_schemes(city, user=people["city_admin"])
    # Targets, so the cockpit's key figures show their completion bars.
    for indicator, value in (("signed_count", 4), ("started_count", 2)):
        project_services.target_set(
            user=people["city_admin"], unit=unit_a, period="2026", indicator=indicator, value=value
        )
    clerk = people["clerk_a"]
    project = make_project(
        name="阿特斯光储全产业链项目（一期）",
        total_investment=Decimal("1200000.00"),
        longitude=Decimal("119.18"),
        latitude=Decimal("32.32"),
        stages={"signed": date(2026, 1, 10), "started": date(2026, 3, 1)},
    )
    make_project(
        unit_b,
        name="高邮特种线缆项目",
        total_investment=Decimal("150000.00"),
        longitude=Decimal("119.45"),
        latitude=Decimal("32.80"),
        stages={"started": date(2026, 2, 1)},
    )
    for month, amount in ((8, "3200"), (9, "4100"), (10, "3900")):
        report = report_services.report_save(
            user=clerk,
            project=project,
            month=date(2026, month, 1),
            data={"investment": Decimal(amount), "progress": f"{month}月：厂房主体施工"},
        )
        report_services.report_submit(user=clerk, report=report)
        report_services.report_approve(user=people["reviewer_a"], report=report)
        report_services.report_accept(user=people["city_reviewer"], report=report)
    return project


CHART_PAGES = [
    ("cockpit", f"/cockpit/?as_of={AS_OF}", "#funnel-chart"),
    ("unit-cockpit", f"/cockpit/321081/?as_of={AS_OF}", "#invest-chart"),
    ("map", f"/map/?as_of={AS_OF}", "#map-chart"),
    ("rankings", f"/rankings/?as_of={AS_OF}", "#rank-chart"),
    ("project", "/projects/{pk}/?as_of=" + AS_OF, "#invest-chart"),
]


def _canvas_has_drawing(page, selector):
    """True when the chart's canvas holds more than one colour (something was drawn)."""
    return page.evaluate(
        """(selector) => {
        const canvas = document.querySelector(selector + " canvas");
        if (!canvas || !canvas.width) return false;
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 97) seen.add(data[i] + "," + data[i + 1] + "," + data[i + 2] + "," + data[i + 3]);
        return seen.size > 3;
    }""",
        selector,
    )


def test_charts_draw_and_show_tooltips_under_the_csp(session, chart_city):
    s = session()
    page = s.login("city_admin")
    for name, url, selector in CHART_PAGES:
        response = page.goto(url.format(pk=chart_city.pk))
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(f"{selector} canvas", state="attached")
        assert _wait_for(lambda sel=selector: _canvas_has_drawing(page, sel)), name
        # Hover across the chart so ECharts shows its tooltip (HTML tooltips would carry
        # style attributes and break the policy; ours are drawn on the canvas).
        box = page.locator(selector).bounding_box()
        for fraction in (0.3, 0.5, 0.7):
            page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.5)
            page.wait_for_timeout(150)
        s.shot(f"csp-{name}")
        if name == "unit-cockpit":
            # The completion bars are <progress> elements now, not styled spans.
            assert page.locator("progress.bar").count() >= 2
    assert s.csp_violations == []


def test_the_admin_works_under_the_csp(session, city, chart_city):
    root = make_user("root", Role.CITY_ADMIN, city, is_superuser=True)
    s = session()
    page = s.login("root")
    pk = chart_city.pk
    pages = [
        ("admin-index", "/admin/", "#content-main"),
        ("admin-projects", "/admin/projects/project/?q=阿特斯", "#result_list"),
        ("admin-project-change", f"/admin/projects/project/{pk}/change/", "#project_form"),
        ("admin-project-history", f"/admin/projects/project/{pk}/history/", "#content"),
        ("admin-users", "/admin/accounts/user/", "#result_list"),
        # accounts are read-only in the admin (the security administrator's pages write)
        ("admin-user-view", f"/admin/accounts/user/{root.pk}/change/", "#content-main"),
    ]
    for name, url, selector in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_selector(selector)
        s.shot(f"csp-{name}")
    # The change form's widgets: the leaders' two-box picker, the calendar, and the
    # collapsible/related-object links are drawn by the admin's own scripts.
    page.goto(f"/admin/projects/project/{pk}/change/")
    page.wait_for_selector("#id_leaders_from", state="attached")
    page.click("#calendarlink0")
    page.wait_for_selector("#calendarbox0", state="visible")
    s.shot("csp-admin-project-widgets")
    page.click("#calendarbox0 .calendar-cancel a")
    page.locator("#id_leaders_from option").first.dblclick()
    assert page.locator("#id_leaders_to option").count() == 1
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    assert page.locator(".messagelist .success, .messagelist .info").count() >= 1, page.url
    assert s.csp_violations == []


def test_import_progress_polls_from_its_static_script(
    session, people, unit_a, settings, monkeypatch
):
    """The import job page's progress (once an inline script, now imports/job.js) polls
    under the policy and reloads the page when the background import has finished."""
    settings.IMPORT_BACKGROUND_ROWS = 3
    held = []  # the queue holds the task until the test plays the worker
    monkeypatch.setattr(queue, "defer", lambda name, **kwargs: held.append(kwargs))
    rows = [["项目名称", "所属板块", "总投资（万元）"]]
    rows += [[f"后台项目{i}", "仪征", 100 + i] for i in range(1, 6)]
    s = session()
    page = s.login("clerk_a")
    page.goto("/imports/")
    page.select_option("select[name=kind]", "ledger")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "台账.xlsx", "mimeType": XLSX, "buffer": workbook_bytes(rows)}],
    )
    page.click("button:has-text('上传并预览')")
    page.wait_for_load_state("load")
    page.click("button:has-text('确认导入')")
    page.wait_for_selector("#progress-bar")
    assert page.inner_text("#progress-text") == "0 / 5"
    s.shot("csp-import-progress")
    apply_job(**held.pop())
    # job.js fetches the progress, sees the job finished and reloads the page.
    page.wait_for_selector("text=已导入：新增 5", timeout=15_000)
    assert Project.objects.filter(name__startswith="后台项目").count() == 5
    s.shot("csp-import-applied")


def test_bulletin_preview_and_publish_under_the_csp(session, q1_city):  # noqa: F811
    """A bulletin's preview (its charts are data: images) and publishing it through the
    confirm button (once an onclick attribute, now data-confirm)."""
    s = session()
    page = s.login("city_admin")
    page.goto("/bulletins/compose/?period=2023q1")
    chart = page.locator("figure.chart img").first
    chart.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", chart.element_handle())
    s.shot("csp-bulletin-preview")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button:has-text('发布')")
    assert Bulletin.objects.count() == 0  # dismissed: nothing published
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('发布')")
    page.wait_for_load_state("load")
    page.wait_for_selector("article.bulletin")
    assert Bulletin.objects.count() == 1
    s.shot("csp-bulletin-published")


def test_the_language_switch_submits_without_an_inline_handler(session):
    s = session()
    page = s.page
    page.goto("/login/")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
