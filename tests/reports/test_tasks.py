"""The index job and the report-file job: run twice, interrupted and re-run, refused years."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from reports.enums import FileFormat, JobStatus, ReportKind
from reports.models import IndexRun, ReportFile
from reports.services import index_run_request, report_file_request
from reports.tasks import index_run_task, report_file_build_task
from scoring.enums import Phase, Stage
from scoring.models import LeafScore, Result
from scoring.sealing import results_hash
from scoring.services import results_compute
from scoring.tasks import results_compute_task
from tests.factories import RoleKind, make_user


def _reopen(period):
    period.phase = Phase.COUNCIL
    period.save(update_fields=["phase"])
    return period


def test_results_compute_task_twice_same_hash(published_year):
    period = _reopen(published_year["period"])
    first = results_compute_task.delay(period.pk, Stage.FINAL).get()
    second = results_compute_task.delay(period.pk, Stage.FINAL).get()
    assert first == second == results_hash(period=period, stage=Stage.FINAL)
    assert Result.objects.filter(period=period, stage=Stage.FINAL).count() == 6


def test_index_run_request_runs_on_commit_twice_same_hash(
    published_year, django_capture_on_commit_callbacks
):
    period = _reopen(published_year["period"])
    actor = make_user(RoleKind.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = index_run_request(actor=actor, period=period, stage=Stage.FINAL)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        second = index_run_request(actor=actor, period=period, stage=Stage.FINAL)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == JobStatus.DONE
    assert first.progress == 100
    assert first.result_hash == second.result_hash == results_hash(period=period, stage=Stage.FINAL)
    assert first.requested_by == actor and first.started_at and first.finished_at


def test_index_run_request_not_sent_when_rolled_back(
    published_year, django_capture_on_commit_callbacks
):
    period = _reopen(published_year["period"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            index_run_request(actor=None, period=period, stage=Stage.FINAL)
            raise RuntimeError("rolled back")
    assert callbacks == []
    assert not IndexRun.objects.exists()


def test_index_run_interrupted_then_rerun_same_hash(published_year):
    period = _reopen(published_year["period"])
    clean_hash = results_compute_task.delay(period.pk, Stage.FINAL).get()
    # A worker took the run, marked it running and died in the middle of the computation:
    # the computation is one transaction, so what it had written is rolled back.
    run = IndexRun.objects.create(
        period=period, stage=Stage.FINAL, status=JobStatus.RUNNING, progress=10
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        results_compute(period=period, stage=Stage.FINAL)
        Result.objects.filter(period=period, unit__code="SO-TP").delete()
        raise RuntimeError("worker lost mid-run")
    assert results_hash(period=period, stage=Stage.FINAL) == clean_hash
    # acks_late: the broker redelivers the task, which simply recomputes.
    assert index_run_task.delay(run.pk).get() == clean_hash
    run.refresh_from_db()
    assert (run.status, run.progress, run.result_hash) == (JobStatus.DONE, 100, clean_hash)
    # And once more: a done run is left as it is.
    assert index_run_task.delay(run.pk).get() == clean_hash


def test_index_run_hash_changes_with_scores(published_year):
    period = _reopen(published_year["period"])
    before = results_compute_task.delay(period.pk, Stage.FINAL).get()
    LeafScore.objects.filter(
        assessment__unit__code="SO-YT", criterion__code="1.2", stage=Stage.FINAL
    ).update(value=2)
    after = results_compute_task.delay(period.pk, Stage.FINAL).get()
    assert before != after
    assert Result.objects.get(period=period, unit__code="SO-YT", stage=Stage.FINAL).index == 95


def test_index_run_published_year_fails_with_message(
    published_year, django_capture_on_commit_callbacks
):
    # A published (frozen) year is refused when the run is asked for, not only when it runs
    # (issue 11: nothing of a frozen year changes): no run is recorded, nothing queued.
    period = published_year["period"]
    stored = results_hash(period=period, stage=Stage.FINAL)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError) as refused:
            index_run_request(actor=None, period=period, stage=Stage.FINAL)
    assert refused.value.messages == ["Kết quả năm 2024 đã công bố, không thể tính lại."]
    assert callbacks == [] and not IndexRun.objects.exists()
    assert results_hash(period=period, stage=Stage.FINAL) == stored


def test_report_file_task_builds_file_once(published_year, django_capture_on_commit_callbacks):
    period = published_year["period"]
    with django_capture_on_commit_callbacks(execute=True):
        report_file = report_file_request(
            actor=None, kind=ReportKind.CRITERIA, file_format=FileFormat.XLSX, period=period
        )
    report_file.refresh_from_db()
    assert (report_file.status, report_file.progress) == (JobStatus.DONE, 100)
    assert default_storage.exists(report_file.file_key)
    key = report_file.file_key
    assert report_file_build_task.delay(report_file.pk).get() == JobStatus.DONE
    assert ReportFile.objects.get(pk=report_file.pk).file_key == key
