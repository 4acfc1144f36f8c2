"""The agency self-assessment services: scoring a leaf, exemptions, submit and withdraw."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evidence.models import EvidenceFile, EvidenceLink
from scoring import engine, selectors, services
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Exemption, LeafScore
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_node,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, _fast_passwords):
    group = make_group()
    other_group = make_group()
    period = make_period(
        groups=[group, other_group],
        self_assessment_deadline=timezone.now() + timedelta(days=3),
    )
    nodes = make_small_tree(period, [group])
    # A leaf that applies to the other group only.
    nodes["1.3"] = make_node(
        period, "1.3", "Chỉ khối khác", nodes["1"], method="yes_no", maxima={other_group: "1"}
    )
    unit = make_unit(group)
    other_unit = make_unit(group)
    return SimpleNamespace(
        period=period,
        nodes=nodes,
        unit=unit,
        assessment=make_assessment(period, unit),
        other_assessment=make_assessment(period, other_unit),
        staff=make_user(RoleKind.AGENCY_STAFF, unit),
        head=make_user(RoleKind.AGENCY_HEAD, unit),
        other_staff=make_user(RoleKind.AGENCY_STAFF, other_unit),
        secretariat=make_user(RoleKind.SECRETARIAT),
    )


def score(w, code, inputs, explanation="", actor=None, **kw):
    return services.self_score_set(
        actor=actor or w.staff,
        assessment=w.assessment,
        criterion=w.nodes[code],
        inputs=inputs,
        explanation=explanation,
        **kw,
    )


def link_evidence(assessment, criterion, name="ke-hoach.pdf"):
    digest = hashlib.sha256(f"{assessment.pk}-{criterion.pk}-{name}".encode()).hexdigest()
    file = EvidenceFile.objects.create(
        assessment=assessment,
        storage_key=f"test/{digest}",
        original_name=name,
        kind="pdf",
        content_type="application/pdf",
        size=1234,
        sha256=digest,
    )
    return EvidenceLink.objects.create(file=file, criterion=criterion)


def score_everything(w, with_explanation=True):
    text = "Có văn bản số 12/KH-UBND" if with_explanation else ""
    score(w, "1.1", {"answer": "true"}, text)
    score(w, "1.2", {"level": "late"}, text)
    score(w, "2.1", {"value": "0,75"}, text)
    score(w, "2.2", {"numerator": "90", "denominator": "100"}, text)
    score(w, "2.3", {"sipas": "81"}, text)
    score(w, "2.4", {"count": "1"}, text)


# --- self_score_set ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "inputs", "points"),
    [
        ("1.1", {"answer": "true"}, "2.00"),
        ("1.1", {"answer": "false"}, "0.00"),
        ("1.2", {"level": "late"}, "1.00"),
        ("2.1", {"value": "0,75"}, "0.75"),
        ("2.2", {"numerator": "90", "denominator": "100"}, "1.89"),
        ("2.3", {"sipas": "81"}, "1.80"),
        ("2.4", {"count": "5"}, "1.00"),
        ("B.1", {"value": "1,5"}, "1.50"),
        ("D.1", {"count": "1"}, "2.00"),
    ],
)
def test_self_score_set_every_method_computes_points(world, code, inputs, points):
    saved = score(world, code, inputs, "Giải trình")
    assert saved.stage == Stage.SELF
    assert saved.value == Decimal(points)
    assert saved.inputs == inputs
    assert saved.explanation == "Giải trình"
    assert saved.version == 1
    assert saved.updated_by == world.staff


@pytest.mark.parametrize(
    ("code", "inputs", "message"),
    [
        ("2.1", {"value": "1,5"}, "Điểm 1,50 vượt quá điểm tối đa 1,00."),
        ("2.1", {"value": "0,3"}, "Điểm phải chấm theo bước 0,25 điểm."),
        ("2.1", {"value": "abc"}, "Điểm “abc” không phải là một số hợp lệ."),
        ("2.1", {"value": "-1"}, "Điểm không được âm."),
        (
            "2.2",
            {"numerator": "5", "denominator": "0"},
            "Mẫu số phải lớn hơn 0; nếu không phát sinh, hãy đề nghị giảm trừ.",
        ),
        (
            "2.2",
            {"numerator": "101", "denominator": "100"},
            "Tử số phải nằm trong khoảng từ 0 đến mẫu số.",
        ),
        ("2.3", {"sipas": "120"}, "Chỉ số hài lòng phải từ 0 đến 100%."),
        ("2.4", {"count": "-2"}, "Số lượng phải là số nguyên không âm."),
        ("1.2", {"level": "sometimes"}, "Hãy chọn một mức trong danh sách."),
    ],
)
def test_self_score_set_bad_input_refused_and_nothing_saved(world, code, inputs, message):
    with pytest.raises(engine.ScoringInputError) as caught:
        score(world, code, inputs, "Giải trình không được lưu")
    assert str(caught.value) == message
    assert not LeafScore.objects.filter(assessment=world.assessment).exists()


def test_self_score_set_bad_input_keeps_previous_score(world):
    score(world, "2.1", {"value": "0,5"})
    with pytest.raises(engine.ScoringInputError):
        score(world, "2.1", {"value": "9"})
    stored = LeafScore.objects.get(assessment=world.assessment, criterion=world.nodes["2.1"])
    assert (stored.value, stored.version) == (Decimal("0.50"), 1)


def test_self_score_set_identical_save_is_noop(world):
    first = score(world, "2.1", {"value": "0.5"}, "Đã rà soát")
    again = score(world, "2.1", {"value": " 0.5 "}, "Đã rà soát ", expected_version=0)
    assert again.pk == first.pk
    assert again.version == 1
    assert LeafScore.objects.get(pk=first.pk).version == 1


def test_self_score_set_change_bumps_version(world):
    score(world, "2.1", {"value": "0.5"})
    changed = score(world, "2.1", {"value": "0.75"}, expected_version=1)
    assert (changed.value, changed.version) == (Decimal("0.75"), 2)


def test_self_score_set_stale_version_raises_with_current(world):
    score(world, "2.1", {"value": "0.5"})
    score(world, "2.1", {"value": "0.75"}, expected_version=1)
    with pytest.raises(services.StaleVersionError) as caught:
        score(world, "2.1", {"value": "1"}, expected_version=1)
    assert caught.value.current.version == 2
    assert caught.value.current.value == Decimal("0.75")
    assert "phiên bản 2" in str(caught.value)
    stored = LeafScore.objects.get(assessment=world.assessment, criterion=world.nodes["2.1"])
    assert stored.value == Decimal("0.75")


def test_self_score_set_stale_version_on_new_row(world):
    with pytest.raises(services.StaleVersionError) as caught:
        score(world, "2.1", {"value": "1"}, expected_version=3)
    assert caught.value.current is None


def test_self_score_set_explanation_alone_is_saved_without_points(world):
    saved = score(world, "2.2", {"numerator": "", "denominator": " "}, "Đang tổng hợp số liệu")
    assert saved.value is None
    assert saved.inputs == {}
    assert saved.explanation == "Đang tổng hợp số liệu"


def test_self_score_set_drops_inputs_of_other_methods(world):
    saved = score(world, "1.1", {"answer": "true", "value": "7", "count": "3"})
    assert saved.inputs == {"answer": "true"}


def test_self_score_set_leaf_of_other_group_refused(world):
    with pytest.raises(ValidationError) as caught:
        score(world, "1.3", {"answer": "true"})
    assert caught.value.messages == [
        "Tiêu chí 1.3 không áp dụng cho khối của đơn vị trong kỳ đánh giá này."
    ]


def test_self_score_set_non_leaf_refused(world):
    with pytest.raises(ValidationError):
        score(world, "1", {"answer": "true"})


def test_self_score_set_other_units_staff_refused(world):
    with pytest.raises(PermissionDenied):
        score(world, "1.1", {"answer": "true"}, actor=world.other_staff)
    with pytest.raises(PermissionDenied):
        score(world, "1.1", {"answer": "true"}, actor=world.secretariat)
    assert not LeafScore.objects.exists()


def test_self_score_set_outside_self_phase_refused(world):
    world.period.phase = Phase.ROUND1
    world.period.save()
    with pytest.raises(PermissionDenied):
        score(world, "1.1", {"answer": "true"})


def test_self_score_set_exempt_leaf_refuses_points(world):
    services.self_exemption_claim(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["2.2"],
        reason="Không có TTHC",
    )
    with pytest.raises(ValidationError) as caught:
        score(world, "2.2", {"numerator": "1", "denominator": "1"})
    assert "giảm trừ" in caught.value.messages[0]
    assert score(world, "2.2", {}, "Chỉ giải trình").value is None


# --- exemptions --------------------------------------------------------------------------


def test_self_exemption_claim_requires_reason(world):
    with pytest.raises(ValidationError) as caught:
        services.self_exemption_claim(
            actor=world.staff,
            assessment=world.assessment,
            criterion=world.nodes["2.2"],
            reason="  ",
        )
    assert caught.value.messages == ["Vui lòng nêu lý do đề nghị giảm trừ"]
    assert not Exemption.objects.exists()


def test_self_exemption_claim_and_withdraw(world):
    score(world, "2.2", {"numerator": "90", "denominator": "100"})
    exemption = services.self_exemption_claim(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["2.2"],
        reason="Đơn vị không có thủ tục hành chính",
    )
    assert (exemption.stage, exemption.created_by) == (Stage.SELF, world.staff)
    total, _ = selectors.running_total(actor=world.staff, assessment=world.assessment)
    assert total.standard == Decimal("8.00")
    # Claiming again with another reason updates it; no second row.
    services.self_exemption_claim(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["2.2"],
        reason="Lý do mới",
    )
    assert Exemption.objects.get().reason == "Lý do mới"
    services.self_exemption_withdraw(
        actor=world.staff, assessment=world.assessment, criterion=world.nodes["2.2"]
    )
    assert not Exemption.objects.exists()
    # The score entered before the claim was kept and counts again.
    total, _ = selectors.running_total(actor=world.staff, assessment=world.assessment)
    assert (total.standard, total.score) == (Decimal("10.00"), Decimal("1.89"))


# --- submit ------------------------------------------------------------------------------


def submit(w, actor=None, confirm=True):
    return services.assessment_submit(
        actor=actor or w.head, assessment=w.assessment, confirm=confirm
    )


def test_assessment_submit_complete_dossier(world):
    score_everything(world)
    submitted = submit(world)
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert submitted.submitted_by == world.head
    assert submitted.is_late is False
    assert abs(submitted.submitted_at - timezone.now()) < timedelta(minutes=1)


def test_assessment_submit_lists_unscored_leaves(world):
    score(world, "1.1", {"answer": "true"}, "Có kế hoạch")
    with pytest.raises(services.IncompleteAssessmentError) as caught:
        submit(world)
    assert caught.value.unscored == ["1.2", "2.1", "2.2", "2.3", "2.4"]
    assert caught.value.messages == [
        "Hồ sơ chưa đầy đủ. Các tiêu chí chưa chấm điểm: 1.2, 2.1, 2.2, 2.3, 2.4."
    ]
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.DRAFT


def test_assessment_submit_needs_evidence_or_explanation(world):
    score_everything(world, with_explanation=False)
    link_evidence(world.assessment, world.nodes["1.1"])
    score(world, "1.2", {"level": "late"}, "Báo cáo số 5/BC gửi ngày 20/12")
    with pytest.raises(services.IncompleteAssessmentError) as caught:
        submit(world)
    assert caught.value.unscored == []
    assert caught.value.unexplained == ["2.1", "2.2", "2.3", "2.4"]
    assert (
        "chưa có tài liệu kiểm chứng hoặc giải trình: 2.1, 2.2, 2.3, 2.4"
        in (caught.value.messages[0])
    )


def test_assessment_submit_exempt_and_optional_leaves_not_required(world):
    score_everything(world)
    services.self_exemption_claim(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["2.2"],
        reason="Không có TTHC",
    )
    LeafScore.objects.filter(criterion=world.nodes["2.2"]).delete()
    # Bonus (B.1) and deduction (D.1) are not scored: optional.
    assert submit(world).status == AssessmentStatus.SUBMITTED


def test_assessment_submit_requires_confirmation(world):
    score_everything(world)
    with pytest.raises(ValidationError) as caught:
        submit(world, confirm=False)
    assert caught.value.messages == ["Vui lòng xác nhận nội dung hồ sơ trước khi nộp."]


def test_assessment_submit_staff_refused(world):
    score_everything(world)
    with pytest.raises(PermissionDenied):
        submit(world, actor=world.staff)


def test_assessment_submit_late_is_recorded(world):
    score_everything(world)  # drafts change only before the deadline (issue 11)
    world.period.self_assessment_deadline = timezone.now() - timedelta(hours=2)
    world.period.save()
    before = timezone.now()
    submitted = submit(world)
    assert submitted.is_late is True
    assert submitted.submitted_at >= before
    world.assessment.refresh_from_db()
    assert (world.assessment.is_late, world.assessment.status) == (True, AssessmentStatus.SUBMITTED)


def test_assessment_submit_closed_by_secretariat_refused(world):
    score_everything(world)  # drafts change only before the deadline (issue 11)
    world.period.self_assessment_deadline = timezone.now() - timedelta(hours=2)
    world.period.self_assessment_closed = True
    world.period.save()
    with pytest.raises(ValidationError) as caught:
        submit(world)
    assert caught.value.messages == ["Bộ phận thư ký đã khóa việc nộp hồ sơ"]
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.DRAFT


def test_assessment_submit_twice_is_noop(world):
    score_everything(world)
    first = submit(world)
    again = submit(world)
    assert again.submitted_at == first.submitted_at


def test_assessment_submitted_is_read_only(world):
    score_everything(world)
    submit(world)
    with pytest.raises(PermissionDenied):
        score(world, "2.1", {"value": "1"})
    with pytest.raises(PermissionDenied):
        services.self_exemption_claim(
            actor=world.staff, assessment=world.assessment, criterion=world.nodes["2.1"], reason="x"
        )
    assert LeafScore.objects.get(criterion=world.nodes["2.1"]).value == Decimal("0.75")


# --- withdraw ----------------------------------------------------------------------------


def test_assessment_withdraw_before_deadline_back_to_draft(world):
    score_everything(world)
    submit(world)
    withdrawn = services.assessment_withdraw(actor=world.head, assessment=world.assessment)
    assert withdrawn.status == AssessmentStatus.DRAFT
    assert withdrawn.submitted_at is None
    score(world, "2.1", {"value": "1"})  # editable again


def test_assessment_withdraw_after_deadline_refused(world):
    score_everything(world)
    submit(world)
    world.period.self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    world.period.save()
    with pytest.raises(ValidationError) as caught:
        services.assessment_withdraw(actor=world.head, assessment=world.assessment)
    assert caught.value.messages[0].startswith("Đã quá hạn nộp hồ sơ (")
    assert caught.value.messages[0].endswith("), không thể rút hồ sơ về để sửa.")
    world.assessment.refresh_from_db()
    assert world.assessment.status == AssessmentStatus.SUBMITTED


def test_assessment_withdraw_staff_refused(world):
    score_everything(world)
    submit(world)
    with pytest.raises(PermissionDenied):
        services.assessment_withdraw(actor=world.staff, assessment=world.assessment)


# --- selectors ---------------------------------------------------------------------------


def test_workspace_summary_counts_per_field(world):
    score(world, "1.1", {"answer": "true"}, "Có")
    score(world, "2.1", {"value": "0.5"})
    services.self_exemption_claim(
        actor=world.staff,
        assessment=world.assessment,
        criterion=world.nodes["2.2"],
        reason="Không có TTHC",
    )
    score(world, "B.1", {"value": "2"})
    score(world, "D.1", {"count": "1"})
    link_evidence(world.assessment, world.nodes["1.1"])
    summary = selectors.workspace_summary(actor=world.staff, assessment=world.assessment)
    fields = {f.code: f for f in summary["fields"]}
    assert list(fields) == ["1", "2", "B", "D"]
    assert (
        fields["1"].applicable,
        fields["1"].scored,
        fields["1"].exempt,
        fields["1"].evidence,
    ) == (2, 1, 0, 1)
    assert (
        fields["2"].applicable,
        fields["2"].scored,
        fields["2"].exempt,
        fields["2"].to_score,
    ) == (4, 1, 1, 3)
    assert fields["1"].sub_index.index == Decimal("50.00")
    assert fields["2"].sub_index.standard == Decimal("4.00")
    assert fields["B"].points == Decimal("2.00")
    total = summary["total"]
    # standard 10 − 2 (exempt 2.2) = 8; score 2 + 0.5 + bonus 2 − 2 = 2.5 → 31.25%.
    assert (total.standard, total.score, total.index, total.band) == (
        Decimal("8.00"),
        Decimal("2.50"),
        Decimal("31.25"),
        "yeu",
    )
    assert [m.code for m in summary["completeness"].unscored] == ["1.2", "2.3", "2.4"]
