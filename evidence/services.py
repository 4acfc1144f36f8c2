"""Writes of evidence: upload (streamed, sniffed, scanned, hashed), link, unlink, remove;
the reading of a file's content (queued after each upload), corrections of what was read,
and the head's confirmation of the evidence warnings at submission.

Every service is keyword-only and atomic. An upload is checked completely (size, type by
content, malware when clamd is configured, SHA-256) before anything is written; stored
objects are deleted again if the database write fails, so nothing is ever half-saved.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring import workflow
from scoring.enums import AuditAction, Stage
from scoring.models import Assessment, Criterion
from scoring.services import audit_record

from . import checks, clamav, reading, selectors
from .enums import ReadingField, ReadingState, ScanStatus
from .models import (
    EvidenceFile,
    EvidenceLink,
    EvidenceReading,
    ReadingCorrection,
    WarningsConfirmation,
)
from .validation import DetectedType, clean_name, detect_type, safe_basename

logger = logging.getLogger("evidence")
security_logger = logging.getLogger("evidence.security")

DUPLICATE_MESSAGE = gettext_lazy("Tệp này đã được tải lên trước đó; đã liên kết với tiêu chí")
CHUNK_SIZE = 64 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_MB", 50)) * 1024 * 1024


def oversize_error() -> ValidationError:
    return ValidationError(
        _("Tệp vượt quá dung lượng tối đa %(mb)s MB")
        % {"mb": getattr(settings, "EVIDENCE_MAX_UPLOAD_MB", 50)},
        code="size",
    )


@dataclass(frozen=True)
class UploadOutcome:
    file: EvidenceFile
    duplicate: bool


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks (size, type by content, malware, SHA-256), ready to
    be stored with upload_store. Evidence files and the working group's note attachments
    (appraisal.notes) go through the same checks."""

    uploaded_file: object
    name: str
    detected: DetectedType
    size: int
    sha256: str
    scan_status: str


class _HashingFile(File):
    """Wraps the upload so that whatever the storage reads is hashed and counted.

    Not an UploadedFile on purpose: FileSystemStorage would otherwise *move* a temporary
    upload into place without reading it.
    """

    def __init__(self, source, *, limit: int):
        super().__init__(source, name=getattr(source, "name", None))
        self.limit = limit
        self._restart()

    def _restart(self):
        self.hasher = hashlib.sha256()
        self.count = 0

    def seek(self, offset, whence=0):
        if offset == 0 and whence == 0:
            self._restart()
        return self.file.seek(offset, whence)

    def read(self, size=-1):
        if size is None or size < 0:  # file semantics: everything (storages read in chunks)
            return b"".join(iter(lambda: self.read(CHUNK_SIZE), b""))
        data = self.file.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise oversize_error()
        self.hasher.update(data)
        return data

    def chunks(self, chunk_size=None):
        self.seek(0)
        while data := self.read(chunk_size or CHUNK_SIZE):
            yield data


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _check_leaf(assessment: Assessment, criterion: Criterion):
    if criterion.period_id != assessment.period_id or not criterion.is_leaf:
        raise ValidationError(_("Tiêu chí không thuộc bộ tiêu chí của hồ sơ này."), code="leaf")


def upload_check(*, actor, uploaded_file, where: str) -> CheckedUpload:
    """Size, type and malware checks plus the SHA-256, reading the upload in chunks.

    `where` says what the file is for in the security log (e.g. "assessment=12")."""
    limit = max_upload_bytes()
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise oversize_error()
    detected = detect_type(uploaded_file)
    hasher = hashlib.sha256()
    total = 0

    def stream():
        nonlocal total
        for chunk in uploaded_file.chunks(CHUNK_SIZE):
            total += len(chunk)
            if total > limit:
                raise oversize_error()
            hasher.update(chunk)
            yield chunk

    scan_status = ScanStatus.NOT_SCANNED
    if clamav.is_configured():
        try:
            verdict = clamav.scan_chunks(stream())
        except clamav.ClamdUnavailable as exc:
            security_logger.error("clamd unavailable, upload refused: %s", exc)
            raise ValidationError(
                _("Không kiểm tra được mã độc, vui lòng thử lại sau"), code="scan_unavailable"
            ) from exc
        if verdict.infected:
            security_logger.warning(
                "malware refused: signature=%s name=%r size=%d sha256=%s user=%s %s",
                verdict.signature,
                uploaded_file.name,
                total,
                hasher.hexdigest(),
                getattr(actor, "pk", None),
                where,
            )
            raise ValidationError(_("Tệp bị phát hiện mã độc, đã bị từ chối"), code="infected")
        scan_status = ScanStatus.CLEAN
    else:
        for _chunk in stream():
            pass
    if total == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    return CheckedUpload(
        uploaded_file=uploaded_file,
        name=clean_name(uploaded_file.name, extension=detected.extension),
        detected=detected,
        size=total,
        sha256=hasher.hexdigest(),
        scan_status=scan_status,
    )


def _stage(assessment: Assessment) -> str:
    """The stage the evidence answers in the year's phase (scoring.workflow)."""
    return workflow.evidence_stage(assessment.period.phase) or Stage.SELF


def _require_leaf(actor, assessment: Assessment, criterion: Criterion) -> None:
    """The leaf takes evidence now (in the supplement window: only a leaf round 1 flagged)."""
    if actor.has_perm(
        "evidence.add_to_leaf", workflow.Item(assessment, criterion, _stage(assessment))
    ):
        return
    if actor.has_perm("evidence.upload_file", assessment):
        raise ValidationError(
            _("Tiêu chí này không thuộc danh sách phải giải trình bổ sung; chỉ được xem."),
            code="not_flagged",
        )
    raise PermissionDenied


def _file_json(evidence_file: EvidenceFile, **extra) -> dict:
    return {
        "id": evidence_file.pk,
        "name": evidence_file.original_name,
        "sha256": evidence_file.sha256,
        **extra,
    }


def _audit(*, actor, action: str, evidence_file: EvidenceFile, criterion=None, old=None, new=None):
    assessment = evidence_file.assessment
    audit_record(
        period=assessment.period,
        actor=actor,
        action=action,
        assessment=assessment,
        criterion=criterion,
        stage=evidence_file.stage,
        old=old,
        new=new,
    )


def _link(*, actor, evidence_file: EvidenceFile, criterion: Criterion) -> EvidenceLink:
    link = EvidenceLink.objects.filter(
        file=evidence_file, criterion=criterion, removed_at__isnull=True
    ).first()
    if link is not None:
        return link
    return EvidenceLink.objects.create(file=evidence_file, criterion=criterion, linked_by=actor)


def _existing(assessment: Assessment, sha256: str) -> EvidenceFile | None:
    return EvidenceFile.objects.filter(
        assessment=assessment, sha256=sha256, removed_at__isnull=True
    ).first()


def upload_store(prepared: CheckedUpload, *, folder: str) -> str:
    """Write the bytes under a fresh random key in `folder`; verify they are the bytes we
    checked. The caller deletes the key again if its database write fails."""
    source = _HashingFile(prepared.uploaded_file, limit=max_upload_bytes())
    key = default_storage.save(f"{folder}/{uuid.uuid4().hex}", source)
    if source.hasher.hexdigest() != prepared.sha256 or source.count != prepared.size:
        default_storage.delete(key)
        raise ValidationError(_("Tệp thay đổi trong khi tải lên, vui lòng thử lại."))
    return key


def _record(*, actor, assessment, criterion, prepared: CheckedUpload, stored_keys: list[str]):
    existing = _existing(assessment, prepared.sha256)
    if existing is None:
        key = upload_store(prepared, folder=f"evidence/{assessment.period.year}")
        stored_keys.append(key)
        try:
            with transaction.atomic():
                existing = EvidenceFile.objects.create(
                    assessment=assessment,
                    storage_key=key,
                    original_name=prepared.name,
                    kind=prepared.detected.kind,
                    content_type=prepared.detected.content_type,
                    size=prepared.size,
                    sha256=prepared.sha256,
                    stage=_stage(assessment),
                    scan_status=prepared.scan_status,
                    uploaded_by=actor,
                )
                _reading_queue(existing)
        except IntegrityError:
            # The same content arrived concurrently: keep theirs, drop our copy.
            default_storage.delete(key)
            stored_keys.remove(key)
            existing = _existing(assessment, prepared.sha256)
            if existing is None:
                raise
            duplicate = True
        else:
            duplicate = False
            logger.info(
                "evidence uploaded: file=%s assessment=%s size=%d sha256=%s user=%s",
                existing.pk,
                assessment.pk,
                prepared.size,
                prepared.sha256,
                getattr(actor, "pk", None),
            )
    else:
        duplicate = True
    _link(actor=actor, evidence_file=existing, criterion=criterion)
    return UploadOutcome(file=existing, duplicate=duplicate)


@transaction.atomic
def evidence_upload_many(
    *, actor, assessment: Assessment, criterion: Criterion, uploaded_files: list
) -> list[UploadOutcome]:
    """Upload several files for one leaf: all are accepted, or none (ValidationError).

    The audit trail records the files linked to the leaf (one row per upload)."""
    _require(actor.has_perm("evidence.upload_file", assessment))
    _check_leaf(assessment, criterion)
    _require_leaf(actor, assessment, criterion)
    if not uploaded_files:
        raise ValidationError(_("Hãy chọn tệp để tải lên."), code="required")
    prepared = []
    for uploaded_file in uploaded_files:
        try:
            prepared.append(
                upload_check(
                    actor=actor, uploaded_file=uploaded_file, where=f"assessment={assessment.pk}"
                )
            )
        except ValidationError as exc:
            if len(uploaded_files) == 1:
                raise
            raise ValidationError(
                f"{safe_basename(uploaded_file.name)[:150]}: {exc.messages[0]}",
                code=exc.code,
            ) from exc
    stored_keys: list[str] = []
    try:
        outcomes = [
            _record(
                actor=actor,
                assessment=assessment,
                criterion=criterion,
                prepared=p,
                stored_keys=stored_keys,
            )
            for p in prepared
        ]
        audit_record(
            period=assessment.period,
            actor=actor,
            action=AuditAction.EVIDENCE_LINK,
            assessment=assessment,
            criterion=criterion,
            stage=_stage(assessment),
            new={"files": [_file_json(o.file, duplicate=o.duplicate) for o in outcomes]},
        )
        return outcomes
    except BaseException:
        for key in stored_keys:
            default_storage.delete(key)
        raise


def evidence_upload(
    *, actor, assessment: Assessment, criterion: Criterion, uploaded_file
) -> UploadOutcome:
    """Upload one file for a leaf. A file whose content is already in the dossier is not
    stored again: the existing file is linked and returned with `duplicate=True`."""
    return evidence_upload_many(
        actor=actor, assessment=assessment, criterion=criterion, uploaded_files=[uploaded_file]
    )[0]


@transaction.atomic
def evidence_link(*, actor, evidence_file: EvidenceFile, criterion: Criterion) -> EvidenceLink:
    """Link an existing file of the dossier to another leaf (no-op when already linked)."""
    _require(actor.has_perm("evidence.edit_file", evidence_file))
    _check_leaf(evidence_file.assessment, criterion)
    _require_leaf(actor, evidence_file.assessment, criterion)
    existing = EvidenceLink.objects.filter(
        file=evidence_file, criterion=criterion, removed_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    link = _link(actor=actor, evidence_file=evidence_file, criterion=criterion)
    _audit(
        actor=actor,
        action=AuditAction.EVIDENCE_LINK,
        evidence_file=evidence_file,
        criterion=criterion,
        new={"files": [_file_json(evidence_file)]},
    )
    return link


@transaction.atomic
def evidence_unlink(*, actor, evidence_file: EvidenceFile, criterion: Criterion) -> bool:
    """Remove the link between a file and a leaf (kept as history). False when not linked."""
    _require(actor.has_perm("evidence.edit_file", evidence_file))
    updated = EvidenceLink.objects.filter(
        file=evidence_file, criterion=criterion, removed_at__isnull=True
    ).update(removed_at=timezone.now(), removed_by=actor)
    if updated:
        _audit(
            actor=actor,
            action=AuditAction.EVIDENCE_UNLINK,
            evidence_file=evidence_file,
            criterion=criterion,
            old={"files": [_file_json(evidence_file)]},
        )
    return bool(updated)


@transaction.atomic
def evidence_remove(*, actor, evidence_file: EvidenceFile) -> EvidenceFile:
    """Soft-remove a file and its links; the stored object and the rows are kept."""
    locked = EvidenceFile.objects.select_for_update().get(pk=evidence_file.pk)
    if locked.removed_at is not None:
        return locked
    _require(actor.has_perm("evidence.edit_file", evidence_file))
    now = timezone.now()
    locked.removed_at = now
    locked.removed_by = actor
    locked.save(update_fields=["removed_at", "removed_by"])
    codes = list(
        EvidenceLink.objects.filter(file=locked, removed_at__isnull=True).values_list(
            "criterion__code", flat=True
        )
    )
    EvidenceLink.objects.filter(file=locked, removed_at__isnull=True).update(
        removed_at=now, removed_by=actor
    )
    _audit(
        actor=actor,
        action=AuditAction.EVIDENCE_REMOVE,
        evidence_file=locked,
        old={"files": [_file_json(locked, leaves=codes)]},
    )
    logger.info("evidence removed: file=%s user=%s", locked.pk, getattr(actor, "pk", None))
    return locked


# --- reading the content -------------------------------------------------------------------

READING_TEXT_LIMIT = {"title": 500}
READING_VALUE_MAX = 300


def reading_enabled() -> bool:
    return bool(getattr(settings, "EVIDENCE_READING", True))


def _reading_queue(evidence_file: EvidenceFile) -> None:
    """A pending reading now (the card says "đang đọc…"), the task once committed."""
    if not reading_enabled():
        return
    EvidenceReading.objects.get_or_create(file=evidence_file)
    from .tasks import evidence_read_task  # tasks import the services (Celery's pair)

    file_id = evidence_file.pk
    transaction.on_commit(lambda: evidence_read_task.delay(file_id))


def _trust_roots() -> list:
    path = getattr(settings, "EVIDENCE_TRUST_ROOTS", "")
    if not path:
        return []
    try:
        stamp = os.stat(path).st_mtime
    except OSError:
        logger.error("EVIDENCE_TRUST_ROOTS %s cannot be read: no signature is trusted", path)
        return []
    return _load_roots(path, stamp)


@functools.lru_cache(maxsize=4)
def _load_roots(path: str, stamp: float) -> list:
    return reading.load_trust_roots(path)


def _reading_save(reading_row: EvidenceReading, result) -> None:
    document = result.document
    reading_row.state = ReadingState.DONE
    reading_row.text_source = result.text_source
    reading_row.is_document = document is not None
    reading_row.is_draft = bool(document and document.is_draft)
    reading_row.fields = document.as_json() if document else {}
    reading_row.signatures = [s.as_json() for s in result.signatures]
    reading_row.warnings = result.warnings
    reading_row.pages = result.pages
    reading_row.pages_read = [index + 1 for index in result.pages_read]
    reading_row.ocr_pages = result.pages_ocr
    reading_row.timings = result.timings
    reading_row.text = result.text
    reading_row.error = ""
    reading_row.reader_version = reading.READER_VERSION
    reading_row.finished_at = timezone.now()
    fields, _corrected = checks.effective_fields(reading_row, reading_row.corrections.all())
    reading_row.number_key = checks.number_key(fields)
    reading_row.save()
    logger.info(
        "evidence read: file=%s source=%s document=%s signatures=%d pages=%s ms=%s",
        reading_row.file_id,
        result.text_source,
        document is not None,
        len(result.signatures),
        reading_row.pages_read,
        result.timings.get("total_ms"),
    )


@contextlib.contextmanager
def _local_copy(key: str):
    """A path to the stored file: the file itself on local disk, else a temporary copy
    (copied in chunks: the reader opens large files from disk, never whole in memory)."""
    try:
        path = default_storage.path(key)
    except NotImplementedError:  # a remote storage (S3): no local path
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="evidence-read-") as copy:
        with default_storage.open(key, "rb") as source:
            while chunk := source.read(CHUNK_SIZE * 16):
                copy.write(chunk)
        copy.flush()
        yield copy.name


NEEDS_OCR = "needs_ocr"


def evidence_reading_run(*, file_id: int, allow_ocr: bool = False) -> str:
    """Read a stored file and keep what was read (the Celery tasks' work).

    In two passes so that a burst of uploads does not make text files wait behind scans:
    the first (`allow_ocr=False`) reads files with text; a file with a page to OCR is sent
    to the OCR task instead (EVIDENCE_OCR_QUEUE, the end of the queue), which reads it all.
    Safe to run twice: a file already read by this version of the reader is left as it is;
    otherwise it is read again from the stored bytes and the row rewritten (corrections are
    separate rows and stay). Returns the state the reading ends in (or "needs_ocr").
    """
    with transaction.atomic():
        evidence_file = EvidenceFile.objects.filter(pk=file_id).first()
        if evidence_file is None:
            return "missing"
        row, _created = EvidenceReading.objects.get_or_create(file=evidence_file)
        row = EvidenceReading.objects.select_for_update().get(pk=row.pk)
        if row.state == ReadingState.DONE and row.reader_version == reading.READER_VERSION:
            return row.state
        row.state = ReadingState.RUNNING
        row.started_at = timezone.now()
        row.attempts += 1
        row.save(update_fields=["state", "started_at", "attempts"])
    try:
        with _local_copy(evidence_file.storage_key) as path:
            result = reading.read_document(path, trust_roots=_trust_roots(), allow_ocr=allow_ocr)
    except reading.NeedsOcr:
        from .tasks import evidence_ocr_task  # tasks import the services (Celery's pair)

        queue = getattr(settings, "EVIDENCE_OCR_QUEUE", "") or None
        transaction.on_commit(lambda: evidence_ocr_task.apply_async((file_id,), queue=queue))
        return NEEDS_OCR
    except reading.OcrUnavailable as exc:
        logger.error("evidence not read (OCR unavailable): file=%s %s", file_id, exc)
        return _reading_failed(row.pk, str(exc))
    except Exception as exc:  # a file the readers choke on must not stop the queue
        logger.exception("evidence not read: file=%s", file_id)
        return _reading_failed(row.pk, f"{type(exc).__name__}: {exc}"[:1000])
    with transaction.atomic():
        row = EvidenceReading.objects.select_for_update().get(pk=row.pk)
        _reading_save(row, result)
    return row.state


def _reading_failed(reading_id: int, error: str) -> str:
    EvidenceReading.objects.filter(pk=reading_id).update(
        state=ReadingState.FAILED, error=error, finished_at=timezone.now()
    )
    return ReadingState.FAILED


def _clean_value(name: str, raw) -> str | None:
    value = " ".join(str(raw or "").split())
    if not value:
        return None
    if "\x00" in value:
        raise ValidationError(_("Dữ liệu không hợp lệ."), code="nul")
    if name == "issued_on":
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                day = datetime.strptime(value, pattern).date()
            except ValueError:
                continue
            if not 1945 <= day.year <= 2100:
                break
            return day.isoformat()
        raise ValidationError(
            _(
                "Ngày ban hành “%(value)s” không hợp lệ (nhập dạng ngày/tháng/năm, ví dụ 05/01/2025)."
            )
            % {"value": value[:40]},
            code="date",
        )
    limit = READING_TEXT_LIMIT.get(name, READING_VALUE_MAX)
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s dài quá %(limit)s ký tự.")
            % {"field": ReadingField(name).label, "limit": limit},
            code="length",
        )
    return value


@transaction.atomic
def evidence_reading_correct(
    *, actor, evidence_file: EvidenceFile, changes: dict
) -> list[ReadingCorrection]:
    """Correct fields read wrongly: one row per changed field (who, when, before, after);
    the reading itself is kept as read. Unknown fields are ignored; a bad value saves
    nothing (ValidationError). Returns the corrections made ([] when nothing changed)."""
    _require(actor.has_perm("evidence.correct_reading", evidence_file))
    row = EvidenceReading.objects.select_for_update().filter(file=evidence_file).first()
    if row is None:
        raise ValidationError(_("Tệp này chưa được đọc, chưa sửa được thông tin."), code="unread")
    cleaned = {
        name: _clean_value(name, changes[name]) for name in ReadingField.values if name in changes
    }
    fields, _corrected = checks.effective_fields(row, row.corrections.all())
    current = fields or {}
    made = []
    now = timezone.now()
    for name, value in cleaned.items():
        if value == (current.get(name) or None):
            continue
        made.append(
            ReadingCorrection.objects.create(
                reading=row,
                field=name,
                old_value=current.get(name) or "",
                value=value or "",
                corrected_by=actor,
                corrected_at=now,
            )
        )
    if made:
        fields, _corrected = checks.effective_fields(row, row.corrections.all())
        row.number_key = checks.number_key(fields)
        row.save(update_fields=["number_key"])
        audit_record(
            period=evidence_file.assessment.period,
            actor=actor,
            action=AuditAction.EVIDENCE_READING,
            assessment=evidence_file.assessment,
            old={"file": evidence_file.pk, **{c.field: c.old_value for c in made}},
            new={"file": evidence_file.pk, **{c.field: c.value for c in made}},
        )
        logger.info(
            "evidence reading corrected: file=%s fields=%s user=%s",
            evidence_file.pk,
            ",".join(c.field for c in made),
            getattr(actor, "pk", None),
        )
    return made


@transaction.atomic
def evidence_warnings_confirm(
    *, actor, assessment: Assessment, warnings: list[dict]
) -> WarningsConfirmation:
    """Record that the head submitted the dossier knowing these warnings (a snapshot)."""
    _require(actor.has_perm("scoring.submit_assessment", assessment))
    return WarningsConfirmation.objects.create(
        assessment=assessment, confirmed_by=actor, warnings=list(warnings)
    )


def dossier_warnings_confirm(*, actor, assessment: Assessment, warnings) -> WarningsConfirmation:
    """At submit: keep the dossier's warnings (selectors.evidence_warnings_by_criterion) that
    the head confirmed knowing, as plain data (scoring asks this through scoring.hooks)."""
    return evidence_warnings_confirm(
        actor=actor, assessment=assessment, warnings=selectors.evidence_warnings_snapshot(warnings)
    )
