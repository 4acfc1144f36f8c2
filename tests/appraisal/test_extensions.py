"""Extensions (issue 13, item 4): one unit gets more time, with a reason; it counts in the
late flag and in every deadline check of the trust rules (scoring.rules.unit_deadline),
shows on the unit's pages, reaches reminders and "what to do now", and is audited and
notified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from appraisal import extensions, services
from appraisal.enums import NotificationKind
from appraisal.models import Notification
from appraisal.todo import next_actions
from scoring import calendar
from scoring import rules as scoring_rules
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import Assessment, AuditEntry, DeadlineExtension, Period
from scoring.services import assessment_submit, assessment_withdraw, self_score_set
from scoring.workflow import Item
from tests.factories import set_score

from .test_services import move, score, set_phase

SCORED = {
    "1.1": {"answer": True},
    "1.2": {"level": "on_time"},
    "2.1": {"value": "1"},
    "2.2": {"numerator": "95", "denominator": "100"},
    "2.3": {"sipas": "90"},
    "2.4": {"count": "2"},
}


def working_day(offset: int):
    return calendar.add_working_days(timezone.localdate(), offset)


@pytest.fixture
def late_year(cycle):
    """Self-assessment whose deadline passed yesterday; both dossiers are complete drafts."""
    set_phase(cycle, Phase.SELF_ASSESSMENT)
    Period.objects.filter(pk=cycle.period.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(days=1)
    )
    for assessment in (cycle.assessment, cycle.other_assessment):
        Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.DRAFT)
        for code, inputs in SCORED.items():
            assessment.scores.update_or_create(
                criterion=cycle.nodes[code],
                stage=Stage.SELF,
                defaults={"inputs": inputs, "value": 1, "explanation": "Có văn bản"},
            )
    cycle.period.refresh_from_db()
    return cycle


def fresh(assessment):
    return Assessment.objects.select_related("period", "unit").get(pk=assessment.pk)


def grant(cycle, assessment=None, days=5, deadline="self_assessment_deadline", **kw):
    return extensions.extension_grant(
        actor=cycle.secretariat,
        assessment=assessment or cycle.assessment,
        deadline=deadline,
        until=kw.pop("until", working_day(days)),
        reason=kw.pop("reason", "Thủ trưởng mới nhận nhiệm vụ"),
    )


def test_extension_keeps_the_draft_open_and_the_submission_on_time(late_year):
    staff, head = late_year.staff, late_year.head
    own, other = fresh(late_year.assessment), fresh(late_year.other_assessment)
    assert not staff.has_perm("scoring.edit_self_assessment", own)
    granted = grant(late_year)
    own = fresh(late_year.assessment)
    assert scoring_rules.self_assessment_deadline(own) == granted.extension.until
    assert staff.has_perm("scoring.edit_self_assessment", own)
    self_score_set(
        actor=staff,
        assessment=own,
        criterion=late_year.nodes["1.1"],
        inputs={"answer": True},
        explanation="Kế hoạch số 12/KH-STP",
    )
    submitted = assessment_submit(actor=head, assessment=own, confirm=True)
    assert submitted.status == AssessmentStatus.SUBMITTED and not submitted.is_late
    # The head may take it back while the extension runs.
    assert assessment_withdraw(actor=head, assessment=fresh(own)).status == "draft"
    # The unit without an extension: its draft is closed, its submission is late.
    assert not staff.has_perm("scoring.edit_self_assessment", other)


def test_submission_after_the_extension_is_late(late_year):
    grant(late_year)
    DeadlineExtension.objects.update(until=timezone.now() - timedelta(hours=1))
    submitted = assessment_submit(
        actor=late_year.head, assessment=fresh(late_year.assessment), confirm=True
    )
    assert submitted.is_late


def test_other_units_late_flag_is_unchanged(late_year):
    grant(late_year)  # SOTP only
    from tests.factories import make_user
    from units.enums import RoleKind

    other_head = make_user(RoleKind.AGENCY_HEAD, late_year.other)
    submitted = assessment_submit(
        actor=other_head, assessment=fresh(late_year.other_assessment), confirm=True
    )
    assert submitted.is_late


def test_supplement_extension_keeps_the_window_open_for_that_unit(cycle):
    score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu", supplement_requested=True)
    set_score(
        cycle.other_assessment,
        cycle.nodes["2.1"],
        "0.5",
        stage=Stage.ROUND1,
        supplement_requested=True,
    )
    move(cycle, Phase.ROUND1_CLOSED)
    grant(cycle, deadline="supplement_end", until=working_day(8))
    move(cycle, Phase.SUPPLEMENT)
    Period.objects.filter(pk=cycle.period.pk).update(
        supplement_end=timezone.now() - timedelta(hours=1)
    )
    own, other = fresh(cycle.assessment), fresh(cycle.other_assessment)
    leaf = cycle.nodes["2.1"]
    assert cycle.staff.has_perm("appraisal.supplement_item", Item(own, leaf, Stage.ROUND1))
    services.supplement_explanation_set(
        actor=cycle.staff, assessment=own, criterion=leaf, explanation="Bổ sung kế hoạch"
    )
    assert not cycle.other_staff.has_perm(
        "appraisal.supplement_item", Item(other, leaf, Stage.ROUND1)
    )
    with pytest.raises(ValidationError) as refused:
        services.supplement_explanation_set(
            actor=cycle.other_staff, assessment=other, criterion=leaf, explanation="Muộn"
        )
    assert refused.value.code == "window_closed"


def test_extension_refusals_save_nothing(late_year):
    with pytest.raises(ValidationError) as refused:
        grant(late_year, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        grant(late_year, until=timezone.localdate() - timedelta(days=10))
    assert "phải sau hạn chung" in refused.value.message_dict["until"][0]
    with pytest.raises(PermissionDenied):
        extensions.extension_grant(
            actor=late_year.staff,
            assessment=late_year.assessment,
            deadline="self_assessment_deadline",
            until=working_day(5),
            reason="Tự gia hạn",
        )
    set_phase(late_year, Phase.ROUND1)
    with pytest.raises(ValidationError) as refused:
        grant(late_year)
    assert "không còn gia hạn được" in refused.value.message_dict["deadline"][0]
    assert not DeadlineExtension.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.EXTENSION).exists()


def test_extension_to_a_non_working_day_moves_to_the_next(late_year):
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 + 7)
    granted = grant(late_year, until=saturday)
    assert granted.moved_from == saturday and granted.moved_reason
    assert calendar.is_working_day(timezone.localtime(granted.extension.until).date())


def test_extension_is_audited_notified_and_withdrawn(late_year):
    granted = grant(late_year)
    entry = AuditEntry.objects.get(action=AuditAction.EXTENSION)
    assert entry.assessment_id == late_year.assessment.pk
    assert entry.new_value["reason"] == "Thủ trưởng mới nhận nhiệm vụ"
    told = Notification.objects.filter(kind=NotificationKind.EXTENSION)
    assert {n.recipient for n in told} == {late_year.staff, late_year.head}
    assert "gia hạn nộp hồ sơ tự đánh giá" in told.first().text
    assert calendar.local_date(granted.extension.until).strftime("%d/%m/%Y") in told.first().text
    extensions.extension_withdraw(
        actor=late_year.secretariat,
        assessment=late_year.assessment,
        deadline="self_assessment_deadline",
        reason="Cấp nhầm đơn vị",
    )
    assert not DeadlineExtension.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.EXTENSION).count() == 2
    assert not late_year.staff.has_perm("scoring.edit_self_assessment", fresh(late_year.assessment))


def test_extension_reaches_what_to_do_now_and_the_unit_pages(client, late_year):
    grant(late_year)
    [action, *_rest] = next_actions(actor=late_year.staff, period=late_year.period)
    assert "(được gia hạn)" in action.text and "còn 5 ngày làm việc" in action.text
    client.force_login(late_year.staff)
    page = client.get(f"/ho-so/{late_year.assessment.pk}/").content.decode()
    assert "được gia hạn, hạn chung" in page and "Thủ trưởng mới nhận nhiệm vụ" in page
    home = client.get("/").content.decode()
    assert "được gia hạn đến" in home


def test_reminders_follow_each_units_own_deadline(late_year):
    """The year's deadline is three working days away for SOTC; SOTP's extension puts its
    own eight days away: only SOTC's people are reminded now."""
    Period.objects.filter(pk=late_year.period.pk).update(
        self_assessment_deadline=calendar.day_end(working_day(3))
    )
    late_year.period.refresh_from_db()
    grant(late_year, days=8)
    Notification.objects.all().delete()
    services.deadline_reminders_send()
    reminded = set(Notification.objects.filter(kind="deadline").values_list("recipient", flat=True))
    assert late_year.other_staff.pk in reminded
    assert late_year.staff.pk not in reminded and late_year.head.pk not in reminded
    # Five working days later SOTP's own reminder comes (3 days before its deadline).
    later = timezone.now() + timedelta(days=7)
    while calendar.working_days_between(timezone.localtime(later).date(), working_day(8)) not in (
        1,
        2,
        3,
    ):
        later += timedelta(days=1)
    services.deadline_reminders_send(now=later)
    reminded = set(Notification.objects.filter(kind="deadline").values_list("recipient", flat=True))
    assert late_year.staff.pk in reminded


def test_supplement_letter_states_the_units_own_window(cycle):
    from reports.selectors import supplement_letter_data

    score(cycle, cycle.away, "2.1", {"value": "0,5"}, comment="Thiếu", supplement_requested=True)
    move(cycle, Phase.ROUND1_CLOSED)
    granted = grant(cycle, deadline="supplement_end", until=working_day(8))
    data = supplement_letter_data(period=fresh(cycle.assessment).period, unit=cycle.unit)
    assert data["supplement_end"] == granted.extension.until
    other = supplement_letter_data(period=cycle.period, unit=cycle.other)
    assert other["supplement_end"] == cycle.period.supplement_end
