"""The working group's notes: one thread per (dossier, leaf), besides the comment the unit
reads. Visible only to the year's working group (never a member on their own home unit)
and the secretariat of the year (appraisal.rules: view_notes, add_note), never to the unit,
in any phase — published or not (the leak test plants markers in them).

A note may carry a file (an annotated page…) under the upload rules of evidence: the same
checks and storage (evidence.services.upload_check / upload_store), kept apart from the
dossier's evidence (it is not the unit's and is never in its bundle). The audit row of a
note records who and when and where (unit, leaf), never its text or file name, and is not
attached to the dossier: the unit's bundle carries the dossier's audit trail once published.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.services import upload_check, upload_store
from scoring.enums import AuditAction
from scoring.models import Assessment
from scoring.services import audit_record, leaf_maximum
from scoring.workflow import Item
from units.models import User

from .enums import NotificationKind
from .models import Assignment, CrossCheck, NoteAttachment, WorkingNote
from .notifications import notify
from .progress import open_stage

NOTE_MAX_CHARS = 5000


def _item(assessment: Assessment, criterion) -> Item:
    return Item(assessment, criterion, open_stage(assessment.period))


def may_read_notes(actor, assessment: Assessment, criterion) -> bool:
    return actor.has_perm("appraisal.view_notes", _item(assessment, criterion))


def threads_of(*, actor, assessment: Assessment, criteria) -> dict[int, list[WorkingNote]]:
    """The threads of the leaves the actor may read (each leaf asked of the rules), by leaf
    id, oldest first; a leaf they may not read is absent. One query for the notes."""
    readable = {c.pk for c in criteria if may_read_notes(actor, assessment, c)}
    threads: dict[int, list[WorkingNote]] = {pk: [] for pk in readable}
    if not readable:
        return threads
    for note in (
        WorkingNote.objects.filter(assessment=assessment, criterion_id__in=readable)
        .select_related("author", "attachment")
        .order_by("created_at", "id")
    ):
        threads[note.criterion_id].append(note)
    return threads


def note_attachment_get(*, actor, attachment_id: int) -> NoteAttachment:
    """A note's file the actor may read; anything else is a 404."""
    attachment = (
        NoteAttachment.objects.select_related(
            "note__assessment__period", "note__assessment__unit", "note__criterion"
        )
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not may_read_notes(
        actor, attachment.note.assessment, attachment.note.criterion
    ):
        raise Http404
    return attachment


def _recipients(note: WorkingNote, assessment: Assessment) -> set[int]:
    """Who hears of a new note: the thread's earlier authors and the item's appraiser, but
    not the author, and only those who may read the thread."""
    ids = set(
        WorkingNote.objects.filter(assessment=assessment, criterion=note.criterion).values_list(
            "author_id", flat=True
        )
    )
    ids |= set(
        Assignment.objects.filter(
            period_id=assessment.period_id,
            unit_id=assessment.unit_id,
            field__code=note.criterion.field_code,
        ).values_list("appraiser_id", flat=True)
    )
    ids |= set(
        CrossCheck.objects.filter(
            assessment=assessment, criterion=note.criterion, checker__isnull=False
        ).values_list("checker_id", flat=True)
    )
    ids.discard(note.author_id)
    return {
        user.pk
        for user in User.objects.filter(pk__in=ids)
        if may_read_notes(user, assessment, note.criterion)
    }


@transaction.atomic
def note_add(
    *, actor, assessment: Assessment, criterion, text: str = "", uploaded_file=None
) -> WorkingNote:
    """A note on a leaf of a dossier by a member of the working group or the secretariat,
    with an optional file checked and stored as evidence is; audited (who, when, where)."""
    item = _item(assessment, criterion)
    if not actor.has_perm("appraisal.view_notes", item):
        raise PermissionDenied
    if not actor.has_perm("appraisal.add_note", item):
        raise ValidationError(
            _("Kết quả năm %(year)s đã công bố: không thêm ghi chú được nữa.")
            % {"year": assessment.period.year},
            code="frozen",
        )
    leaf_maximum(assessment, criterion)  # a leaf that applies to the unit
    text = (text or "").strip()
    if not text and uploaded_file is None:
        raise ValidationError(_("Hãy nhập nội dung ghi chú hoặc chọn tệp đính kèm."), code="empty")
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(
            _("Ghi chú dài quá %(n)s ký tự.") % {"n": NOTE_MAX_CHARS}, code="too_long"
        )
    checked = None
    if uploaded_file is not None:
        checked = upload_check(
            actor=actor, uploaded_file=uploaded_file, where=f"note assessment={assessment.pk}"
        )
    note = WorkingNote.objects.create(
        assessment=assessment,
        criterion=criterion,
        stage=item.stage,
        author=actor,
        text=text,
    )
    if checked is not None:
        key = upload_store(checked, folder=f"notes/{assessment.period.year}")
        try:
            NoteAttachment.objects.create(
                note=note,
                storage_key=key,
                original_name=checked.name,
                kind=checked.detected.kind,
                content_type=checked.detected.content_type,
                size=checked.size,
                sha256=checked.sha256,
                scan_status=checked.scan_status,
            )
        except BaseException:
            default_storage.delete(key)
            raise
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.NOTE,
        criterion=criterion,
        stage=item.stage,
        new={
            "note": note.pk,
            "unit": assessment.unit.code,
            "criterion": criterion.code,
            "attachment": checked is not None,
        },
    )
    notify(
        kind=NotificationKind.NOTE,
        key=f"note:{note.pk}",
        user_ids=_recipients(note, assessment),
        period=assessment.period,
        link=reverse("appraisal_field", args=[assessment.pk, criterion.field_code])
        + f"#leaf-{criterion.pk}",
        title=_("Ghi chú mới: %(unit)s — %(code)s")
        % {"unit": assessment.unit.name, "code": criterion.code},
        text=_("%(author)s ghi chú về tiêu chí %(code)s của %(unit)s (chỉ Tổ giúp việc xem).")
        % {
            "author": str(actor),
            "code": criterion.code,
            "unit": assessment.unit.name,
        },
    )
    return note
