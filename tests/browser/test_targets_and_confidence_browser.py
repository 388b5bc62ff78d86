"""In a real browser: the city sets its units' targets by importing a workbook from the
targets page and sees each target beside its actual figure; a unit officer rates a
project's delivery confidence on the project page and the city finds it on its list."""

from datetime import date

import pytest
from playwright.sync_api import expect

from ballast.projects.models import ConfidenceAssessment, UnitTarget
from tests.test_unit_targets_pages import GOOD, XLSX, book

pytestmark = pytest.mark.browser


def test_city_imports_targets_and_officer_rates_a_project(session, people, make_project):
    make_project(name="光储一期", stages={"signed": date(2023, 1, 10)})
    project = make_project(name="汽车零部件", stages={"signed": date(2023, 2, 3)})

    s = session()
    page = s.login("city_admin")
    page.goto("/targets/?year=2023&as_of=2023-03-31")
    page.click("a:has-text('导入目标')")
    page.wait_for_load_state("load")
    expect(page.locator("select[name=kind]")).to_have_value("targets")
    page.set_input_files(
        "input[name=file]", files=[{"name": "目标.xlsx", "mimeType": XLSX, "buffer": book(GOOD)}]
    )
    page.click("button:has-text('上传并预览')")
    page.wait_for_load_state("load")
    s.shot("targets-01-import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("load")
    expect(page.locator(".messages")).to_contain_text("新增 3")
    assert UnitTarget.objects.count() == 3

    page.goto("/targets/?year=2023&as_of=2023-03-31")
    row = page.locator("table.targets tbody tr", has_text="2023Q1")
    # two signed in Q1 against 3: 66.7%
    expect(row).to_contain_text("新签约项目数")
    expect(row.locator("td").nth(4)).to_have_text("2")
    expect(row.locator("td").nth(5)).to_have_text("66.7%")
    s.shot("targets-02-page-with-actuals")

    page = s.login("clerk_a")
    page.goto(f"/projects/{project.pk}/")
    page.click("#confidence a:has-text('评定本月')")
    page.wait_for_load_state("load")
    page.fill("input[name=month]", "2023-03")
    page.select_option("select[name=rating]", "amber")
    page.fill("textarea[name=narrative]", "设备到货延迟两周，已协调供应商加急")
    s.shot("confidence-01-form")
    page.click("button:has-text('保存')")
    page.wait_for_load_state("load")
    expect(page.locator("#confidence .confidence-current")).to_contain_text("黄")
    expect(page.locator("#confidence")).to_contain_text("设备到货延迟两周")
    s.shot("confidence-02-project-panel")
    assert ConfidenceAssessment.objects.get().rating == "amber"

    page = s.login("city_admin")
    page.goto("/projects/confidence/?month=2023-03&rating=amber")
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("汽车零部件")
    s.shot("confidence-03-city-list")
