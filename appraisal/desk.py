"""Writes of the appraiser's desk: keeping the unit's own score (one leaf, or every leaf of
a field not changed yet), and marking items done, one or several at once.

Keyword-only and atomic; scores are written through appraisal.services.appraisal_score_set
(points from the engine, the version check, the cross-check of a home unit's value, the
audit row), with the audit action ACCEPT for a kept score. Marking items done is a write of
the assignments (appraisal.services.team.items_complete), named here too for the desk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.enums import AuditAction, Stage
from scoring.models import Assessment, Criterion, CriterionMax, Exemption, LeafScore
from scoring.services import criterion_lineage_ids
from scoring.workflow import Item

from . import services
from .services import UnscoredItemsError, items_complete

__all__ = [
    "KeepOutcome",
    "UnscoredItemsError",
    "items_complete",
    "self_score_keep",
    "self_scores_keep_unchanged",
]


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
    services.item_check(actor, Item(assessment, criterion, stage))
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
    services.item_check(actor, Item(assessment, field_node, stage))
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
