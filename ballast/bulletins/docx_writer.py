"""The Word writer: a bulletin's content as a document in the layout of Chinese official
documents (GB/T 9704—2012 党政机关公文格式).

* A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
* 版头: the bulletin's name in red 方正小标宋简体, its number, the issuing office and
  date, and a red rule;
* title 方正小标宋简体 二号 (22 pt), centred;
* body 仿宋_GB2312 三号 (16 pt), fixed line spacing 28 pt, first line indented two
  characters; level-1 headings 黑体 三号 (一、…), level-2 楷体_GB2312 三号 （一）…;
* tables 仿宋_GB2312 五号 (10.5 pt) with a bold header row repeated on every page;
* page numbers 宋体 四号 (14 pt) as "— 1 —": odd pages on the right, even pages on the
  left, one character in from the margin (GB/T 9704 7.5).

Fonts are declared by name (w:rFonts, with w:eastAsia for the Chinese text — python-docx's
``font.name`` sets only the Latin faces); Word or LibreOffice substitutes a similar face
where the computer lacks one.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ballast.bulletins.charts import render_chart

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_BODY_FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_TITLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(28)  # fixed line spacing of the body
TEXT_WIDTH_MM = 210 - 28 - 26


def set_fonts(target, east_asia: str, latin: str | None = None) -> None:
    """Declare the faces of a run or style: w:eastAsia for Chinese, ascii/hAnsi for Latin."""
    rpr = target._element.get_or_add_rPr() if hasattr(target, "_element") else target
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    latin = latin or east_asia
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for hint in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(hint), None)


def _run(paragraph, text: str, font: str, size, *, bold=False, colour=None, latin=None):
    run = paragraph.add_run(text)
    set_fonts(run, font, latin)
    run.font.size = size
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _spacing(paragraph, *, line=LINE, before=0, after=0, first_line_chars: int | None = 2):
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if first_line_chars:
        fmt.first_line_indent = Pt(16 * first_line_chars)
        ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    else:
        fmt.first_line_indent = Pt(0)


def _setup_styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN_BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    # The document's language for Chinese text (spell checking, punctuation).
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)  # the page number sits 7 mm below the text block
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _field(paragraph, instruction: str, font: str, size) -> None:
    """A field (PAGE) as begin/instrText/separate/result/end runs."""

    def char(kind):
        run = _run(paragraph, "", font, size)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = _run(paragraph, "", font, size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    _run(paragraph, "1", font, size)
    char("end")


def _page_number(paragraph, alignment) -> None:
    """ "— 1 —" in 宋体 四号, one character in from the margin on its side."""
    paragraph.alignment = alignment
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    _run(paragraph, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _field(paragraph, "PAGE", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    _run(paragraph, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _bottom_rule(paragraph, colour: str = "C00000", size: int = 12) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), colour)
    borders.append(bottom)
    ppr.append(borders)


def _masthead(document, content: dict) -> None:
    """版头: the red name of the bulletin, its number, issuing office and date, red rule."""
    name = document.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(name, line=Pt(60), before=12, first_line_chars=None)
    _run(name, content["header"], TITLE_FONT, Pt(30), colour=RED)

    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(number, before=6, after=6, first_line_chars=None)
    # A bulletin gets its number when published; a draft says it is one.
    text = (
        f"{content['year']}年第{content['number']}期"
        if content.get("number")
        else f"{content['year']}年（未发布稿）"
    )
    _run(number, text, BODY_FONT, BODY_SIZE)

    issuer = document.add_paragraph()
    _spacing(issuer, first_line_chars=None)
    # Office on the left, date on the right (四号, so both fit on one line): a right tab
    # stop at the text block's edge.
    issuer.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _run(issuer, f"{content['issuer']}\t{content['date_text']}", BODY_FONT, Pt(14))
    _bottom_rule(issuer, size=18)


def _title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(paragraph, line=Pt(36), before=28, after=28, first_line_chars=None)
    _run(paragraph, text, TITLE_FONT, TITLE_SIZE)


def _body(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _spacing(paragraph)
    _run(paragraph, text, BODY_FONT, BODY_SIZE, latin=LATIN_BODY_FONT)
    return paragraph


def _heading(document, text: str, level: int):
    paragraph = document.add_paragraph()
    _spacing(paragraph)
    font = HEADING1_FONT if level == 1 else HEADING2_FONT
    _run(paragraph, text, font, BODY_SIZE, latin=LATIN_BODY_FONT)
    paragraph.paragraph_format.keep_with_next = True
    # Outline level, so the navigation pane lists the headings.
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    paragraph._p.get_or_add_pPr().append(outline)
    return paragraph


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _column_widths(columns: list[dict]) -> list[float]:
    weights = []
    for index, column in enumerate(columns):
        label = column["label"]
        if column["type"] == "text" and ("名称" in label or "说明" in label):
            weights.append(3.6)
        elif column["type"] == "text" and index > 0 and "板块" not in label:
            weights.append(2.0)
        elif "板块" in label or "部门" in label or "规则" in label:
            weights.append(2.1)
        elif label in ("序号", "名次"):
            weights.append(1.0)
        elif "起始" in label:
            weights.append(1.8)
        else:
            weights.append(1.5)
    total = sum(weights)
    return [TEXT_WIDTH_MM * w / total for w in weights]


def _cell(cell, text: str, *, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=BODY_FONT):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(1)
    _run(paragraph, text, font, TABLE_SIZE, bold=bold, latin=LATIN_BODY_FONT)


def _table(document, table: dict) -> None:
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(caption, line=Pt(22), before=6, after=2, first_line_chars=None)
    caption.paragraph_format.keep_with_next = True
    _run(caption, table["title"], HEADING1_FONT, TABLE_TITLE_SIZE, latin=LATIN_BODY_FONT)

    columns = table["columns"]
    limit = table.get("docx_limit")
    shown = table["rows"][:limit] if limit else table["rows"]
    rows = list(shown) + ([table["total"]] if table.get("total") else [])
    grid = document.add_table(rows=1 + len(rows), cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _column_widths(columns)
    header = grid.rows[0]
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for index, column in enumerate(columns):
        _cell(header.cells[index], column["label"], bold=True, font=HEADING1_FONT)
    for row_index, row in enumerate(rows, start=1):
        is_total = table.get("total") is not None and row_index == len(rows)
        for index, column in enumerate(columns):
            align = (
                WD_ALIGN_PARAGRAPH.LEFT
                if column["type"] == "text"
                and index > 0
                and "板块" not in column["label"]
                and "起始" not in column["label"]
                and "进位" not in column["label"]
                else WD_ALIGN_PARAGRAPH.CENTER
            )
            _cell(
                grid.rows[row_index].cells[index],
                cell_text(row[index], column["type"]),
                bold=is_total,
                align=align,
            )
    # Widths on the grid columns (LibreOffice reads these) and on every cell (Word),
    # with a fixed layout so neither re-balances them.
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    for index, column in enumerate(grid.columns):
        column.width = Mm(widths[index])
    for row in grid.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Mm(widths[index])
    if limit and len(table["rows"]) > limit:
        _body(document, f"（共{len(table['rows'])}个，此处列前{limit}个，完整清单见 Excel 附表。）")
    if table.get("note"):
        _body(document, table["note"])
    spacer = document.add_paragraph()
    _spacing(spacer, line=Pt(12), first_line_chars=None)


def _chart(document, chart: dict) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # a fixed spacing would clip the picture
    fmt.first_line_indent = Pt(0)
    fmt.space_before = Pt(6)
    fmt.space_after = Pt(6)
    paragraph.add_run().add_picture(io.BytesIO(render_chart(chart)), width=Mm(150))


def _signature(document, content: dict) -> None:
    for text, before in ((content["issuer"], 28), (content["date_text"], 0)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _spacing(paragraph, before=before, first_line_chars=None)
        paragraph.paragraph_format.right_indent = Pt(32)
        _run(paragraph, text, BODY_FONT, BODY_SIZE, latin=LATIN_BODY_FONT)


def render_docx(content: dict) -> bytes:
    """The bulletin as a .docx file (bytes), rendered only from ``content``."""
    document = Document()
    _setup_styles(document)
    _page_setup(document)
    core = document.core_properties
    core.title = content["title"]
    core.subject = content["header"]
    core.author = content["issuer"]
    core.language = "zh-CN"
    # Dated by the content, never by the clock: the same content renders the same bytes.
    as_of = datetime.combine(date.fromisoformat(content["as_of"]), time.min)
    core.created = core.modified = as_of
    core.revision = 1
    # python-docx starts with one empty paragraph; the masthead replaces it.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)

    _masthead(document, content)
    _title(document, content["title"])
    tables, charts = content["tables"], content["charts"]
    for section in content["sections"]:
        _heading(document, section["heading"], 1)
        for block in section["blocks"]:
            kind = block["type"]
            if kind == "paragraph":
                _body(document, block["text"])
            elif kind == "subheading":
                _heading(document, block["text"], 2)
            elif kind == "table":
                _table(document, tables[block["table"]])
            elif kind == "chart":
                _chart(document, charts[block["chart"]])
    _signature(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return _without_clock(buffer.getvalue())


ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _without_clock(package: bytes) -> bytes:
    """The package with every zip entry dated 1980-01-01 (zip's first day) instead of the
    time of writing, so a published bulletin rendered again is identical byte for byte
    (docs/bulletins.md "As known at publication")."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
