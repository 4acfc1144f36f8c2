"""Where people see the reading: the card on the agency's field form (its reading state,
the summary line, warnings), the card endpoint, corrections through the page, the
completeness check before submission (warnings per criterion, confirmed knowingly), the
appraiser's page, and API v1's evidence metadata."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from appraisal.models import Assignment
from evidence.models import EvidenceReading, ReadingCorrection, WarningsConfirmation
from evidence.services import evidence_upload
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Period
from tests.api.conftest import client_for
from tests.evidence import corpus as c
from tests.evidence.files import upload
from tests.factories import RoleKind, make_user, set_score

PLAN_2024 = c.DOCS["kh-stp-2024"]
SUMMARY = "Số 156/KH-STP · 27/12/2024 · Sở Tư pháp · không có chữ ký số"
OUTSIDE = "Văn bản ban hành ngày 27/12/2024, ngoài năm đánh giá 2025."


@pytest.fixture
def plan(reading_world, django_capture_on_commit_callbacks):
    """The previous-year plan, read, on the leaf 1.1 (no evidence rules)."""
    return reading_world.upload(
        PLAN_2024, "ke-hoach-2025.pdf", capture=django_capture_on_commit_callbacks
    )


def _html(response) -> str:
    return response.content.decode()


def test_field_form_shows_the_card_and_its_warnings(client, reading_world, plan):
    client.force_login(reading_world.staff)
    body = _html(client.get(reverse("field_form", args=[reading_world.assessment.id, "1"])))
    assert SUMMARY in body
    assert OUTSIDE in body
    assert "Văn bản không có chữ ký số." in body
    assert 'class="card-correct"' in body and 'name="issued_on" ' in body
    assert "evidence_cards.js" in body


def test_card_shows_reading_state_until_read(client, reading_world):
    w = reading_world
    # Uploaded in the test's transaction: not committed, so still waiting for the task.
    outcome = evidence_upload(
        actor=w.staff,
        assessment=w.assessment,
        criterion=w.free_leaf,
        uploaded_file=upload("ke-hoach.pdf", c.doc_pdf(PLAN_2024)),
    )
    client.force_login(w.staff)
    url = reverse("evidence_card", args=[outcome.file.id]) + f"?tieu-chi={w.free_leaf.id}"
    body = _html(client.get(url))
    assert "Đang đọc…" in body and 'data-reading="1"' in body
    from evidence.services import evidence_reading_run

    evidence_reading_run(file_id=outcome.file.id)
    body = _html(client.get(url))
    assert 'data-reading="1"' not in body and SUMMARY in body and OUTSIDE in body
    EvidenceReading.objects.filter(file=outcome.file).update(state="failed", is_document=False)
    assert "Chưa đọc được nội dung tệp." in _html(client.get(url))


def test_card_endpoint_answers_404_to_other_units(client, reading_world, plan):
    client.force_login(reading_world.other_staff)
    assert client.get(reverse("evidence_card", args=[plan.id])).status_code == 404


def test_correction_through_the_page_htmx_and_form(client, reading_world, plan):
    w = reading_world
    client.force_login(w.staff)
    url = reverse("evidence_reading_correct", args=[plan.id])
    assert client.get(url).status_code == 405
    response = client.post(
        url,
        {"issued_on": "05/01/2025", "criterion_id": w.free_leaf.id},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = _html(response)
    assert "Số 156/KH-STP · 05/01/2025 · Sở Tư pháp" in body and "(đã sửa)" in body
    assert "Đọc được: 27/12/2024" in body and OUTSIDE not in body
    assert "Đã lưu thông tin đã sửa." in body
    # A plain form post goes back to the page it came from.
    page = reverse("field_form", args=[w.assessment.id, "1"])
    response = client.post(url, {"signer": "Trần Văn Minh", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    # Bad input: a message, nothing saved.
    response = client.post(url, {"issued_on": "32/01/2025"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "không hợp lệ" in _html(response)
    assert ReadingCorrection.objects.count() == 1


def test_correction_refused_as_not_found_to_others(client, reading_world, plan):
    w = reading_world
    url = reverse("evidence_reading_correct", args=[plan.id])
    for user in (w.other_staff, w.secretariat):
        client.force_login(user)
        assert client.post(url, {"number": "1"}).status_code == 404
    assert not ReadingCorrection.objects.exists()


def _complete(world):
    for code in ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4"):
        set_score(world.assessment, world.tree[code], "1", stage=Stage.SELF, explanation="Đã làm")


def test_completeness_check_lists_warnings_and_head_confirms_knowingly(client, reading_world, plan):
    w = reading_world
    _complete(w)
    client.force_login(w.head)
    url = reverse("assessment_submit", args=[w.assessment.id])
    body = _html(client.get(url))
    assert "Kiểm tra tài liệu kiểm chứng" in body
    assert "ke-hoach-2025.pdf" in body and OUTSIDE in body
    assert 'name="confirm_warnings"' in body
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 400
    assert "xác nhận đã biết các cảnh báo" in _html(response)
    w.assessment.refresh_from_db()
    assert w.assessment.status == AssessmentStatus.DRAFT
    assert not WarningsConfirmation.objects.exists()
    response = client.post(url, {"confirm": "1", "confirm_warnings": "1"})
    assert response.status_code == 302
    w.assessment.refresh_from_db()
    assert w.assessment.status == AssessmentStatus.SUBMITTED
    record = WarningsConfirmation.objects.get()
    assert record.confirmed_by == w.head
    assert record.warnings[0]["criterion"] == "1.1"
    assert OUTSIDE in record.warnings[0]["warnings"]


def test_completeness_check_without_warnings_needs_no_second_tick(
    client, reading_world, django_capture_on_commit_callbacks
):
    w = reading_world
    plan = c.Doc(**{**PLAN_2024.__dict__, "issued": date(2025, 1, 6)})
    pdf = c.sign(c.doc_pdf(plan), c.make_pki(), "director")
    w.upload(pdf, "ke-hoach.pdf", capture=django_capture_on_commit_callbacks)
    # No trust root configured: the signature is untrusted, so there is still a warning.
    _complete(w)
    client.force_login(w.head)
    url = reverse("assessment_submit", args=[w.assessment.id])
    assert "không xác thực được" in _html(client.get(url))
    EvidenceReading.objects.update(signatures=[])  # pretend: no signature, one warning left
    body = _html(client.get(url))
    assert "Văn bản không có chữ ký số." in body
    EvidenceReading.objects.update(
        signatures=[
            {
                "signer": "Trần Văn Minh",
                "signed_at": None,
                "intact": True,
                "trusted": True,
                "expired": False,
                "modified_after_signing": False,
            }
        ]
    )
    body = _html(client.get(url))
    assert "Không có cảnh báo nào về tài liệu kiểm chứng." in body
    assert 'name="confirm_warnings"' not in body
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert not WarningsConfirmation.objects.exists()


def test_appraiser_sees_the_card_beside_the_file_and_may_correct_when_assigned(
    client, reading_world, plan
):
    w = reading_world
    appraiser = make_user(RoleKind.APPRAISER, w.other_unit, expertise=["1"])
    Assignment.objects.create(period=w.period, field=w.tree["1"], unit=w.unit, appraiser=appraiser)
    set_score(w.assessment, w.free_leaf, "2")
    Period.objects.filter(pk=w.period.pk).update(phase=Phase.ROUND1)
    client.force_login(appraiser)
    page = reverse("appraisal_field", args=[w.assessment.id, "1"])
    body = _html(client.get(page))
    assert SUMMARY in body and OUTSIDE in body
    assert 'class="card-correct"' in body and "evidence_cards.js" in body
    url = reverse("evidence_reading_correct", args=[plan.id])
    response = client.post(
        url, {"number": "157", "criterion_id": w.free_leaf.id}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Số 157/KH-STP" in _html(response)
    # Another appraiser, not assigned: sees nothing to correct and is refused.
    other = make_user(RoleKind.APPRAISER, w.other_unit, expertise=["2"])
    client.force_login(other)
    assert client.post(url, {"number": "158"}).status_code == 404


def test_api_metadata_carries_the_reading(reading_world, plan):
    w = reading_world
    body = client_for(w.staff).get(f"/api/v1/evidence/{plan.id}/").json()
    reading = body["reading"]
    assert reading["state"] == "done" and reading["text_source"] == "text"
    assert reading["document"] == PLAN_2024.truth() == reading["document_as_read"]
    assert reading["signatures"] == [] and reading["corrections"] == []
    assert {"code": "outside_year", "criterion": "1.1", "text": OUTSIDE} in reading["warnings"]
    assert {"code": "unsigned", "criterion": None, "text": "Văn bản không có chữ ký số."} in (
        reading["warnings"]
    )
    listed = client_for(w.secretariat).get(f"/api/v1/assessments/{w.assessment.id}/evidence/")
    assert listed.json()[0]["reading"]["document"]["number"] == "156"
    assert client_for(w.other_staff).get(f"/api/v1/evidence/{plan.id}/").status_code == 404
