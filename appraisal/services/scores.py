"""The appraisers' scores and exemptions of a leaf at the open round (round 1 or final)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.enums import AuditAction, Stage
from scoring.models import Assessment, Exemption, LeafScore
from scoring.services import (
    exemption_set_audited,
    exemption_withdraw_audited,
    leaf_score_points,
    leaf_score_write,
)
from scoring.workflow import Item
from units.rules import home_unit_ids, is_appraiser

from ..enums import CrossCheckKind
from ..models import CrossCheck
from ..rules import is_assigned
from .crosschecks import cross_check_request
from .guards import assessment_lock, comment_required_if_changed, phase_label, refuse_frozen


def item_check(actor, item: Item) -> None:
    """Not assigned (or not in the year's team): PermissionDenied (404). Assigned but the
    stage is closed: a message."""
    if not (_assigned(actor, item) and is_appraiser(actor, item)):
        raise PermissionDenied
    refuse_frozen(item.assessment.period)
    if not actor.has_perm("appraisal.score_item", item):
        raise ValidationError(
            _("Giai đoạn “%(phase)s” không cho phép chấm điểm vòng “%(stage)s”.")
            % {
                "phase": phase_label(item.assessment.period.phase),
                "stage": Stage(item.stage).label,
            },
            code="phase",
        )


def _assigned(actor, item: Item) -> bool:
    return is_assigned(actor, item.assessment, item.criterion)


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
    assessment = assessment_lock(assessment)
    item_check(actor, Item(assessment, criterion, stage))
    cleaned, value = leaf_score_points(
        assessment=assessment, criterion=criterion, stage=stage, inputs=inputs
    )
    comment = (comment or "").strip()
    comment_required_if_changed(assessment, criterion, value, comment)
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
        cross_check_request(actor=actor, assessment=assessment, criterion=criterion, stage=stage)
    return score


@transaction.atomic
def appraisal_exemption_set(
    *, actor, assessment: Assessment, criterion, stage: str, reason: str
) -> Exemption:
    """An appraiser proposes that a node does not apply to the unit at the open round.

    Proposed for the appraiser's own home unit, it is provisional and queued for a
    cross-check by a member of another unit, exactly like a score."""
    assessment = assessment_lock(assessment)
    item_check(actor, Item(assessment, criterion, stage))
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
        cross_check_request(
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
    assessment = assessment_lock(assessment)
    item_check(actor, Item(assessment, criterion, stage))
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
