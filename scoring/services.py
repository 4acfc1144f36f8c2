"""Writes of scoring. Each service is keyword-only and atomic."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import engine, hooks, rules
from .enums import AssessmentStatus, AuditAction, ResultSource, Stage
from .models import (
    Assessment,
    AuditEntry,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    Result,
)
from .sealing import results_digest
from .selectors import (
    UnitComputation,
    assessment_completeness,
    assessment_scores_compute,
)


class PublishedYearError(Exception):
    """A published year's results are frozen."""


# --- the audit trail -----------------------------------------------------------------------


def audit_record(
    *,
    period: Period,
    actor,
    action: str,
    assessment: Assessment | None = None,
    criterion=None,
    stage: str = "",
    old=None,
    new=None,
    reason: str = "",
) -> AuditEntry:
    """One row of the audit trail (who, when, old → new, why); marked when the council had
    already approved the year. `actor` None: a management command run by an operator."""
    after_approval = action not in (AuditAction.APPROVAL, AuditAction.DECISION) and any(
        check(period.pk) for check in hooks.approval_checks
    )
    return AuditEntry.objects.create(
        period_id=period.pk,
        assessment=assessment,
        criterion_id=criterion if isinstance(criterion, int) else getattr(criterion, "pk", None),
        stage=stage,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        action=action,
        old_value=old,
        new_value=new,
        reason=reason,
        after_approval=after_approval,
    )


def result_details(computation: UnitComputation) -> dict:
    score = computation.score
    return {
        "scored": f"{score.scored:.2f}",
        "bonus_claimed": f"{score.bonus_claimed:.2f}",
        "bonus_counted": f"{score.bonus_counted:.2f}",
        "deductions": f"{score.deductions:.2f}",
        "band_before_downgrade": computation.band_before_downgrade,
        # [standard, score, index] per field and criterion: compact, since a national
        # year writes 7,820 of these in one statement.
        "sub_indexes": {
            code: [
                f"{node.standard:.2f}",
                f"{node.score:.2f}",
                None if node.index is None else f"{node.index:.2f}",
            ]
            for code, node in sorted(score.sub_indexes.items())
        },
    }


def computation_standings(computations) -> dict[int, engine.Standing]:
    """Each unit's rank and its group's ranking size, by unit id (the index job's, and
    verify_results' recomputation): units left out of the ranking take no place."""
    indexes_by_group: dict[int, dict[int, Decimal | None]] = defaultdict(dict)
    for c in computations:
        indexes_by_group[c.group_id][c.unit_id] = c.score.index
    return engine.group_standings(
        indexes_by_group, left_out={c.unit_id for c in computations if c.left_out}
    )


@transaction.atomic
def results_compute(*, period: Period, stage: str = Stage.FINAL, force: bool = False) -> str:
    """Compute and store every unit's result at a stage; returns the results' hash.

    Safe to run twice: results are recomputed from the stored scores and replaced whole.
    A published year's final results are immutable unless `force` (used by a reopening).
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_frozen and not force:
        raise PublishedYearError(
            _("Kết quả năm %(year)s đã công bố, không thể tính lại.") % {"year": period.year}
        )
    computations = assessment_scores_compute(period=period, stage=stage)
    standings = computation_standings(computations)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Aggregating a national year's scores sorts ~1M rows: keep it in memory.
            cursor.execute("SET LOCAL work_mem = '64MB'")
    results = [
        Result(
            period=period,
            unit_id=c.unit_id,
            group_id=c.group_id,
            stage=stage,
            standard_score=c.score.standard,
            appraised_score=c.score.appraised,
            index=c.score.index,
            band=c.band,
            downgraded=c.downgraded,
            rank_in_group=standings[c.unit_id].rank,
            group_size=standings[c.unit_id].group_size,
            source=ResultSource.COMPUTED,
            details=result_details(c),
            not_submitted=c.not_submitted,
            ranked=not c.left_out,
        )
        for c in computations
    ]
    Result.objects.filter(period=period, stage=stage).delete()
    Result.objects.bulk_create(results, batch_size=2000)
    # The hash of what was just written (the same digest results_hash reads back).
    codes = {c.unit_id: c.unit_code for c in computations}
    return results_digest(
        (
            codes[r.unit_id],
            r.group_id,
            r.standard_score,
            r.appraised_score,
            r.index,
            r.band,
            r.downgraded,
            r.rank_in_group,
            r.group_size,
            r.details,
            r.not_submitted,
            r.ranked,
        )
        for r in results
    )


# --- the agency self-assessment ----------------------------------------------------------

# The inputs each scoring method reads (see engine.leaf_points); anything else is dropped.
METHOD_INPUT_KEYS: dict[str, tuple[str, ...]] = {
    "yes_no": ("answer",),
    "levels": ("level",),
    "manual": ("value",),
    "bonus": ("value",),
    "ratio": ("numerator", "denominator"),
    "survey": ("sipas",),
    "count": ("count",),
    "deduction": ("count",),
}


class StaleVersionError(Exception):
    """The leaf was changed since the client read it (HTTP 409 in the API).

    `current` is the stored LeafScore (None when the client expected a row that is gone).
    """

    def __init__(self, current: LeafScore | None):
        self.current = current
        version = current.version if current is not None else 0
        super().__init__(
            _(
                "Điểm tiêu chí này vừa được thay đổi ở nơi khác (phiên bản %(version)s). "
                "Hãy tải lại trang để xem dữ liệu mới nhất."
            )
            % {"version": version}
        )


class IncompleteAssessmentError(ValidationError):
    """Submission refused: `unscored` and `unexplained` list the leaf codes to complete."""

    def __init__(self, *, unscored: list[str], unexplained: list[str]):
        self.unscored = unscored
        self.unexplained = unexplained
        parts = []
        if unscored:
            parts.append(
                _("Các tiêu chí chưa chấm điểm: %(codes)s.") % {"codes": ", ".join(unscored)}
            )
        if unexplained:
            parts.append(
                _("Các tiêu chí chưa có tài liệu kiểm chứng hoặc giải trình: %(codes)s.")
                % {"codes": ", ".join(unexplained)}
            )
        super().__init__(_("Hồ sơ chưa đầy đủ. ") + " ".join(parts), code="incomplete")

    @property
    def missing(self) -> list[str]:
        return self.unscored + [c for c in self.unexplained if c not in self.unscored]


def _assessment_lock(assessment: Assessment) -> Assessment:
    """Re-read the assessment under a row lock: every self-assessment write is serialised."""
    return (
        Assessment.objects.select_for_update()
        .select_related("period", "unit", "group")
        .get(pk=assessment.pk)
    )


def _require(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def self_edit_refusal(assessment: Assessment) -> str:
    """Why the unit's people may not change the draft now (phase, status, deadline, close)."""
    period = assessment.period
    if not period.is_frozen and rules.phase_rules(period).agency_scores != Stage.SELF:
        return _("Giai đoạn “%(phase)s” không cho phép đơn vị tự chấm điểm.") % {
            "phase": period.get_phase_display()
        }
    if period.is_frozen:
        return _("Kết quả năm %(year)s đã công bố; hồ sơ chỉ được xem.") % {"year": period.year}
    if assessment.status != AssessmentStatus.DRAFT:
        return _("Hồ sơ không còn ở trạng thái được chỉnh sửa.")
    if period.self_assessment_closed:
        return _("Bộ phận thư ký đã khóa việc tự đánh giá; hồ sơ chỉ được xem.")
    deadline = rules.self_assessment_deadline(assessment)
    return _("Đã quá hạn tự đánh giá (%(deadline)s); hồ sơ chỉ được xem.") % {
        "deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y") if deadline else "—"
    }


class DraftClosedError(PermissionDenied):
    """The unit's own people may not change the draft now; the message says why (phase,
    submitted, deadline, closed by the secretariat). Pages and the API show it; for anyone
    else a refusal is a plain PermissionDenied (a 404)."""


def require_self_edit(actor, assessment: Assessment) -> None:
    """The actor may change the unit's draft now; else PermissionDenied when the dossier is
    not theirs (a 404), DraftClosedError with the reason when it is (phase, deadline…)."""
    if actor.has_perm("scoring.edit_self_assessment", assessment):
        return
    if not actor.has_perm("scoring.view_own_assessment", assessment):
        raise PermissionDenied
    raise DraftClosedError(self_edit_refusal(assessment))


def score_json(score: LeafScore | None) -> dict | None:
    """A leaf score as the audit trail keeps it (and the API's 409 shows it): the unit's
    explanation at the self stage, the appraisal's comment and flags at a round."""
    if score is None:
        return None
    data = {"value": None if score.value is None else f"{score.value:.2f}", "inputs": score.inputs}
    if score.stage == Stage.SELF:
        data["explanation"] = score.explanation
    else:
        data.update(
            comment=score.comment,
            supplement_requested=score.supplement_requested,
            provisional=score.provisional,
        )
    data["version"] = score.version
    return data


def leaf_maximum(assessment: Assessment, criterion) -> Decimal:
    """The leaf's maximum for the unit's group; refuses a node that is not a scorable leaf."""
    maximum = (
        CriterionMax.objects.filter(
            criterion_id=criterion.pk,
            criterion__period_id=assessment.period_id,
            criterion__is_leaf=True,
            group_id=assessment.group_id,
        )
        .values_list("max_score", flat=True)
        .first()
    )
    if maximum is None:
        raise ValidationError(
            _("Tiêu chí %(code)s không áp dụng cho khối của đơn vị trong kỳ đánh giá này.")
            % {"code": criterion.code},
            code="not_applicable",
        )
    return maximum


def leaf_inputs_clean(method: str, inputs: dict) -> dict:
    """Only the inputs the leaf's method reads, trimmed; empty ones dropped."""
    cleaned = {}
    for key in METHOD_INPUT_KEYS.get(method, ()):
        raw = inputs.get(key)
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            continue
        cleaned[key] = raw if isinstance(raw, bool | int) else str(raw)
    return cleaned


# --- writing a leaf score: the one place -------------------------------------------------
#
# Every LeafScore is written here: one leaf by `leaf_score_write` (the agency's own score, an
# appraiser's, a cross-check's change, the survey leaves from SIPAS), many at once by
# `leaf_scores_create` (the demo's years) and `leaf_scores_copy` (a round prefilled from the
# one before, audited by the phase move as one row with the count).


def criterion_lineage_ids(criterion) -> list[int]:
    """The node's id and the ids of every node above it (leaf first)."""
    ids, node = [], criterion
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def leaf_exempt(*, assessment: Assessment, criterion, stage: str) -> bool:
    """Whether the leaf, or a node above it, is exempt (giảm trừ) for the unit at the stage."""
    return Exemption.objects.filter(
        assessment=assessment, stage=stage, criterion_id__in=criterion_lineage_ids(criterion)
    ).exists()


def leaf_score_points(
    *, assessment: Assessment, criterion, stage: str, inputs: dict
) -> tuple[dict, Decimal | None]:
    """The inputs the leaf's method reads and their points through the engine (None when
    nothing is entered). Refused: a node that is not a leaf of the unit's group, inputs the
    engine cannot score (ScoringInputError), and inputs for an exempt leaf."""
    maximum = leaf_maximum(assessment, criterion)
    cleaned = leaf_inputs_clean(criterion.method, inputs or {})
    if not cleaned:
        return cleaned, None
    if leaf_exempt(assessment=assessment, criterion=criterion, stage=stage):
        if stage == Stage.SELF:  # the unit's own claim, still to be decided
            message = _("Tiêu chí đang được đề nghị giảm trừ; hãy rút đề nghị trước khi chấm điểm.")
        else:
            message = _(
                "Tiêu chí đang được giảm trừ ở vòng này; hãy rút giảm trừ trước khi chấm điểm."
            )
        raise ValidationError(message, code="exempt")
    return cleaned, engine.leaf_points(criterion.method, criterion.params or {}, maximum, cleaned)


# What a person enters besides the figures, per stage: the unit's explanation, or the
# appraisal's comment and supplement flag. A save is "the same again" when these, the inputs
# and the points are unchanged.
ENTERED_FIELDS = {
    Stage.SELF: ("explanation",),
    Stage.ROUND1: ("comment", "supplement_requested"),
    Stage.FINAL: ("comment", "supplement_requested"),
}


def leaf_score_write(
    *,
    actor,
    assessment: Assessment,
    criterion,
    stage: str,
    inputs: dict,
    value: Decimal | None,
    entered: dict | None = None,
    provisional: bool | None = None,
    expected_version: int | None = None,
    action: str = AuditAction.SCORE,
    reason: str = "",
    audit_extra: dict | None = None,
    write_unchanged: bool = False,
) -> tuple[LeafScore, bool]:
    """Write one leaf's score at a stage; returns it and whether anything was written.

    `inputs` and `value` are what `leaf_score_points` gave; `entered` the stage's
    ENTERED_FIELDS given (one not given stays as it is); `provisional` (None: unchanged)
    whether it waits for a cross-check. The same data again writes nothing (a retried
    request), unless `write_unchanged` (a cross-check confirming the score as it is). `expected_version` (0: no score yet)
    refuses to overwrite a change made elsewhere (StaleVersionError). A write bumps the
    version and leaves an audit row (`action`, `reason`; `audit_extra` added to its new
    value). The caller holds the assessment's lock and has checked who may write.
    """
    entered = dict(entered or {})  # a field not given stays as it is
    if set(entered) - set(ENTERED_FIELDS[stage]):
        raise TypeError(f"not entered at {stage}: {sorted(entered)}")
    current = (
        LeafScore.objects.select_for_update()
        .filter(assessment=assessment, criterion_id=criterion.pk, stage=stage)
        .first()
    )
    unchanged = current is not None and (
        (current.value, current.inputs) == (value, inputs)
        and all(getattr(current, key) == entry for key, entry in entered.items())
    )
    if unchanged and not write_unchanged:
        return current, False
    if expected_version is not None:
        stored_version = current.version if current is not None else 0
        if expected_version != stored_version:
            raise StaleVersionError(current)
    old = score_json(current)
    if current is None:
        current = LeafScore(
            assessment=assessment, criterion_id=criterion.pk, stage=stage, version=0
        )
    current.value = value
    current.inputs = inputs
    for key, entry in entered.items():
        setattr(current, key, entry)
    if provisional is not None:
        current.provisional = provisional
    current.version += 1
    current.updated_by = actor if getattr(actor, "pk", None) else None
    current.save()
    audit_record(
        period=assessment.period,
        actor=actor,
        action=action,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        old=old,
        new={**score_json(current), **(audit_extra or {})},
        reason=reason,
    )
    return current, True


def leaf_score_new(
    *,
    assessment: Assessment,
    criterion,
    stage: str,
    inputs: dict,
    maximum: Decimal,
    **entered,
) -> LeafScore:
    """An unsaved leaf score for `leaf_scores_create`: the points of `inputs` through the
    engine, as leaf_score_write would store them (version 1)."""
    cleaned = leaf_inputs_clean(criterion.method, inputs)
    value = (
        engine.leaf_points(criterion.method, criterion.params or {}, maximum, cleaned)
        if cleaned
        else None
    )
    unknown = set(entered) - set(ENTERED_FIELDS[stage]) - {"updated_by"}
    if unknown:
        raise TypeError(f"not entered at {stage}: {sorted(unknown)}")
    return LeafScore(
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        value=value,
        inputs=cleaned,
        version=1,
        **entered,
    )


def leaf_scores_create(scores, *, batch_size: int = 2000) -> int:
    """Save many new leaf scores made by `leaf_score_new` at once (the demo's years, made
    before anyone works on them: no audit row each). Returns how many."""
    scores = list(scores)
    LeafScore.objects.bulk_create(scores, batch_size=batch_size)
    return len(scores)


def _keys_at(model, period: Period, stage: str) -> set[tuple[int, int]]:
    return set(
        model.objects.filter(assessment__period=period, stage=stage).values_list(
            "assessment_id", "criterion_id"
        )
    )


def leaf_scores_copy(*, period: Period, source: str, target: str) -> int:
    """Prefill the `target` stage from `source` for every leaf of the year not yet scored
    at `target` (figures, points, the appraisal's comment; version 1), and every exemption
    not yet at `target`. The phase move that copies records the count in its audit row.
    Returns how many scores were copied."""
    scored = _keys_at(LeafScore, period, target)
    copied = leaf_scores_create(
        LeafScore(
            assessment_id=s.assessment_id,
            criterion_id=s.criterion_id,
            stage=target,
            value=s.value,
            inputs=s.inputs,
            comment=s.comment if source != Stage.SELF else "",
            version=1,
        )
        for s in LeafScore.objects.filter(assessment__period=period, stage=source)
        if (s.assessment_id, s.criterion_id) not in scored
    )
    exempt = _keys_at(Exemption, period, target)
    Exemption.objects.bulk_create(
        Exemption(
            assessment_id=e.assessment_id,
            criterion_id=e.criterion_id,
            stage=target,
            reason=e.reason,
            created_by_id=e.created_by_id,
        )
        for e in Exemption.objects.filter(assessment__period=period, stage=source)
        if (e.assessment_id, e.criterion_id) not in exempt
    )
    return copied


@transaction.atomic
def self_score_set(
    *,
    actor,
    assessment: Assessment,
    criterion,
    inputs: dict,
    explanation: str,
    expected_version: int | None = None,
) -> LeafScore:
    """Save the agency's own score of a leaf (stage SELF) from what was entered.

    Points come from `engine.leaf_points` (a ScoringInputError carries the message for the
    user; nothing is saved). Empty inputs save the explanation alone and leave no points,
    so typed text is never lost. Saving identical data again changes nothing (same
    version); `expected_version` (0 for "no score yet") guards against overwriting a change
    made elsewhere: StaleVersionError.
    """
    assessment = _assessment_lock(assessment)
    require_self_edit(actor, assessment)
    cleaned, value = leaf_score_points(
        assessment=assessment, criterion=criterion, stage=Stage.SELF, inputs=inputs
    )
    score, _written = leaf_score_write(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=Stage.SELF,
        inputs=cleaned,
        value=value,
        entered={"explanation": (explanation or "").strip()},
        expected_version=expected_version,
    )
    return score


@transaction.atomic
def self_exemption_claim(*, actor, assessment: Assessment, criterion, reason: str) -> Exemption:
    """Claim that a leaf does not apply to the unit (giảm trừ), with the required reason."""
    assessment = _assessment_lock(assessment)
    require_self_edit(actor, assessment)
    leaf_maximum(assessment, criterion)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Vui lòng nêu lý do đề nghị giảm trừ"), code="reason_required")
    exemption, _changed = exemption_set_audited(
        actor=actor, assessment=assessment, criterion=criterion, stage=Stage.SELF, reason=reason
    )
    return exemption


def exemption_set_audited(
    *, actor, assessment: Assessment, criterion, stage: str, reason: str, provisional=False
) -> tuple[Exemption, bool]:
    """Create or update the node's exemption at the stage with its audit row; the caller has
    checked who may. `provisional`: it waits for a cross-check (it stays so until decided).
    Returns the exemption and whether anything changed."""
    exemption = Exemption.objects.filter(
        assessment=assessment, criterion_id=criterion.pk, stage=stage
    ).first()
    old = None if exemption is None else {"reason": exemption.reason}
    if exemption is None:
        exemption = Exemption.objects.create(
            assessment=assessment,
            criterion_id=criterion.pk,
            stage=stage,
            reason=reason,
            provisional=provisional,
            created_by=actor,
        )
    elif exemption.reason != reason or (provisional and not exemption.provisional):
        exemption.reason = reason
        exemption.provisional = exemption.provisional or provisional
        exemption.save(update_fields=["reason", "provisional"])
    else:
        return exemption, False
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.EXEMPTION,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        old=old,
        new={"reason": reason},
        reason=reason,
    )
    return exemption, True


@transaction.atomic
def self_exemption_withdraw(*, actor, assessment: Assessment, criterion) -> None:
    """Withdraw the claim; the leaf's score (kept meanwhile) counts again. No-op if none."""
    assessment = _assessment_lock(assessment)
    require_self_edit(actor, assessment)
    exemption_withdraw_audited(
        actor=actor, assessment=assessment, criterion=criterion, stage=Stage.SELF
    )


def exemption_withdraw_audited(
    *, actor, assessment: Assessment, criterion, stage: str, reason: str = ""
) -> Exemption | None:
    """Delete the node's exemption at the stage (if any) with its audit row; the caller has
    checked who may. Returns the deleted exemption."""
    exemption = Exemption.objects.filter(
        assessment=assessment, criterion_id=criterion.pk, stage=stage
    ).first()
    if exemption is None:
        return None
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.EXEMPTION_WITHDRAW,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        old={"reason": exemption.reason},
        reason=reason,
    )
    exemption.delete()
    return exemption


def _submission_save(*, actor, assessment: Assessment, action: str, old: dict) -> None:
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "is_late"])
    audit_record(
        period=assessment.period,
        actor=actor,
        action=action,
        assessment=assessment,
        stage=Stage.SELF,
        old=old,
        new=_submission_json(assessment),
    )


def _submission_json(assessment: Assessment) -> dict:
    return {
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "is_late": assessment.is_late,
    }


@transaction.atomic
def assessment_submit(*, actor, assessment: Assessment, confirm: bool) -> Assessment:
    """The head submits the dossier for appraisal; it becomes read-only.

    After the deadline the dossier is still taken and recorded as late (server time), unless
    the secretariat closed submissions. Submitting twice changes nothing.
    """
    assessment = _assessment_lock(assessment)
    if (
        assessment.status == AssessmentStatus.SUBMITTED
        and rules.heads_assessment_unit(actor, assessment)
        and rules.agency_scores_self(actor, assessment)
    ):
        return assessment  # a repeated submission while submissions are open
    _require(actor, "scoring.submit_assessment", assessment)
    if assessment.period.self_assessment_closed:
        raise ValidationError(_("Bộ phận thư ký đã khóa việc nộp hồ sơ"), code="closed")
    if not confirm:
        raise ValidationError(
            _("Vui lòng xác nhận nội dung hồ sơ trước khi nộp."), code="confirm_required"
        )
    completeness = assessment_completeness(assessment=assessment)
    if not completeness.complete:
        raise IncompleteAssessmentError(
            unscored=[leaf.code for leaf in completeness.unscored],
            unexplained=[leaf.code for leaf in completeness.unexplained],
        )
    old = _submission_json(assessment)
    now = timezone.now()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = actor
    assessment.is_late = rules.self_deadline_passed(assessment, now)
    _submission_save(actor=actor, assessment=assessment, action=AuditAction.SUBMIT, old=old)
    return assessment


def evidence_warnings_confirm(*, actor, assessment: Assessment, warnings) -> None:
    """Keep the evidence warnings the head submitted knowingly (the evidence app records them;
    `warnings` as read by selectors.evidence_warnings_of)."""
    if hooks.evidence is not None and warnings:
        hooks.evidence.warnings_confirm(actor=actor, assessment=assessment, warnings=warnings)


@transaction.atomic
def assessment_withdraw(*, actor, assessment: Assessment) -> Assessment:
    """The head takes a submitted dossier back to draft, only before the deadline."""
    assessment = _assessment_lock(assessment)
    if (
        assessment.status == AssessmentStatus.DRAFT
        and rules.heads_assessment_unit(actor, assessment)
        and rules.agency_scores_self(actor, assessment)
    ):
        return assessment  # already a draft
    _require(actor, "scoring.withdraw_assessment", assessment)
    if rules.self_deadline_passed(assessment):
        raise ValidationError(
            _("Đã quá hạn nộp hồ sơ (%(deadline)s), không thể rút hồ sơ về để sửa.")
            % {
                "deadline": timezone.localtime(rules.self_assessment_deadline(assessment)).strftime(
                    "%H:%M %d/%m/%Y"
                )
            },
            code="deadline_passed",
        )
    if assessment.period.self_assessment_closed:
        raise ValidationError(_("Bộ phận thư ký đã khóa việc nộp hồ sơ"), code="closed")
    old = _submission_json(assessment)
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = None
    assessment.submitted_by = None
    assessment.is_late = False
    _submission_save(actor=actor, assessment=assessment, action=AuditAction.WITHDRAW, old=old)
    return assessment
