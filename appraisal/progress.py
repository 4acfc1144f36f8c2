"""Progress of the appraisal, item by item: the appraiser's queue, the secretariat's progress
view, and what "done" refuses (reads only).

An item is one (unit, field) of the year given to one appraiser (an Assignment). Its
progress is counted at the round open to appraisers (or the last one): the field's leaves
that apply to the unit's group, how many have a value or are exempt at the round, how many
differ from the unit's own score, how many an appraiser has looked at (saved or kept) in
this round, the supplement requests, the values waiting for a cross-check, the warnings of
the evidence checks on its files, the working group's notes, and the leaves still unscored
(the scored kind, not exempt, no value: what marking it done refuses without a reason).

Every list here runs a fixed number of queries whatever the number of items: rows are read
once per table for all the items and joined in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.models import EvidenceLink
from evidence.selectors import evidence_cards_of
from scoring import workflow
from scoring.enums import AssessmentStatus, NodeKind, Stage
from scoring.models import Assessment, Criterion, CriterionMax, Exemption, LeafScore, Period
from units.rules import home_unit_ids

from .models import Assignment, CrossCheck, Supplement, WorkingNote

# The item statuses a queue is filtered by (key → label), in the order of the filter menu.
STATUSES = {
    "open": gettext_lazy("Chưa hoàn thành"),
    "unscored": gettext_lazy("Còn tiêu chí chưa chấm"),
    "scored": gettext_lazy("Đã chấm đủ, chưa hoàn thành"),
    "waiting": gettext_lazy("Chờ thẩm định chéo"),
    "done": gettext_lazy("Đã hoàn thành"),
    "warnings": gettext_lazy("Có cảnh báo tài liệu"),
}
# The dossier statuses (key → label).
DOSSIERS = {
    "submitted": gettext_lazy("Đã nộp đúng hạn"),
    "late": gettext_lazy("Nộp muộn"),
    "not_submitted": gettext_lazy("Không / chưa nộp"),
}
# How the units of a queue are sorted (key → label); the first is the default.
SORTS = {
    "unit": gettext_lazy("Thứ tự đơn vị"),
    "name": gettext_lazy("Tên đơn vị"),
    "progress": gettext_lazy("Ít tiến độ nhất trước"),
    "changed": gettext_lazy("Nhiều điểm khác tự chấm trước"),
    "warnings": gettext_lazy("Nhiều cảnh báo tài liệu trước"),
}


def open_stage(period: Period) -> str:
    """The round appraisers score in the year's phase, or round 1 when none is open."""
    return workflow.rules_of(period.phase).appraiser_scores or Stage.ROUND1


def done_field(stage: str) -> str:
    """The Assignment field that says the item is done at `stage`."""
    return "final_done_at" if stage == Stage.FINAL else "round1_done_at"


def round_end(period: Period, stage: str) -> datetime | None:
    """When the round of `stage` ends (the period's date), if set."""
    return getattr(period, workflow.ROUND_DATES[stage][1], None)


@dataclass
class ItemProgress:
    """One (unit, field) item at the round; the queue's row (and API v1's queue item)."""

    assignment: Assignment
    assessment_id: int | None
    submitted: bool = False
    late: bool = False
    open_to_appraiser: bool = False  # the dossier may be read (scoring.rules)
    started: bool = False  # the appraisal has started (an unsubmitted dossier is appraised)
    stage: str = Stage.ROUND1
    leaves: int = 0  # applicable leaves of the field
    scored: int = 0  # with a value, or exempt, at the round
    changed: int = 0  # a value other than the unit's own
    reviewed: int = 0  # saved, kept or cross-checked by an appraiser in this round
    flagged: int = 0
    provisional: int = 0
    warnings: int = 0  # warnings of the evidence checks on the field's files
    notes: int = 0  # the working group's notes on the field's leaves
    unscored: list = field(default_factory=list)  # codes: scored kind, not exempt, no value
    supplements: int = 0  # supplement answers not looked at since they came
    overdue: bool = False

    @property
    def done(self) -> bool:
        return bool(getattr(self.assignment, done_field(self.stage)))

    @property
    def status_key(self) -> str:
        if self.provisional:
            return "waiting"
        if self.done:
            return "done"
        if self.scored < self.leaves or self.unscored:
            return "unscored"
        return "scored"

    @property
    def status(self) -> str:
        return {
            "waiting": _("Chờ thẩm định chéo"),
            "done": _("Đã hoàn thành"),
            "unscored": _("Đang thẩm định"),
            "scored": _("Đã chấm đủ"),
        }[self.status_key]

    @property
    def dossier_key(self) -> str:
        if not self.submitted:
            return "not_submitted"
        return "late" if self.late else "submitted"

    @property
    def dossier_label(self) -> str:
        if not self.submitted:
            return _("không nộp hồ sơ") if self.started else _("chưa nộp hồ sơ")
        return _("nộp muộn") if self.late else _("đã nộp")

    @property
    def unit(self):
        return self.assignment.unit

    @property
    def field(self):
        return self.assignment.field


@dataclass(frozen=True)
class SupplementAnswer:
    """A flagged leaf the unit answered (explanation or files) in the supplement window,
    on an item of mine, not looked at in round 2 since."""

    assessment_id: int
    unit: object
    code: str
    field_code: str
    criterion_id: int
    at: datetime


@dataclass
class Progress:
    rows: list[ItemProgress]
    supplements: list[SupplementAnswer]


@dataclass(frozen=True)
class _Tree:
    leaves_by_field: dict  # field code → [leaf]
    ancestors: dict  # leaf id → ids of the leaf and its ancestors
    kinds: dict  # leaf id → NodeKind


def _tree(period: Period) -> _Tree:
    nodes = list(
        Criterion.objects.filter(period=period).only(
            "id", "code", "parent_id", "is_leaf", "kind", "order"
        )
    )
    parent = {n.pk: n.parent_id for n in nodes}
    leaves_by_field: dict[str, list] = defaultdict(list)
    ancestors, kinds = {}, {}
    for node in sorted(nodes, key=lambda n: (n.order, n.code)):
        if not node.is_leaf:
            continue
        leaves_by_field[node.field_code].append(node)
        chain, current = [], node.pk
        while current is not None:
            chain.append(current)
            current = parent.get(current)
        ancestors[node.pk] = chain
        kinds[node.pk] = node.kind
    return _Tree(dict(leaves_by_field), ancestors, kinds)


def item_progress(
    *,
    period: Period,
    assignments,
    viewer=None,
    warnings: bool = True,
    now: datetime | None = None,
) -> Progress:
    """The progress of `assignments` (a queryset of the period's) at the open round.

    `viewer`: whose notes count (a member counts none on their own home unit) and whose
    supplement answers are listed (their own items'); None counts every note. `warnings`
    False skips the evidence checks (the secretariat's overview)."""
    stage = open_stage(period)
    phase_rules = workflow.rules_of(period.phase)
    now = now or timezone.now()
    end = round_end(period, stage)
    assignments = list(assignments.select_related("field", "unit", "unit__group", "appraiser"))
    unit_ids = {a.unit_id for a in assignments}
    dossiers = {
        row[0]: row
        for row in Assessment.objects.filter(period=period, unit_id__in=unit_ids).values_list(
            "unit_id", "id", "status", "is_late", "group_id"
        )
    }
    assessment_ids = [row[1] for row in dossiers.values()]
    tree = _tree(period)
    applicable = set(
        CriterionMax.objects.filter(criterion__period=period).values_list(
            "criterion_id", "group_id"
        )
    )
    # Supplement answers are looked at in round 2 (its scores): from the moment the requests
    # went out (the supplement window) until the item is done in round 2.
    answers_out = phase_rules.supplement_requests_sent
    stages = {Stage.SELF, stage, workflow.FLAG_STAGE} | ({Stage.FINAL} if answers_out else set())
    self_values, scores, flagged_r1, final_seen = {}, {}, set(), {}
    for (
        assessment_id,
        criterion_id,
        st,
        value,
        flag,
        provisional,
        by,
        at,
    ) in LeafScore.objects.filter(assessment_id__in=assessment_ids, stage__in=stages).values_list(
        "assessment_id",
        "criterion_id",
        "stage",
        "value",
        "supplement_requested",
        "provisional",
        "updated_by_id",
        "updated_at",
    ):
        key = (assessment_id, criterion_id)
        if st == Stage.SELF:
            self_values[key] = value
        if st == workflow.FLAG_STAGE and flag:
            flagged_r1.add(key)
        if st == stage:
            scores[key] = (value, flag, provisional, by, at)
        if st == Stage.FINAL:
            final_seen[key] = (by, at)
    exempt = defaultdict(set)
    for assessment_id, criterion_id in Exemption.objects.filter(
        assessment_id__in=assessment_ids, stage=stage
    ).values_list("assessment_id", "criterion_id"):
        exempt[assessment_id].add(criterion_id)
    homes = home_unit_ids(viewer, period.year) if viewer is not None else set()
    notes = defaultdict(int)
    for assessment_id, criterion_id in WorkingNote.objects.filter(
        assessment_id__in=assessment_ids
    ).values_list("assessment_id", "criterion_id"):
        notes[(assessment_id, criterion_id)] += 1
    warned = _warnings(period, dossiers.values()) if warnings else {}
    answers = _supplement_answers(assessment_ids) if answers_out else {}
    rows, waiting = [], []
    for a in assignments:
        unit_id, assessment_id, status, late, group_id = dossiers.get(
            a.unit_id, (a.unit_id, None, None, False, a.unit.group_id)
        )
        submitted = status == AssessmentStatus.SUBMITTED
        row = ItemProgress(
            assignment=a,
            assessment_id=assessment_id,
            submitted=submitted,
            late=bool(late) and submitted,
            open_to_appraiser=assessment_id is not None
            and (submitted or phase_rules.appraisal_started),
            started=phase_rules.appraisal_started,
            stage=stage,
        )
        for leaf in tree.leaves_by_field.get(a.field.code, []):
            if (leaf.pk, group_id) not in applicable:
                continue
            key = (assessment_id, leaf.pk)
            row.leaves += 1
            is_exempt = bool(exempt[assessment_id].intersection(tree.ancestors[leaf.pk]))
            value, flag, provisional, by, at = scores.get(key, (None, False, False, None, None))
            if value is not None or is_exempt:
                row.scored += 1
            elif tree.kinds[leaf.pk] == NodeKind.SCORED:
                row.unscored.append(leaf.code)
            if key in scores:
                row.changed += value != self_values.get(key)
                row.reviewed += by is not None
                row.flagged += bool(flag)
                row.provisional += bool(provisional)
            if a.unit_id not in homes:
                row.notes += notes.get(key, 0)
            row.warnings += warned.get(key, 0)
            answered = answers.get(key)
            seen_by, seen_at = final_seen.get(key, (None, None))
            if (
                answered is not None
                and key in flagged_r1
                and a.final_done_at is None
                and (seen_by is None or seen_at < answered)
                and (viewer is None or a.appraiser_id == viewer.pk)
            ):
                row.supplements += 1
                waiting.append(
                    SupplementAnswer(
                        assessment_id, a.unit, leaf.code, a.field.code, leaf.pk, answered
                    )
                )
        row.overdue = (
            phase_rules.appraiser_scores is not None
            and end is not None
            and now > end
            and not row.done
        )
        rows.append(row)
    waiting.sort(key=lambda s: s.at)
    return Progress(rows=rows, supplements=waiting)


def _warnings(period: Period, dossiers) -> dict[tuple[int, int], int]:
    """Warnings of the evidence checks per (dossier, leaf): the cards of every file linked
    to the leaf (evidence.selectors.evidence_cards_of, fixed queries)."""
    # The dossiers as the checks read them (id, unit, year), from the rows already read.
    assessments = [
        Assessment(pk=pk, unit_id=unit_id, period=period, group_id=group_id)
        for unit_id, pk, _status, _late, group_id in dossiers
    ]
    out: dict[tuple[int, int], int] = {}
    for assessment_id, cards in evidence_cards_of(actor=None, assessments=assessments).items():
        for criterion_id, items in cards.by_criterion().items():
            count = sum(len(card.warnings) for card in items)
            if count:
                out[(assessment_id, criterion_id)] = count
    return out


def _supplement_answers(assessment_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """The latest supplement answer per (dossier, leaf): an explanation, or a file added in
    the supplement window (evidence of the round-1 stage)."""
    latest: dict[tuple[int, int], datetime] = {}
    for assessment_id, criterion_id, at in Supplement.objects.filter(
        assessment_id__in=assessment_ids
    ).values_list("assessment_id", "criterion_id", "updated_at"):
        latest[(assessment_id, criterion_id)] = at
    for assessment_id, criterion_id, at in EvidenceLink.objects.filter(
        file__assessment_id__in=assessment_ids,
        file__stage=workflow.FLAG_STAGE,
        file__removed_at__isnull=True,
        removed_at__isnull=True,
    ).values_list("file__assessment_id", "criterion_id", "linked_at"):
        key = (assessment_id, criterion_id)
        latest[key] = max(at, latest.get(key, at))
    return latest


def queue_rows(*, actor, period: Period, assignments=None) -> list[ItemProgress]:
    """The actor's (unit × field) items with progress at the open (or last) round."""
    if assignments is None:
        assignments = Assignment.objects.filter(period=period, appraiser=actor)
    return item_progress(period=period, assignments=assignments, viewer=actor).rows


def cross_checks_open(*, actor, period: Period) -> list[CrossCheck]:
    """The cross-checks given to the actor and not decided yet, oldest first."""
    return list(
        CrossCheck.objects.filter(
            assessment__period=period, checker=actor, decided_at__isnull=True
        ).select_related("assessment__unit", "criterion")
    )


# --- the queue page: filters, search, sort, grouping ----------------------------------------


@dataclass
class UnitItems:
    """A unit of a queue with its items (fields) and their progress together."""

    unit: object
    rows: list[ItemProgress]

    @property
    def first(self) -> ItemProgress:
        return self.rows[0]

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def leaves(self) -> int:
        return sum(r.leaves for r in self.rows)

    @property
    def scored(self) -> int:
        return sum(r.scored for r in self.rows)

    @property
    def changed(self) -> int:
        return sum(r.changed for r in self.rows)

    @property
    def warnings(self) -> int:
        return sum(r.warnings for r in self.rows)


def _matches(row: ItemProgress, words: list[str]) -> bool:
    text = " ".join(
        [row.unit.code, row.unit.name, row.field.code, row.field.name, row.unit.group.name]
    ).lower()
    return all(word in text for word in words)


def queue_filter(rows: list[ItemProgress], params) -> list[ItemProgress]:
    """The rows the queue's filters keep: field (code), unit (code), group (code), item
    status (STATUSES), dossier status (DOSSIERS) and a search over unit and field names."""
    field_code = params.get("linh-vuc", "")
    unit_code = params.get("don-vi", "")
    group_code = params.get("khoi", "")
    status = params.get("trang-thai", "")
    dossier = params.get("ho-so", "")
    words = params.get("q", "").lower().split()
    kept = []
    for row in rows:
        if field_code and row.field.code != field_code:
            continue
        if unit_code and row.unit.code != unit_code:
            continue
        if group_code and row.unit.group.code != group_code:
            continue
        if dossier in DOSSIERS and row.dossier_key != dossier:
            continue
        if status == "open" and row.done:
            continue
        if status == "warnings" and not row.warnings:
            continue
        if status in ("unscored", "scored", "waiting", "done") and row.status_key != status:
            continue
        if words and not _matches(row, words):
            continue
        kept.append(row)
    return kept


def queue_group(rows: list[ItemProgress], sort: str = "unit") -> list[UnitItems]:
    """The rows by unit (fields in code order), units in the order `sort` says (SORTS)."""
    by_unit: dict[int, UnitItems] = {}
    for row in rows:
        by_unit.setdefault(row.unit.pk, UnitItems(row.unit, [])).rows.append(row)
    units = list(by_unit.values())
    for unit in units:
        unit.rows.sort(key=lambda r: (r.field.order, r.field.code))

    def order(u: UnitItems):
        return (u.unit.group.order, u.unit.order, u.unit.code)

    keys = {
        "name": lambda u: (u.unit.name.lower(), u.unit.code),
        "progress": lambda u: (
            u.done / len(u.rows),
            u.scored / u.leaves if u.leaves else 1,
            order(u),
        ),
        "changed": lambda u: (-u.changed, order(u)),
        "warnings": lambda u: (-u.warnings, order(u)),
    }
    units.sort(key=keys.get(sort, order))
    return units


@dataclass(frozen=True)
class ItemLink:
    assessment_id: int
    field_code: str
    label: str


def item_neighbours(
    *, actor, period: Period, assessment_id: int, field_code: str, params=None
) -> tuple[ItemLink | None, ItemLink | None]:
    """The item before and after (assessment, field) among the actor's items open to them,
    in the queue's order, within the queue's unit, field, group and search filters (the
    `params` the queue was shown with). Two queries."""
    params = params or {}
    phase_rules = workflow.rules_of(period.phase)
    dossiers = {
        unit_id: (pk, status)
        for unit_id, pk, status in Assessment.objects.filter(period=period).values_list(
            "unit_id", "id", "status"
        )
    }
    kept = []
    simple = {key: params.get(key, "") for key in ("linh-vuc", "don-vi", "khoi", "q")}
    for a in Assignment.objects.filter(period=period, appraiser=actor).select_related(
        "field", "unit", "unit__group"
    ):
        pk, status = dossiers.get(a.unit_id, (None, None))
        if pk is None or not (
            status == AssessmentStatus.SUBMITTED or phase_rules.appraisal_started
        ):
            continue
        row = ItemProgress(assignment=a, assessment_id=pk)
        if (pk, a.field.code) != (assessment_id, field_code) and not queue_filter([row], simple):
            continue
        kept.append(row)
    kept.sort(
        key=lambda r: (r.unit.group.order, r.unit.order, r.unit.code, r.field.order, r.field.code)
    )
    links = [
        ItemLink(r.assessment_id, r.field.code, f"{r.unit.name} — {r.field.code}") for r in kept
    ]
    where = next(
        (
            i
            for i, link in enumerate(links)
            if (link.assessment_id, link.field_code) == (assessment_id, field_code)
        ),
        None,
    )
    if where is None:
        return None, None
    before = links[where - 1] if where > 0 else None
    after = links[where + 1] if where + 1 < len(links) else None
    return before, after
