import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence import services
from evidence.enums import ScanStatus
from evidence.models import EvidenceFile, EvidenceLink
from evidence.selectors import evidence_by_criterion, evidence_counts, evidence_files
from scoring.enums import AssessmentStatus, Phase, Stage

from . import files
from .files import stored_files, upload


def _upload(d, name, content, *, criterion=None, actor=None):
    return services.evidence_upload(
        actor=actor or d.staff,
        assessment=d.assessment,
        criterion=criterion or d.leaf,
        uploaded_file=upload(name, content),
    )


def test_evidence_upload_pdf_named_exe_is_stored_as_pdf(dossier, settings):
    content = files.pdf_bytes()
    outcome = _upload(dossier, "baocao.exe", content)
    f = outcome.file
    assert outcome.duplicate is False
    assert f.original_name == "baocao.pdf"
    assert (f.kind, f.content_type) == ("pdf", "application/pdf")
    assert f.size == len(content)
    assert f.sha256 == hashlib.sha256(content).hexdigest()
    assert (f.stage, f.scan_status, f.uploaded_by) == (
        Stage.SELF,
        ScanStatus.NOT_SCANNED,
        dossier.staff,
    )
    assert f.storage_key.startswith("evidence/2024/") and "baocao" not in f.storage_key
    with default_storage.open(f.storage_key, "rb") as stored:
        assert stored.read() == content
    assert [p.resolve() for p in stored_files(settings)] == [
        (settings.MEDIA_ROOT / f.storage_key).resolve()
    ]
    assert list(EvidenceLink.objects.values_list("file_id", "criterion_id")) == [
        (f.id, dossier.leaf.id)
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        (
            "hinh.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(document.cookie)</script></svg>",
        ),
        ("so-lieu.docx", files.plain_zip_bytes()),
        ("bomb.docx", files.docx_bomb_bytes(16)),
    ],
    ids=["html-as-pdf", "svg-with-script", "plain-zip", "zip-bomb-docx"],
)
def test_evidence_upload_refused_content_stores_nothing(dossier, settings, name, content):
    with pytest.raises(ValidationError):
        _upload(dossier, name, content)
    assert stored_files(settings) == []
    assert not EvidenceFile.objects.exists() and not EvidenceLink.objects.exists()


def test_evidence_upload_html_as_pdf_message_names_types(dossier):
    with pytest.raises(ValidationError) as info:
        _upload(dossier, "x.pdf", b"<html><body>hello</body></html>")
    assert info.value.messages == [
        "Loại tệp không được chấp nhận. Chỉ nhận các tệp: PDF, Word (.doc, .docx), "
        "Excel (.xls, .xlsx), OpenDocument (.odt, .ods), JPEG, PNG."
    ]


def test_evidence_upload_docx_made_with_zipfile_accepted(dossier):
    f = _upload(dossier, "ke-hoach", files.docx_bytes()).file
    assert f.original_name == "ke-hoach.docx"
    assert f.content_type.endswith("wordprocessingml.document")


def test_evidence_upload_oversize_refused_nothing_stored(dossier, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    content = files.pdf_bytes() + b"\n%" + b"x" * (1536 * 1024)
    with pytest.raises(ValidationError) as info:
        _upload(dossier, "lon.pdf", content)
    assert info.value.messages == ["Tệp vượt quá dung lượng tối đa 1 MB"]
    assert stored_files(settings) == []
    assert not EvidenceFile.objects.exists()


def test_evidence_upload_oversize_detected_while_streaming(dossier, settings):
    """A client-declared size cannot be trusted: the bytes are counted while reading."""
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    uploaded = upload("lon.pdf", files.pdf_bytes() + b"x" * (1536 * 1024))
    uploaded.size = 10  # what a lying client could declare
    with pytest.raises(ValidationError, match="dung lượng tối đa 1 MB"):
        services.evidence_upload(
            actor=dossier.staff,
            assessment=dossier.assessment,
            criterion=dossier.leaf,
            uploaded_file=uploaded,
        )
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "expected"), [("../../etc/passwd.pdf", "passwd.pdf"), ("..\\..\\x.pdf", "x.pdf")]
)
def test_evidence_upload_path_traversal_name_cleaned(dossier, settings, name, expected):
    uploaded = SimpleUploadedFile("placeholder", files.pdf_bytes())
    uploaded._name = name  # bypass Django's own basename() to test ours
    f = services.evidence_upload(
        actor=dossier.staff,
        assessment=dossier.assessment,
        criterion=dossier.leaf,
        uploaded_file=uploaded,
    ).file
    assert f.original_name == expected
    media = settings.MEDIA_ROOT.resolve()
    [path] = stored_files(settings)
    assert path.resolve().is_relative_to(media)
    assert not (media.parent / "etc").exists()


def test_evidence_upload_duplicate_content_links_existing(dossier, settings):
    content = files.pdf_bytes()
    first = _upload(dossier, "a.pdf", content)
    second = _upload(dossier, "ban-sao.pdf", content, criterion=dossier.leaf2)
    assert second.duplicate is True
    assert second.file.pk == first.file.pk
    assert EvidenceFile.objects.count() == 1
    assert len(stored_files(settings)) == 1
    assert evidence_counts(assessment=dossier.assessment) == {
        dossier.leaf.id: 1,
        dossier.leaf2.id: 1,
    }
    assert str(services.DUPLICATE_MESSAGE) == (
        "Tệp này đã được tải lên trước đó; đã liên kết với tiêu chí"
    )


def test_evidence_upload_same_content_other_dossier_stored_separately(dossier, settings):
    content = files.pdf_bytes()
    _upload(dossier, "a.pdf", content)
    services.evidence_upload(
        actor=dossier.other_staff,
        assessment=dossier.other_assessment,
        criterion=dossier.leaf,
        uploaded_file=upload("a.pdf", content),
    )
    assert EvidenceFile.objects.count() == 2
    assert len(stored_files(settings)) == 2


def test_evidence_link_one_file_two_leaves(dossier):
    f = _upload(dossier, "a.pdf", files.pdf_bytes()).file
    services.evidence_link(actor=dossier.staff, evidence_file=f, criterion=dossier.leaf2)
    services.evidence_link(actor=dossier.staff, evidence_file=f, criterion=dossier.leaf2)
    by_leaf = evidence_by_criterion(assessment=dossier.assessment)
    assert by_leaf == {dossier.leaf.id: [f], dossier.leaf2.id: [f]}
    assert EvidenceLink.objects.count() == 2


def test_evidence_link_non_leaf_refused(dossier):
    f = _upload(dossier, "a.pdf", files.pdf_bytes()).file
    with pytest.raises(ValidationError):
        services.evidence_link(actor=dossier.staff, evidence_file=f, criterion=dossier.tree["1"])


def test_evidence_unlink_keeps_history(dossier):
    f = _upload(dossier, "a.pdf", files.pdf_bytes()).file
    assert (
        services.evidence_unlink(actor=dossier.staff, evidence_file=f, criterion=dossier.leaf)
        is True
    )
    assert evidence_by_criterion(assessment=dossier.assessment) == {}
    assert evidence_files(assessment=dossier.assessment) == [f]
    link = EvidenceLink.objects.get()
    assert link.removed_by == dossier.staff and link.removed_at is not None


def test_evidence_remove_soft_keeps_bytes(dossier, settings):
    f = _upload(dossier, "a.pdf", files.pdf_bytes()).file
    services.evidence_remove(actor=dossier.head, evidence_file=f)
    f.refresh_from_db()
    assert f.removed_by == dossier.head and f.removed_at is not None
    assert evidence_files(assessment=dossier.assessment) == []
    assert evidence_by_criterion(assessment=dossier.assessment) == {}
    assert default_storage.exists(f.storage_key)
    # The same content may then be uploaded again as a new file.
    again = _upload(dossier, "a.pdf", files.pdf_bytes())
    assert again.duplicate is False and again.file.pk != f.pk


def test_evidence_upload_many_all_or_nothing(dossier, settings):
    with pytest.raises(ValidationError) as info:
        services.evidence_upload_many(
            actor=dossier.staff,
            assessment=dossier.assessment,
            criterion=dossier.leaf,
            uploaded_files=[
                upload("tot.pdf", files.pdf_bytes()),
                upload("xau.pdf", b"<html></html>"),
            ],
        )
    assert info.value.messages[0].startswith("xau.pdf: Loại tệp không được chấp nhận")
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()


class _ChangingUpload(SimpleUploadedFile):
    """A client stream whose bytes change after the first full read (the outside world
    misbehaving between the check and the storage write)."""

    served = 0

    def read(self, *args):
        data = super().read(*args)
        self.served += len(data)
        if self.served >= 2 * self.size:  # the second full pass: the storage write
            return data.replace(b"Bao cao", b"Bao cau")
        return data


def test_evidence_upload_failure_after_storage_leaves_nothing(dossier, settings):
    """The first file is stored, the second fails: the first stored object is deleted."""
    with pytest.raises(ValidationError, match="thay đổi trong khi tải lên"):
        services.evidence_upload_many(
            actor=dossier.staff,
            assessment=dossier.assessment,
            criterion=dossier.leaf,
            uploaded_files=[
                upload("tot.pdf", files.pdf_bytes("Mot")),
                _ChangingUpload("doi.pdf", files.pdf_bytes()),
            ],
        )
    assert stored_files(settings) == []
    assert not EvidenceFile.objects.exists() and not EvidenceLink.objects.exists()


@pytest.mark.parametrize("change", ["submitted", "round1", "other_unit"])
def test_evidence_upload_not_allowed_refused(dossier, settings, change):
    actor = dossier.staff
    if change == "submitted":
        dossier.assessment.status = AssessmentStatus.SUBMITTED
        dossier.assessment.save()
    elif change == "round1":
        dossier.period.phase = Phase.ROUND1
        dossier.period.save()
    else:
        actor = dossier.other_staff
    with pytest.raises(PermissionDenied):
        _upload(dossier, "a.pdf", files.pdf_bytes(), actor=actor)
    assert stored_files(settings) == []
