"""An OfficialDocument as PDF: the HTML template `reports/official/document.html` (the same
layout as the Word file) printed by WeasyPrint, the charts drawn by reports.charts' SVG."""

from __future__ import annotations

import base64

from django.conf import settings
from django.template.loader import render_to_string

from reports.charts import PNG_MAX_CATEGORY_LABELS, svg_bar_chart

from .docx import TABLE_PT, WIDE_TABLE_PT, _column_widths, _roman
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
    TableBlock,
)


def _table(block: TableBlock) -> dict:
    table = block.table
    sections, number = [], 0
    shown = table.display_sections()
    small = len(table.columns) >= 7
    # The Word file's column widths, as percentages: a fixed layout, no measuring of cells.
    widths = _column_widths(table.columns, shown, 10000, WIDE_TABLE_PT if small else TABLE_PT)
    for section in shown:
        title = section["title"]
        if title:
            number += 1
            if block.numbered_sections:
                title = f"{_roman(number)}. {title}"
        sections.append({"title": title, "rows": section["rows"]})
    return {
        "title": table.title,
        "note": table.note,
        "columns": table.columns,
        "sections": sections,
        "small": small,
        "widths": [f"{w / 100:.2f}" for w in widths],
        "empty": not any(s["rows"] for s in sections),
    }


def _chart(block: ChartBlock) -> str:
    names = len(block.chart.categories) <= PNG_MAX_CATEGORY_LABELS  # as the Word file's PNG
    svg = svg_bar_chart(block.chart, category_labels=names).encode()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _blocks(blocks) -> list[dict]:
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append({"type": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Paragraph):
            out.append(
                {
                    "type": "paragraph",
                    "runs": block.runs,
                    "align": block.align,
                    "indent": block.indent,
                }
            )
        elif isinstance(block, BulletList):
            out.append({"type": "list", "items": block.items})
        elif isinstance(block, TableBlock):
            out.append({"type": "table", "table": _table(block)})
        elif isinstance(block, ChartBlock):
            out.append({"type": "chart", "src": _chart(block), "title": block.chart.title})
        elif isinstance(block, PageBreak):
            out.append({"type": "pagebreak"})
    return out


def html_context(document: OfficialDocument) -> dict:
    return {
        "document": document,
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "draft_mark": DRAFT_MARK,
        "blocks": _blocks(document.blocks),
        "annexes": [
            {"annex": annex, "blocks": _blocks(annex.blocks)} for annex in document.annexes
        ],
    }


def pdf_bytes(document: OfficialDocument) -> bytes:
    from weasyprint import HTML  # slow to import; only files need it

    html = render_to_string("reports/official/document.html", html_context(document))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
