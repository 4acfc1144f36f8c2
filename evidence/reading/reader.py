"""Read one file: its text (text layer, DOCX/ODT, or OCR), the header fields, the signatures.

Pure: a file (bytes or a path) in, a `Reading` out; no database. Pages are read in the order the fields need
them — the first page (header), then the last (signing block), then the ones before it —
and reading stops as soon as the fields are found, so a 50-page scan costs two pages of OCR.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from PIL import Image

from ..enums import FileKind
from ..validation import detect_type
from . import header, ocr, vocabulary
from .header import DocumentFields
from .lines import Line
from .office import docx_lines, odt_lines
from .pdf import PdfPages
from .signatures import SignatureCheck, check_signatures
from .warnings import warning, warning_text

logger = logging.getLogger("evidence.reading")

TEXT, OCR, NONE = "text", "ocr", "none"
MAX_IMAGE_PIXELS = 80_000_000  # a photo of 80 megapixels; larger is not a page
MAX_SIGNING_PAGES = 3  # pages tried from the end for the signing block
TEXT_LIMIT = 20_000  # characters of the pages read kept with the reading
OCR_DPI_MIN, OCR_DPI_MAX = 200, 300
READER_VERSION = 1  # bump when the reading of a file would change; stored readings are redone
READABLE_KINDS = frozenset({FileKind.PDF, FileKind.DOCX, FileKind.ODT, FileKind.JPEG, FileKind.PNG})


class NeedsOcr(Exception):
    """Raised by `read_document(..., allow_ocr=False)` for a file with a page to OCR."""


@dataclass
class Reading:
    kind: str | None
    text_source: str = NONE
    fields: DocumentFields | None = None
    signatures: list[SignatureCheck] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    pages: int = 0
    pages_read: list[int] = field(default_factory=list)
    pages_ocr: list[dict] = field(default_factory=list)  # per OCR'd page: skew, rotation…
    timings: dict = field(default_factory=dict)  # milliseconds
    text: str = ""

    @property
    def document(self) -> DocumentFields | None:
        """The fields, or None when the file is not an administrative document."""
        if self.fields is None or not header.is_document(self.fields):
            return None
        return self.fields

    def as_json(self, file_label: str) -> dict:
        """The `inspect_evidence` object of this file (a contract: keys exactly so)."""
        document = self.document
        return {
            "file": file_label,
            "text_source": self.text_source,
            "document": document.as_json() if document else None,
            "signatures": [s.as_json() for s in self.signatures],
            "warnings": [warning_text(w) for w in self.warnings],
        }


class _Source:
    """The pages of a file, each read once: a text layer when there is one, else OCR."""

    def __init__(self, reading: Reading, *, kind: str, stream, allow_ocr: bool = True):
        self.allow_ocr = allow_ocr
        self.reading = reading
        self.kind = kind
        self.cache: dict[int, list[Line]] = {}
        self.pdf = None
        self.image = None
        self.ocr_seconds = 0.0
        if kind == FileKind.PDF:
            self.pdf = PdfPages(stream)
            reading.pages = len(self.pdf)
        elif kind in (FileKind.JPEG, FileKind.PNG):
            stream.seek(0)
            image = Image.open(stream)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValueError(f"image too large: {image.width}×{image.height}")
            image.draft("L", (ocr.MAX_SIDE, ocr.MAX_SIDE))  # a JPEG decodes at reduced size
            image.load()
            self.image = image
            reading.pages = 1
        elif kind == FileKind.DOCX:
            self.cache[0] = header.to_content(docx_lines(stream))
            reading.pages = 1
            self._used(TEXT if self.cache[0] else NONE)
        elif kind == FileKind.ODT:
            self.cache[0] = header.to_content(odt_lines(stream))
            reading.pages = 1
            self._used(TEXT if self.cache[0] else NONE)

    def close(self):
        if self.pdf is not None:
            self.pdf.close()

    def page(self, index: int) -> list[Line]:
        if index in self.cache:
            return self.cache[index]
        try:
            lines = self._page(index)
        except (ocr.OcrUnavailable, NeedsOcr):
            raise
        except Exception as exc:  # a damaged page: nothing read from it, the others still are
            logger.info("page %s not read: %s", index + 1, exc)
            lines = []
        lines = header.to_content(lines)
        self.cache[index] = lines
        if index not in self.reading.pages_read:
            self.reading.pages_read.append(index)
        return lines

    def _page(self, index: int) -> list[Line]:
        lines: list[Line] = []
        if self.pdf is not None:
            text_lines = self.pdf.text_lines(index)
            if text_lines is not None:
                lines = text_lines
                self._used(TEXT)
            else:
                dpi = self.pdf.image_dpi(index) or OCR_DPI_MIN
                image = self.pdf.render(index, dpi=max(OCR_DPI_MIN, min(dpi, OCR_DPI_MAX)))
                lines = self._ocr(image, index)
        elif self.image is not None:
            lines = self._ocr(self.image, index)
        return lines

    def _used(self, source: str):
        if self.reading.text_source != OCR:
            self.reading.text_source = source

    def _ocr(self, image, index: int) -> list[Line]:
        if not self.allow_ocr:
            raise NeedsOcr(index)
        started = time.perf_counter()
        result = ocr.ocr_page(image, page=index)
        self.ocr_seconds += time.perf_counter() - started
        self.reading.pages_ocr.append(
            {
                "page": index + 1,
                "words": result.words,
                "confidence": round(result.confidence, 1),
                "skew": result.skew,
                "rotation": result.rotation,
            }
        )
        if result.lines:
            self._used(OCR)
        return result.lines


def read_document(source, *, trust_roots: list | None = None, allow_ocr: bool = True) -> Reading:
    """Read a file (`source`: its bytes, or a path) of any allowlisted type. Large files
    are read from disk as needed, never whole into memory. Raises ocr.OcrUnavailable when
    a scan needs OCR and Tesseract (with its Vietnamese data) is missing, and NeedsOcr
    (at once, before any OCR) when `allow_ocr` is false and a page has no text."""
    if isinstance(source, bytes | bytearray):
        return _read(io.BytesIO(source), trust_roots, allow_ocr)
    with open(source, "rb") as stream:
        return _read(stream, trust_roots, allow_ocr)


def _read(stream, trust_roots, allow_ocr: bool) -> Reading:
    started = time.perf_counter()
    try:
        kind = detect_type(stream).kind
    except ValidationError:
        kind = None
    reading = Reading(kind=kind)
    if kind not in READABLE_KINDS:
        reading.warnings = own_warnings(reading)
        reading.timings["total_ms"] = _ms(started)
        return reading
    try:
        source = _Source(reading, kind=kind, stream=stream, allow_ocr=allow_ocr)
    except Exception as exc:  # a damaged file: no text can be read from it
        logger.info("file not opened for reading: %s", exc)
        reading.warnings = own_warnings(reading)
        reading.timings["total_ms"] = _ms(started)
        return reading
    try:
        _read_fields(source, reading)
    finally:
        source.close()
    if reading.text_source == OCR and reading.fields is not None:
        vocabulary.correct_fields(reading.fields)
    if kind == FileKind.PDF:
        signatures_started = time.perf_counter()
        reading.signatures = check_signatures(stream, trust_roots=list(trust_roots or []))
        reading.timings["signatures_ms"] = _ms(signatures_started)
    reading.warnings.extend(own_warnings(reading))
    reading.text = "\n".join(
        line.text for index in sorted(source.cache) for line in source.cache[index]
    )[:TEXT_LIMIT]
    if source.ocr_seconds:
        reading.timings["ocr_ms"] = round(source.ocr_seconds * 1000)
    reading.timings["total_ms"] = _ms(started)
    return reading


def _read_fields(source: _Source, reading: Reading) -> None:
    fields = DocumentFields()
    reading.fields = fields
    first = source.page(0)
    header.parse_header(first, fields)
    header_page = 0
    if not header.is_document(fields) and reading.pages > 1:
        # A cover page or a blank first page: the header may be on the second.
        second = source.page(1)
        fields_two = DocumentFields()
        header.parse_header(second, fields_two)
        if header.is_document(fields_two):
            fields = fields_two
            reading.fields = fields
            header_page = 1
    if reading.text_source == NONE and not any(source.cache.values()):
        reading.fields = None
        return
    if not header.is_document(fields):
        return
    last = reading.pages - 1
    if last <= header_page:
        header.parse_signing(
            source.page(header_page), fields, below=header.header_end(source.page(header_page))
        )
        return
    for index in range(last, max(header_page, last - MAX_SIGNING_PAGES), -1):
        header.parse_signing(source.page(index), fields)
        if fields.signing_complete:
            return
    if not fields.signing_complete:
        header.parse_signing(
            source.page(header_page), fields, below=header.header_end(source.page(header_page))
        )


def own_warnings(reading: Reading) -> list[dict]:
    document = reading.document
    return file_warnings(
        kind=reading.kind,
        text_source=reading.text_source,
        document=document.as_json() if document else None,
        is_draft=bool(document and document.is_draft),
        signatures=[s.as_json() for s in reading.signatures],
    )


def file_warnings(
    *, kind, text_source: str, document: dict | None, is_draft: bool, signatures: list[dict]
) -> list[dict]:
    """What a file says about itself: a type not read, no text, not a document, a draft,
    no number or date, no digital signature, and each signature that is broken, untrusted,
    expired or followed by changes. Plain data in (the fields in force, corrections
    included), so the stored reading and the command say the same."""
    if kind not in READABLE_KINDS:
        label = FileKind(kind).label if kind in FileKind.values else "?"
        return [warning("unsupported_type", kind=str(label))]
    if text_source == NONE and document is None:
        return [warning("unreadable")]
    out = []
    if document is None:
        out.append(warning("not_document"))
    else:
        if is_draft:
            out.append(warning("draft"))
        elif not document.get("number") and not document.get("symbol"):
            out.append(warning("no_number"))
        if not document.get("issued_on") and not is_draft:
            out.append(warning("no_date"))
        if not signatures:
            out.append(warning("unsigned"))
    for signature in signatures:
        signer = signature.get("signer") or ""
        if not signature.get("intact"):
            out.append(warning("signature_broken", signer=signer))
            continue
        if not signature.get("trusted"):
            out.append(warning("signature_untrusted", signer=signer))
        if signature.get("expired"):
            out.append(warning("signature_expired", signer=signer))
        if signature.get("modified_after_signing"):
            out.append(warning("signature_modified", signer=signer))
    return out


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
