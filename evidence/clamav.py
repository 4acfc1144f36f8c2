"""A small clamd client: the INSTREAM command over a Unix or TCP socket.

Protocol (clamd(8)): send `zINSTREAM\\0`, then the data as chunks each prefixed by its
length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers
`stream: OK`, `stream: <signature> FOUND` or `… ERROR`, terminated by `\\0`.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

DEFAULT_TIMEOUT = 30


class ClamdUnavailable(Exception):
    """clamd is configured but could not give a verdict (down, timeout, error reply)."""


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str = ""


def is_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_HOST", ""))


def _connect() -> socket.socket:
    timeout = getattr(settings, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT)
    if getattr(settings, "CLAMD_SOCKET", ""):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMD_SOCKET)
        return sock
    return socket.create_connection(
        (settings.CLAMD_HOST, int(getattr(settings, "CLAMD_PORT", 3310))), timeout=timeout
    )


def parse_reply(reply: bytes) -> ScanVerdict:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        body = text.removesuffix("FOUND").strip()
        signature = body.split(":", 1)[1].strip() if ":" in body else body
        return ScanVerdict(infected=True, signature=signature)
    if text.endswith(": OK") or text == "OK":
        return ScanVerdict(infected=False)
    raise ClamdUnavailable(text or "empty reply")


def scan_chunks(chunks: Iterable[bytes]) -> ScanVerdict:
    """Stream the chunks to clamd; the iterable is consumed to the end in every case."""
    iterator = iter(chunks)
    try:
        sock = _connect()
    except OSError as exc:
        for _chunk in iterator:  # the caller still needs every byte (hash, size)
            pass
        raise ClamdUnavailable(str(exc)) from exc
    try:
        with sock:
            sock.sendall(b"zINSTREAM\0")
            sending = True
            for chunk in iterator:
                if not sending or not chunk:
                    continue
                try:
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                except OSError:
                    # clamd closes the stream early when StreamMaxLength is exceeded; read
                    # its answer after consuming the rest.
                    sending = False
            if sending:
                sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        for _chunk in iterator:
            pass
        raise ClamdUnavailable(str(exc)) from exc
    return parse_reply(reply)
