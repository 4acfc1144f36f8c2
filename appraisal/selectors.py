"""Reads of the appraisal; every function serving a user filters by appraisal.rules.

Lists run a fixed number of queries whatever the number of items: rows are read once per
table and joined in memory.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from evidence.selectors import evidence_by_criterion
from parindex.tabular_safe import csv_writer
from scoring import selectors as scoring_selectors
from scoring import workflow
from scoring.enums import Stage
from scoring.models import (
    Assessment,
    AuditEntry,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
)
from scoring.workflow import Item
from units.enums import RoleKind
from units.models import Role

from . import progress
from .models import Assignment, CouncilApproval, CrossCheck, Supplement

# "Not yours" is the same 404 as "missing": the scoring app's access helpers, used as they are.
period_get = scoring_selectors.period_get
assessment_get = scoring_selectors.assessment_get


def dossier_node_get(*, assessment_id: int, criterion_id: int) -> tuple[Assessment, Criterion]:
    """A dossier and a node of its year's criteria (no permission asked: the caller asks
    the rules with them); either missing is a 404."""
    assessment = (
        Assessment.objects.select_related("period", "unit", "group")
        .filter(pk=assessment_id)
        .first()
    )
    criterion = (
        Criterion.objects.select_related("parent__parent")
        .filter(pk=criterion_id, period_id=getattr(assessment, "period_id", None))
        .first()
    )
    if assessment is None or criterion is None:
        raise Http404
    return assessment, criterion


def item_get(*, actor, assessment_id: int, criterion_id: int) -> Item:
    """A leaf of a dossier the actor may appraise (assigned) or oversee; else 404."""
    assessment, criterion = dossier_node_get(assessment_id=assessment_id, criterion_id=criterion_id)
    stage = workflow.rules_of(assessment.period.phase).appraiser_scores or Stage.ROUND1
    item = Item(assessment, criterion, stage)
    if not actor.has_perm("appraisal.view_item", item):
        raise Http404
    return item


def cross_check_get(*, actor, cross_check_id: int) -> CrossCheck:
    check = (
        CrossCheck.objects.select_related("assessment__period", "assessment__unit", "criterion")
        .filter(pk=cross_check_id)
        .first()
    )
    if check is None or not actor.has_perm("appraisal.view_cross_check", check):
        raise Http404
    return check


def exemption_of(*, check: CrossCheck) -> Exemption | None:
    """The exemption an exemption cross-check is about (None for a score's, or once gone)."""
    if not check.is_exemption:
        return None
    return Exemption.objects.filter(
        assessment_id=check.assessment_id, criterion_id=check.criterion_id, stage=check.stage
    ).first()


def assignments_csv(*, period) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["field_code", "unit_code", "appraiser_username"])
    for a in (
        Assignment.objects.filter(period=period)
        .select_related("field", "unit", "appraiser")
        .order_by("unit__code", "field__code")
    ):
        writer.writerow([a.field.code, a.unit.code, a.appraiser.username])
    return out.getvalue()


# --- the appraiser's queue: appraisal.progress (one count of an item's progress) -------------

queue_rows = progress.queue_rows
cross_checks_open = progress.cross_checks_open


# --- one field of one dossier, for the appraiser ------------------------------------------


@dataclass
class LeafRow:
    criterion: Criterion
    maximum: Decimal
    self_score: LeafScore | None
    score: LeafScore | None  # at the open round
    round1: LeafScore | None
    exemption: Exemption | None
    self_exemption: Exemption | None
    supplement: Supplement | None
    cross_check: CrossCheck | None
    links: list = field(default_factory=list)
    level_options: list = field(default_factory=list)

    @property
    def inputs(self) -> dict:
        return self.score.inputs if self.score is not None else {}

    @property
    def version(self) -> int:
        return self.score.version if self.score is not None else 0

    @property
    def differs(self) -> bool:
        own = self.self_score.value if self.self_score else None
        return self.score is not None and self.score.value != own


def field_rows(*, assessment: Assessment, field_code: str, stage: str) -> tuple[Criterion, list]:
    """The field node and a row per applicable leaf under it, at `stage` (fixed queries)."""
    field_node = Criterion.objects.filter(
        period_id=assessment.period_id, code=field_code, parent__isnull=True
    ).first()
    if field_node is None:
        raise Http404
    maxima = dict(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", "max_score")
    )
    leaves = [
        c
        for c in Criterion.objects.filter(period_id=assessment.period_id, is_leaf=True)
        if c.field_code == field_code and c.pk in maxima
    ]
    leaves.sort(key=lambda c: (c.order, c.code))
    scores = defaultdict(dict)
    for s in LeafScore.objects.filter(assessment=assessment):
        scores[s.stage][s.criterion_id] = s
    exemptions = defaultdict(dict)
    for e in Exemption.objects.filter(assessment=assessment):
        exemptions[e.stage][e.criterion_id] = e
    supplements = {s.criterion_id: s for s in Supplement.objects.filter(assessment=assessment)}
    checks = {
        c.criterion_id: c
        for c in CrossCheck.objects.filter(assessment=assessment, stage=stage).select_related(
            "checker"
        )
    }
    links = evidence_by_criterion(assessment=assessment)
    rows = [
        LeafRow(
            criterion=leaf,
            maximum=maxima[leaf.pk],
            self_score=scores[Stage.SELF].get(leaf.pk),
            score=scores[stage].get(leaf.pk),
            round1=scores[Stage.ROUND1].get(leaf.pk),
            exemption=exemptions[stage].get(leaf.pk),
            self_exemption=exemptions[Stage.SELF].get(leaf.pk),
            supplement=supplements.get(leaf.pk),
            cross_check=checks.get(leaf.pk),
            links=list(links.get(leaf.pk, [])),
            level_options=scoring_selectors.level_options(leaf, maxima[leaf.pk]),
        )
        for leaf in leaves
    ]
    return field_node, rows


# --- the secretariat's views ----------------------------------------------------------------


@dataclass
class UnitOverview:
    assessment: Assessment
    self_index: Decimal | None
    round1_index: Decimal | None
    open_cross_checks: int
    flagged: int
    provisional: int


def round_overview(*, period: Period) -> list[UnitOverview]:
    """Per unit: self vs round-1 index and what is still open (fixed queries)."""
    self_idx = {
        c.assessment_id: c.score.index
        for c in scoring_selectors.assessment_scores_compute(period=period, stage=Stage.SELF)
    }
    round1_idx = {
        c.assessment_id: c.score.index
        for c in scoring_selectors.assessment_scores_compute(period=period, stage=Stage.ROUND1)
    }
    counts = defaultdict(lambda: [0, 0, 0])
    scored_in_round1 = set()  # before round 1 starts there is no round-1 index to show
    for assessment_id in CrossCheck.objects.filter(
        assessment__period=period, decided_at__isnull=True
    ).values_list("assessment_id", flat=True):
        counts[assessment_id][0] += 1
    for assessment_id, flagged, provisional in LeafScore.objects.filter(
        assessment__period=period, stage=Stage.ROUND1
    ).values_list("assessment_id", "supplement_requested", "provisional"):
        counts[assessment_id][1] += flagged
        counts[assessment_id][2] += provisional
        scored_in_round1.add(assessment_id)
    return [
        UnitOverview(
            a,
            self_idx.get(a.id),
            round1_idx.get(a.id) if a.id in scored_in_round1 else None,
            *counts[a.id],
        )
        for a in Assessment.objects.filter(period=period).select_related("unit", "group")
    ]


@dataclass
class MemberLoad:
    user: object
    home_units: list
    expertise: list
    assigned: int = 0
    open_items: int = 0
    open_cross_checks: int = 0


def team_load(*, period: Period) -> list[MemberLoad]:
    """Each member of the year's team: items assigned, still open at the round, cross-checks."""
    members: dict[int, MemberLoad] = {}
    for role in (
        Role.objects.for_year(period.year)
        .filter(kind=RoleKind.APPRAISER)
        .select_related("user", "unit")
    ):
        load = members.setdefault(role.user_id, MemberLoad(role.user, [], []))
        load.home_units.append(role.unit)
        load.expertise.extend(c for c in role.expertise if c not in load.expertise)
    stage = workflow.rules_of(period.phase).appraiser_scores or Stage.ROUND1
    done_field = "final_done_at" if stage == Stage.FINAL else "round1_done_at"
    for appraiser_id, done in Assignment.objects.filter(period=period).values_list(
        "appraiser_id", done_field
    ):
        if appraiser_id in members:
            members[appraiser_id].assigned += 1
            members[appraiser_id].open_items += done is None
    for checker_id in CrossCheck.objects.filter(
        assessment__period=period, decided_at__isnull=True, checker__isnull=False
    ).values_list("checker_id", flat=True):
        if checker_id in members:
            members[checker_id].open_cross_checks += 1
    return sorted(members.values(), key=lambda m: m.user.username)


def assignments_list(*, period: Period):
    return (
        Assignment.objects.filter(period=period)
        .select_related("field", "unit", "appraiser")
        .order_by("unit__code", "field__code")
    )


def approved_ever(period_id: int) -> bool:
    """Whether the council approved the year's results at least once (even if reopened)."""
    return CouncilApproval.objects.filter(period_id=period_id).exists()


def approvals(*, period: Period):
    return list(
        CouncilApproval.objects.filter(period=period, superseded=False).select_related("member")
    )


# --- the agency's view of its appraisal -------------------------------------------------


@dataclass
class AgencyRow:
    criterion: Criterion
    maximum: Decimal
    self_value: Decimal | None
    round1_value: Decimal | None
    round1_comment: str
    flagged: bool
    final_value: Decimal | None
    final_comment: str
    supplement: Supplement | None
    links: list


def agency_rows(*, actor, assessment: Assessment) -> dict:
    """What the phase lets the agency see: round-1 scores and comments (no appraiser names),
    the items to supplement, and the final scorecard once published."""
    if not actor.has_perm("appraisal.view_round1_results", assessment):
        raise Http404
    show_final = actor.has_perm("appraisal.view_final_results", assessment)
    maxima = dict(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", "max_score")
    )
    scores = defaultdict(dict)
    for s in LeafScore.objects.filter(assessment=assessment).only(
        "criterion_id", "stage", "value", "comment", "supplement_requested"
    ):
        scores[s.stage][s.criterion_id] = s
    supplements = {s.criterion_id: s for s in Supplement.objects.filter(assessment=assessment)}
    links = evidence_by_criterion(assessment=assessment)
    rows = []
    for leaf in Criterion.objects.filter(
        period_id=assessment.period_id, is_leaf=True, pk__in=maxima
    ).order_by("order", "code"):
        self_s = scores[Stage.SELF].get(leaf.pk)
        r1 = scores[Stage.ROUND1].get(leaf.pk)
        fin = scores[Stage.FINAL].get(leaf.pk) if show_final else None
        rows.append(
            AgencyRow(
                criterion=leaf,
                maximum=maxima[leaf.pk],
                self_value=self_s.value if self_s else None,
                round1_value=r1.value if r1 else None,
                round1_comment=r1.comment if r1 else "",
                flagged=bool(r1 and r1.supplement_requested),
                final_value=fin.value if fin else None,
                final_comment=fin.comment if fin else "",
                supplement=supplements.get(leaf.pk),
                links=list(links.get(leaf.pk, [])),
            )
        )
    return {
        "rows": rows,
        "flagged": [r for r in rows if r.flagged],
        "show_final": show_final,
        "can_supplement": actor.has_perm("appraisal.supplement_open", assessment),
    }


# --- audit ------------------------------------------------------------------------------------


def audit_for_leaf(*, assessment: Assessment, criterion: Criterion) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(assessment=assessment, criterion=criterion)
        .select_related("actor")
        .order_by("at", "id")
    )


AUDIT_HEADER = [
    "at",
    "unit_code",
    "criterion_code",
    "stage",
    "action",
    "actor",
    "old_value",
    "new_value",
    "reason",
    "after_approval",
]


def audit_csv_rows(*, period: Period):
    yield AUDIT_HEADER
    for e in (
        AuditEntry.objects.filter(period=period)
        .select_related("assessment__unit", "criterion", "actor")
        .order_by("at", "id")
    ):
        yield [
            timezone.localtime(e.at).isoformat(),
            e.assessment.unit.code if e.assessment else "",
            e.criterion.code if e.criterion else "",
            e.stage,
            e.action,
            e.actor.username if e.actor else "",
            json.dumps(e.old_value, ensure_ascii=False) if e.old_value is not None else "",
            json.dumps(e.new_value, ensure_ascii=False) if e.new_value is not None else "",
            e.reason,
            "1" if e.after_approval else "0",
        ]


def item_by_code_get(*, actor, assessment_id: int, criterion_code: str, stage: str) -> Item:
    """A leaf (by code) of a dossier at an appraisal stage (round1 / final) that the actor
    may appraise or oversee (appraisal.view_item); anything else is a 404."""
    if stage not in (Stage.ROUND1, Stage.FINAL):
        raise Http404
    assessment = (
        Assessment.objects.select_related("period", "unit", "group")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not actor.has_perm("scoring.view_assessment", assessment):
        raise Http404
    criterion = (
        Criterion.objects.select_related("parent__parent")
        .filter(period_id=assessment.period_id, code=criterion_code, is_leaf=True)
        .first()
    )
    if criterion is None:
        raise Http404
    item = Item(assessment, criterion, stage)
    if not actor.has_perm("appraisal.view_item", item):
        raise Http404
    return item


# --- for the official documents (reports) ------------------------------------------------------


def cycle_facts(*, period: Period) -> dict:
    """How the year's appraisal ran, as counts: team, assignments, cross-checks per stage,
    items flagged for supplement and the units concerned, supplements received, approvals.
    Fixed queries (the report of the year states them in section I)."""
    checks = {
        (row["stage"], row["decision"]): row["n"]
        for row in CrossCheck.objects.filter(assessment__period=period)
        .values("stage", "decision")
        .annotate(n=Count("id"))
        .order_by()
    }
    flagged = LeafScore.objects.filter(
        assessment__period=period, stage=Stage.ROUND1, supplement_requested=True
    )
    flagged_units = list(
        flagged.values_list("assessment__unit__name", flat=True)
        .distinct()
        .order_by("assessment__unit__name")
    )
    supplements = Supplement.objects.filter(assessment__period=period)
    assignments = Assignment.objects.filter(period=period)
    return {
        "team_size": assignments.values("appraiser_id").distinct().count(),
        "assignments": assignments.count(),
        "cross_checks": {
            stage: {
                "total": sum(n for (s, _d), n in checks.items() if s == stage),
                "confirmed": checks.get((stage, "confirmed"), 0),
                "changed": checks.get((stage, "changed"), 0),
            }
            for stage in (Stage.ROUND1, Stage.FINAL)
        },
        "flagged_items": flagged.count(),
        "flagged_units": flagged_units,
        "supplements": supplements.count(),
        "supplement_units": supplements.values("assessment_id").distinct().count(),
        "council_approvals": CouncilApproval.objects.filter(
            period=period, superseded=False
        ).count(),
    }


@dataclass(frozen=True)
class FlaggedItem:
    """A leaf of a dossier the round-1 appraisal asked the unit to supplement."""

    code: str
    name: str
    maximum: Decimal | None
    self_value: Decimal | None
    round1_value: Decimal | None
    comment: str


def flagged_items(*, assessment: Assessment) -> list[FlaggedItem]:
    """The dossier's leaves flagged for supplement at round 1, in tree order, with the
    round-1 comment (never the appraiser's name). Three queries."""
    maxima = dict(
        CriterionMax.objects.filter(
            criterion__period_id=assessment.period_id, group_id=assessment.group_id
        ).values_list("criterion_id", "max_score")
    )
    self_values = dict(
        LeafScore.objects.filter(assessment=assessment, stage=Stage.SELF).values_list(
            "criterion_id", "value"
        )
    )
    rows = (
        LeafScore.objects.filter(
            assessment=assessment, stage=Stage.ROUND1, supplement_requested=True
        )
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code")
    )
    return [
        FlaggedItem(
            code=row.criterion.code,
            name=row.criterion.name,
            maximum=maxima.get(row.criterion_id),
            self_value=self_values.get(row.criterion_id),
            round1_value=row.value,
            comment=row.comment,
        )
        for row in rows
    ]


def assessment_audit(*, assessment: Assessment) -> list[AuditEntry]:
    """Every audit row of one dossier, oldest first (the unit's dossier bundle)."""
    return list(
        AuditEntry.objects.filter(assessment=assessment)
        .select_related("criterion", "actor")
        .order_by("at", "id")
    )


def supplements_of(*, assessment: Assessment) -> list[Supplement]:
    return list(
        Supplement.objects.filter(assessment=assessment)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code")
    )
