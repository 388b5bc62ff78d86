"""The project list at a phone's 390 px and a desk's 1280 px: every date and every
investment figure is drawn on one line (one client rect per date span, figure cells no
taller than one line of text). Screenshots: projects-nowrap-390.png, -1280.png."""

from datetime import date
from decimal import Decimal

import pytest

pytestmark = pytest.mark.browser

ONE_LINE = """() => {
  const dates = [...document.querySelectorAll("table.projects span.date")];
  const figures = [...document.querySelectorAll("table.projects td.r")];
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return tops.size;
  };
  return {
    dates: dates.length,
    figures: figures.length,
    wrapped: [...dates, ...figures].filter((el) => lines(el) > 1).map((el) => el.textContent),
  };
}"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_project_list_dates_and_figures_stay_on_one_line(session, people, make_project, width):
    for n in range(3):
        make_project(
            name=f"扬州经济技术开发区高端装备制造产业园项目（第{n + 1}期）标准厂房及配套工程",
            investor="扬州市某某高端装备制造有限公司",
            planned_start=date(2023, 3, 8 + n),
            total_investment=Decimal("1234567.89"),
            stages={"signed": date(2023, 1, 5)},
        )
    browser = session(viewport={"width": width, "height": 900})
    page = browser.login("clerk_a")
    page.goto("/projects/?as_of=2023-06-30")
    found = page.evaluate(ONE_LINE)
    browser.shot(f"projects-nowrap-{width}")
    assert found["dates"] == 3 and found["figures"] == 3
    assert found["wrapped"] == []
