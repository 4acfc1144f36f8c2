"""The working group's notes: who reads and writes them, their files under the upload rules
of evidence, their audit row (no text, not the dossier's), who is told."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal import notes
from appraisal.enums import NotificationKind
from appraisal.models import CrossCheck, NoteAttachment, Notification, WorkingNote
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import AuditEntry, Period
from tests.evidence.files import pdf_bytes
from tests.factories import RoleKind, make_user


def add(cycle, actor, code="1.1", text="Cần đối chiếu ngày ban hành", file=None, assessment=None):
    return notes.note_add(
        actor=actor,
        assessment=assessment or cycle.assessment,
        criterion=cycle.nodes[code],
        text=text,
        uploaded_file=file,
    )


def test_who_reads_and_writes_a_leafs_notes(cycle):
    """SOTP's field 1 is the home member's (their own home unit), field 2 the away member's."""
    c = cycle
    note = add(c, c.secretariat, "2.1")
    assert notes.may_read_notes(c.away, c.assessment, c.nodes["2.1"])  # the item's appraiser
    assert not notes.may_read_notes(c.home, c.assessment, c.nodes["2.1"])  # home unit
    assert not notes.may_read_notes(c.home, c.assessment, c.nodes["1.1"])  # even their own item
    assert not notes.may_read_notes(c.away, c.assessment, c.nodes["1.1"])  # not their item
    for outsider in (c.staff, c.head, c.other_staff, c.council, c.public):
        assert not notes.may_read_notes(outsider, c.assessment, c.nodes["2.1"]), outsider
    # Given a cross-check on a leaf of field 1, the away member reads that leaf's thread.
    CrossCheck.objects.create(
        assessment=c.assessment,
        criterion=c.nodes["1.1"],
        stage=Stage.ROUND1,
        requested_at=note.created_at,
        checker=c.away,
    )
    assert notes.may_read_notes(c.away, c.assessment, c.nodes["1.1"])
    assert not notes.may_read_notes(c.away, c.assessment, c.nodes["1.2"])
    with pytest.raises(PermissionDenied):
        add(c, c.home, "2.1")
    with pytest.raises(PermissionDenied):
        add(c, c.staff, "2.1")
    add(c, c.away, "2.1", "Đồng ý với Bộ phận thư ký")
    threads = notes.threads_of(
        actor=c.away, assessment=c.assessment, criteria=[c.nodes["2.1"], c.nodes["1.2"]]
    )
    assert [n.text for n in threads[c.nodes["2.1"].pk]] == [
        "Cần đối chiếu ngày ban hành",
        "Đồng ý với Bộ phận thư ký",
    ]
    assert c.nodes["1.2"].pk not in threads


def test_a_person_of_the_unit_never_reads_it_even_as_a_member_of_the_group(cycle):
    c = cycle
    both = make_user(RoleKind.AGENCY_STAFF, c.unit, username="ca_hai_vai")
    both.roles.create(kind=RoleKind.APPRAISER, unit=c.other, year=c.period.year, expertise=["2"])
    c.field2_home.appraiser = both
    c.field2_home.save(update_fields=["appraiser"])
    assert not notes.may_read_notes(both, c.assessment, c.nodes["2.1"])


def test_note_with_a_file_is_audited_without_its_text(cycle, settings, tmp_path):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    c = cycle
    file = SimpleUploadedFile("trang-danh-dau.pdf", pdf_bytes("Trang 3"), "application/pdf")
    note = add(c, c.away, "2.1", "Ngày ban hành trang 3 không khớp", file)
    attachment = NoteAttachment.objects.get(note=note)
    assert attachment.original_name == "trang-danh-dau.pdf" and attachment.kind == "pdf"
    assert default_storage.exists(attachment.storage_key)
    assert attachment.storage_key.startswith(f"notes/{c.period.year}/")
    entry = AuditEntry.objects.get(action=AuditAction.NOTE)
    assert entry.actor == c.away and entry.assessment is None and entry.criterion == c.nodes["2.1"]
    assert entry.new_value == {
        "note": note.pk,
        "unit": "SOTP",
        "criterion": "2.1",
        "attachment": True,
    }
    assert "trang 3" not in str(entry.new_value).lower() and entry.reason == ""


def test_note_file_refused_like_evidence_and_nothing_kept(cycle, settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    c = cycle
    bad = [
        SimpleUploadedFile("ghi-chu.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
        SimpleUploadedFile("trang.pdf", b"<html><script>alert(1)</script></html>", "text/html"),
        SimpleUploadedFile("lon.pdf", pdf_bytes("x") + b"0" * (1024 * 1024 + 1)),
        SimpleUploadedFile("rong.pdf", b""),
    ]
    for file in bad:
        with pytest.raises(ValidationError):
            add(c, c.away, "2.1", "Kèm tệp", file)
    assert not WorkingNote.objects.exists() and not NoteAttachment.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.NOTE).exists()
    with pytest.raises(ValidationError):
        add(c, c.away, "2.1", "   ")  # neither text nor file
    with pytest.raises(ValidationError):
        add(c, c.away, "2.1", "x" * (notes.NOTE_MAX_CHARS + 1))


def test_no_note_once_published(cycle):
    c = cycle
    Period.objects.filter(pk=c.period.pk).update(phase=Phase.PUBLISHED)
    c.assessment.period.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        add(c, c.away, "2.1")
    assert "đã công bố" in refused.value.messages[0]


def test_the_thread_is_told_not_the_author_nor_the_home_member(cycle):
    c = cycle
    add(c, c.secretariat, "2.1")  # the item's appraiser (away) is told
    told = Notification.objects.filter(kind=NotificationKind.NOTE)
    assert [n.recipient for n in told] == [c.away]
    assert told[0].link.endswith(f"#leaf-{c.nodes['2.1'].pk}")
    add(c, c.away, "2.1", "Đã xem")  # the secretariat wrote in the thread before: told
    assert {n.recipient for n in Notification.objects.filter(kind=NotificationKind.NOTE)} == {
        c.away,
        c.secretariat,
    }
    # The home member holds field 1 of their own unit: a note there tells no one of them.
    Notification.objects.all().delete()
    add(c, c.secretariat, "1.1")
    assert not Notification.objects.filter(recipient=c.home).exists()


def test_note_pages_and_file_download(cycle, client, settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    c = cycle
    url = reverse("appraisal_note_add", args=[c.assessment.pk, c.nodes["2.1"].pk])
    client.force_login(c.away)
    answer = client.post(
        url,
        {"text": "Thiếu phụ lục", "file": SimpleUploadedFile("phu-luc.pdf", pdf_bytes("PL"))},
        HTTP_HX_REQUEST="true",
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and text.lstrip().startswith("<details")
    assert "Thiếu phụ lục" in text and "phu-luc.pdf" in text and "Đã gửi ghi chú" in text
    refused = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "Hãy nhập nội dung" in refused.content.decode()
    page = client.get(reverse("appraisal_field", args=[c.assessment.pk, "2"])).content.decode()
    assert "Thiếu phụ lục" in page
    attachment = NoteAttachment.objects.get()
    download = reverse("appraisal_note_file", args=[attachment.pk])
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"
    for outsider in (c.home, c.staff, c.head, c.council):
        client.force_login(outsider)
        assert client.get(download).status_code == 404, outsider
        assert client.post(url, {"text": "x"}).status_code == 404, outsider
    # The council reads the field page, but not the group's notes.
    page = client.get(reverse("appraisal_field", args=[c.assessment.pk, "2"])).content.decode()
    assert "Thiếu phụ lục" not in page and "Ghi chú nội bộ" not in page
