"""Reading a stored file: queued after the upload, read by the task (twice: same state),
failures recorded; corrections kept beside the reading with who and when; permissions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from appraisal.models import Assignment
from evidence import services
from evidence.enums import ReadingState
from evidence.models import EvidenceReading, ReadingCorrection, WarningsConfirmation
from evidence.reading import READER_VERSION
from evidence.tasks import evidence_read_task
from scoring.enums import Phase
from scoring.models import Period
from tests.evidence import corpus as c
from tests.evidence.conftest import require_tesseract
from tests.factories import RoleKind, make_user

PLAN_2024 = c.DOCS["kh-stp-2024"]


def test_upload_answers_with_a_pending_reading_then_the_task_reads_it(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = services.evidence_upload(
            actor=w.staff,
            assessment=w.assessment,
            criterion=w.free_leaf,
            uploaded_file=SimpleUploadedFile("ke-hoach.pdf", c.doc_pdf(PLAN_2024)),
        )
    reading = EvidenceReading.objects.get(file=outcome.file)
    assert reading.state == ReadingState.PENDING and len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (in-process in tests)
    reading.refresh_from_db()
    assert reading.state == ReadingState.DONE
    assert reading.text_source == "text" and reading.is_document and not reading.is_draft
    assert reading.fields == PLAN_2024.truth()
    assert [w["code"] for w in reading.warnings] == ["unsigned"]
    assert reading.reader_version == READER_VERSION and reading.attempts == 1
    assert reading.number_key == "SO TU PHAP|156|KH-STP|2024"
    assert reading.pages == 1 and reading.pages_read == [1] and reading.timings["total_ms"] >= 0


def test_duplicate_upload_is_not_read_again(reading_world, django_capture_on_commit_callbacks):
    w = reading_world
    first = w.upload(PLAN_2024, "a.pdf", capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.evidence_upload(
            actor=w.staff,
            assessment=w.assessment,
            criterion=w.plan_leaf,
            uploaded_file=SimpleUploadedFile("b.pdf", c.doc_pdf(PLAN_2024)),
        )
    assert again.duplicate and again.file.pk == first.pk and callbacks == []
    assert EvidenceReading.objects.count() == 1


def test_reading_task_twice_same_state(reading_world, django_capture_on_commit_callbacks):
    w = reading_world
    evidence_file = w.upload(PLAN_2024, "ke-hoach.docx", capture=django_capture_on_commit_callbacks)
    before = EvidenceReading.objects.get(file=evidence_file)
    assert evidence_read_task.delay(evidence_file.pk).get() == ReadingState.DONE
    assert evidence_read_task.delay(evidence_file.pk).get() == ReadingState.DONE
    after = EvidenceReading.objects.get(file=evidence_file)
    assert after.attempts == 1 and after.finished_at == before.finished_at
    assert after.fields == before.fields == PLAN_2024.truth()


def test_reading_redone_by_a_newer_reader_keeps_corrections(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    evidence_file = w.upload(PLAN_2024, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    services.evidence_reading_correct(
        actor=w.staff, evidence_file=evidence_file, changes={"title": "Kế hoạch CCHC 2025"}
    )
    EvidenceReading.objects.filter(file=evidence_file).update(reader_version=0)
    assert evidence_read_task.delay(evidence_file.pk).get() == ReadingState.DONE
    reading = EvidenceReading.objects.get(file=evidence_file)
    assert reading.attempts == 2 and reading.reader_version == READER_VERSION
    assert reading.corrections.get().value == "Kế hoạch CCHC 2025"
    assert reading.fields["title"] == PLAN_2024.truth()["title"]  # the reading, as read


def test_reading_of_a_missing_file_row_is_a_no_op(db):
    assert services.evidence_reading_run(file_id=999999) == "missing"


def test_scan_without_tesseract_is_recorded_as_failed(
    reading_world, settings, django_capture_on_commit_callbacks, tmp_path
):
    settings.TESSERACT_CMD = str(tmp_path / "no-tesseract-here")
    w = reading_world
    image = c.render_pages(c.doc_pdf(PLAN_2024), dpi=100)[0]
    evidence_file = w.upload(c.jpeg(image), "scan.jpg", capture=django_capture_on_commit_callbacks)
    reading = EvidenceReading.objects.get(file=evidence_file)
    assert reading.state == ReadingState.FAILED
    assert "tesseract" in reading.error.lower()
    assert reading.fields == {}


def test_scan_is_read_by_ocr(reading_world, django_capture_on_commit_callbacks):
    require_tesseract()
    w = reading_world
    pages = c.render_pages(c.doc_pdf(PLAN_2024), dpi=200)
    scan = c.image_pdf([c.scanned(pages[0], angle=1.5, seed=3)], dpi=200)
    evidence_file = w.upload(scan, "scan.pdf", capture=django_capture_on_commit_callbacks)
    reading = EvidenceReading.objects.get(file=evidence_file)
    assert reading.state == ReadingState.DONE and reading.text_source == "ocr"
    assert reading.fields["number"] == "156" and reading.fields["issued_on"] == "2024-12-27"
    assert reading.ocr_pages[0]["page"] == 1 and abs(reading.ocr_pages[0]["skew"] + 1.5) < 0.3


def test_reading_off_stores_files_without_reading(
    reading_world, settings, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_READING = False
    w = reading_world
    w.upload(PLAN_2024, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    assert not EvidenceReading.objects.exists()


# --- corrections --------------------------------------------------------------------------


def test_correction_keeps_the_reading_and_records_who_and_when(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    evidence_file = w.upload(PLAN_2024, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    made = services.evidence_reading_correct(
        actor=w.staff,
        evidence_file=evidence_file,
        changes={"issued_on": "07/01/2025", "number": "156", "signer": "  Trần  Văn Minh  "},
    )
    assert [m.field for m in made] == ["issued_on"]  # the others did not change
    [correction] = made
    assert correction.old_value == "2024-12-27" and correction.value == "2025-01-07"
    assert correction.corrected_by == w.staff and correction.corrected_at is not None
    reading = EvidenceReading.objects.get(file=evidence_file)
    assert reading.fields["issued_on"] == "2024-12-27"  # as read, kept
    assert reading.number_key == "SO TU PHAP|156|KH-STP|2025"
    again = services.evidence_reading_correct(
        actor=w.staff, evidence_file=evidence_file, changes={"issued_on": "2025-01-07"}
    )
    assert again == []


def test_correction_with_a_bad_date_saves_nothing(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    evidence_file = w.upload(PLAN_2024, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    for bad in ("31/02/2025", "hôm qua", "01/01/1900"):
        with pytest.raises(ValidationError) as error:
            services.evidence_reading_correct(
                actor=w.staff,
                evidence_file=evidence_file,
                changes={"title": "Sửa trích yếu", "issued_on": bad},
            )
        assert "ngày/tháng/năm" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.evidence_reading_correct(
            actor=w.staff, evidence_file=evidence_file, changes={"title": "x" * 501}
        )
    assert not ReadingCorrection.objects.exists()


def test_correction_refused_to_others_and_after_the_phase(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    evidence_file = w.upload(PLAN_2024, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    appraiser = make_user(RoleKind.APPRAISER, w.other_unit, expertise=["1"])
    for actor in (w.other_staff, w.secretariat, appraiser):
        with pytest.raises(PermissionDenied):
            services.evidence_reading_correct(
                actor=actor, evidence_file=evidence_file, changes={"number": "1"}
            )
    # The head corrects while the dossier may be edited.
    services.evidence_reading_correct(
        actor=w.head, evidence_file=evidence_file, changes={"number": "157"}
    )
    # Round 1: the agency no longer; the appraiser assigned to field 1 of the unit does.
    Period.objects.filter(pk=w.period.pk).update(phase=Phase.ROUND1)
    evidence_file.refresh_from_db()
    evidence_file.assessment.period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.evidence_reading_correct(
            actor=w.staff, evidence_file=evidence_file, changes={"number": "158"}
        )
    with pytest.raises(PermissionDenied):
        services.evidence_reading_correct(
            actor=appraiser, evidence_file=evidence_file, changes={"number": "158"}
        )
    Assignment.objects.create(period=w.period, field=w.tree["1"], unit=w.unit, appraiser=appraiser)
    services.evidence_reading_correct(
        actor=appraiser, evidence_file=evidence_file, changes={"number": "158"}
    )
    history = list(ReadingCorrection.objects.values_list("value", "corrected_by"))
    assert history == [("157", w.head.pk), ("158", appraiser.pk)]
    # Published: nobody.
    Period.objects.filter(pk=w.period.pk).update(phase=Phase.PUBLISHED)
    evidence_file.assessment.period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.evidence_reading_correct(
            actor=appraiser, evidence_file=evidence_file, changes={"number": "159"}
        )


def test_correction_makes_a_non_document_a_document(
    reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    evidence_file = w.upload(
        c.DOCS["kh-snv"], "kh.docx", capture=django_capture_on_commit_callbacks
    )
    EvidenceReading.objects.filter(file=evidence_file).update(is_document=False, fields={})
    services.evidence_reading_correct(
        actor=w.staff, evidence_file=evidence_file, changes={"issued_on": "14/02/2025"}
    )
    from evidence.selectors import evidence_cards

    card = evidence_cards(actor=w.staff, assessment=w.assessment).get(evidence_file.pk)
    assert card.is_document and card.fields["issued_on"] == "2025-02-14"
    assert card.fields["number"] is None
    assert date(2025, 2, 14).strftime("%d/%m/%Y") in card.summary


def test_warnings_confirmation_only_by_the_head(reading_world):
    w = reading_world
    with pytest.raises(PermissionDenied):
        services.evidence_warnings_confirm(actor=w.staff, assessment=w.assessment, warnings=[])
    row = services.evidence_warnings_confirm(
        actor=w.head, assessment=w.assessment, warnings=[{"criterion": "1.1", "warnings": ["x"]}]
    )
    assert WarningsConfirmation.objects.get() == row and row.confirmed_by == w.head


def test_scan_is_handed_to_the_ocr_task_so_text_files_do_not_wait(
    reading_world, settings, django_capture_on_commit_callbacks
):
    require_tesseract()
    w = reading_world
    settings.EVIDENCE_READING = False  # stored only; the passes are run here one by one
    image = c.render_pages(c.doc_pdf(PLAN_2024), dpi=200)[0]
    scan = w.upload(
        c.jpeg(c.scanned(image, angle=1.0, seed=2)),
        "scan.jpg",
        capture=django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.evidence_reading_run(file_id=scan.pk) == services.NEEDS_OCR
    reading = EvidenceReading.objects.get(file=scan)
    assert reading.state == ReadingState.RUNNING and reading.fields == {}
    assert len(callbacks) == 1  # the OCR task, queued behind what is already waiting
    assert services.evidence_reading_run(file_id=scan.pk, allow_ocr=True) == ReadingState.DONE
    reading.refresh_from_db()
    assert reading.text_source == "ocr" and reading.fields["number"] == "156"
