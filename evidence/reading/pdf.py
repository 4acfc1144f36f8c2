"""PDF pages: the text layer as lines (pypdfium2), and pages rendered for OCR."""

from __future__ import annotations

import pypdfium2 as pdfium

from .lines import Line, merge_segments

# Fewer letters than this on a page: it is a scan (or blank), not a text layer.
MIN_TEXT_CHARS = 25
# Runs further apart than this many line heights are in different columns (pdfium already
# joins the words of one run, however wide a justified line's spaces are).
COLUMN_GAP = 0.5


class PdfPages:
    """An open PDF; pages are read on demand (a 50-page scan is never loaded at once)."""

    def __init__(self, stream):
        """`stream`: a seekable binary file; pdfium reads from it as pages are needed."""
        stream.seek(0)
        self._stream = stream  # keep it open and alive while the document is
        self.document = pdfium.PdfDocument(stream)

    def __len__(self) -> int:
        return len(self.document)

    def close(self) -> None:
        self.document.close()

    def text_lines(self, index: int) -> list[Line] | None:
        """The page's text layer as lines, or None when the page has (almost) no text."""
        page = self.document[index]
        try:
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
                if sum(ch.isalnum() for ch in raw) < MIN_TEXT_CHARS:
                    return None
                width, height = page.get_size()
                boxes = []
                for number in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(number)
                    text = textpage.get_text_bounded(left, bottom, right, top)
                    if text.strip():
                        boxes.append(
                            (
                                text,
                                left / width,
                                right / width,
                                1 - top / height,
                                1 - bottom / height,
                            )
                        )
                return merge_segments(boxes, page=index, gap=COLUMN_GAP, aspect=height / width)
            finally:
                textpage.close()
        finally:
            page.close()

    def render(self, index: int, *, dpi: int):
        """The page as a greyscale PIL image at `dpi`."""
        page = self.document[index]
        try:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            try:
                return bitmap.to_pil().convert("L")
            finally:
                bitmap.close()
        finally:
            page.close()

    def image_dpi(self, index: int) -> int | None:
        """The resolution of the largest image on a scanned page (None: no image)."""
        page = self.document[index]
        try:
            width_pt, _height = page.get_size()
            best = None
            for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                pixels_wide, _ = obj.get_px_size()
                left, _b, right, _t = obj.get_bounds()
                shown = max(right - left, 1)
                if best is None or shown > best[0]:
                    best = (shown, pixels_wide * 72 / shown)
            return round(best[1]) if best else None
        finally:
            page.close()
