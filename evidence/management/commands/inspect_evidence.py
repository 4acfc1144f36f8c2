"""`manage.py inspect_evidence FILE [FILE ...]`: what the portal reads from evidence files.

Prints one JSON array, an object per file, in the order given (a contract for checking and
for other systems):

    {"file": <path as given>, "text_source": "text"|"ocr"|"none",
     "document": null or {"number", "symbol", "issued_on", "place", "issuer",
                          "parent_issuer", "doc_type", "title", "signer", "signer_title"},
     "signatures": [{"signer", "signed_at", "intact", "trusted", "expired",
                     "modified_after_signing"}],
     "warnings": [text]}

Needs no database rows: the reading layer (evidence.reading) is pure. Signatures are
checked against EVIDENCE_TRUST_ROOTS (or --trust-roots). Exit code 1 when a path could not
be opened (its object says so), 0 otherwise.
"""

from __future__ import annotations

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from evidence import reading


class Command(BaseCommand):
    help = "Đọc số, ký hiệu, ngày, cơ quan ban hành, người ký và chữ ký số của các tệp (JSON)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--trust-roots",
            default=None,
            help="PEM bundle of trusted root certificates (default: EVIDENCE_TRUST_ROOTS)",
        )

    def handle(self, *args, files, trust_roots, **options):
        path = trust_roots if trust_roots is not None else settings.EVIDENCE_TRUST_ROOTS
        try:
            roots = reading.load_trust_roots(path)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được chứng thư gốc {path}: {exc}") from exc
        out, unopened = [], False
        for name in files:
            try:
                with open(name, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                unopened = True
                out.append(_unopened(name, _("Không mở được tệp: %(error)s") % {"error": exc}))
                continue
            try:
                result = reading.read_document(data, trust_roots=roots)
            except reading.OcrUnavailable as exc:
                self.stderr.write(str(exc))
                out.append(
                    _unopened(name, reading.warning_text(reading.warning("ocr_unavailable")))
                )
                continue
            out.append(result.as_json(name))
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        if unopened:
            sys.exit(1)


def _unopened(name: str, message: str) -> dict:
    return {
        "file": name,
        "text_source": "none",
        "document": None,
        "signatures": [],
        "warnings": [message],
    }
