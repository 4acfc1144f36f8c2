"""A stored file as a download: streamed, named safely in both header forms, never cached.

Shared by the apps that serve files from the storage (evidence files, the working group's
note attachments); imports no app. The object needs `storage_key`, `content_type`,
`original_name` and `size`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404


def content_disposition(disposition: str, name: str) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266/5987)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch.isprintable() and ch not in '"\\;')
    ascii_name = ascii_name.strip() or "tai-lieu"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(evidence_file, *, inline: bool) -> FileResponse:
    """The stored file, streamed, as an attachment or inline."""
    try:
        stream = default_storage.open(evidence_file.storage_key, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, content_type=evidence_file.content_type)
    response.block_size = 64 * 1024
    response["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", evidence_file.original_name
    )
    response["Content-Length"] = str(evidence_file.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
