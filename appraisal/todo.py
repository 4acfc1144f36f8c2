"""What to do now: a short list per role of the next actions, from the year's phase and the
person's pending items (reads only). Shown on each role's home page (parindex.views.home).

Each action says what, until when (with working days left, scoring.calendar), and links
to the page where it is done. The secretariat's next phase move lists the same conditions
the cycle page checks (services.phase_move_problems).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import calendar, workflow
from scoring import rules as scoring_rules
from scoring import selectors as scoring_selectors
from scoring.enums import AssessmentStatus, DeadlineKind, Phase, Stage
from scoring.models import Assessment, LeafScore, Period
from units.enums import RoleKind
from units.rules import has_role, unit_ids_of

from . import schedule, services
from .enums import CouncilDecision
from .models import Assignment, CouncilApproval, CrossCheck, Supplement


@dataclass(frozen=True)
class Action:
    text: str
    link: str = ""
    urgent: bool = False  # a deadline within the last working days, or passed


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def _until(deadline, config) -> tuple[str, bool]:
    """The end of an action's text, " (hạn 23:59 16/12/2024, còn 3 ngày làm việc)" (empty
    without a deadline), and whether the deadline is close (a working day or less) or past."""
    if deadline is None:
        return "", False
    now = timezone.now()
    if now > deadline:
        return " (" + _("đã quá hạn %(when)s") % {"when": _when(deadline)} + ")", True
    left = calendar.working_days_between(
        timezone.localdate(now), calendar.local_date(deadline), config
    )
    if left == 0:
        return " (" + _("hạn cuối hôm nay, %(when)s") % {"when": _when(deadline)} + ")", True
    text = _("hạn %(when)s, còn %(n)s ngày làm việc") % {"when": _when(deadline), "n": left}
    return f" ({text})", left <= 1


def next_actions(*, actor, period: Period | None) -> list[Action]:
    if period is None or not actor.is_authenticated:
        return []
    config = calendar.province_days()
    actions: list[Action] = []
    actions += _agency(actor, period, config)
    if actor.has_perm("appraisal.view_queue", period):
        actions += _appraiser(actor, period, config)
    if actor.has_perm("appraisal.manage_cycle", period):
        actions += _secretariat(period, config)
    if has_role(actor, RoleKind.COUNCIL):
        actions += _council(actor, period)
    if has_role(actor, RoleKind.LEADERSHIP):
        actions += _leadership(period)
    return actions


def _submitted(period: Period) -> dict:
    return Assessment.objects.filter(period=period).aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(status=AssessmentStatus.SUBMITTED))
    )


# --- the agency ----------------------------------------------------------------------------


def _agency(actor, period: Period, config) -> list[Action]:
    unit_ids = unit_ids_of(actor)
    if not unit_ids:
        return []
    out = []
    assessments = Assessment.objects.filter(period=period, unit_id__in=unit_ids).select_related(
        "unit", "period"
    )
    for assessment in assessments:
        out += _agency_dossier(actor, assessment, config)
    return out


def _agency_dossier(actor, assessment: Assessment, config) -> list[Action]:
    period, unit = assessment.period, assessment.unit
    rules = workflow.rules_of(period.phase)
    if rules.agency_scores == Stage.SELF:
        if assessment.status == AssessmentStatus.SUBMITTED:
            return [
                Action(
                    _("%(unit)s: hồ sơ đã nộp lúc %(when)s; chờ thẩm định.")
                    % {"unit": unit.name, "when": _when(assessment.submitted_at)}
                    if assessment.submitted_at
                    else _("%(unit)s: hồ sơ đã nộp; chờ thẩm định.") % {"unit": unit.name},
                    reverse("workspace", args=[assessment.id]),
                )
            ]
        until, urgent = _until(scoring_rules.self_assessment_deadline(assessment), config)
        if scoring_rules.extension_in_force(assessment, DeadlineKind.SELF_ASSESSMENT):
            until += " " + _("(được gia hạn)")
        completeness = scoring_selectors.assessment_completeness(assessment=assessment)
        out = []
        if completeness.unscored or completeness.unexplained:
            out.append(
                Action(
                    _(
                        "%(unit)s: còn %(unscored)s tiêu chí chưa chấm, %(unexplained)s tiêu chí "
                        "chưa có tài liệu kiểm chứng hoặc giải trình"
                    )
                    % {
                        "unit": unit.name,
                        "unscored": len(completeness.unscored),
                        "unexplained": len(completeness.unexplained),
                    }
                    + until,
                    reverse("workspace", args=[assessment.id]),
                    urgent,
                )
            )
        if actor.has_perm("scoring.submit_assessment", assessment):
            out.append(
                Action(
                    _("%(unit)s: nộp hồ sơ tự đánh giá") % {"unit": unit.name} + until,
                    reverse("assessment_submit", args=[assessment.id]),
                    urgent,
                )
            )
        elif completeness.complete:
            out.append(
                Action(
                    _("%(unit)s: hồ sơ đã đủ; đề nghị thủ trưởng đơn vị nộp") % {"unit": unit.name}
                    + until,
                    reverse("assessment_submit", args=[assessment.id]),
                    urgent,
                )
            )
        return out
    if rules.agency_evidence == workflow.EVIDENCE_FLAGGED:
        flagged = LeafScore.objects.filter(
            assessment=assessment, stage=Stage.ROUND1, supplement_requested=True
        ).count()
        link = reverse("appraisal_agency", args=[assessment.id])
        if not flagged:
            return [
                Action(
                    _("%(unit)s: không có tiêu chí phải giải trình bổ sung.") % {"unit": unit.name},
                    link,
                )
            ]
        if period.supplement_start and timezone.now() < period.supplement_start:
            return [
                Action(
                    _("%(unit)s: %(n)s tiêu chí phải giải trình bổ sung; mở từ %(when)s.")
                    % {"unit": unit.name, "n": flagged, "when": _when(period.supplement_start)},
                    link,
                )
            ]
        answered = Supplement.objects.filter(assessment=assessment).count()
        until, urgent = _until(
            scoring_rules.unit_deadline(assessment, DeadlineKind.SUPPLEMENT), config
        )
        if scoring_rules.extension_in_force(assessment, DeadlineKind.SUPPLEMENT):
            until += " " + _("(được gia hạn)")
        return [
            Action(
                _("%(unit)s: giải trình bổ sung %(n)s tiêu chí (đã giải trình %(done)s)")
                % {"unit": unit.name, "n": flagged, "done": answered}
                + until,
                link,
                urgent,
            )
        ]
    round1_just_closed = Stage.ROUND1 in rules.agency_sees and not rules.supplement_requests_sent
    if round1_just_closed and actor.has_perm("appraisal.view_round1_results", assessment):
        return [
            Action(
                _("%(unit)s: xem kết quả thẩm định lần 1") % {"unit": unit.name},
                reverse("appraisal_agency", args=[assessment.id]),
            )
        ]
    if rules.results_public:
        return [
            Action(
                _("%(unit)s: xem kết quả và phiếu điểm năm %(year)s")
                % {"unit": unit.name, "year": period.year},
                reverse("reports:scorecard", args=[period.year, unit.code]),
            ),
            Action(
                _("%(unit)s: lập kế hoạch khắc phục các tiêu chí bị mất điểm")
                % {"unit": unit.name},
                reverse("reports:plan", args=[period.year, unit.code]),
            ),
        ]
    if rules.appraiser_scores or rules.council_approves:
        return [
            Action(
                _("%(unit)s: hồ sơ đang được thẩm định (%(phase)s); chưa cần làm gì.")
                % {"unit": unit.name, "phase": period.get_phase_display()}
            )
        ]
    return []


# --- the appraisers ------------------------------------------------------------------------


def _appraiser(actor, period: Period, config) -> list[Action]:
    stage = workflow.rules_of(period.phase).appraiser_scores
    queue = reverse("appraisal_queue", args=[period.year])
    checks = CrossCheck.objects.filter(
        assessment__period=period, checker=actor, decided_at__isnull=True
    ).count()
    if stage is None:
        assigned = Assignment.objects.filter(period=period, appraiser=actor).count()
        round_phase = workflow.next_round(period.phase)
        if round_phase is None or not assigned:
            return []
        start_field, _end = workflow.ROUND_DATES[workflow.rules_of(round_phase).appraiser_scores]
        start = getattr(period, start_field)
        text = _("Bạn được phân công %(n)s mục (đơn vị × lĩnh vực) cho “%(round)s”") % {
            "n": assigned,
            "round": Phase(round_phase).label,
        }
        if start:
            text += _(", bắt đầu %(day)s") % {"day": timezone.localtime(start).strftime("%d/%m/%Y")}
        return [Action(text + ".", queue)]
    done_field = "final_done_at" if stage == Stage.FINAL else "round1_done_at"
    pending = Assignment.objects.filter(
        period=period, appraiser=actor, **{f"{done_field}__isnull": True}
    ).count()
    deadline = getattr(period, workflow.ROUND_DATES[stage][1])
    until, urgent = _until(deadline, config)
    out = []
    if pending:
        out.append(
            Action(
                _("Thẩm định %(n)s mục (đơn vị × lĩnh vực) được phân công") % {"n": pending}
                + until,
                queue,
                urgent,
            )
        )
    if checks:
        out.append(
            Action(
                _("Kết luận %(n)s mục thẩm định chéo được giao") % {"n": checks},
                queue,
                urgent,
            )
        )
    if not out:
        out.append(Action(_("Đã hoàn thành các mục được phân công trong vòng này."), queue))
    return out


# --- the secretariat -----------------------------------------------------------------------


def _secretariat(period: Period, config) -> list[Action]:
    year = period.year
    cycle = reverse("appraisal_cycle", args=[year])
    out = []
    dates = schedule.period_dates(period=period)
    missing = [str(spec.label) for spec in schedule.DATES if dates[spec.name] is None]
    if missing and not workflow.rules_of(period.phase).frozen:
        out.append(
            Action(
                _("Đặt lịch năm: còn thiếu %(n)s mốc (%(first)s…)")
                % {"n": len(missing), "first": missing[0]},
                reverse("appraisal_calendar", args=[year]),
            )
        )
    rules = workflow.rules_of(period.phase)
    if rules.agency_scores == Stage.SELF:
        counts = _submitted(period)
        until, urgent = _until(period.self_assessment_deadline, config)
        out.append(
            Action(
                _("%(s)s/%(t)s đơn vị đã nộp hồ sơ tự đánh giá")
                % {"s": counts["submitted"], "t": counts["total"]}
                + until,
                cycle,
                urgent,
            )
        )
    if rules.appraiser_scores:
        stage = rules.appraiser_scores
        done_field = "final_done_at" if stage == Stage.FINAL else "round1_done_at"
        pending = Assignment.objects.filter(
            period=period, **{f"{done_field}__isnull": True}
        ).count()
        unassigned = CrossCheck.objects.filter(
            assessment__period=period, stage=stage, decided_at__isnull=True, checker__isnull=True
        ).count()
        out.append(
            Action(
                _("%(n)s mục phân công chưa thẩm định xong trong vòng này") % {"n": pending},
                reverse("appraisal_team", args=[year]),
            )
        )
        if unassigned:
            out.append(
                Action(
                    _("Giao người thẩm định chéo cho %(n)s mục") % {"n": unassigned},
                    cycle,
                    True,
                )
            )
    phase_deadline = next(
        (
            getattr(period, name)
            for name, (phase, _audience) in workflow.DEADLINES.items()
            if phase == period.phase
        ),
        None,
    )
    for to_phase in workflow.next_phases(period.phase):
        step = workflow.transition(period.phase, to_phase)
        if step.reason_required:
            continue  # moves back are not "next"
        problems = services.phase_move_problems(period=period, to_phase=to_phase)
        label = Phase(to_phase).label
        if phase_deadline is not None and timezone.now() <= phase_deadline:
            text = _("Sau hạn %(when)s: chuyển sang “%(phase)s”") % {
                "when": _when(phase_deadline),
                "phase": label,
            }
        elif problems:
            text = _("Trước khi chuyển sang “%(phase)s”: %(problems)s") % {
                "phase": label,
                "problems": " ".join(problems),
            }
        else:
            text = _("Có thể chuyển sang “%(phase)s”") % {"phase": label}
        out.append(Action(text, cycle))
    return out


# --- the council ---------------------------------------------------------------------------


def _council(actor, period: Period) -> list[Action]:
    if not actor.has_perm("appraisal.approve", period):
        if period.council_date and not workflow.rules_of(period.phase).frozen:
            return [
                Action(
                    _("Họp Hội đồng thẩm định ngày %(day)s (giai đoạn hiện tại: %(phase)s).")
                    % {
                        "day": timezone.localtime(period.council_date).strftime("%d/%m/%Y"),
                        "phase": period.get_phase_display(),
                    },
                    reverse("appraisal_calendar", args=[period.year]),
                )
            ]
        return []
    page = reverse("appraisal_council", args=[period.year])
    mine = CouncilApproval.objects.filter(period=period, member=actor, superseded=False).first()
    if mine is not None:
        text = (
            _("Bạn đã thông qua kết quả lúc %(when)s.")
            if mine.decision == CouncilDecision.APPROVED
            else _("Bạn đã cho ý kiến không thông qua lúc %(when)s.")
        )
        return [Action(text % {"when": _when(mine.approved_at)}, page)]
    return [
        Action(
            _("Xem kết quả và cho ý kiến (thông qua hoặc không) năm %(year)s")
            % {"year": period.year},
            page,
        )
    ]


# --- leadership ----------------------------------------------------------------------------


def _leadership(period: Period) -> list[Action]:
    dashboard = reverse("reports:dashboard")
    if workflow.rules_of(period.phase).results_public:
        return [
            Action(
                _("Kết quả năm %(year)s đã công bố: xem tổng quan và báo cáo")
                % {"year": period.year},
                dashboard,
            )
        ]
    counts = _submitted(period)
    return [
        Action(
            _("Theo dõi tiến độ năm %(year)s (%(phase)s): %(s)s/%(t)s đơn vị đã nộp hồ sơ")
            % {
                "year": period.year,
                "phase": period.get_phase_display(),
                "s": counts["submitted"],
                "t": counts["total"],
            },
            dashboard,
        )
    ]
