import json

import pytest
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceFile, EvidenceLink
from evidence.selectors import evidence_leaf_context
from scoring.enums import AssessmentStatus
from scoring.templatetags.par import vn_date

from . import files
from .files import stored_files, upload


def _upload_url(d, assessment=None, criterion=None):
    return reverse(
        "evidence_upload", args=[(assessment or d.assessment).id, (criterion or d.leaf).id]
    )


def _stored(d, name="bao-cao.pdf", content=None, criterion=None):
    return services.evidence_upload(
        actor=d.staff,
        assessment=d.assessment,
        criterion=criterion or d.leaf,
        uploaded_file=upload(name, content or files.pdf_bytes()),
    ).file


@pytest.fixture
def staff_client(client, dossier):
    client.force_login(dossier.staff)
    return client


def test_evidence_upload_view_json_201(staff_client, dossier):
    content = files.pdf_bytes()
    response = staff_client.post(_upload_url(dossier), {"file": upload("bc.exe", content)})
    assert response.status_code == 201
    [item] = response.json()["files"]
    f = EvidenceFile.objects.get()
    assert item == {
        "id": f.id,
        "name": "bc.pdf",
        "size": len(content),
        "sha256": f.sha256,
        "content_type": "application/pdf",
        "duplicate": False,
    }


def test_evidence_upload_view_several_files_and_duplicate(staff_client, dossier, settings):
    _stored(dossier, content=files.pdf_bytes("cu"))
    response = staff_client.post(
        _upload_url(dossier),
        {"file": [upload("moi.docx", files.docx_bytes()), upload("cu.pdf", files.pdf_bytes("cu"))]},
    )
    assert response.status_code == 201
    body = response.json()
    assert [(f["name"], f["duplicate"]) for f in body["files"]] == [
        ("moi.docx", False),
        ("bao-cao.pdf", True),
    ]
    assert body["message"] == "Tệp này đã được tải lên trước đó; đã liên kết với tiêu chí"
    assert len(stored_files(settings)) == 2


def test_evidence_upload_view_refused_type_400(staff_client, dossier, settings):
    response = staff_client.post(
        _upload_url(dossier), {"file": upload("x.pdf", b"<html><script></script></html>")}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("Loại tệp không được chấp nhận")
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()


def test_evidence_upload_view_no_file_400(staff_client, dossier):
    response = staff_client.post(_upload_url(dossier), {})
    assert response.status_code == 400
    assert response.json() == {"error": "Hãy chọn tệp để tải lên."}


def test_evidence_upload_view_oversize_refused(staff_client, dossier, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = files.pdf_bytes() + b"%" + b"x" * (1536 * 1024)
    response = staff_client.post(_upload_url(dossier), {"file": upload("lon.pdf", big)})
    assert response.status_code == 400
    assert response.json() == {"error": "Tệp vượt quá dung lượng tối đa 1 MB"}
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()


def test_evidence_upload_view_content_length_refused_before_body(staff_client, dossier, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    response = staff_client.post(
        _upload_url(dossier),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Tệp vượt quá dung lượng tối đa 1 MB"}


def test_evidence_upload_view_htmx_returns_partial(staff_client, dossier):
    response = staff_client.post(
        _upload_url(dossier), {"file": upload("bc.pdf", files.pdf_bytes())}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    f = EvidenceFile.objects.get()
    assert f'id="evidence-{dossier.leaf.id}"' in html
    assert f'data-upload-url="{_upload_url(dossier)}"' in html
    assert "bc.pdf" in html and reverse("evidence_download", args=[f.id]) in html


def test_evidence_upload_view_htmx_error_shown_in_partial(staff_client, dossier):
    response = staff_client.post(
        _upload_url(dossier), {"file": upload("a.pdf", b"<svg/>")}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'class="evidence-error' in response.content.decode()
    assert "Loại tệp không được chấp nhận" in response.content.decode()


def test_evidence_upload_view_csrf_enforced(dossier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dossier.staff)
    response = client.post(_upload_url(dossier), {"file": upload("a.pdf", files.pdf_bytes())})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


def test_evidence_download_attachment_nosniff(staff_client, dossier):
    content = files.pdf_bytes()
    f = _stored(dossier, name="Báo cáo quý.pdf", content=content)
    response = staff_client.get(reverse("evidence_download", args=[f.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'attachment; filename="Bao cao quy.pdf"; '
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD.pdf"
    )
    assert b"".join(response.streaming_content) == content


def test_evidence_preview_pdf_inline_sandboxed(staff_client, dossier):
    f = _stored(dossier)
    response = staff_client.get(reverse("evidence_preview", args=[f.id]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox; frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_preview_docx_is_attachment(staff_client, dossier):
    f = _stored(dossier, name="kh.docx", content=files.docx_bytes())
    response = staff_client.get(reverse("evidence_preview", args=[f.id]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_evidence_views_other_unit_user_gets_404(client, dossier, settings):
    f = _stored(dossier)
    client.force_login(dossier.other_staff)
    requests = [
        ("get", reverse("evidence_download", args=[f.id]), {}),
        ("get", reverse("evidence_preview", args=[f.id]), {}),
        ("post", _upload_url(dossier), {"file": upload("b.pdf", files.pdf_bytes("b"))}),
        (
            "post",
            reverse("evidence_link", args=[dossier.assessment.id, dossier.leaf2.id]),
            {"file_id": f.id},
        ),
        (
            "post",
            reverse("evidence_unlink", args=[dossier.assessment.id, dossier.leaf.id, f.id]),
            {},
        ),
        ("post", reverse("evidence_remove", args=[f.id]), {}),
        # a file of another dossier through one's own dossier's URL
        (
            "post",
            reverse("evidence_link", args=[dossier.other_assessment.id, dossier.leaf.id]),
            {"file_id": f.id},
        ),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert EvidenceFile.objects.count() == 1 and EvidenceLink.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_evidence_views_missing_file_same_404(staff_client, dossier):
    assert staff_client.get(reverse("evidence_download", args=[999999])).status_code == 404


def test_evidence_download_secretariat_allowed(client, dossier):
    f = _stored(dossier)
    client.force_login(dossier.secretariat)
    assert client.get(reverse("evidence_download", args=[f.id])).status_code == 200
    response = client.post(_upload_url(dossier), {"file": upload("b.pdf", files.pdf_bytes())})
    assert response.status_code == 404


def test_evidence_upload_after_submission_404(staff_client, dossier, settings):
    f = _stored(dossier)
    dossier.assessment.status = AssessmentStatus.SUBMITTED
    dossier.assessment.save()
    response = staff_client.post(
        _upload_url(dossier), {"file": upload("b.pdf", files.pdf_bytes("b"))}
    )
    assert response.status_code == 404
    assert staff_client.post(reverse("evidence_remove", args=[f.id])).status_code == 404
    # still readable by the unit
    assert staff_client.get(reverse("evidence_download", args=[f.id])).status_code == 200
    assert len(stored_files(settings)) == 1


def test_evidence_link_unlink_remove_views(staff_client, dossier):
    f = _stored(dossier)
    link_url = reverse("evidence_link", args=[dossier.assessment.id, dossier.leaf2.id])
    response = staff_client.post(link_url, {"file_id": f.id}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="evidence-{dossier.leaf2.id}"' in response.content.decode()
    assert EvidenceLink.objects.filter(criterion=dossier.leaf2, removed_at=None).count() == 1

    unlink_url = reverse("evidence_unlink", args=[dossier.assessment.id, dossier.leaf.id, f.id])
    response = staff_client.post(unlink_url, HTTP_ACCEPT="application/json")
    assert response.json() == {"unlinked": f.id, "criterion": dossier.leaf.id}

    response = staff_client.post(reverse("evidence_remove", args=[f.id]), {"next": "/tai-lieu/ok/"})
    assert response.status_code == 302 and response["Location"] == "/tai-lieu/ok/"
    f.refresh_from_db()
    assert f.removed_at is not None
    assert staff_client.get(reverse("evidence_download", args=[f.id])).status_code == 404


def test_evidence_remove_view_external_next_not_followed(staff_client, dossier):
    f = _stored(dossier)
    response = staff_client.post(
        reverse("evidence_remove", args=[f.id]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 200 and json.loads(response.content) == {"removed": f.id}


def test_evidence_partial_shows_vietnamese_size_and_date(dossier, rf):
    from django.template.loader import render_to_string

    f = _stored(dossier, content=files.pdf_bytes() + b"%" + b"x" * 1_258_291)
    f2 = _stored(dossier, name="khac.png", content=files.png_bytes(), criterion=dossier.leaf2)
    context = evidence_leaf_context(
        actor=dossier.staff, assessment=dossier.assessment, criterion=dossier.leaf
    )
    assert context["links"] == [f] and context["other_files"] == [f2]
    assert context["editable"] is True
    html = render_to_string("evidence/_leaf_evidence.html", context)
    assert "1,2 MB" in html
    assert vn_date(f.uploaded_at) in html and vn_date(f.uploaded_at).count("/") == 2
    assert f'<option value="{f2.id}">khac.png' in html


def test_evidence_upload_view_large_file_through_temporary_file(staff_client, dossier):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE the upload is a temporary file; it is copied (not
    moved) to storage, and the stored bytes are the hashed ones."""
    import hashlib

    from django.core.files.storage import default_storage

    content = files.pdf_bytes() + b"%" + bytes(range(256)) * (3 * 4096)
    response = staff_client.post(_upload_url(dossier), {"file": upload("lon.pdf", content)})
    assert response.status_code == 201
    f = EvidenceFile.objects.get()
    assert f.size == len(content) and f.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(f.storage_key, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == f.sha256
