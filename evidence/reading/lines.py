"""The layout-light text every source is turned into: lines with where they sit on the page.

A PDF's text layer and an OCR'd image give real positions; DOCX and ODT give the column of
a table cell and the paragraph's alignment, which is all the header parser needs. Positions
are fractions of the page (0 at the left and at the top), so one parser serves every source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC, one space between words, no control characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Zs"} else ch for ch in text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Line:
    text: str
    page: int  # 0-based
    x0: float  # fractions of the page width
    x1: float
    top: float  # fraction of the page height (0 = top); DOCX/ODT: reading order
    centered: bool | None = None  # known for DOCX/ODT paragraphs; PDF/OCR: from x0/x1
    content: bool = False  # x already relative to the text area (DOCX/ODT), not the page
    flow: bool = False  # `top` is the reading order of a page-less document (DOCX/ODT)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def merge_segments(
    boxes: list[tuple[str, float, float, float, float]],
    *,
    page: int,
    gap: float,
    aspect: float = 297 / 210,
    one_row: bool = False,
) -> list[Line]:
    """Words or runs (text, x0, x1, top, bottom in fractions) → lines split at wide gaps.

    Boxes whose vertical middles are within half a line height are one visual line; a line
    is cut where the horizontal gap between neighbours is wider than `gap` line heights (two
    columns side by side, as the header and the signing block are). `aspect` is the page's
    height / width (to compare heights with widths). `one_row`: the boxes are already one
    line (Tesseract's own grouping, which follows a slanted line better than their middles).
    """
    if not boxes:
        return []
    boxes = sorted(boxes, key=lambda b: ((b[3] + b[4]) / 2, b[1]))
    rows: list[list] = [list(boxes)] if one_row else []
    for box in [] if one_row else boxes:
        middle = (box[3] + box[4]) / 2
        height = max(box[4] - box[3], 1e-4)
        if rows:
            last = rows[-1]
            last_middle = sum((b[3] + b[4]) / 2 for b in last) / len(last)
            last_height = max(b[4] - b[3] for b in last)
            if abs(middle - last_middle) < 0.5 * max(height, last_height):
                last.append(box)
                continue
        rows.append([box])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda b: b[1])
        heights = sorted(b[4] - b[3] for b in row)
        limit = gap * heights[len(heights) // 2] * aspect
        segment = [row[0]]
        for box in row[1:]:
            if box[1] - segment[-1][2] > limit:
                lines.append(_line(segment, page))
                segment = [box]
            else:
                segment.append(box)
        lines.append(_line(segment, page))
    return [line for line in lines if line.text]


def _line(segment, page: int) -> Line:
    return Line(
        text=clean(" ".join(b[0] for b in segment)),
        page=page,
        x0=min(b[1] for b in segment),
        x1=max(b[2] for b in segment),
        top=min(b[3] for b in segment),
    )
