"""Writes of the appraisal. Keyword-only, atomic; every change writes an AuditEntry.

Who may do what is asked of appraisal.rules (which reads scoring.workflow); a refusal of
something that is not the actor's is PermissionDenied (a 404 in the views), a refusal the
actor can understand is a ValidationError with a Vietnamese message.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import calendar, engine, workflow
from scoring import rules as scoring_rules
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage, UnsubmittedPolicy
from scoring.models import Assessment, Criterion, Exemption, LeafScore, Period
from scoring.sealing import results_seal
from scoring.services import (
    StaleVersionError,
    audit_record,
    exemption_set_audited,
    exemption_withdraw_audited,
    leaf_score_points,
    leaf_score_write,
    leaf_scores_copy,
    results_compute,
    score_json,
)
from scoring.tabular import CSV, TableError, line_error, table_read
from scoring.workflow import Item
from units.enums import RoleKind
from units.models import Group, Role, Unit, User
from units.rules import home_unit_ids, is_appraiser

from . import moves, signals
from .enums import CouncilDecision, CrossCheckDecision, CrossCheckKind, NotificationKind
from .models import (
    Assignment,
    CouncilApproval,
    CrossCheck,
    Supplement,
)
from .notifications import notify

__all__ = ["StaleVersionError", "audit_record", "score_json"]


# --- helpers ------------------------------------------------------------------------------


def _lock_period(period: Period) -> Period:
    return Period.objects.select_for_update().get(pk=period.pk)


def _lock_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("period", "unit", "group")
        .get(pk=assessment.pk)
    )


def _require(actor, perm: str, obj=None) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _refuse_frozen(period: Period) -> None:
    if workflow.rules_of(period.phase).frozen:
        raise ValidationError(
            _(
                "Kết quả năm %(year)s đã công bố; Bộ phận thư ký phải mở lại (có ghi lý do) "
                "trước khi thay đổi."
            )
            % {"year": period.year},
            code="frozen",
        )


def _phase_label(phase: str) -> str:
    """The phase's Vietnamese label; an unknown value (a forged form) is shown as given."""
    try:
        return str(Phase(phase).label)
    except ValueError:
        return f"“{phase}”"


# --- notifications ------------------------------------------------------------------------
#
# Every message goes through appraisal.notifications.notify: a row in the portal for each
# recipient, its e-mail sent by a task after the commit.


def _link(name: str, *args) -> str:
    return reverse(name, args=args)


def agency_user_ids(period: Period, unit_ids=None) -> set[int]:
    roles = Role.objects.filter(
        kind__in=[RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD],
        unit__assessments__period=period,
    )
    if unit_ids is not None:
        roles = roles.filter(unit_id__in=unit_ids)
    return set(roles.values_list("user_id", flat=True))


def team_user_ids(period: Period) -> set[int]:
    return set(
        Role.objects.for_year(period.year)
        .filter(kind=RoleKind.APPRAISER)
        .values_list("user_id", flat=True)
    )


def _leadership_user_ids(period: Period) -> set[int]:
    return set(
        Role.objects.for_year(period.year)
        .filter(kind=RoleKind.LEADERSHIP)
        .values_list("user_id", flat=True)
    )


def _secretariat_user_ids(period: Period) -> set[int]:
    return set(
        Role.objects.for_year(period.year)
        .filter(kind=RoleKind.SECRETARIAT)
        .values_list("user_id", flat=True)
    )


def _province_user_ids(period: Period) -> set[int]:
    """The secretariat and council of the year (roles with no year serve every year)."""
    return set(
        Role.objects.for_year(period.year)
        .filter(kind__in=[RoleKind.SECRETARIAT, RoleKind.COUNCIL])
        .values_list("user_id", flat=True)
    )


# --- phases -------------------------------------------------------------------------------


def _open_cross_checks(period: Period, stage: str):
    return CrossCheck.objects.filter(
        assessment__period=period, stage=stage, decided_at__isnull=True
    ).select_related("assessment__unit", "criterion")


def _condition_problem(name: str, period: Period) -> str | None:
    """The reason a move's condition is unmet, or None."""
    if name == "no_open_cross_checks":
        stage = workflow.rules_of(period.phase).appraiser_scores or Stage.ROUND1
        open_items = list(_open_cross_checks(period, stage)[:20])
        if open_items:
            items = ", ".join(f"{c.assessment.unit.code} {c.criterion.code}" for c in open_items)
            return _("Còn %(n)s mục thẩm định chéo chưa kết luận: %(items)s.") % {
                "n": _open_cross_checks(period, stage).count(),
                "items": items,
            }
    elif name == "unsubmitted_policy_chosen":
        drafts = Assessment.objects.filter(period=period, status=AssessmentStatus.DRAFT).count()
        if drafts and not period.unsubmitted_policy:
            return _(
                "%(n)s đơn vị chưa nộp hồ sơ: hãy chọn cách xử lý đơn vị không nộp hồ sơ "
                "(thẩm định bản đang soạn, hoặc không xếp hạng) trước khi bắt đầu thẩm định."
            ) % {"n": drafts}
    elif name == "supplement_dates_set":
        if not (period.supplement_start and period.supplement_end):
            return _("Chưa đặt thời gian giải trình bổ sung (bắt đầu và hạn).")
        if period.supplement_start >= period.supplement_end:
            return _("Thời điểm bắt đầu giải trình bổ sung phải trước hạn giải trình.")
    elif name == "round2_settled":
        pending = list(
            Assignment.objects.filter(period=period, final_done_at__isnull=True)
            .select_related("unit", "field")
            .order_by("unit__code", "field__code")[:20]
        )
        if pending:
            items = ", ".join(f"{a.unit.code} × {a.field.code}" for a in pending)
            return _("Còn mục chưa thẩm định xong lần 2: %(items)s.") % {"items": items}
        provisional = (
            LeafScore.objects.filter(
                assessment__period=period, stage=Stage.FINAL, provisional=True
            ).count()
            + Exemption.objects.filter(
                assessment__period=period, stage=Stage.FINAL, provisional=True
            ).count()
        )
        if provisional:
            return _("Còn %(n)s điểm chờ thẩm định chéo.") % {"n": provisional}
    elif name == "council_approved":
        if not CouncilApproval.objects.filter(
            period=period, superseded=False, decision=CouncilDecision.APPROVED
        ).exists():
            return _("Chưa có thành viên Hội đồng thẩm định nào thông qua kết quả.")
    elif name == "decision_recorded":
        if not (period.decision_number and period.decision_date and period.decision_signer):
            return _("Chưa ghi quyết định công bố (số, ngày, người ký).")
    else:  # a condition named in the table but not written: refuse rather than pass
        return _("Điều kiện chưa được định nghĩa: %(name)s") % {"name": name}
    return None


def phase_move_problems(
    *, period: Period, to_phase: str, reason: str = "", consequences=None
) -> list[str]:
    """Why the move would be refused (empty: allowed). Used by the page before the click.

    A move back needs a reason, and so does an unusual one: forward before the deadline
    of some units (appraisal.moves; `consequences` when already computed)."""
    step = workflow.transition(period.phase, to_phase)
    if step is None:
        return [
            str(workflow.REFUSALS["not_allowed"])
            % {"from": _phase_label(period.phase), "to": _phase_label(to_phase)}
        ]
    problems = []
    if not reason.strip():
        if step.reason_required:
            problems.append(str(workflow.REFUSALS["reason_required"]))
        else:
            if consequences is None:
                consequences = moves.phase_move_consequences(period=period, to_phase=to_phase)
            if moves.move_is_unusual(consequences):
                problems.append(str(workflow.REFUSALS["reason_early"]))
    for condition in step.conditions:
        problem = _condition_problem(condition, period)
        if problem:
            problems.append(problem)
    return problems


class MoveNotConfirmed(ValidationError):
    """The move has consequences (appraisal.moves) and was not confirmed: nothing changed."""

    def __init__(self, consequences):
        super().__init__(str(workflow.REFUSALS["confirm_required"]), code="confirm_required")
        self.consequences = consequences


@transaction.atomic
def phase_move(
    *, actor, period: Period, to_phase: str, reason: str = "", confirm: bool = False
) -> Period:
    """Move the year to another phase (secretariat only), by the workflow's transition table.

    Refused with the reasons when a condition is unmet; a move with consequences (units not
    submitted, items not done, …: appraisal.moves) is made only when `confirm`ed, else
    MoveNotConfirmed with the list. Entering round 1 prefills the round-1 scores from the
    self-assessment, entering round 2 the final scores from round 1; closing a round queues
    its index job; publishing computes the final results in the same transaction (they are
    frozen from then on). Moving to the current phase does nothing. The audit row keeps the
    consequences confirmed.
    """
    _require(actor, "appraisal.manage_cycle", period)
    period = _lock_period(period)
    if period.phase == to_phase:
        return period
    reason = (reason or "").strip()
    consequences = (
        moves.phase_move_consequences(period=period, to_phase=to_phase)
        if workflow.transition(period.phase, to_phase)
        else []
    )
    problems = phase_move_problems(
        period=period, to_phase=to_phase, reason=reason, consequences=consequences
    )
    if problems:
        raise ValidationError(problems, code="refused")
    if consequences and not confirm:
        raise MoveNotConfirmed(consequences)
    step = workflow.transition(period.phase, to_phase)
    copied = (
        leaf_scores_copy(period=period, source=step.copies[0], target=step.copies[1])
        if step.copies
        else 0
    )
    old_phase = period.phase
    fields = ["phase"]
    if step.reopens:
        CouncilApproval.objects.filter(period=period, superseded=False).update(superseded=True)
        period.published_at = None
        fields.append("published_at")
    if workflow.rules_of(to_phase).frozen:  # publishing: computed and sealed at once
        results_compute(period=period, stage=Stage.FINAL)
        results_seal(period=period)
        period.published_at = timezone.now()
        fields.append("published_at")
    elif step.computes:
        signals.round_closed.send(
            sender=phase_move, actor=actor, period=period, stage=step.computes
        )
    period.phase = to_phase
    period.save(update_fields=fields)
    entry = audit_record(
        period=period,
        actor=actor,
        action=AuditAction.PHASE,
        old={"phase": old_phase},
        new={
            "phase": to_phase,
            "prefilled_scores": copied,
            "consequences": [c.as_json() for c in consequences],
        },
        reason=reason,
    )
    _phase_notify(period=period, old_phase=old_phase, reason=reason, key=f"phase:{entry.pk}")
    if workflow.rules_of(to_phase).agency_evidence == workflow.EVIDENCE_FLAGGED:
        _supplement_requests_notify(period)  # the flagged units may now supplement
    return period


@transaction.atomic
def unsubmitted_policy_set(*, actor, period: Period, policy: str) -> Period:
    """What the year does with units that never submit (the secretariat, before round 1):
    appraise their drafts, marked "không nộp hồ sơ", or leave them out of the ranking."""
    _require(actor, "appraisal.manage_cycle", period)
    period = _lock_period(period)
    if policy not in UnsubmittedPolicy.values:
        raise ValidationError(
            _("Hãy chọn cách xử lý đơn vị không nộp hồ sơ."), code="invalid_policy"
        )
    if not actor.has_perm("appraisal.set_unsubmitted_policy", period):
        raise ValidationError(
            _("Thẩm định đã bắt đầu: không thể thay đổi cách xử lý đơn vị không nộp hồ sơ."),
            code="phase",
        )
    if period.unsubmitted_policy == policy:
        return period
    old = period.unsubmitted_policy
    period.unsubmitted_policy = policy
    period.save(update_fields=["unsubmitted_policy"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.UNSUBMITTED_POLICY,
        old={"unsubmitted_policy": old},
        new={"unsubmitted_policy": policy},
    )
    return period


def _notify_groups(*, groups, **message) -> int:
    """The same message to groups of people with a link each; a person in several groups
    gets it once, with the first group's link."""
    told, count = set(), 0
    for user_ids, link in groups:
        ids = set(user_ids) - told
        told |= ids
        count += notify(user_ids=ids, link=link, **message)
    return count


def _agency_groups(assessments, link_of) -> list[tuple[set[int], str]]:
    """The people of each dossier's unit, with the link `link_of(assessment id, unit code)`."""
    dossiers = {
        unit_id: (pk, code)
        for pk, unit_id, code in assessments.values_list("pk", "unit_id", "unit__code")
    }
    people: dict[int, set[int]] = {}
    for user_id, unit_id in Role.objects.filter(
        kind__in=[RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD], unit_id__in=dossiers
    ).values_list("user_id", "unit_id"):
        people.setdefault(unit_id, set()).add(user_id)
    return [(ids, link_of(*dossiers[unit_id])) for unit_id, ids in people.items()]


def _phase_notify(*, period: Period, old_phase: str, reason: str, key: str) -> None:
    if workflow.rules_of(period.phase).results_public:
        _results_published_notify(period=period, key=key)
        return
    text = _("Kỳ đánh giá năm %(year)s chuyển từ “%(old)s” sang “%(new)s”.") % {
        "year": period.year,
        "old": _phase_label(old_phase),
        "new": _phase_label(period.phase),
    }
    if reason:
        text += "\n" + _("Lý do: %(reason)s") % {"reason": reason}
    _notify_groups(
        groups=[
            (_province_user_ids(period), _link("appraisal_cycle", period.year)),
            (team_user_ids(period), _link("appraisal_queue", period.year)),
            (agency_user_ids(period), _link("home")),
        ],
        kind=NotificationKind.PHASE,
        key=key,
        period=period,
        title=_("Chuyển giai đoạn: %(phase)s") % {"phase": _phase_label(period.phase)},
        text=text,
    )


def _results_published_notify(*, period: Period, key: str) -> None:
    """Everyone concerned: each unit's people to their scorecard, the others to the ranking."""
    text = _("Kết quả Chỉ số CCHC năm %(year)s đã được công bố.") % {"year": period.year}
    if period.decision_number:
        text += " " + _("Quyết định số %(number)s ngày %(date)s.") % {
            "number": period.decision_number,
            "date": period.decision_date.strftime("%d/%m/%Y") if period.decision_date else "",
        }
    units = _agency_groups(
        Assessment.objects.filter(period=period),
        lambda _pk, code: _link("reports:scorecard", period.year, code),
    )
    everyone_else = (
        team_user_ids(period) | _province_user_ids(period) | _leadership_user_ids(period)
    )
    _notify_groups(
        groups=[*units, (everyone_else, _link("ranking_year", period.year))],
        kind=NotificationKind.RESULTS,
        key=key,
        period=period,
        title=_("Công bố kết quả Chỉ số CCHC năm %(year)s") % {"year": period.year},
        text=text,
    )


def _supplement_requests_notify(period: Period) -> None:
    """Each unit with flagged items: which ones, and the window (from when, until when)."""
    flagged: dict[int, list[str]] = {}
    for assessment_id, code in LeafScore.objects.filter(
        assessment__period=period, stage=Stage.ROUND1, supplement_requested=True
    ).values_list("assessment_id", "criterion__code"):
        flagged.setdefault(assessment_id, []).append(code)
    units = dict(Assessment.objects.filter(pk__in=flagged).values_list("pk", "unit_id"))
    for assessment_id, codes in flagged.items():
        unit_id = units[assessment_id]
        notify(
            kind=NotificationKind.SUPPLEMENT,
            key=f"supplement:{period.year}:{unit_id}",
            user_ids=agency_user_ids(period, [unit_id]),
            period=period,
            link=_link("appraisal_agency", assessment_id),
            title=_("Yêu cầu giải trình bổ sung"),
            text=_(
                "Tổ giúp việc đề nghị đơn vị giải trình, bổ sung tài liệu cho %(n)s tiêu chí: "
                "%(codes)s. Thời gian giải trình bổ sung: từ %(start)s đến %(end)s."
            )
            % {
                "n": len(codes),
                "codes": ", ".join(sorted(codes)),
                "start": _when(period.supplement_start),
                "end": _when(period.supplement_end),
            },
        )


# --- the team and its assignments --------------------------------------------------------


def _field_nodes(period: Period) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(period=period, parent__isnull=True)}


@transaction.atomic
def team_member_set(*, actor, period: Period, user, home_unit: Unit, expertise: list[str]) -> Role:
    """Put a member in the year's working group (home unit, fields of expertise)."""
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    fields = _field_nodes(period)
    expertise = [code.strip() for code in expertise if code.strip()]
    unknown = [code for code in expertise if code not in fields]
    if unknown:
        raise ValidationError(
            _("Lĩnh vực không có trong bộ tiêu chí năm %(year)s: %(codes)s")
            % {"year": period.year, "codes": ", ".join(unknown)},
            code="unknown_field",
        )
    role, created = Role.objects.get_or_create(
        user=user,
        kind=RoleKind.APPRAISER,
        unit=home_unit,
        year=period.year,
        defaults={"expertise": expertise},
    )
    old = None if created else {"expertise": role.expertise}
    if not created and role.expertise != expertise:
        role.expertise = expertise
        role.save(update_fields=["expertise"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.TEAM,
        old=old,
        new={"user": user.username, "home_unit": home_unit.code, "expertise": expertise},
    )
    return role


def _check_assignable(period: Period, field: Criterion, unit: Unit, appraiser) -> None:
    if field.period_id != period.pk or field.parent_id is not None:
        raise ValidationError(
            _("“%(code)s” không phải là một lĩnh vực của năm %(year)s.")
            % {"code": field.code, "year": period.year},
            code="field",
        )
    if not Assessment.objects.filter(period=period, unit=unit).exists():
        raise ValidationError(
            _("Đơn vị %(unit)s không có hồ sơ trong năm %(year)s.")
            % {"unit": unit.code, "year": period.year},
            code="unit",
        )
    if (
        not Role.objects.for_year(period.year)
        .filter(user=appraiser, kind=RoleKind.APPRAISER)
        .exists()
    ):
        raise ValidationError(
            _("%(user)s không phải thành viên Tổ giúp việc năm %(year)s.")
            % {"user": appraiser.username, "year": period.year},
            code="not_member",
        )


def _assign(*, actor, period, field, unit, appraiser) -> tuple[Assignment, bool]:
    _check_assignable(period, field, unit, appraiser)
    assignment = Assignment.objects.filter(period=period, field=field, unit=unit).first()
    if assignment is not None and assignment.appraiser_id == appraiser.pk:
        return assignment, False
    old = None if assignment is None else {"appraiser": assignment.appraiser.username}
    if assignment is None:
        assignment = Assignment.objects.create(
            period=period, field=field, unit=unit, appraiser=appraiser
        )
    else:
        assignment.appraiser = appraiser
        assignment.save(update_fields=["appraiser"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.ASSIGNMENT,
        criterion=field,
        assessment=Assessment.objects.filter(period=period, unit=unit).first(),
        old=old,
        new={"field": field.code, "unit": unit.code, "appraiser": appraiser.username},
    )
    return assignment, True


def _assignments_notify(period: Period, changed: list[Assignment]) -> None:
    by_user: dict[int, list[str]] = {}
    for a in changed:
        by_user.setdefault(a.appraiser_id, []).append(f"{a.unit.code} × {a.field.code}")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    for user_id, items in by_user.items():
        notify(
            kind=NotificationKind.ASSIGNMENT,
            key=f"assignment:{period.year}:{stamp}",
            user_ids=[user_id],
            period=period,
            link=_link("appraisal_queue", period.year),
            title=_("Phân công thẩm định"),
            text=_("Bạn được phân công thẩm định %(n)s mục (đơn vị × lĩnh vực): %(items)s.")
            % {"n": len(items), "items": ", ".join(items)},
        )


@transaction.atomic
def assignment_set(*, actor, period: Period, field: Criterion, unit: Unit, appraiser) -> Assignment:
    """Give a (field × unit) to a member of the team (replacing the previous one)."""
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    assignment, changed = _assign(
        actor=actor, period=period, field=field, unit=unit, appraiser=appraiser
    )
    if changed:
        _assignments_notify(period, [assignment])
    return assignment


@transaction.atomic
def assignment_bulk_set(
    *, actor, period: Period, field: Criterion, group: Group, appraiser
) -> list[Assignment]:
    """A field for every unit of a group that has a dossier this year."""
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    units = Unit.objects.filter(group=group, assessments__period=period).order_by("code")
    results = [
        _assign(actor=actor, period=period, field=field, unit=u, appraiser=appraiser) for u in units
    ]
    _assignments_notify(period, [a for a, changed in results if changed])
    return [a for a, _changed in results]


CSV_HEADER = ["field_code", "unit_code", "appraiser_username"]


@transaction.atomic
def assignments_import(*, actor, period: Period, text: str) -> int:
    """Assignments from CSV `field_code,unit_code,appraiser_username`: all rows or none.

    Every bad row is reported with its line number; returns the number of rows applied.
    """
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    fields = _field_nodes(period)
    try:
        rows = table_read(
            text.encode("utf-8"), header=CSV_HEADER, formats=(CSV,), positional=True, unescape=True
        )
    except TableError as error:
        raise ValidationError(error.errors, code="csv") from None
    errors, parsed = [], []
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.filter(roles__kind=RoleKind.APPRAISER)}
    for row in rows:
        line = row["line"]
        field_code, unit_code, username = (row[column] for column in CSV_HEADER)
        problems = []
        if field_code not in fields:
            problems.append(_("lĩnh vực “%(c)s” không có") % {"c": field_code})
        if unit_code not in units:
            problems.append(_("đơn vị “%(c)s” không có") % {"c": unit_code})
        if username not in users:
            problems.append(_("“%(u)s” không phải thành viên Tổ giúp việc") % {"u": username})
        if not problems:
            try:
                _check_assignable(period, fields[field_code], units[unit_code], users[username])
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            errors.append(line_error(line, "; ".join(problems) + "."))
        else:
            parsed.append((fields[field_code], units[unit_code], users[username]))
    if errors:
        raise ValidationError(errors, code="csv")
    if not parsed:
        raise ValidationError(_("Tệp không có dòng phân công nào."), code="empty")
    results = [
        _assign(actor=actor, period=period, field=f, unit=u, appraiser=a) for f, u, a in parsed
    ]
    _assignments_notify(period, [a for a, changed in results if changed])
    return len(parsed)


def assignment_complete(*, actor, assignment: Assignment, reason: str = "") -> Assignment:
    """The appraiser declares the (field × unit) done for the open round (no-op if done);
    one item of appraisal.desk.items_complete (unscored leaves refused without a reason)."""
    from .desk import items_complete

    (done,) = items_complete(
        actor=actor, period=assignment.period, assignment_ids=[assignment.pk], reason=reason
    )
    return done


def _home_unit_values_queue(
    *, actor, assessment: Assessment, assignment: Assignment, stage: str
) -> int:
    """Completing a field of one's own home unit accepts its values (prefilled ones too):
    every value not yet cross-checked becomes provisional and is queued for a cross-check."""
    assessment = _lock_assessment(assessment)
    field_code = assignment.field.code
    checked = set(
        CrossCheck.objects.filter(
            assessment=assessment, stage=stage, kind=CrossCheckKind.SCORE
        ).values_list("criterion_id", flat=True)
    )
    queued = 0
    for score in (
        LeafScore.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, stage=stage, value__isnull=False)
        .select_related("criterion")
    ):
        if score.criterion.field_code != field_code or score.criterion_id in checked:
            continue
        score.provisional = True
        score.save(update_fields=["provisional", "updated_at"])
        _cross_check_request(
            actor=actor, assessment=assessment, criterion=score.criterion, stage=stage
        )
        queued += 1
    # Exemptions of the field (prefilled from the unit's own claims too) are accepted alike.
    exempt_checked = set(
        CrossCheck.objects.filter(
            assessment=assessment, stage=stage, kind=CrossCheckKind.EXEMPTION
        ).values_list("criterion_id", flat=True)
    )
    for exemption in (
        Exemption.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, stage=stage)
        .select_related("criterion")
    ):
        if exemption.criterion.field_code != field_code or exemption.criterion_id in exempt_checked:
            continue
        exemption.provisional = True
        exemption.save(update_fields=["provisional"])
        _cross_check_request(
            actor=actor,
            assessment=assessment,
            criterion=exemption.criterion,
            stage=stage,
            kind=CrossCheckKind.EXEMPTION,
        )
        queued += 1
    return queued


# --- scoring by appraisers ----------------------------------------------------------------


def _check_item(actor, item: Item) -> None:
    """Not assigned (or not in the year's team): PermissionDenied (404). Assigned but the
    stage is closed: a message."""
    if not (_assigned(actor, item) and is_appraiser(actor, item)):
        raise PermissionDenied
    _refuse_frozen(item.assessment.period)
    if not actor.has_perm("appraisal.score_item", item):
        raise ValidationError(
            _("Giai đoạn “%(phase)s” không cho phép chấm điểm vòng “%(stage)s”.")
            % {
                "phase": _phase_label(item.assessment.period.phase),
                "stage": Stage(item.stage).label,
            },
            code="phase",
        )


def _assigned(actor, item: Item) -> bool:
    from .rules import is_assigned

    return is_assigned(actor, item.assessment, item.criterion)


def _self_value(assessment, criterion) -> Decimal | None:
    return (
        LeafScore.objects.filter(assessment=assessment, criterion_id=criterion.pk, stage=Stage.SELF)
        .values_list("value", flat=True)
        .first()
    )


def _require_comment_if_changed(assessment, criterion, value, comment: str) -> None:
    self_value = _self_value(assessment, criterion)
    if value != self_value and not comment:
        raise ValidationError(
            _("Điểm thẩm định (%(value)s) khác điểm đơn vị tự chấm (%(self)s): cần ghi nhận xét.")
            % {
                "value": engine.vn_number(value) if value is not None else "—",
                "self": engine.vn_number(self_value) if self_value is not None else "—",
            },
            code="comment_required",
        )


def _pick_checker(period: Period, assessment: Assessment, criterion, exclude_id: int):
    """A member of the team from another home unit: same field first, then the least loaded."""
    field_code = criterion.code.split(".")[0]
    roles = Role.objects.for_year(period.year).filter(kind=RoleKind.APPRAISER)
    homes: dict[int, set[int]] = {}
    expertise: dict[int, set[str]] = {}
    for role in roles:
        homes.setdefault(role.user_id, set()).add(role.unit_id)
        expertise.setdefault(role.user_id, set()).update(role.expertise or [])
    candidates = [
        uid for uid, units in homes.items() if assessment.unit_id not in units and uid != exclude_id
    ]
    if not candidates:
        return None
    load = {uid: 0 for uid in candidates}
    for uid in CrossCheck.objects.filter(
        checker_id__in=candidates, decided_at__isnull=True, assessment__period=period
    ).values_list("checker_id", flat=True):
        load[uid] += 1
    best = min(candidates, key=lambda uid: (field_code not in expertise[uid], load[uid], uid))
    return User.objects.get(pk=best)


def _cross_check_request(
    *, actor, assessment, criterion, stage, kind: str = CrossCheckKind.SCORE
) -> CrossCheck:
    check = (
        CrossCheck.objects.select_for_update()
        .filter(assessment=assessment, criterion_id=criterion.pk, stage=stage, kind=kind)
        .first()
    )
    now = timezone.now()
    if check is None:
        check = CrossCheck.objects.create(
            assessment=assessment,
            criterion_id=criterion.pk,
            stage=stage,
            kind=kind,
            requested_by=actor,
            requested_at=now,
            checker=_pick_checker(assessment.period, assessment, criterion, actor.pk),
        )
        _cross_check_notify(check)
        return check
    keep = (
        check.checker_id
        and check.checker_id != actor.pk
        and assessment.unit_id not in home_unit_ids(check.checker, assessment.period.year)
    )
    # The checker hears of it when the item is new to them: a new checker, or a check they
    # had concluded that a new score reopens (not each re-save of a score still waiting).
    tell = not keep or not check.is_open
    check.requested_by = actor
    check.requested_at = now
    check.decided_at = None
    check.decision = ""
    check.comment = ""
    if not keep:
        check.checker = _pick_checker(assessment.period, assessment, criterion, actor.pk)
    check.save()
    if tell:
        _cross_check_notify(check)
    return check


def _cross_check_notify(check: CrossCheck) -> None:
    """The checker given a cross-check: which unit and leaf, and where to conclude it."""
    if check.checker_id is None:
        return  # none available: the secretariat assigns one (cross_check_assign)
    assessment = check.assessment
    notify(
        kind=NotificationKind.CROSS_CHECK,
        key=f"cross_check:{check.pk}:{check.checker_id}:{check.requested_at.isoformat()}",
        user_ids=[check.checker_id],
        period=assessment.period,
        link=_link("appraisal_cross_check", check.pk),
        title=_("Thẩm định chéo: %(unit)s — %(code)s")
        % {"unit": assessment.unit.name, "code": check.criterion.code},
        text=_(
            "Bạn được giao thẩm định chéo điểm tiêu chí %(code)s của %(unit)s (%(stage)s), "
            "do thành viên cùng đơn vị công tác với đơn vị được thẩm định chấm."
        )
        % {
            "code": check.criterion.code,
            "unit": assessment.unit.name,
            "stage": Stage(check.stage).label,
        },
    )


@transaction.atomic
def appraisal_score_set(
    *,
    actor,
    assessment: Assessment,
    criterion,
    stage: str,
    inputs: dict,
    comment: str = "",
    supplement_requested: bool = False,
    expected_version: int | None = None,
    action: str = AuditAction.SCORE,
) -> LeafScore:
    """An assigned appraiser's score of a leaf at the open round (round1 or final).

    A comment is required when the points differ from the unit's own. A score given to the
    appraiser's own home unit is provisional and queued for a cross-check. `expected_version`
    (0: no score yet) guards against overwriting a colleague's save: StaleVersionError.
    Saving identical data again changes nothing. `action` ACCEPT records the unit's own
    score kept (appraisal.desk): it is written (and audited) even when the value prefilled
    from it is the same, unless an appraiser already saved it in this round.
    """
    assessment = _lock_assessment(assessment)
    _check_item(actor, Item(assessment, criterion, stage))
    cleaned, value = leaf_score_points(
        assessment=assessment, criterion=criterion, stage=stage, inputs=inputs
    )
    comment = (comment or "").strip()
    _require_comment_if_changed(assessment, criterion, value, comment)
    # Keeping the unit's own score (ACCEPT) is recorded even when the prefilled value is the
    # same, once: while no appraiser has saved the leaf in this round yet.
    write_unchanged = (
        action == AuditAction.ACCEPT
        and LeafScore.objects.filter(
            assessment=assessment, criterion_id=criterion.pk, stage=stage, updated_by=None
        ).exists()
    )
    provisional = assessment.unit_id in home_unit_ids(actor, assessment.period.year)
    score, written = leaf_score_write(
        actor=actor,
        action=action,
        write_unchanged=write_unchanged,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        inputs=cleaned,
        value=value,
        entered={
            "comment": comment,
            "supplement_requested": bool(supplement_requested) and stage == Stage.ROUND1,
        },
        provisional=provisional,
        expected_version=expected_version,
        reason=comment,
    )
    if written and provisional:
        _cross_check_request(actor=actor, assessment=assessment, criterion=criterion, stage=stage)
    return score


@transaction.atomic
def appraisal_exemption_set(
    *, actor, assessment: Assessment, criterion, stage: str, reason: str
) -> Exemption:
    """An appraiser proposes that a node does not apply to the unit at the open round.

    Proposed for the appraiser's own home unit, it is provisional and queued for a
    cross-check by a member of another unit, exactly like a score."""
    assessment = _lock_assessment(assessment)
    _check_item(actor, Item(assessment, criterion, stage))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Vui lòng nêu lý do giảm trừ."), code="reason_required")
    provisional = assessment.unit_id in home_unit_ids(actor, assessment.period.year)
    exemption, changed = exemption_set_audited(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        reason=reason,
        provisional=provisional,
    )
    if changed and provisional:
        _cross_check_request(
            actor=actor,
            assessment=assessment,
            criterion=criterion,
            stage=stage,
            kind=CrossCheckKind.EXEMPTION,
        )
    return exemption


@transaction.atomic
def appraisal_exemption_withdraw(
    *, actor, assessment: Assessment, criterion, stage: str, reason: str = ""
) -> None:
    assessment = _lock_assessment(assessment)
    _check_item(actor, Item(assessment, criterion, stage))
    if (
        exemption_withdraw_audited(
            actor=actor, assessment=assessment, criterion=criterion, stage=stage, reason=reason
        )
        is None
    ):
        return
    # Nothing is left to check: the leaf counts again with its (checked) score.
    CrossCheck.objects.filter(
        assessment=assessment,
        criterion_id=criterion.pk,
        stage=stage,
        kind=CrossCheckKind.EXEMPTION,
        decided_at__isnull=True,
    ).delete()


# --- cross-check --------------------------------------------------------------------------


@transaction.atomic
def cross_check_assign(*, actor, cross_check: CrossCheck, checker) -> CrossCheck:
    """The secretariat gives an open cross-check to a member of another home unit."""
    check = (
        CrossCheck.objects.select_for_update()
        .select_related("assessment__period", "assessment__unit")
        .get(pk=cross_check.pk)
    )
    period = check.assessment.period
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    if check.assessment.unit_id in home_unit_ids(checker, period.year):
        raise ValidationError(
            _("Không thể giao thẩm định chéo cho thành viên thuộc chính đơn vị được thẩm định."),
            code="own_home_unit",
        )
    if (
        not Role.objects.for_year(period.year)
        .filter(user=checker, kind=RoleKind.APPRAISER)
        .exists()
    ):
        raise ValidationError(
            _("Người được giao không phải thành viên Tổ giúp việc."), code="not_member"
        )
    old = {"checker": check.checker.username if check.checker else None}
    changed = check.checker_id != checker.pk
    check.checker = checker
    check.save(update_fields=["checker"])
    if changed and check.is_open:
        _cross_check_notify(check)
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CROSS_CHECK,
        assessment=check.assessment,
        criterion=check.criterion,
        stage=check.stage,
        old=old,
        new={"checker": checker.username},
    )
    return check


@transaction.atomic
def cross_check_decide(
    *,
    actor,
    cross_check: CrossCheck,
    decision: str,
    inputs=None,
    comment: str = "",
    expected_version: int | None = None,
) -> LeafScore | Exemption | None:
    """The checker confirms the provisional score, or changes it (with a comment).

    `expected_version` is the score's version the checker saw: a score re-saved meanwhile by
    the appraiser is not confirmed or overwritten blindly (StaleVersionError).
    For an exemption's cross-check: confirming keeps the exemption (returned), changing
    rejects it (with a comment): the node counts again (None).
    """
    assessment = _lock_assessment(cross_check.assessment)
    check = (
        CrossCheck.objects.select_for_update(of=("self",))
        .select_related("criterion__parent__parent")
        .get(pk=cross_check.pk)
    )
    check.assessment = assessment
    _refuse_frozen(assessment.period)
    if assessment.unit_id in home_unit_ids(actor, assessment.period.year):
        raise ValidationError(
            _("Không được thẩm định chéo điểm của đơn vị nơi mình công tác."),
            code="own_home_unit",
        )
    if check.checker_id != actor.pk:
        raise PermissionDenied
    if not actor.has_perm("appraisal.decide_cross_check", check):
        raise ValidationError(_("Vòng thẩm định của mục này đã đóng."), code="phase")
    CrossCheckDecision(decision)
    if check.is_exemption:
        return _exemption_check_decide(
            actor=actor, assessment=assessment, check=check, decision=decision, comment=comment
        )
    criterion = check.criterion
    score = LeafScore.objects.select_for_update().get(
        assessment=assessment, criterion_id=criterion.pk, stage=check.stage
    )
    if expected_version is not None and expected_version != score.version:
        raise StaleVersionError(score)
    if not check.is_open:
        return score
    comment = (comment or "").strip()
    cleaned, value, kept_comment = score.inputs, score.value, score.comment
    if decision == CrossCheckDecision.CHANGED:
        cleaned, value = leaf_score_points(
            assessment=assessment, criterion=criterion, stage=check.stage, inputs=inputs or {}
        )
        if not comment:
            raise ValidationError(
                _("Cần ghi nhận xét khi điều chỉnh điểm thẩm định chéo."), code="comment_required"
            )
        _require_comment_if_changed(assessment, criterion, value, comment)
        kept_comment = comment
    score, _written = leaf_score_write(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=check.stage,
        inputs=cleaned,
        value=value,
        entered={"comment": kept_comment, "supplement_requested": score.supplement_requested},
        provisional=False,
        action=AuditAction.CROSS_CHECK,
        reason=comment,
        audit_extra={"decision": decision},
        write_unchanged=True,  # confirming is a write: the score is no longer provisional
    )
    _cross_check_close(check=check, decision=decision, comment=comment)
    return score


def _cross_check_close(*, check: CrossCheck, decision: str, comment: str) -> None:
    """The decision on a cross-check, recorded on it (the audit row is the decision's write:
    the score's through leaf_score_write, the exemption's in _exemption_check_decide)."""
    check.decided_at = timezone.now()
    check.decision = decision
    check.comment = comment
    check.save(update_fields=["decided_at", "decision", "comment"])


def _exemption_check_decide(*, actor, assessment, check, decision: str, comment: str):
    exemption = (
        Exemption.objects.select_for_update()
        .filter(assessment=assessment, criterion_id=check.criterion_id, stage=check.stage)
        .first()
    )
    if not check.is_open:
        return exemption
    comment = (comment or "").strip()
    old = None if exemption is None else {"reason": exemption.reason, "provisional": True}
    if decision == CrossCheckDecision.CHANGED:
        if not comment:
            raise ValidationError(
                _("Cần ghi nhận xét khi không chấp nhận giảm trừ."), code="comment_required"
            )
        new = None
        if exemption is not None:
            exemption.delete()
            exemption = None
    else:
        if exemption is not None:
            exemption.provisional = False
            exemption.save(update_fields=["provisional"])
        new = None if exemption is None else {"reason": exemption.reason, "provisional": False}
    _cross_check_close(check=check, decision=decision, comment=comment)
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.CROSS_CHECK,
        assessment=assessment,
        criterion=check.criterion,
        stage=check.stage,
        old=old,
        new={"exemption": new, "decision": decision},
        reason=comment,
    )
    return exemption


# --- the agency's supplement --------------------------------------------------------------


def _check_supplement(actor, assessment: Assessment, criterion) -> None:
    item = Item(assessment, criterion, Stage.ROUND1)
    if not actor.has_perm("scoring.view_own_assessment", assessment):
        raise PermissionDenied
    if actor.has_perm("appraisal.supplement_item", item):
        return
    period = assessment.period
    if workflow.rules_of(period.phase).agency_evidence != workflow.EVIDENCE_FLAGGED:
        raise ValidationError(
            _("Giai đoạn “%(phase)s” không nhận giải trình bổ sung.")
            % {"phase": _phase_label(period.phase)},
            code="phase",
        )
    if not scoring_rules.phase_window_open(assessment):
        raise ValidationError(
            _("Ngoài thời gian giải trình bổ sung (%(start)s – %(end)s); hồ sơ chỉ được xem.")
            % {
                "start": _when(period.supplement_start),
                "end": _when(scoring_rules.unit_deadline(assessment, "supplement_end")),
            },
            code="window_closed",
        )
    raise ValidationError(
        _("Tiêu chí %(code)s không thuộc danh sách phải giải trình bổ sung; chỉ được xem.")
        % {"code": criterion.code},
        code="not_flagged",
    )


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else "—"


@transaction.atomic
def supplement_explanation_set(
    *, actor, assessment: Assessment, criterion, explanation: str
) -> Supplement:
    """The agency's explanation for a flagged leaf, within the supplement window."""
    assessment = _lock_assessment(assessment)
    _check_supplement(actor, assessment, criterion)
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError(_("Hãy nhập nội dung giải trình."), code="required")
    supplement = Supplement.objects.filter(assessment=assessment, criterion=criterion).first()
    old = None if supplement is None else {"explanation": supplement.explanation}
    if supplement is not None and supplement.explanation == explanation:
        return supplement
    if supplement is None:
        supplement = Supplement(assessment=assessment, criterion=criterion)
    supplement.explanation = explanation
    supplement.updated_by = actor
    supplement.save()
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.SUPPLEMENT,
        assessment=assessment,
        criterion=criterion,
        stage=Stage.ROUND1,
        old=old,
        new={"explanation": explanation},
    )
    return supplement


@transaction.atomic
def supplement_evidence_upload(*, actor, assessment: Assessment, criterion, uploaded_files):
    """Evidence for a flagged leaf within the window, through the evidence app's service."""
    from evidence import services as evidence_services

    assessment = _lock_assessment(assessment)
    _check_supplement(actor, assessment, criterion)
    # The evidence service checks the leaf again and writes the audit row.
    return evidence_services.evidence_upload_many(
        actor=actor, assessment=assessment, criterion=criterion, uploaded_files=uploaded_files
    )


# --- council and publication --------------------------------------------------------------


@transaction.atomic
def council_approve(
    *, actor, period: Period, decision: str = CouncilDecision.APPROVED, comment: str = ""
) -> CouncilApproval:
    """A council member's opinion on the final results: approval, or an objection with a
    comment (who, when, what recorded; a new opinion replaces the member's earlier one, the
    audit trail keeps both). An objection is told to the secretariat."""
    period = _lock_period(period)
    if not actor.has_perm("appraisal.approve", period):
        if actor.has_perm("appraisal.view_cycle", period):
            raise ValidationError(
                _("Chỉ thông qua được khi kỳ đánh giá ở giai đoạn Hội đồng."), code="phase"
            )
        raise PermissionDenied
    if decision not in CouncilDecision.values:
        raise ValidationError(_("Hãy chọn thông qua hoặc không thông qua."), code="decision")
    comment = (comment or "").strip()
    if decision == CouncilDecision.OBJECTED and not comment:
        raise ValidationError(
            _("Hãy ghi ý kiến khi không thông qua kết quả."), code="comment_required"
        )
    approval = CouncilApproval.objects.filter(period=period, member=actor, superseded=False).first()
    if approval is not None and (approval.decision, approval.comment) == (decision, comment):
        return approval
    old = None if approval is None else {"decision": approval.decision, "comment": approval.comment}
    if approval is None:
        approval = CouncilApproval(period=period, member=actor)
    approval.decision, approval.comment, approval.approved_at = decision, comment, timezone.now()
    approval.save()
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.APPROVAL,
        old=old,
        new={"member": actor.username, "decision": decision, "comment": comment},
        reason=comment,
    )
    if decision == CouncilDecision.OBJECTED:
        notify(
            kind=NotificationKind.COUNCIL,
            key=f"council:{period.year}:{approval.pk}:{approval.approved_at.isoformat()}",
            user_ids=_secretariat_user_ids(period),
            period=period,
            link=_link("appraisal_council", period.year),
            title=_("Hội đồng: %(member)s không thông qua kết quả năm %(year)s")
            % {"member": actor.full_name or actor.username, "year": period.year},
            text=_("Ý kiến: %(comment)s") % {"comment": comment},
        )
    return approval


@transaction.atomic
def decision_record(*, actor, period: Period, number: str, date, signer: str) -> Period:
    """The publishing decision: number, date and signer (needed to publish)."""
    _require(actor, "appraisal.manage_cycle", period)
    _refuse_frozen(period)
    period = _lock_period(period)
    number, signer = (number or "").strip(), (signer or "").strip()
    if not (number and date and signer):
        raise ValidationError(
            _("Cần đủ số quyết định, ngày quyết định và người ký."), code="required"
        )
    old = {
        "number": period.decision_number,
        "signer": period.decision_signer,
        "date": period.decision_date.isoformat() if period.decision_date else None,
    }
    period.decision_number, period.decision_date, period.decision_signer = number, date, signer
    period.save(update_fields=["decision_number", "decision_date", "decision_signer"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.DECISION,
        old=old,
        new={"number": number, "signer": signer, "date": date.isoformat()},
    )
    return period


# --- reminders ----------------------------------------------------------------------------


AGENCY_AUDIENCES = {
    # the units that have not submitted yet, to their dossier
    "agency": ("workspace", lambda period: {"status": AssessmentStatus.DRAFT}),
    # the units asked to supplement, to their results page
    "agency_flagged": (
        "appraisal_agency",
        lambda period: {"scores__stage": Stage.ROUND1, "scores__supplement_requested": True},
    ),
}


def _reminder_batches(period: Period, field_name: str, audience: str):
    """[(deadline, groups of people sharing a link)] for a deadline of the year: the units
    reminded each at their own deadline (scoring.rules.unit_deadline: an extension moves
    it), the appraisers at the year's."""
    if audience not in AGENCY_AUDIENCES:
        return [(getattr(period, field_name), _audience(period, audience))]
    link_name, filters = AGENCY_AUDIENCES[audience]
    concerned = (
        Assessment.objects.filter(period=period, **filters(period))
        .distinct()
        .prefetch_related("extensions")
    )
    by_deadline: dict = {}
    for assessment in concerned:
        assessment.period = period
        deadline = scoring_rules.unit_deadline(assessment, field_name)
        if deadline is not None:
            by_deadline.setdefault(deadline, []).append(assessment.pk)
    return [
        (
            deadline,
            _agency_groups(
                Assessment.objects.filter(pk__in=ids), lambda pk, _code: _link(link_name, pk)
            ),
        )
        for deadline, ids in sorted(by_deadline.items())
    ]


def _audience(period: Period, audience: str) -> list[tuple[set[int], str]]:
    """The appraisers reminded of a round's deadline (one group, one link)."""
    appraisers = set(
        Assignment.objects.filter(period=period).values_list("appraiser_id", flat=True)
    ) | set(
        CrossCheck.objects.filter(assessment__period=period, checker__isnull=False).values_list(
            "checker_id", flat=True
        )
    )
    return [(appraisers, _link("appraisal_queue", period.year))]


def _reminder_bucket(working_days_left: int) -> int | None:
    """The reminder due with that many working days left (3: the "3 days" one …), or None."""
    return next(
        (days for days in sorted(workflow.REMINDER_DAYS) if working_days_left <= days), None
    )


def deadline_reminders_send(*, now=None) -> int:
    """Reminders 3 working days and 1 working day before each deadline of the phase in
    progress (weekends, holidays and the province's days do not count: scoring.calendar);
    a unit with an extension is reminded before its own deadline.

    Each reminder reaches each person once (per deadline date: a moved deadline is reminded
    again); running it twice tells no one anything new. Returns how many were new.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    config = calendar.province_days()
    told = 0
    for period in Period.objects.filter(phase__in=workflow.phases_where(lambda r: not r.frozen)):
        for field_name, (phase, audience) in workflow.DEADLINES.items():
            if getattr(period, field_name) is None or period.phase != phase:
                continue
            for deadline, groups in _reminder_batches(period, field_name, audience):
                if deadline is None or now >= deadline:
                    continue
                due_day = calendar.local_date(deadline)
                left = calendar.working_days_between(today, due_day, config)
                bucket = _reminder_bucket(left)
                if bucket is None:
                    continue
                label = str(Period._meta.get_field(field_name).verbose_name)
                if left == 0:
                    text = _("Hôm nay là hạn cuối: %(what)s, %(when)s.")
                else:
                    text = _("Còn %(days)s ngày làm việc đến %(what)s: %(when)s.")
                told += _notify_groups(
                    groups=groups,
                    kind=NotificationKind.DEADLINE,
                    key=f"reminder:{period.year}:{field_name}:{due_day.isoformat()}:{bucket}",
                    period=period,
                    title=_("Nhắc hạn: %(what)s") % {"what": label},
                    text=text % {"days": left, "what": label, "when": _when(deadline)},
                )
    return told
