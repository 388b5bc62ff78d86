"""Dates (2023-03-08) and money figures stay on one line: dates are rendered as
``span.date`` by the ``day`` filter, figures sit in right-aligned cells, and the style
sheet keeps both from wrapping — with no inline style (the CSP forbids it)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

import ballast.web

CSS = Path(ballast.web.__file__).parent / "static" / "web" / "ballast.css"


def test_style_sheet_keeps_dates_and_figures_on_one_line():
    css = CSS.read_text()
    rule = re.search(r"([^{}]*\.date[^{}]*)\{([^}]*)\}", css)
    assert rule and "white-space: nowrap" in rule.group(2)
    for selector in (".date", ".grid td.r", ".grid td.num"):
        assert selector in rule.group(1)


def test_day_filter_wraps_the_date_and_leaves_blank_blank():
    template = Template('{% load web_tags %}{{ on|day }}|{{ none|day|default:"—" }}')
    html = template.render(Context({"on": date(2023, 3, 8), "none": None}))
    assert html == '<span class="date">2023-03-08</span>|—'


@pytest.mark.django_db
def test_project_list_and_detail_show_dates_that_cannot_wrap(client, people, make_project, d):
    project = make_project(
        name="扬州新能源项目",
        planned_start=d(2023, 3, 8),
        total_investment=Decimal("1234567.89"),
        stages={"signed": d(2023, 1, 5)},
    )
    client.force_login(people["clerk_a"])
    listing = client.get("/projects/?as_of=2023-06-30").content.decode()
    assert '<span class="date">2023-03-08</span>' in listing
    assert re.search(r'<td class="r">\s*123\.46\s*</td>', listing)
    detail = client.get(f"/projects/{project.pk}/?as_of=2023-06-30").content.decode()
    assert '<span class="date">2023-03-08</span>' in detail
    assert '<span class="date">2023-01-05</span>' in detail
    for html in (listing, detail):
        assert " style=" not in html
