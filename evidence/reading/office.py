"""DOCX (python-docx) and ODT (its content.xml) as lines: paragraphs in reading order, a
table cell's paragraphs placed in that cell's column, the paragraph's centring kept."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from docx.text.paragraph import Paragraph

from .lines import Line, clean

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODF_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
ODF_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
ODF_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
MAX_PARAGRAPHS = 4000  # a document's header and signing block are in the first/last ones
MAX_XML_BYTES = 30 * 1024 * 1024


class _Builder:
    """Collects lines; `top` is the reading order (an empty paragraph leaves a gap)."""

    def __init__(self):
        self.lines: list[Line] = []
        self.order = 0

    def add(self, text: str, *, x0: float, x1: float, centered: bool | None):
        for part in (text or "").split("\n"):
            self.order += 1
            part = clean(part)
            if part:
                self.lines.append(
                    Line(
                        text=part,
                        page=0,
                        x0=x0,
                        x1=x1,
                        top=self.order / 1000,
                        centered=centered,
                        content=True,
                        flow=True,
                    )
                )

    def gap(self):
        self.order += 1


# --- DOCX ---------------------------------------------------------------------------------


def docx_lines(stream) -> list[Line]:
    """`stream`: a seekable binary file."""
    stream.seek(0)
    document = docx.Document(stream)
    builder = _Builder()

    def centered(paragraph) -> bool:
        alignment = paragraph.alignment
        if alignment is None and paragraph.style is not None:
            style = paragraph.style
            while style is not None and alignment is None:
                alignment = style.paragraph_format.alignment
                style = style.base_style
        return alignment == WD_ALIGN_PARAGRAPH.CENTER

    def add_paragraph(paragraph, x0, x1, in_cell: bool):
        if not paragraph.text.strip():
            builder.gap()
            return
        is_centered = centered(paragraph)
        builder.add(paragraph.text, x0=x0, x1=x1, centered=None if in_cell else is_centered)

    def add_table(table, x0, x1):
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if not cells or cell._tc is not cells[-1]._tc:  # merged cells repeat
                    cells.append(cell)
            step = (x1 - x0) / max(len(cells), 1)
            for index, cell in enumerate(cells):
                left, right = x0 + index * step, x0 + (index + 1) * step
                for block in cell.iter_inner_content():
                    if isinstance(block, Paragraph):
                        add_paragraph(block, left, right, True)
                    elif isinstance(block, Table):
                        add_table(block, left, right)
                builder.gap()

    count = 0
    for block in document.iter_inner_content():
        count += 1
        if count > MAX_PARAGRAPHS:
            break
        if isinstance(block, Paragraph):
            add_paragraph(block, 0.0, 1.0, False)
        elif isinstance(block, Table):
            add_table(block, 0.0, 1.0)
    return builder.lines


# --- ODT ----------------------------------------------------------------------------------


def _odt_alignments(archive: zipfile.ZipFile, content) -> dict[str, bool]:
    """Paragraph style name → centred, through automatic and common styles."""
    styles: dict[str, tuple[str | None, str | None]] = {}
    roots = [content]
    if "styles.xml" in archive.namelist():
        info = archive.getinfo("styles.xml")
        if info.file_size <= MAX_XML_BYTES:
            roots.append(ElementTree.fromstring(archive.read("styles.xml")))
    for root in roots:
        for style in root.iter(f"{ODF_STYLE}style"):
            name = style.get(f"{ODF_STYLE}name")
            properties = style.find(f"{ODF_STYLE}paragraph-properties")
            align = properties.get(f"{ODF_FO}text-align") if properties is not None else None
            styles[name] = (align, style.get(f"{ODF_STYLE}parent-style-name"))

    def resolve(name: str | None, depth: int = 0) -> bool:
        if name is None or name not in styles or depth > 10:
            return False
        align, parent = styles[name]
        if align is not None:
            return align == "center"
        return resolve(parent, depth + 1)

    return {name: resolve(name) for name in styles}


def _odt_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == f"{ODF_TEXT}line-break":
            parts.append("\n")
        elif tag == f"{ODF_TEXT}s":
            parts.append(" " * int(child.get(f"{ODF_TEXT}c", "1")))
        elif tag == f"{ODF_TEXT}tab":
            parts.append("\t")
        elif tag not in (f"{ODF_TEXT}note", f"{ODF_OFFICE}annotation"):
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def odt_lines(stream) -> list[Line]:
    """`stream`: a seekable binary file."""
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        info = archive.getinfo("content.xml")
        if info.file_size > MAX_XML_BYTES:
            raise ValueError("content.xml too large")
        content = ElementTree.fromstring(archive.read("content.xml"))
        centred = _odt_alignments(archive, content)
    body = content.find(f"{ODF_OFFICE}body/{ODF_OFFICE}text")
    builder = _Builder()
    if body is None:
        return []

    def walk(element, x0, x1, in_cell: bool):
        for child in element:
            tag = child.tag
            if tag in (f"{ODF_TEXT}p", f"{ODF_TEXT}h"):
                text = _odt_text(child)
                if not text.strip():
                    builder.gap()
                    continue
                is_centered = centred.get(child.get(f"{ODF_TEXT}style-name"), False)
                builder.add(text, x0=x0, x1=x1, centered=None if in_cell else is_centered)
            elif tag == f"{ODF_TABLE}table":
                for row in child.iter(f"{ODF_TABLE}table-row"):
                    cells = row.findall(f"{ODF_TABLE}table-cell")
                    step = (x1 - x0) / max(len(cells), 1)
                    for index, cell in enumerate(cells):
                        walk(cell, x0 + index * step, x0 + (index + 1) * step, True)
                        builder.gap()
            elif tag in (f"{ODF_TEXT}list", f"{ODF_TEXT}list-item", f"{ODF_TEXT}section"):
                walk(child, x0, x1, in_cell)
            if len(builder.lines) > MAX_PARAGRAPHS:
                return

    walk(body, 0.0, 1.0, False)
    return builder.lines
