"""An OfficialDocument as a Word file (python-docx), laid out per Decree 30/2020/NĐ-CP.

The page (A4, margins), the styles (Times New Roman 14 pt) and the page numbers (centred at
the top from page 2: a different first-page header) come from the template
`reports/templates_docx/van-ban.docx` — or the file `OFFICIAL_DOCX_TEMPLATE` names, so a
province can put its own letterhead there. The renderer empties the template's body and
writes the document into it; `template_build()` writes the default template.

Tables are written as one XML fragment each (python-docx's cell-by-cell API is too slow for
a 230-unit ranking); everything else goes through python-docx.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings as django_settings
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Mm, Pt
from PIL import Image

from reports.charts import png_bar_chart
from reports.documents import Table

from .model import (
    DRAFT_MARK,
    MOTTO,
    NATIONAL_NAME,
    BulletList,
    ChartBlock,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Run,
    TableBlock,
)

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
NATIONAL_PT = 12
TABLE_PT = 12
WIDE_TABLE_PT = 11
RECIPIENTS_TITLE_PT = 12
RECIPIENTS_PT = 11
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
LEFT_HEADER_SHARE = 0.42  # the issuer's column; the national name takes the rest
CHART_MAX_HEIGHT = Cm(21)
TWIPS_PER_EMU = 1 / 635
ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates_docx" / "van-ban.docx"


def template_path() -> Path:
    return Path(getattr(django_settings, "OFFICIAL_DOCX_TEMPLATE", "") or DEFAULT_TEMPLATE)


# --- small helpers -----------------------------------------------------------------------


def _font(run, size: float | None = None) -> None:
    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)


def _run(paragraph, text: str, *, bold=False, italic=False, size=None, placeholder=False):
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if placeholder:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _font(run, size)
    return run


def _tight(paragraph, *, align="center", before=0, after=0) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.first_line_indent = Cm(0)
    fmt.line_spacing = 1.0


def _rule_paragraph(container, *, width: Emu, line: Emu):
    """A short horizontal rule, centred: an empty paragraph's top border, narrowed by its
    indents (Word and LibreOffice both draw it; no drawing object needed)."""
    paragraph = container.add_paragraph()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    _tight(paragraph, before=2)
    indent = max(0, (int(width) - int(line)) // 2)
    paragraph.paragraph_format.left_indent = Emu(indent)
    paragraph.paragraph_format.right_indent = Emu(indent)
    _font(paragraph.add_run(""), 2)
    paragraph.paragraph_format.line_spacing = Pt(4)
    return paragraph


def _no_borders(table) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def _two_columns(doc, width: Emu, left_share: float):
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left = Emu(int(int(width) * left_share))
    right = Emu(int(width) - int(left))
    for cell, cell_width in zip(table.rows[0].cells, (left, right), strict=True):
        cell.width = cell_width
    for column, cell_width in zip(table.columns, (left, right), strict=True):
        column.width = cell_width
    return table, left, right


def _usable_width(doc) -> Emu:
    section = doc.sections[-1]
    return Emu(int(section.page_width) - int(section.left_margin) - int(section.right_margin))


def _roman(number: int) -> str:
    values = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


# --- the parts ---------------------------------------------------------------------------


def _header(doc, document: OfficialDocument, width: Emu) -> None:
    header = document.header
    if header.draft:
        mark = doc.add_paragraph()
        _tight(mark, align="right")
        _run(mark, DRAFT_MARK, bold=True, size=HEADER_PT)
    table, left, right = _two_columns(doc, width, LEFT_HEADER_SHARE)
    issuer_cell, nation_cell = table.rows[0].cells

    first = issuer_cell.paragraphs[0]
    _tight(first)
    if header.parent:
        _run(first, header.parent.upper(), size=NATIONAL_PT)
        line = issuer_cell.add_paragraph()
        _tight(line)
    else:
        line = first
    _run(line, header.issuer.upper(), bold=True, size=HEADER_PT)
    _rule_paragraph(issuer_cell, width=left, line=Emu(int(left) // 3))
    number = issuer_cell.add_paragraph()
    _tight(number, before=4)
    _run(number, header.number_line, size=HEADER_PT)
    if header.excerpt:
        excerpt = issuer_cell.add_paragraph()
        _tight(excerpt, before=2)
        _run(excerpt, header.excerpt, size=12)

    national = nation_cell.paragraphs[0]
    _tight(national)
    _run(national, NATIONAL_NAME, bold=True, size=NATIONAL_PT)
    motto = nation_cell.add_paragraph()
    _tight(motto)
    _run(motto, MOTTO, bold=True, size=HEADER_PT)
    _rule_paragraph(nation_cell, width=right, line=Cm(5.6))
    place = nation_cell.add_paragraph()
    _tight(place, before=4)
    _run(place, header.place_date, italic=True, size=HEADER_PT)


def _title(doc, document: OfficialDocument, width: Emu) -> None:
    if document.type_name:
        kind = doc.add_paragraph()
        _tight(kind, before=18)
        _run(kind, document.type_name.upper(), bold=True, size=BODY_PT)
        subject = doc.add_paragraph()
        _tight(subject)
        _run(subject, document.subject, bold=True, size=BODY_PT)
        _rule_paragraph(doc, width=width, line=Cm(4))
    if document.addressee:
        addressee = doc.add_paragraph()
        _tight(addressee, before=18, after=6)
        _run(addressee, document.addressee, size=BODY_PT)
    if document.authority:
        authority = doc.add_paragraph()
        _tight(authority, before=12, after=6)
        _run(authority, document.authority.upper(), bold=True, size=BODY_PT)


def _paragraph(doc, block: Paragraph) -> None:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[block.align]
    if not block.indent or block.align == "center":
        fmt.first_line_indent = Cm(0)
    for run in block.runs:
        _styled_run(paragraph, run)


def _styled_run(paragraph, run: Run) -> None:
    _run(paragraph, run.text, bold=run.bold, italic=run.italic, placeholder=run.placeholder)


def _heading(doc, block: Heading) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(paragraph, block.text, bold=True, italic=block.level == 3)


def _bullets(doc, block: BulletList) -> None:
    for item in block.items:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(2)
        _run(paragraph, f"- {item}")


def _cell_xml(text: str, *, width: int, size: int, align: str, bold=False, span=1, fill="") -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if fill:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    run_props = (
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        + ("<w:b/>" if bold else "")
        + f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/>'
    )
    return (
        f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr>"
        f'<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr>{run_props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
        f"</w:p></w:tc>"
    )


def _column_widths(columns, sections, total: int, size: int) -> list[int]:
    """Twips per column: shared in proportion to the columns' own widths, but never narrower
    than a short content (code, number, band, a one-word header) needs on one line; the
    long-text columns give up what the short ones take."""
    longest = [max((len(w) for w in column.label.split()), default=0) for column in columns]
    for section in sections:
        for row in section["rows"]:
            for position, cell in enumerate(row):
                longest[position] = max(longest[position], len(cell["text"]))
    char_twips = size * 12  # a wide character (Noto Serif stands in for Times on servers)
    need = [chars * char_twips + 160 if chars <= 14 else 0 for chars in longest]
    weights = [max(column.width, 4) for column in columns]
    widths = [total * w / sum(weights) for w in weights]
    for _round in range(3):
        short = [i for i, width in enumerate(widths) if need[i] > width]
        if not short:
            break
        for i in short:
            widths[i] = need[i]
        flexible = [i for i in range(len(widths)) if not need[i] or need[i] < widths[i]]
        spare = total - sum(widths)
        room = sum(widths[i] for i in flexible)
        if not flexible or room <= 0:
            break
        for i in flexible:
            widths[i] += spare * widths[i] / room
    return [int(w) for w in widths]


def _table_xml(block: TableBlock, width: Emu) -> str:
    table: Table = block.table
    columns = table.columns
    size = WIDE_TABLE_PT if len(columns) >= 7 else TABLE_PT
    total_twips = int(int(width) * TWIPS_PER_EMU)
    sections = table.display_sections()
    widths = _column_widths(columns, sections, total_twips, size)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{total_twips}" w:type="dxa"/><w:tblBorders>'
        + "".join(
            border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
    for column, w in zip(columns, widths, strict=True):
        parts.append(
            _cell_xml(column.label, width=w, size=size, align="center", bold=True, fill="EEF0F3")
        )
    parts.append("</w:tr>")
    number = 0
    for section in sections:
        if section["title"]:
            number += 1
            title = (
                f"{_roman(number)}. {section['title']}"
                if block.numbered_sections
                else section["title"]
            )
            parts.append(
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                + _cell_xml(
                    title, width=total_twips, size=size, align="left", bold=True, span=len(columns)
                )
                + "</w:tr>"
            )
        for row in section["rows"]:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for cell, w in zip(row, widths, strict=True):
                align = (
                    "right" if cell["numeric"] else "center" if cell["kind"] == "band" else "left"
                )
                parts.append(_cell_xml(cell["text"], width=w, size=size, align=align))
            parts.append("</w:tr>")
    if not any(section["rows"] for section in sections):
        parts.append(
            "<w:tr>"
            + _cell_xml(
                "Không có dữ liệu.", width=total_twips, size=size, align="left", span=len(columns)
            )
            + "</w:tr>"
        )
    parts.append("</w:tbl>")
    return "".join(parts)


def _table(doc, block: TableBlock, width: Emu) -> None:
    if block.table.title:
        title = doc.add_paragraph()
        _tight(title, before=10, after=4)
        title.paragraph_format.keep_with_next = True
        _run(title, block.table.title, bold=True)
    body = doc.element.body
    body.sectPr.addprevious(parse_xml(_table_xml(block, width)))
    if block.table.note:
        note = doc.add_paragraph()
        _tight(note, align="left", before=2)
        _run(note, block.table.note, italic=True, size=12)


def _chart(doc, block: ChartBlock, width: Emu) -> None:
    png = png_bar_chart(block.chart)
    with Image.open(io.BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
    shown_width = int(width)
    shown_height = shown_width * pixels_high // pixels_wide
    if shown_height > int(CHART_MAX_HEIGHT):
        shown_height = int(CHART_MAX_HEIGHT)
        shown_width = shown_height * pixels_wide // pixels_high
    paragraph = doc.add_paragraph()
    _tight(paragraph, before=6, after=6)
    paragraph.add_run().add_picture(
        io.BytesIO(png), width=Emu(shown_width), height=Emu(shown_height)
    )


def _closing(doc, document: OfficialDocument, width: Emu) -> None:
    body = doc.paragraphs
    if body:  # the last line of the body goes with the signature, never alone before it
        body[-1].paragraph_format.keep_with_next = True
    table, _left, _right = _two_columns(doc, width, 0.5)
    # Recipients and signer stay together on one page (the row never splits).
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients_cell, signer_cell = table.rows[0].cells
    title = recipients_cell.paragraphs[0]
    _tight(title, align="left", before=12)
    _run(title, "Nơi nhận:", bold=True, italic=True, size=RECIPIENTS_TITLE_PT)
    for line in document.recipients:
        paragraph = recipients_cell.add_paragraph()
        _tight(paragraph, align="left")
        _run(paragraph, f"- {line}", size=RECIPIENTS_PT)
    first = signer_cell.paragraphs[0]
    _tight(first, before=12)
    for position, line in enumerate(document.signer.lines):
        paragraph = first if position == 0 else signer_cell.add_paragraph()
        _tight(paragraph, before=12 if position == 0 else 0)
        _run(paragraph, line, bold=True, size=BODY_PT)
    for _blank in range(4):
        _tight(signer_cell.add_paragraph())
    name = signer_cell.add_paragraph()
    _tight(name)
    _run(name, document.signer.name, bold=True, size=BODY_PT)


def _blocks(doc, blocks, width: Emu) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif isinstance(block, BulletList):
            _bullets(doc, block)
        elif isinstance(block, TableBlock):
            _table(doc, block, width)
        elif isinstance(block, ChartBlock):
            _chart(doc, block, width)
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _annexes(doc, document: OfficialDocument, width: Emu) -> None:
    for annex in document.annexes:
        title = doc.add_paragraph()
        _tight(title)
        title.paragraph_format.page_break_before = True
        _run(title, annex.title, bold=True)
        subtitle = doc.add_paragraph()
        _tight(subtitle)
        _run(subtitle, annex.subtitle, bold=True)
        note = doc.add_paragraph()
        _tight(note, after=8)
        _run(note, annex.note, italic=True)
        _blocks(doc, annex.blocks, width)


def _empty_body(doc) -> None:
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def docx_bytes(document: OfficialDocument) -> bytes:
    """The document as a .docx file's bytes."""
    doc = Document(str(template_path()))
    _empty_body(doc)
    width = _usable_width(doc)
    _header(doc, document, width)
    _title(doc, document, width)
    _blocks(doc, document.blocks, width)
    _closing(doc, document, width)
    _annexes(doc, document, width)
    doc.core_properties.title = document.title[:250]
    doc.core_properties.author = document.header.issuer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- the default template ----------------------------------------------------------------


def _page_number_field(paragraph) -> None:
    """A PAGE field (Word fills in the number)."""
    run = paragraph.add_run()
    _font(run, HEADER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def template_build(path: Path | str = DEFAULT_TEMPLATE) -> Path:
    """Write the default template: A4, the decree's margins, Times New Roman 14 pt, page
    numbers centred at the top from page 2. A province replaces the file (or points
    OFFICIAL_DOCX_TEMPLATE at its own) to use its letterhead."""
    doc = Document()
    _empty_body(doc)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(6)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    _tight(header)
    _page_number_field(header)
    section.first_page_header.paragraphs[0].text = ""
    doc.core_properties.title = "Mẫu văn bản hành chính (Nghị định 30/2020/NĐ-CP)"
    doc.core_properties.author = ""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
