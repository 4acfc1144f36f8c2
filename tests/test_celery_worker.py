"""The index job on a real Celery worker over Redis (runs where CELERY_BROKER_URL is set).

The worker is a separate process started here, pointed at the test database, so it sees only
committed data (hence transactional_db) — the same situation as in production.
"""

import os
import socket

import pytest
from django.db import connection

from parindex.celery import app as celery_app
from scoring.enums import Phase, Stage
from scoring.models import Result
from tests import factories as f
from tests.workers import worker_start, worker_stop

pytestmark = [pytest.mark.celery_worker]


def _require_broker_and_postgres():
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("REQUIRE_SERVICES is set but CELERY_BROKER_URL is not")
        pytest.skip("CELERY_BROKER_URL not set: the real-worker test runs in CI against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot share SQLite's in-memory test database")
    return broker


@pytest.fixture
def worker():
    broker = _require_broker_and_postgres()
    celery_app.control.purge()
    process = worker_start(broker=broker, name=f"ci-test-{os.getpid()}@{socket.gethostname()}")
    try:
        yield process
    finally:
        worker_stop(process)


@pytest.mark.django_db(transaction=True)
def test_index_job_runs_on_a_real_worker_and_is_idempotent(worker):
    from scoring.tasks import results_compute_task

    celery_app.conf.task_always_eager = False
    group = f.make_group("so")
    period = f.make_period(2025, Phase.ROUND2, groups=[group])
    nodes = f.make_small_tree(period, [group])
    for value in ["2", "1"]:
        unit = f.make_unit(group)
        assessment = f.make_assessment(period, unit)
        f.set_score(assessment, nodes["1.1"], value)
        f.set_score(assessment, nodes["1.2"], "2")

    first = results_compute_task.delay(period.id, Stage.FINAL).get(timeout=60)
    second = results_compute_task.delay(period.id, Stage.FINAL).get(timeout=60)

    assert first == second and len(first) == 64
    results = Result.objects.filter(period=period, stage=Stage.FINAL).order_by("rank_in_group")
    assert [r.rank_in_group for r in results] == [1, 2]
    assert [str(r.appraised_score) for r in results] == ["4.00", "3.00"]


@pytest.mark.django_db(transaction=True)
def test_notification_emails_sent_once_by_a_real_worker(worker):
    """A committed phase move queues its e-mails on the broker; the worker sends each once."""
    import time

    from appraisal import services, tasks
    from appraisal.models import Notification
    from units.enums import RoleKind

    celery_app.conf.task_always_eager = False
    group = f.make_group("so")
    period = f.make_period(2025, Phase.SETUP, groups=[group])
    secretariat = f.make_user(RoleKind.SECRETARIAT)
    staff = f.make_user(RoleKind.AGENCY_STAFF, f.make_unit(group))
    for user in (secretariat, staff):
        user.email = f"{user.username}@example.gov.vn"
        user.save(update_fields=["email"])
    f.make_assessment(period, staff.roles.get().unit)
    services.phase_move(actor=secretariat, period=period, to_phase=Phase.SELF_ASSESSMENT)

    rows = Notification.objects.filter(period=period)
    assert rows.count() == 2
    deadline = time.monotonic() + 60
    while rows.filter(emailed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not rows.filter(emailed_at__isnull=True).exists()
    again = tasks.notification_emails_send.delay(list(rows.values_list("id", flat=True)))
    assert again.get(timeout=60) == 0  # already sent: nothing new


@pytest.mark.django_db(transaction=True)
def test_official_document_built_by_a_real_worker(settings, tmp_path):
    """A year's report in Word queued as the page queues it, built by the worker process."""
    import io

    from docx import Document

    from reports.enums import FileFormat, JobStatus, ReportKind
    from reports.models import ReportFile
    from reports.services import report_file_request

    broker = _require_broker_and_postgres()
    media = tmp_path / "worker-media"
    settings.MEDIA_ROOT = str(media)
    celery_app.control.purge()
    process = worker_start(
        broker=broker,
        name=f"ci-doc-{os.getpid()}@{socket.gethostname()}",
        env={"DJANGO_MEDIA_ROOT": str(media)},
    )
    try:
        celery_app.conf.task_always_eager = False
        group = f.make_group("so")
        period = f.make_period(2025, Phase.ROUND2, groups=[group])
        nodes = f.make_small_tree(period, [group])
        for value in ["2", "1"]:
            assessment = f.make_assessment(period, f.make_unit(group))
            f.set_score(assessment, nodes["1.1"], value)
        from scoring.services import results_compute

        results_compute(period=period, stage=Stage.FINAL)
        report_file = report_file_request(
            actor=None, kind=ReportKind.YEAR_REPORT, file_format=FileFormat.DOCX, period=period
        )
        import time

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            report_file.refresh_from_db()
            if report_file.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.5)
        assert (report_file.status, report_file.error) == (JobStatus.DONE, "")
        content = (media / report_file.file_key).read_bytes()
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert "BÁO CÁO" in text and "Xếp hạng Tốt:" in text
        assert ReportFile.objects.count() == 1
    finally:
        worker_stop(process)
