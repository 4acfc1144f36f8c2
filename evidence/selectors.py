"""Reads of evidence, with access helpers that answer "not yours" as "does not exist"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count
from django.http import Http404

from scoring.models import Assessment, Criterion
from scoring.selectors import assessment_get

from .models import EvidenceFile, EvidenceLink


def evidence_file_get(*, actor, file_id: int, perm: str = "evidence.view_file") -> EvidenceFile:
    """A file the actor may act on for `perm`; removed, missing or not allowed → 404."""
    evidence_file = (
        EvidenceFile.objects.select_related("assessment__period", "assessment__unit")
        .filter(pk=file_id, removed_at__isnull=True)
        .first()
    )
    if evidence_file is None or not actor.has_perm(perm, evidence_file):
        raise Http404
    return evidence_file


def evidence_assessment_get(
    *, actor, assessment_id: int, perm: str = "evidence.upload_file"
) -> Assessment:
    return assessment_get(actor=actor, assessment_id=assessment_id, perm=perm)


def evidence_leaf_get(*, assessment: Assessment, criterion_id: int) -> Criterion:
    """A scored leaf of the dossier's period, else 404."""
    criterion = Criterion.objects.filter(
        pk=criterion_id, period_id=assessment.period_id, is_leaf=True
    ).first()
    if criterion is None:
        raise Http404
    return criterion


def _active_links(assessment: Assessment):
    return EvidenceLink.objects.filter(
        file__assessment=assessment, removed_at__isnull=True, file__removed_at__isnull=True
    )


def evidence_files(*, assessment: Assessment) -> list[EvidenceFile]:
    """The dossier's files (not removed), oldest first. One query."""
    return list(
        EvidenceFile.objects.filter(assessment=assessment, removed_at__isnull=True).order_by(
            "uploaded_at", "id"
        )
    )


def evidence_by_criterion(*, assessment: Assessment) -> dict[int, list[EvidenceFile]]:
    """Linked files per leaf id (links and files not removed). One query."""
    result: dict[int, list[EvidenceFile]] = defaultdict(list)
    links = _active_links(assessment).select_related("file").order_by("linked_at", "id")
    for link in links:
        result[link.criterion_id].append(link.file)
    return dict(result)


def evidence_counts(*, assessment: Assessment) -> dict[int, int]:
    """Number of linked files per leaf id. One query."""
    rows = (
        _active_links(assessment)
        .values("criterion_id")
        .annotate(n=Count("file_id", distinct=True))
        .order_by()
    )
    return {row["criterion_id"]: row["n"] for row in rows}


def _leaf_context(assessment, criterion, links, files, editable, error=""):
    linked_ids = {f.id for f in links}
    return {
        "assessment": assessment,
        "criterion": criterion,
        "links": links,
        "other_files": [f for f in files if f.id not in linked_ids],
        "editable": editable,
        "error": error,
    }


def evidence_leaf_context(
    *, actor, assessment: Assessment, criterion: Criterion, error: str = ""
) -> dict:
    """The context of `evidence/_leaf_evidence.html` for one leaf. Two queries."""
    editable = actor.has_perm("evidence.upload_file", assessment)
    links = evidence_by_criterion(assessment=assessment).get(criterion.id, [])
    files = evidence_files(assessment=assessment)
    return _leaf_context(assessment, criterion, links, files, editable, error)


def evidence_leaves_context(
    *, actor, assessment: Assessment, criteria: Iterable[Criterion]
) -> dict[int, dict]:
    """The partial's context for every leaf of a form, keyed by leaf id. Two queries."""
    editable = actor.has_perm("evidence.upload_file", assessment)
    by_criterion = evidence_by_criterion(assessment=assessment)
    files = evidence_files(assessment=assessment)
    return {
        c.id: _leaf_context(assessment, c, by_criterion.get(c.id, []), files, editable)
        for c in criteria
    }


def evidence_leaf_by_code(*, assessment: Assessment, code: str) -> Criterion | None:
    """A scored leaf of the dossier's period by its code (None when there is none)."""
    return Criterion.objects.filter(period_id=assessment.period_id, code=code, is_leaf=True).first()


def evidence_criterion_codes(*, files: Iterable[EvidenceFile]) -> dict[int, list[str]]:
    """The codes of the leaves each file backs (active links), in tree order. One query."""
    codes: dict[int, list[str]] = defaultdict(list)
    links = (
        EvidenceLink.objects.filter(file_id__in=[f.pk for f in files], removed_at__isnull=True)
        .order_by("criterion__order", "criterion__code", "id")
        .values_list("file_id", "criterion__code")
    )
    for file_id, code in links:
        if code not in codes[file_id]:
            codes[file_id].append(code)
    return dict(codes)
