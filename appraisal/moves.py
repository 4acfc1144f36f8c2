"""What a phase move would do, before it is made: its consequences (reads only).

A move with consequences is made only when the secretariat confirms it, having seen them
(appraisal.services.phase_move with confirm; the cycle page's checkbox; the API's
`"confirm": true`, else 409 with the list). Each consequence says its kind, how many, the
units concerned (codes) and, in Vietnamese, what will happen:

| kind | when | what |
| --- | --- | --- |
| not_submitted | the appraisal starts (appraisal_started) | units that never submitted, and what the year's setting does with them |
| still_in_time | a forward move before the deadline of the phase being ended (workflow.DEADLINES, each unit's own with its extension) | units still in time: an unusual move, it needs a reason |
| assignments_not_done | a round closes (appraiser_scores) | (unit, field) items not declared done |
| open_cross_checks | a round closes | cross-checks not concluded |
| no_score | a round closes | units with no score at all in that round |
| supplement_unanswered | the supplement window closes (agency_evidence = flagged) | units with flagged items that sent nothing |
| council_objections | the results are made public (results_public) | council members who objected |
| approvals_superseded | a reopening (Transition.reopens) | the council's approvals, kept as history |

A fixed number of queries whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import EvidenceFile
from scoring import rules as scoring_rules
from scoring import workflow
from scoring.enums import AssessmentStatus, DeadlineKind, Stage, UnsubmittedPolicy
from scoring.models import Assessment, LeafScore, Period

from .enums import CouncilDecision
from .models import Assignment, CouncilApproval, CrossCheck, Supplement

UNUSUAL = "still_in_time"  # the consequence that makes a forward move need a reason


@dataclass(frozen=True)
class Consequence:
    kind: str
    count: int
    units: list[str] = field(default_factory=list)  # unit codes
    text: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "count": self.count, "units": self.units, "text": self.text}


def _codes(values) -> list[str]:
    return sorted(set(values))


def _round_closing(from_rules, to_rules) -> str | None:
    """The stage whose round the move closes (None: no round closes)."""
    stage = from_rules.appraiser_scores
    return stage if stage and to_rules.appraiser_scores != stage else None


def unsubmitted_text(policy: str, count: int) -> str:
    """What happens to the units that never submitted, by the year's setting."""
    if policy == UnsubmittedPolicy.EXCLUDE:
        return _(
            "%(n)s đơn vị chưa nộp hồ sơ: không được xếp hạng, ghi chú “không nộp hồ sơ” "
            "trên bảng xếp hạng, báo cáo, văn bản và dữ liệu mở."
        ) % {"n": count}
    return _(
        "%(n)s đơn vị chưa nộp hồ sơ: bản đang soạn được thẩm định và xếp hạng, ghi chú "
        "“không nộp hồ sơ” trên bảng xếp hạng, báo cáo, văn bản và dữ liệu mở."
    ) % {"n": count}


def _drafts(period: Period) -> list[Assessment]:
    return list(
        Assessment.objects.filter(period=period, status=AssessmentStatus.DRAFT)
        .select_related("unit")
        .prefetch_related("extensions")
    )


def _still_in_time(period: Period, now) -> Consequence | None:
    """Units whose deadline of the phase being ended is still ahead (their own, with an
    extension, for the agency's deadlines)."""
    name = next(
        (n for n, (phase, _who) in workflow.DEADLINES.items() if phase == period.phase), None
    )
    if name is None or getattr(period, name) is None:
        return None
    if name in DeadlineKind.values:
        if name == DeadlineKind.SELF_ASSESSMENT:
            concerned = _drafts(period)
        else:
            flagged = LeafScore.objects.filter(
                assessment__period=period, stage=workflow.FLAG_STAGE, supplement_requested=True
            ).values("assessment_id")
            concerned = list(
                Assessment.objects.filter(pk__in=flagged)
                .select_related("unit")
                .prefetch_related("extensions")
            )
        units = []
        for assessment in concerned:
            assessment.period = period
            if now <= scoring_rules.unit_deadline(assessment, name):
                units.append(assessment.unit.code)
    else:  # a round's end: the units with items not done
        if now > getattr(period, name):
            return None
        stage = workflow.rules_of(period.phase).appraiser_scores
        done = "final_done_at" if stage == Stage.FINAL else "round1_done_at"
        units = list(
            Assignment.objects.filter(period=period, **{f"{done}__isnull": True}).values_list(
                "unit__code", flat=True
            )
        )
    units = _codes(units)
    if not units:
        return None
    label = str(Period._meta.get_field(name).verbose_name)
    return Consequence(
        UNUSUAL,
        len(units),
        units,
        _("Chưa đến %(what)s (%(when)s) của %(n)s đơn vị: chuyển giai đoạn sớm cần ghi rõ lý do.")
        % {
            "what": label,
            "when": timezone.localtime(getattr(period, name)).strftime("%H:%M %d/%m/%Y"),
            "n": len(units),
        },
    )


def _round_consequences(period: Period, stage: str) -> list[Consequence]:
    out = []
    done = "final_done_at" if stage == Stage.FINAL else "round1_done_at"
    pending = list(
        Assignment.objects.filter(period=period, **{f"{done}__isnull": True}).values_list(
            "unit__code", flat=True
        )
    )
    if pending:
        out.append(
            Consequence(
                "assignments_not_done",
                len(pending),
                _codes(pending),
                _("%(n)s mục phân công (đơn vị × lĩnh vực) chưa được đánh dấu hoàn thành.")
                % {"n": len(pending)},
            )
        )
    checks = list(
        CrossCheck.objects.filter(
            assessment__period=period, stage=stage, decided_at__isnull=True
        ).values_list("assessment__unit__code", flat=True)
    )
    if checks:
        out.append(
            Consequence(
                "open_cross_checks",
                len(checks),
                _codes(checks),
                _("%(n)s mục thẩm định chéo chưa kết luận.") % {"n": len(checks)},
            )
        )
    scored = LeafScore.objects.filter(
        assessment__period=period, stage=stage, value__isnull=False
    ).values("assessment_id")
    unscored = list(
        Assessment.objects.filter(period=period)
        .exclude(pk__in=scored)
        .values_list("unit__code", flat=True)
    )
    if unscored:
        out.append(
            Consequence(
                "no_score",
                len(unscored),
                _codes(unscored),
                _("%(n)s đơn vị không có điểm nào ở vòng “%(stage)s”.")
                % {"n": len(unscored), "stage": Stage(stage).label},
            )
        )
    return out


def phase_move_consequences(*, period: Period, to_phase: str, now=None) -> list[Consequence]:
    """The consequences of moving `period` to `to_phase` (a move the table allows)."""
    step = workflow.transition(period.phase, to_phase)
    if step is None:
        return []
    now = now or timezone.now()
    before, after = workflow.rules_of(period.phase), workflow.rules_of(to_phase)
    out: list[Consequence] = []
    if after.appraisal_started and not before.appraisal_started:
        drafts = [a.unit.code for a in _drafts(period)]
        if drafts:
            out.append(
                Consequence(
                    "not_submitted",
                    len(drafts),
                    _codes(drafts),
                    unsubmitted_text(period.unsubmitted_policy, len(drafts)),
                )
            )
    if not step.reason_required:
        early = _still_in_time(period, now)
        if early is not None:
            out.append(early)
    closing = _round_closing(before, after)
    if closing:
        out += _round_consequences(period, closing)
    if (
        before.agency_evidence == workflow.EVIDENCE_FLAGGED
        and after.agency_evidence != workflow.EVIDENCE_FLAGGED
    ):
        answered = Supplement.objects.filter(assessment__period=period).values("assessment_id")
        sent_files = EvidenceFile.objects.filter(
            assessment__period=period, stage=workflow.FLAG_STAGE, removed_at__isnull=True
        ).values("assessment_id")
        silent = list(
            LeafScore.objects.filter(
                assessment__period=period, stage=workflow.FLAG_STAGE, supplement_requested=True
            )
            .exclude(assessment_id__in=answered)
            .exclude(assessment_id__in=sent_files)
            .values_list("assessment__unit__code", flat=True)
            .distinct()
        )
        if silent:
            out.append(
                Consequence(
                    "supplement_unanswered",
                    len(set(silent)),
                    _codes(silent),
                    _(
                        "%(n)s đơn vị có tiêu chí phải giải trình bổ sung nhưng chưa gửi giải "
                        "trình hay tài liệu nào; thẩm định lần 2 dựa trên hồ sơ hiện có."
                    )
                    % {"n": len(set(silent))},
                )
            )
    if after.results_public and not before.results_public:
        objections = CouncilApproval.objects.filter(
            period=period, superseded=False, decision=CouncilDecision.OBJECTED
        ).count()
        if objections:
            out.append(
                Consequence(
                    "council_objections",
                    objections,
                    [],
                    _("%(n)s thành viên Hội đồng không thông qua (có ý kiến).") % {"n": objections},
                )
            )
    if step.reopens:
        approvals = CouncilApproval.objects.filter(period=period, superseded=False).count()
        if approvals:
            out.append(
                Consequence(
                    "approvals_superseded",
                    approvals,
                    [],
                    _(
                        "%(n)s ý kiến của Hội đồng được lưu làm lịch sử; Hội đồng cho ý kiến "
                        "lại sau khi thẩm định lại."
                    )
                    % {"n": approvals},
                )
            )
    return out


def move_is_unusual(consequences: list[Consequence]) -> bool:
    """A forward move made before its deadline: it needs a reason, like a move back."""
    return any(c.kind == UNUSUAL for c in consequences)
