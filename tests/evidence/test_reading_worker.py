"""The reading on a real Celery worker (where CELERY_BROKER_URL is set, on PostgreSQL): the
upload commits and answers, the worker reads the scan with OCR; running it again changes
nothing."""

from __future__ import annotations

import os
import socket
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.enums import ReadingState
from evidence.models import EvidenceReading
from evidence.services import evidence_upload
from evidence.tasks import evidence_read_task
from parindex.celery import app as celery_app
from scoring.enums import Phase
from tests import factories as f
from tests.evidence import corpus as c
from tests.evidence.conftest import require_tesseract
from tests.test_celery_worker import _require_broker_and_postgres
from tests.workers import worker_start, worker_stop

pytestmark = [pytest.mark.celery_worker]


@pytest.fixture
def reading_worker(settings):
    """A real worker that stores and reads files where this test does (its MEDIA_ROOT)."""
    broker = _require_broker_and_postgres()
    require_tesseract()
    celery_app.control.purge()
    process = worker_start(
        broker=broker,
        name=f"reading-test-{os.getpid()}@{socket.gethostname()}",
        env={"DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT), "EVIDENCE_READING": "true"},
    )
    try:
        yield process
    finally:
        worker_stop(process)


@pytest.mark.django_db(transaction=True)
def test_scan_is_read_by_a_real_worker_after_the_upload_commits(reading_worker, settings):
    celery_app.conf.task_always_eager = False
    settings.EVIDENCE_READING = True
    group = f.make_group("so")
    period = f.make_period(2025, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    unit = f.make_unit(group, "SO-TP", "Sở Tư pháp")
    assessment = f.make_assessment(period, unit)
    staff = f.make_user(f.RoleKind.AGENCY_STAFF, unit)
    scan = c.jpeg(
        c.scanned(c.render_pages(c.doc_pdf(c.DOCS["kh-stp-2024"]), dpi=200)[0], angle=-1.0, seed=8)
    )
    outcome = evidence_upload(
        actor=staff,
        assessment=assessment,
        criterion=nodes["1.1"],
        uploaded_file=SimpleUploadedFile("scan.jpg", scan),
    )
    deadline = time.monotonic() + 90
    reading = EvidenceReading.objects.get(file=outcome.file)
    while reading.state in (ReadingState.PENDING, ReadingState.RUNNING):
        assert time.monotonic() < deadline, "the worker did not read the file within 90 s"
        time.sleep(0.5)
        reading.refresh_from_db()
    assert reading.state == ReadingState.DONE, reading.error
    assert reading.text_source == "ocr"
    assert reading.fields["number"] == "156" and reading.fields["issued_on"] == "2024-12-27"
    assert evidence_read_task.delay(outcome.file.pk).get(timeout=60) == ReadingState.DONE
    again = EvidenceReading.objects.get(pk=reading.pk)
    assert again.attempts == reading.attempts and again.finished_at == reading.finished_at
    assert again.fields == reading.fields
