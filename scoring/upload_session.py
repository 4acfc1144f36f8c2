"""An upload parsed and waiting in the session, under a random key, until its preview is
confirmed: nothing is saved before (criteria sets, unit changes)."""

from __future__ import annotations

import uuid

from django.http import Http404


def upload_keep(request, kind: str, *, year: int, rows: list, errors: list, filename: str) -> str:
    """Keep a parsed upload of `kind`; returns its key (for the preview and confirm URLs)."""
    key = uuid.uuid4().hex
    request.session[f"{kind}_upload_{key}"] = {
        "year": year,
        "rows": rows,
        "errors": errors,
        "filename": filename,
    }
    return key


def upload_get(request, kind: str, key: str) -> dict:
    """The kept upload; a missing (or someone else's) key is a 404."""
    data = request.session.get(f"{kind}_upload_{key}")
    if data is None:
        raise Http404
    return data


def upload_forget(request, kind: str, key: str) -> None:
    request.session.pop(f"{kind}_upload_{key}", None)
