import logging
import os
import socket
import struct
import threading

import pytest
from django.core.exceptions import ValidationError

from evidence import clamav, services
from evidence.enums import ScanStatus
from evidence.models import EvidenceFile
from tests.tools import require_tool

from . import files
from .files import EICAR, stored_files, upload


def _eicar_pdf() -> bytes:
    return files.pdf_bytes() + b"\n%" + EICAR + b"\n"


def _upload(d, name, content):
    return services.evidence_upload(
        actor=d.staff,
        assessment=d.assessment,
        criterion=d.leaf,
        uploaded_file=upload(name, content),
    )


class FakeClamd:
    """A stand-in for the outside world's clamd: speaks INSTREAM on a Unix socket and finds
    the EICAR string anywhere in the stream."""

    def __init__(self, path):
        self.path = str(path)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _recv_exact(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert self._recv_exact(conn, 10) == b"zINSTREAM\0"
                data = b""
                while True:
                    (size,) = struct.unpack("!L", self._recv_exact(conn, 4))
                    if size == 0:
                        break
                    data += self._recv_exact(conn, size)
                self.received.append(data)
                verdict = b"stream: Eicar-Signature FOUND" if EICAR in data else b"stream: OK"
                conn.sendall(verdict + b"\0")

    def close(self):
        self.server.close()


@pytest.fixture
def fake_clamd(tmp_path, settings):
    server = FakeClamd(tmp_path / "clamd.sock")
    settings.CLAMD_SOCKET = server.path
    settings.CLAMD_HOST = ""
    yield server
    server.close()


def test_clamav_parse_reply():
    assert clamav.parse_reply(b"stream: OK\0") == clamav.ScanVerdict(infected=False)
    assert clamav.parse_reply(b"stream: Eicar-Test-Signature FOUND\0") == clamav.ScanVerdict(
        infected=True, signature="Eicar-Test-Signature"
    )
    with pytest.raises(clamav.ClamdUnavailable):
        clamav.parse_reply(b"INSTREAM size limit exceeded. ERROR\0")


def test_evidence_upload_infected_refused_and_logged(dossier, settings, fake_clamd, caplog):
    with caplog.at_level(logging.WARNING, logger="evidence.security"):
        with pytest.raises(ValidationError) as info:
            _upload(dossier, "bao-cao.pdf", _eicar_pdf())
    assert info.value.messages == ["Tệp bị phát hiện mã độc, đã bị từ chối"]
    [record] = [r for r in caplog.records if r.name == "evidence.security"]
    assert record.levelno == logging.WARNING and "Eicar-Signature" in record.getMessage()
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()
    assert fake_clamd.received == [_eicar_pdf()]


def test_evidence_upload_clean_scanned(dossier, fake_clamd):
    f = _upload(dossier, "bao-cao.pdf", files.pdf_bytes()).file
    assert f.scan_status == ScanStatus.CLEAN
    assert fake_clamd.received == [files.pdf_bytes()]


def test_evidence_upload_clamd_unreachable_fails_closed(dossier, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    with pytest.raises(ValidationError) as info:
        _upload(dossier, "bao-cao.pdf", files.pdf_bytes())
    assert info.value.messages == ["Không kiểm tra được mã độc, vui lòng thử lại sau"]
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()


REAL_CLAMD = os.environ.get("CLAMD_SOCKET") or os.environ.get("CLAMD_HOST")


@pytest.mark.clamd
def test_evidence_upload_real_clamd_eicar_refused_clean_accepted(dossier, settings, caplog):
    require_tool(
        bool(REAL_CLAMD),
        'needs a real clamd: export CLAMD_SOCKET="$(evidence/clamd_test_server.sh)"',
    )
    settings.CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
    settings.CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
    settings.CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
    with caplog.at_level(logging.WARNING, logger="evidence.security"):
        with pytest.raises(ValidationError) as info:
            _upload(dossier, "nhiem.pdf", _eicar_pdf())
    assert info.value.messages == ["Tệp bị phát hiện mã độc, đã bị từ chối"]
    assert any(r.name == "evidence.security" and "Eicar" in r.getMessage() for r in caplog.records)
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()

    f = _upload(dossier, "sach.pdf", files.pdf_bytes()).file
    assert f.scan_status == ScanStatus.CLEAN
    assert len(stored_files(settings)) == 1
