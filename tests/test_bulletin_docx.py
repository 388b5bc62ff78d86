"""The Word bulletin: GB/T 9704 page setup and fonts, the "— 1 —" page number, charts,
and the figures of the selectors in its text and tables."""

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from ballast.bulletins import charts
from ballast.bulletins.docx_writer import render_docx
from ballast.bulletins.selectors import bulletin_content
from ballast.figures.selectors import unit_figures
from tests.test_bulletin_content import q1_city  # noqa: F401 - fixture


@pytest.fixture
def document(q1_city, city):  # noqa: F811
    return Document(io.BytesIO(render_docx(bulletin_content(city=city, period="2023Q1"))))


def east_asia(run):
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if text in p.text)


def test_page_is_a4_with_official_document_margins(document):
    section = document.sections[0]
    for value, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(value.mm - mm) < 0.1


def test_body_is_fangsong_sanhao_with_fixed_spacing_and_indent(document):
    paragraph = paragraph_with(document, "一季度，全市新签约项目")
    run = paragraph.runs[0]
    assert east_asia(run) == "仿宋_GB2312"
    assert run.font.size.pt == 16
    fmt = paragraph.paragraph_format
    assert fmt.line_spacing.pt == 28
    assert fmt.first_line_indent.pt == 32  # two characters of 16 pt
    assert paragraph._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"


def test_title_and_headings_use_their_faces(document):
    title = paragraph_with(document, "关于2023年一季度全市重大项目建设情况的通报")
    assert east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    assert title.alignment == 1  # centred
    heading = paragraph_with(document, "一、总体情况")
    assert east_asia(heading.runs[0]) == "黑体"
    sub = paragraph_with(document, "（一）新签约项目")
    assert east_asia(sub.runs[0]) == "楷体_GB2312"
    masthead = document.paragraphs[0]
    assert masthead.text == "扬州市重大项目建设工作通报"
    assert document.paragraphs[1].text == "2023年（未发布稿）"  # numbered on publication


def test_page_numbers_are_dash_page_dash_odd_right_even_left(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert paragraph.runs[0].text == "— " and paragraph.runs[-1].text == " —"
        assert east_asia(paragraph.runs[0]) == "宋体"
        assert paragraph.runs[0].font.size.pt == 14


def test_summary_and_tables_carry_the_figures(document, city):
    figures = unit_figures(unit=city, year=2023, as_of=date(2023, 3, 31))
    started = figures["new"]["started"]
    text = paragraph_with(document, "一季度，全市新签约项目").text
    yi = format((started["investment_wan"] / 10000).normalize(), "f")
    assert f"新开工项目{started['count']}个，总投资{yi}亿元" in text
    table = next(t for t in document.tables if t.rows[0].cells[3].text == "个数完成率（%）")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows}
    assert rows["仪征"] == ["仪征", "2", "2", "100.0", "20.00", "25.00", "125.0"]
    assert rows["高邮"] == ["高邮", "—", "1", "—", "—", "12.00", "—"]
    assert rows["合计"][2] == str(figures["new"]["signed"]["count"])
    cell_run = table.rows[1].cells[0].paragraphs[0].runs[0]
    assert east_asia(cell_run) == "仿宋_GB2312" and cell_run.font.size.pt == 10.5


def test_charts_are_pictures(document):
    assert len(document.inline_shapes) == 2


def test_a_chart_renders_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    png = charts.render_chart(
        {
            "title": "各板块新开工项目数",
            "unit": "个",
            "categories": ["仪征", "高邮"],
            "series": [{"label": "新开工", "values": ["1", "0"]}],
        }
    )
    assert png.startswith(b"\x89PNG")
