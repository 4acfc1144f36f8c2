"""Writes of the appraiser's desk: keeping the unit's own score (one leaf, or every leaf of
a field not changed yet), and marking items done, one or several at once.

Keyword-only and atomic; scores are written through appraisal.services.appraisal_score_set
(points from the engine, the version check, the cross-check of a home unit's value, the
audit row), with the audit action ACCEPT for a kept score. Marking done refuses an item
with unscored leaves unless a reason is given (recorded with the list in the audit row).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.enums import AuditAction, Stage
from scoring.models import Assessment, Criterion, CriterionMax, Exemption, LeafScore, Period
from scoring.services import audit_record, criterion_lineage_ids
from scoring.workflow import Item
from units.rules import home_unit_ids

from . import progress, services
from .models import Assignment


def _self_score(assessment: Assessment, criterion) -> LeafScore | None:
    return LeafScore.objects.filter(
        assessment=assessment, criterion_id=criterion.pk, stage=Stage.SELF
    ).first()


def _keep(*, actor, assessment, criterion, stage, self_score, current, expected_version=None):
    return services.appraisal_score_set(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        inputs=self_score.inputs,
        comment=current.comment if current is not None else "",
        supplement_requested=current.supplement_requested if current is not None else False,
        expected_version=expected_version,
        action=AuditAction.ACCEPT,
    )


@transaction.atomic
def self_score_keep(
    *, actor, assessment: Assessment, criterion, stage: str, expected_version: int | None = None
) -> LeafScore:
    """The round's score of a leaf becomes the unit's own (its entered figures, so the same
    points), recorded as accepted; the comment and the supplement flag stay as they are."""
    services._check_item(actor, Item(assessment, criterion, stage))
    self_score = _self_score(assessment, criterion)
    if self_score is None or self_score.value is None:
        raise ValidationError(
            _("Đơn vị chưa tự chấm tiêu chí %(code)s: không có điểm tự chấm để giữ.")
            % {"code": criterion.code},
            code="no_self_score",
        )
    current = LeafScore.objects.filter(
        assessment=assessment, criterion_id=criterion.pk, stage=stage
    ).first()
    return _keep(
        actor=actor,
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        self_score=self_score,
        current=current,
        expected_version=expected_version,
    )


@dataclass
class KeepOutcome:
    kept: list[str] = field(default_factory=list)  # leaf codes accepted now
    changed: list[str] = field(default_factory=list)  # differ from the unit's own: left alone
    unscored: list[str] = field(default_factory=list)  # the unit gave no score
    already: list[str] = field(default_factory=list)  # an appraiser saved them this round


@transaction.atomic
def self_scores_keep_unchanged(*, actor, assessment: Assessment, field_node, stage: str):
    """Keep the unit's own score on every leaf of the field whose round score is still the
    one prefilled from it (not saved by an appraiser in this round); each is recorded as
    accepted. Leaves that differ, that the unit did not score, or that are exempt, are left
    as they are (and said)."""
    services._check_item(actor, Item(assessment, field_node, stage))
    applicable = set(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", flat=True)
    )
    leaves = [
        c
        for c in Criterion.objects.filter(
            period_id=assessment.period_id, is_leaf=True
        ).select_related("parent__parent")
        if c.field_code == field_node.code and c.pk in applicable
    ]
    leaves.sort(key=lambda c: (c.order, c.code))
    scores = {
        (s.stage, s.criterion_id): s
        for s in LeafScore.objects.filter(
            assessment=assessment, criterion__in=leaves, stage__in=[Stage.SELF, stage]
        )
    }
    exempt = set(
        Exemption.objects.filter(assessment=assessment, stage=stage).values_list(
            "criterion_id", flat=True
        )
    )
    outcome = KeepOutcome()
    for leaf in leaves:
        if exempt.intersection(criterion_lineage_ids(leaf)):
            continue
        own = scores.get((Stage.SELF, leaf.pk))
        current = scores.get((stage, leaf.pk))
        if own is None or own.value is None:
            outcome.unscored.append(leaf.code)
            continue
        if current is not None and (current.value != own.value or current.inputs != own.inputs):
            outcome.changed.append(leaf.code)
            continue
        if current is not None and current.updated_by_id is not None:
            outcome.already.append(leaf.code)
            continue
        _keep(
            actor=actor,
            assessment=assessment,
            criterion=leaf,
            stage=stage,
            self_score=own,
            current=current,
        )
        outcome.kept.append(leaf.code)
    return outcome


# --- done, one item or several --------------------------------------------------------------


class UnscoredItemsError(ValidationError):
    """Marking done refused: `items` are the (assignment, leaf codes) still unscored. Taken
    only with a reason (the confirmation)."""

    def __init__(self, items: list[tuple[Assignment, list[str]]]):
        self.items = items
        listed = "; ".join(
            f"{a.unit.code} × {a.field.code}: {', '.join(codes)}" for a, codes in items
        )
        super().__init__(
            _(
                "Còn tiêu chí chưa chấm, chưa thể đánh dấu hoàn thành: %(items)s. Hãy chấm "
                "tiếp, hoặc xác nhận hoàn thành kèm lý do."
            )
            % {"items": listed},
            code="unscored",
        )


@transaction.atomic
def items_complete(*, actor, period: Period, assignment_ids, reason: str = "") -> list[Assignment]:
    """The appraiser declares items done for the open round, all or none (no-op for those
    already done). An item with unscored leaves is refused with the list (UnscoredItemsError)
    unless `reason` is given: then it is taken, and the audit row keeps the reason and the
    leaves. Completing a field of one's own home unit queues its values for cross-checks."""
    ids = sorted({int(pk) for pk in assignment_ids})
    if not ids:
        raise ValidationError(_("Hãy chọn ít nhất một mục để đánh dấu hoàn thành."))
    assignments = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, period=period)
        .select_related("period", "field", "unit")
    )
    if len(assignments) != len(ids) or not actor.has_perm("appraisal.view_queue", period):
        raise PermissionDenied
    if any(a.appraiser_id != actor.pk for a in assignments):
        raise PermissionDenied
    if not all(actor.has_perm("appraisal.complete_assignment", a) for a in assignments):
        raise ValidationError(
            _("Giai đoạn hiện tại không có vòng thẩm định đang mở."), code="phase"
        )
    stage = progress.open_stage(period)
    name = progress.done_field(stage)
    rows = progress.item_progress(
        period=period,
        assignments=Assignment.objects.filter(pk__in=ids),
        viewer=actor,
        warnings=False,
    ).rows
    unscored = {row.assignment.pk: row.unscored for row in rows}
    reason = (reason or "").strip()
    missing = [
        (a, unscored[a.pk]) for a in assignments if unscored[a.pk] and getattr(a, name) is None
    ]
    if missing and not reason:
        raise UnscoredItemsError(missing)
    homes = home_unit_ids(actor, period.year)
    dossiers = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            period=period, unit_id__in={x.unit_id for x in assignments}
        ).select_related("period", "unit", "group")
    }
    now = timezone.now()
    for assignment in assignments:
        if getattr(assignment, name) is not None:
            continue
        assessment = dossiers.get(assignment.unit_id)
        if assessment is not None and assignment.unit_id in homes:
            services._home_unit_values_queue(
                actor=actor, assessment=assessment, assignment=assignment, stage=stage
            )
        setattr(assignment, name, now)
        assignment.save(update_fields=[name])
        new = {"unit": assignment.unit.code, "done": True}
        forced = unscored[assignment.pk]
        if forced:
            new["unscored"] = forced
        audit_record(
            period=period,
            actor=actor,
            action=AuditAction.ASSIGNMENT,
            criterion=assignment.field,
            stage=stage,
            new=new,
            reason=reason if forced else "",
        )
    return sorted(assignments, key=lambda a: ids.index(a.pk))
