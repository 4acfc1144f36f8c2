"""Reading evidence files: text, OCR, the Decree 30 header fields and digital signatures.

A pure layer (no database): `read_document(bytes, trust_roots=…)` returns a `Reading`;
`manage.py inspect_evidence` prints it, the `evidence_read` task stores it.
"""

from .header import DocumentFields
from .ocr import OcrUnavailable, tesseract_problem
from .reader import NONE, OCR, READER_VERSION, TEXT, NeedsOcr, Reading, read_document
from .signatures import SignatureCheck, load_trust_roots
from .warnings import warning, warning_text

__all__ = [
    "NONE",
    "OCR",
    "READER_VERSION",
    "TEXT",
    "DocumentFields",
    "NeedsOcr",
    "OcrUnavailable",
    "Reading",
    "SignatureCheck",
    "load_trust_roots",
    "read_document",
    "tesseract_problem",
    "warning",
    "warning_text",
]
