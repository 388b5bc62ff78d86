"""The city in the browser: the overruns page (超期项目) on the hand-built city of
tests/test_overruns_page.py, then 亩均 data imported from a workbook (upload, preview,
apply) and read back on the 亩均 page, all under the CSP. Screenshots: overruns-city.png,
mujun-import-preview.png, mujun-city.png."""

import pytest

from tests.test_mujun_page_and_import import HEADER, mujun_city, workbook  # noqa: F401
from tests.test_overruns_page import late  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_city_reads_overruns_and_imports_mujun_data(
    session,
    city,
    unit_a,
    late,  # noqa: F811
    mujun_city,  # noqa: F811
    tmp_path,
):
    browser = session(viewport={"width": 1280, "height": 900})
    page = browser.login("city_admin")
    page.goto("/")
    page.click("nav >> text=超期项目")
    page.goto("/overruns/?as_of=2023-05-31")
    rows = page.locator("#overrun-table tbody tr")
    assert rows.count() == 2
    assert "西区码头" in rows.nth(0).inner_text() and "60个月以上" in rows.nth(0).inner_text()
    assert "东区厂房" in page.locator("#new-delay-table").inner_text()
    assert "按期" in page.locator("#new-delay-table").inner_text()
    browser.shot("overruns-city")

    page.goto("/mujun/?year=2023&scheme=test")
    first = page.locator("#mujun-table tbody tr").first
    assert "甲" in first.inner_text() and "104.00" in first.inner_text()
    page.click("text=导入亩均数据")
    upload = tmp_path / "亩均.xlsx"
    upload.write_bytes(workbook([HEADER, ["乙", unit_a.name, 1700, 8000, "", "", ""]]))
    page.set_input_files("input[type=file]", str(upload))
    page.click("button:has-text('上传并预览')")
    page.wait_for_load_state("load")
    assert "入库税收" in page.content()
    browser.shot("mujun-import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("load")
    # 乙: 1,700 / 80 亩 = 21.25 万元/亩 → 1.0625 × 60 = 63.75 points, third of the city
    page.goto("/mujun/?year=2023&scheme=test")
    third = page.locator("#mujun-table tbody tr").nth(2).inner_text()
    assert "乙" in third and "63.75" in third
    browser.shot("mujun-city")
