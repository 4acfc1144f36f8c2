"""API v1 of evidence: list, upload, metadata, download, by role, own and other unit."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.models import EvidenceFile
from evidence.services import evidence_remove, evidence_upload
from tests.api.conftest import client_for
from tests.evidence.files import pdf_bytes

ROLES = [
    "agency_staff",
    "agency_head",
    "other_staff",
    "appraiser_assigned",
    "appraiser_unassigned",
    "secretariat",
    "council",
    "leadership",
    "anonymous",
]
OWN_STAFF = {"agency_staff", "agency_head"}
DENIED = (401, 403)  # anonymous, no credentials
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _upload(user, assessment, criterion, name: str, content: bytes):
    return evidence_upload(
        actor=user,
        assessment=assessment,
        criterion=criterion,
        uploaded_file=SimpleUploadedFile(name, content),
    ).file


@pytest.fixture
def files(world, roles):
    """A PDF in each dossier: the own unit's backs 1.1 and 1.2, the other unit's 1.1."""
    own = _upload(
        roles["agency_staff"], world.own_assessment, world.nodes["1.1"], "kh.pdf", pdf_bytes("own")
    )
    _upload(
        roles["agency_staff"], world.own_assessment, world.nodes["1.2"], "kh.pdf", pdf_bytes("own")
    )
    other = _upload(
        roles["other_staff"],
        world.other_assessment,
        world.nodes["1.1"],
        "bc.pdf",
        pdf_bytes("other"),
    )
    return {"own": own, "other": other}


def _may_read(role: str, which: str) -> bool:
    if role in OWN_STAFF:
        return which == "own"
    if role == "other_staff":
        return which == "other"
    # Province staff see every dossier; appraisers not these: unsubmitted drafts in
    # self-assessment (issue 11: they read a dossier once submitted or once round 1 started).
    return not role.startswith("appraiser")


def _assessment(world, which: str):
    return world.own_assessment if which == "own" else world.other_assessment


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_evidence_list_by_role(world, roles, files, role, which):
    url = f"/api/v1/assessments/{_assessment(world, which).pk}/evidence/"
    response = client_for(roles[role]).get(url)
    if role == "anonymous":
        assert response.status_code in DENIED
    elif _may_read(role, which):
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()] == [files[which].pk]
    else:
        assert response.status_code == 404
        assert str(files[which].sha256) not in response.content.decode()


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_evidence_metadata_and_download_by_role(world, roles, files, role, which):
    evidence_file = files[which]
    client = client_for(roles[role])
    metadata = client.get(f"/api/v1/evidence/{evidence_file.pk}/")
    download = client.get(f"/api/v1/evidence/{evidence_file.pk}/download/")
    if role == "anonymous":
        assert metadata.status_code in DENIED
        assert download.status_code in DENIED
    elif _may_read(role, which):
        assert metadata.status_code == 200
        assert metadata.json()["sha256"] == evidence_file.sha256
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == pdf_bytes(which)
    else:
        assert (metadata.status_code, download.status_code) == (404, 404)


@pytest.mark.parametrize("which", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_evidence_upload_by_role(world, roles, role, which):
    """Only the dossier's own staff may upload (self-assessment phase); the rest get 404."""
    assessment = _assessment(world, which)
    content = pdf_bytes(f"{role}-{which}")
    response = client_for(roles[role]).post(
        f"/api/v1/assessments/{assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("ke-hoach.pdf", content), "criterion": "1.1"},
        format="multipart",
    )
    uploader = (role in OWN_STAFF and which == "own") or (
        role == "other_staff" and which == "other"
    )
    if role == "anonymous":
        assert response.status_code in DENIED
    elif uploader:
        assert response.status_code == 201, response.content
        assert response.json()["duplicate"] is False
    else:
        assert response.status_code == 404, (role, response.content)
    stored = EvidenceFile.objects.filter(assessment=assessment).count()
    assert stored == (1 if uploader else 0)


def test_evidence_upload_real_pdf_is_stored_and_linked(world, roles, settings):
    content = pdf_bytes("Kế hoạch CCHC")
    response = client_for(roles["agency_staff"]).post(
        f"/api/v1/assessments/{world.own_assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("Kế hoạch 2024.pdf", content), "criterion": "1.1"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    stored = EvidenceFile.objects.get()
    assert body == {
        "id": stored.pk,
        "name": stored.original_name,
        "size": len(content),
        "sha256": stored.sha256,
        "content_type": "application/pdf",
        "stage": "self",
        "uploaded_at": body["uploaded_at"],
        "criterion_codes": ["1.1"],
        "duplicate": False,
        # Queued: the reading runs once the upload is committed (the upload answers at once).
        "reading": {
            "state": "pending",
            "text_source": "",
            "is_draft": False,
            "document": None,
            "document_as_read": None,
            "corrections": [],
            "signatures": [],
            "warnings": [],
        },
    }
    uploaded_at = datetime.fromisoformat(body["uploaded_at"])
    assert uploaded_at.utcoffset() is not None  # ISO 8601 with an offset
    assert (settings.MEDIA_ROOT / stored.storage_key).read_bytes() == content


def test_evidence_upload_html_renamed_pdf_refused_nothing_stored(world, roles, settings):
    response = client_for(roles["agency_staff"]).post(
        f"/api/v1/assessments/{world.own_assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("bao-cao.pdf", HTML_AS_PDF), "criterion": "1.1"},
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]  # the service's Vietnamese message
    assert not EvidenceFile.objects.exists()
    evidence_dir = settings.MEDIA_ROOT / "evidence"
    assert not evidence_dir.exists() or not any(p.is_file() for p in evidence_dir.rglob("*"))


def test_evidence_upload_same_content_is_duplicate_200(world, roles):
    client = client_for(roles["agency_staff"])
    url = f"/api/v1/assessments/{world.own_assessment.pk}/evidence/"
    content = pdf_bytes("once")
    first = client.post(
        url, {"file": SimpleUploadedFile("a.pdf", content), "criterion": "1.1"}, format="multipart"
    )
    second = client.post(
        url, {"file": SimpleUploadedFile("b.pdf", content), "criterion": "1.2"}, format="multipart"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["duplicate"] is True
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["criterion_codes"] == ["1.1", "1.2"]
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"criterion": "1.1"}, "Hãy chọn tệp để tải lên."),
        ({"criterion": "9.9"}, "Tiêu chí không thuộc bộ tiêu chí của hồ sơ này."),
        ({"criterion": "1"}, "Tiêu chí không thuộc bộ tiêu chí của hồ sơ này."),  # not a leaf
    ],
)
def test_evidence_upload_bad_input_400(world, roles, data, message):
    if "criterion" in data and data["criterion"] != "1.1":
        data = {**data, "file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    response = client_for(roles["agency_staff"]).post(
        f"/api/v1/assessments/{world.own_assessment.pk}/evidence/", data, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not EvidenceFile.objects.exists()


def test_evidence_upload_oversize_refused(world, roles, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 0
    response = client_for(roles["agency_staff"]).post(
        f"/api/v1/assessments/{world.own_assessment.pk}/evidence/",
        {"file": SimpleUploadedFile("a.pdf", pdf_bytes()), "criterion": "1.1"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "MB" in response.json()["error"]
    assert not EvidenceFile.objects.exists()


def test_evidence_download_is_attachment_with_nosniff(world, roles, files):
    response = client_for(roles["agency_staff"]).get(
        f"/api/v1/evidence/{files['own'].pk}/download/"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="kh.pdf"' in response["Content-Disposition"]
    assert response["Content-Length"] == str(files["own"].size)


def test_evidence_metadata_lists_backed_leaves(world, roles, files):
    response = client_for(roles["secretariat"]).get(f"/api/v1/evidence/{files['own'].pk}/")
    assert response.json()["criterion_codes"] == ["1.1", "1.2"]
    assert response.json()["name"] == "kh.pdf"


def test_evidence_removed_file_not_listed_nor_served(world, roles, files):
    evidence_remove(actor=roles["agency_staff"], evidence_file=files["own"])
    client = client_for(roles["secretariat"])
    listed = client.get(f"/api/v1/assessments/{world.own_assessment.pk}/evidence/")
    assert listed.json() == []
    assert client.get(f"/api/v1/evidence/{files['own'].pk}/").status_code == 404
    assert client.get(f"/api/v1/evidence/{files['own'].pk}/download/").status_code == 404


def test_evidence_missing_ids_404(world, roles):
    client = client_for(roles["secretariat"])
    assert client.get("/api/v1/assessments/999999/evidence/").status_code == 404
    assert client.get("/api/v1/evidence/999999/").status_code == 404
    assert client.get("/api/v1/evidence/999999/download/").status_code == 404


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_evidence_list_query_count_constant(world, roles, django_assert_num_queries):
    staff = roles["agency_staff"]
    client = client_for(staff)
    url = f"/api/v1/assessments/{world.own_assessment.pk}/evidence/"
    _upload(staff, world.own_assessment, world.nodes["1.1"], "1.pdf", pdf_bytes("1"))
    client.get(url)  # warm up: per-user lookups cached on the first request
    one = _list_queries(client, url)
    for n in (2, 3):
        _upload(
            staff, world.own_assessment, world.nodes[f"1.{n % 2 + 1}"], "n.pdf", pdf_bytes(str(n))
        )
    assert len(client.get(url).json()) == 3
    with django_assert_num_queries(one):
        client.get(url)
