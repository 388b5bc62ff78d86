"""The integrity page (数据质量) in the browser, on the hand-built city of
tests/test_figures_integrity.py: the city reviewer sees the three units with the inflated
ones' reasons, under the CSP. Screenshot: integrity-city.png."""

import pytest

from tests.test_figures_integrity import built, park  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_city_reviewer_reads_the_flags_with_reasons(session, city, built):  # noqa: F811
    browser = session(viewport={"width": 1280, "height": 900})
    page = browser.login("city_reviewer")
    page.goto("/integrity/?year=2023&as_of=2023-12-31")
    honest = page.locator("#integrity-table tbody tr", has_text="扬州经济技术开发区")
    assert honest.locator("td").last.inner_text() == "无"
    text = page.locator("#integrity-table").inner_text()
    assert "仪征市" in text and "77.1%" in text
    assert "末位为0或5的占100.0%" in text
    browser.shot("integrity-city")
