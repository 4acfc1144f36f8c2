"""The appraisal pages: access (404 for what is not one's own), refusals shown, query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import services
from appraisal.models import Assignment
from scoring.enums import Phase, Stage
from scoring.models import LeafScore
from tests.factories import make_assessment, make_assignment, make_unit


def test_queue_lists_assignments_and_cross_checks(client, cycle):
    services.appraisal_score_set(
        actor=cycle.home,
        assessment=cycle.assessment,
        criterion=cycle.nodes["1.1"],
        stage=Stage.ROUND1,
        inputs={"answer": True},
    )
    client.force_login(cycle.away)
    page = client.get(reverse("appraisal_queue", args=[cycle.period.year]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sở Tư pháp — 1.1" in text  # the cross-check asked of the away member
    assert 'data-item="SOTP-2"' in text and 'data-item="SOTP-1"' not in text


def _queue_queries(client, cycle, user) -> int:
    client.force_login(user)
    url = reverse("appraisal_queue", args=[cycle.period.year])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_constant(client, cycle, django_assert_num_queries):
    one = _queue_queries(client, cycle, cycle.away)  # 1 item
    for code in ("X1", "X2"):
        unit = make_unit(cycle.group, code=code)
        make_assessment(cycle.period, unit)
        make_assignment(cycle.period, "2", unit, cycle.away)
    assert Assignment.objects.filter(appraiser=cycle.away).count() == 3
    client.force_login(cycle.away)
    with django_assert_num_queries(one):
        client.get(reverse("appraisal_queue", args=[cycle.period.year]))


@pytest.mark.parametrize("name", ["appraisal_cycle", "appraisal_team", "appraisal_assignments"])
def test_secretariat_lists_query_count_constant(client, cycle, name, django_assert_num_queries):
    client.force_login(cycle.secretariat)
    url = reverse(name, args=[cycle.period.year])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    for code in ("X1", "X2"):
        unit = make_unit(cycle.group, code=code)
        make_assessment(cycle.period, unit)
        make_assignment(cycle.period, "2", unit, cycle.away)
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert client.get(url).status_code == 200


def test_field_page_not_assigned_is_404(client, cycle):
    client.force_login(cycle.away)
    assert (
        client.get(reverse("appraisal_field", args=[cycle.assessment.id, "2"])).status_code == 200
    )
    assert (
        client.get(reverse("appraisal_field", args=[cycle.assessment.id, "1"])).status_code == 404
    )
    client.force_login(cycle.other_staff)
    assert (
        client.get(reverse("appraisal_field", args=[cycle.assessment.id, "2"])).status_code == 404
    )
    url = reverse("appraisal_leaf_save", args=[cycle.assessment.id, cycle.nodes["1.1"].id])
    client.force_login(cycle.away)
    assert client.post(url, {"answer": "true"}).status_code == 404


def test_leaf_save_stale_is_409_with_current_value(client, cycle):
    client.force_login(cycle.away)
    url = reverse("appraisal_leaf_save", args=[cycle.assessment.id, cycle.nodes["2.1"].id])
    assert client.post(url, {"value": "1", "version": "0"}).status_code == 302
    stale = client.post(url, {"value": "0,5", "comment": "Thiếu", "version": "0"})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Điểm hiện tại: 1,00" in text and "comment=Thiếu" in text
    as_json = client.post(
        url, {"value": "0,5", "comment": "Thiếu", "version": "0"}, HTTP_ACCEPT="application/json"
    )
    assert as_json.status_code == 409 and as_json.json()["current"]["value"] == "1.00"
    assert LeafScore.objects.get(stage=Stage.ROUND1).value == 1


def test_leaf_save_comment_required_message(client, cycle):
    client.force_login(cycle.away)
    url = reverse("appraisal_leaf_save", args=[cycle.assessment.id, cycle.nodes["2.1"].id])
    page = client.post(url, {"value": "0,5"}, follow=True)
    assert "cần ghi nhận xét" in page.content.decode()
    assert not LeafScore.objects.filter(stage=Stage.ROUND1).exists()


def test_phase_move_refusal_shown(client, cycle):
    services.appraisal_score_set(
        actor=cycle.home,
        assessment=cycle.assessment,
        criterion=cycle.nodes["1.1"],
        stage=Stage.ROUND1,
        inputs={"answer": True},
    )
    client.force_login(cycle.secretariat)
    page = client.post(
        reverse("appraisal_phase_move", args=[cycle.period.year]),
        {"to_phase": Phase.ROUND1_CLOSED},
        follow=True,
    )
    assert "Còn 1 mục thẩm định chéo chưa kết luận: SOTP 1.1" in page.content.decode()
    client.force_login(cycle.home)
    assert (
        client.post(
            reverse("appraisal_phase_move", args=[cycle.period.year]),
            {"to_phase": Phase.ROUND1_CLOSED},
        ).status_code
        == 404
    )


def test_assignments_csv_export_and_import_view(client, cycle):
    client.force_login(cycle.secretariat)
    exported = client.get(reverse("appraisal_assignments_csv", args=[cycle.period.year]))
    text = exported.content.decode("utf-8-sig")
    assert "2,SOTP,tham_dinh_khac" in text
    bad = SimpleUploadedFile("a.csv", b"field_code,unit_code,appraiser_username\n9,SOTP,x\n")
    page = client.post(
        reverse("appraisal_assignments", args=[cycle.period.year]), {"csv_file": bad}, follow=True
    )
    assert "Dòng 2:" in page.content.decode()
    good = SimpleUploadedFile("a.csv", b"2,SOTC,tham_dinh_nha\n")
    client.post(reverse("appraisal_assignments", args=[cycle.period.year]), {"csv_file": good})
    assert Assignment.objects.get(unit=cycle.other, field__code="2").appraiser == cycle.home


def test_agency_results_hidden_until_round1_closed_and_names_hidden(client, cycle):
    services.appraisal_score_set(
        actor=cycle.away,
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.1"],
        stage=Stage.ROUND1,
        inputs={"value": "0,5"},
        comment="Thiếu báo cáo",
        supplement_requested=True,
    )
    url = reverse("appraisal_agency", args=[cycle.assessment.id])
    client.force_login(cycle.staff)
    assert client.get(url).status_code == 404
    services.phase_move(
        actor=cycle.secretariat, period=cycle.period, to_phase=Phase.ROUND1_CLOSED, confirm=True
    )
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Thiếu báo cáo" in text
    assert cycle.away.username not in text and str(cycle.away) not in text
    assert f'id="supplement-{cycle.nodes["2.1"].id}"' in text
    client.force_login(cycle.other_staff)
    assert client.get(url).status_code == 404


def test_audit_views(client, cycle):
    services.appraisal_score_set(
        actor=cycle.away,
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.1"],
        stage=Stage.ROUND1,
        inputs={"value": "1"},
    )
    client.force_login(cycle.secretariat)
    leaf = client.get(
        reverse("appraisal_leaf_audit", args=[cycle.assessment.id, cycle.nodes["2.1"].id])
    )
    assert leaf.status_code == 200 and "Chấm điểm" in leaf.content.decode()
    exported = client.get(reverse("appraisal_audit_csv", args=[cycle.period.year]))
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0].startswith("at,unit_code,criterion_code") and ",SOTP,2.1,round1,score," in lines[1]
    )
    client.force_login(cycle.staff)
    assert client.get(reverse("appraisal_audit_csv", args=[cycle.period.year])).status_code == 404
