"""Reads of evidence, with access helpers that answer "not yours" as "does not exist"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from scoring.enums import DeadlineKind, Stage
from scoring.models import Assessment, Criterion
from scoring.rules import unit_deadline, unit_extensions_preload
from scoring.selectors import assessment_get
from units.models import Unit

from . import checks
from .criterion_rules import evidence_rules
from .enums import ReadingField, ReadingState
from .models import EvidenceFile, EvidenceLink, EvidenceReading, ReadingCorrection
from .reading.warnings import warning_text


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


def evidence_counts_by_assessment(*, period) -> dict[int, dict[int, int]]:
    """Number of linked files per leaf id, for every dossier of a year. One query."""
    rows = (
        EvidenceLink.objects.filter(
            file__assessment__period=period, removed_at__isnull=True, file__removed_at__isnull=True
        )
        .values("file__assessment_id", "criterion_id")
        .annotate(n=Count("file_id", distinct=True))
        .order_by()
    )
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        out[row["file__assessment_id"]][row["criterion_id"]] = row["n"]
    return dict(out)


def files_with_warnings_by_assessment(*, period) -> dict[int, int]:
    """Per dossier of a year, its files (not removed) whose reading found warnings of the
    file itself (no signature or a broken one, a draft, not an administrative document…).
    One query; the checks against the dossier and criteria are on the dossier's pages."""
    out: dict[int, int] = defaultdict(int)
    for assessment_id, warnings in EvidenceFile.objects.filter(
        assessment__period=period, removed_at__isnull=True, reading__state=ReadingState.DONE
    ).values_list("assessment_id", "reading__warnings"):
        if warnings:
            out[assessment_id] += 1
    return dict(out)


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


# --- what was read, and the checks (the card of each file) --------------------------------


@dataclass
class Card:
    """One file's reading as shown beside it: a one-line summary, its warnings (the file's
    own, the dossier's and, on a leaf, the criterion's), the fields in force and history."""

    file: EvidenceFile
    state: str  # ReadingState, or "" when the file was never queued for reading
    reading: EvidenceReading | None
    fields: dict | None
    corrections: dict = field(default_factory=dict)  # field → corrections, oldest first
    warnings: list = field(default_factory=list)  # dicts (code + params)
    issuer_display: str | None = None
    is_draft: bool = False
    can_correct: bool = False
    criterion: Criterion | None = None

    @property
    def is_reading(self) -> bool:
        return self.state in (ReadingState.PENDING, ReadingState.RUNNING)

    @property
    def is_document(self) -> bool:
        return self.fields is not None

    @property
    def warning_texts(self) -> list[str]:
        return [warning_text(w) for w in self.warnings]

    @property
    def signature_label(self) -> str:
        signatures = self.reading.signatures if self.reading else []
        if not signatures:
            return gettext("không có chữ ký số")
        good = [
            s
            for s in signatures
            if s.get("intact")
            and s.get("trusted")
            and not s.get("expired")
            and not s.get("modified_after_signing")
        ]
        if len(good) == len(signatures):
            if len(signatures) == 1:
                return gettext("chữ ký số hợp lệ")
            return gettext("%(n)s chữ ký số hợp lệ") % {"n": len(signatures)}
        if any(not s.get("intact") for s in signatures):
            return gettext("chữ ký số không còn nguyên vẹn")
        return gettext("chữ ký số chưa hợp lệ")

    @property
    def summary(self) -> str:
        """ "Số 28/KH-SNV · 14/02/2025 · Sở Nội vụ · chữ ký số hợp lệ"."""
        if self.fields is None:
            return ""
        parts = []
        reference = "/".join(p for p in (self.fields.get("number"), self.fields.get("symbol")) if p)
        if self.is_draft:
            symbol = self.fields.get("symbol")
            parts.append(gettext("Dự thảo") + (f" …/{symbol}" if symbol else ""))
        elif reference:
            parts.append(gettext("Số %(reference)s") % {"reference": reference})
        day = checks.issued_on(self.fields)
        if day:
            parts.append(day.strftime("%d/%m/%Y"))
        if self.issuer_display:
            parts.append(self.issuer_display)
        elif self.fields.get("doc_type"):
            parts.append(self.fields["doc_type"])
        parts.append(self.signature_label)
        return " · ".join(parts)

    @property
    def signature_rows(self) -> list[dict]:
        rows = []
        for signature in self.reading.signatures if self.reading else []:
            row = dict(signature)
            try:
                row["signed_at"] = datetime.fromisoformat(signature.get("signed_at") or "")
            except ValueError:
                row["signed_at"] = None
            rows.append(row)
        return rows

    def field_rows(self) -> list[dict]:
        """Each field: label, value in force, value as read, its corrections."""
        read = (self.reading.fields or {}) if self.reading and self.reading.is_document else {}
        rows = []
        for name, label in ReadingField.choices:
            value = (self.fields or {}).get(name)
            if name == "issued_on" and value:
                value = checks.issued_on(self.fields).strftime("%d/%m/%Y")
            original = read.get(name)
            if name == "issued_on" and original:
                original = date.fromisoformat(original).strftime("%d/%m/%Y")
            rows.append(
                {
                    "name": name,
                    "label": label,
                    "value": value,
                    "original": original,
                    "corrections": self.corrections.get(name, []),
                }
            )
        return rows


class Cards:
    """The cards of a dossier's files: `get(file_id, criterion_id)`; the criterion's
    checks are added on a leaf, a file shown on its own gets the file and dossier ones."""

    def __init__(self, *, base: dict, by_link: dict):
        self._base = base
        self._by_link = by_link

    def get(self, file_id: int, criterion_id: int | None = None) -> Card | None:
        if criterion_id is not None and (file_id, criterion_id) in self._by_link:
            return self._by_link[(file_id, criterion_id)]
        return self._base.get(file_id)

    def by_criterion(self) -> dict[int, list[Card]]:
        out: dict[int, list[Card]] = defaultdict(list)
        for (_file_id, criterion_id), card in self._by_link.items():
            out[criterion_id].append(card)
        return dict(out)

    def for_file(self, file_id: int) -> list[Card]:
        """The file's cards on each leaf it backs."""
        return [card for (fid, _c), card in self._by_link.items() if fid == file_id]

    def all(self) -> list[Card]:
        return list(self._base.values())

    def __len__(self) -> int:
        return len(self._base)


def _stage_deadlines(assessment) -> dict:
    """The unit's own deadline of each stage it adds evidence to (its extension included)."""
    deadlines = {}
    for stage, moment in (
        (Stage.SELF, unit_deadline(assessment, DeadlineKind.SELF_ASSESSMENT)),
        (Stage.ROUND1, unit_deadline(assessment, DeadlineKind.SUPPLEMENT)),
    ):
        if moment is not None:
            deadlines[stage] = timezone.localtime(moment).date()
    return deadlines


def evidence_document_fields(*, file_ids) -> dict[int, tuple[dict | None, bool]]:
    """Each read file's document fields in force (as read, with people's corrections) and
    whether a person corrected them; a file not read yet is absent, one that is no
    administrative document maps to None. Two queries whatever the number of files."""
    readings = EvidenceReading.objects.filter(
        file_id__in=list(file_ids), state=ReadingState.DONE
    ).prefetch_related("corrections")
    out = {}
    for reading in readings:
        fields, corrected = checks.effective_fields(reading, list(reading.corrections.all()))
        out[reading.file_id] = (fields, bool(corrected))
    return out


def evidence_cards(*, actor, assessment: Assessment) -> Cards:
    """Every active file of the dossier with its reading, corrections and checks.

    Fixed number of queries whatever the number of files: files with readings, their
    corrections, the links with their leaves, the units of the year, the same number and
    symbol elsewhere in the year, the same content in other dossiers of the year.
    """
    return evidence_cards_of(actor=actor, assessments=[assessment])[assessment.pk]


def evidence_cards_of(*, actor, assessments: list[Assessment]) -> dict[int, Cards]:
    """The cards of several dossiers of one year (evidence_cards of each), in the same fixed
    number of queries whatever the number of dossiers and files. With `actor` None no card
    offers a correction (and no permission is asked: a list that only counts warnings)."""
    if not assessments:
        return {}
    period = assessments[0].period
    by_id = {a.pk: a for a in assessments}
    files = list(
        EvidenceFile.objects.filter(assessment_id__in=list(by_id), removed_at__isnull=True)
        .select_related("reading")
        .prefetch_related(
            Prefetch(
                "reading__corrections",
                queryset=ReadingCorrection.objects.select_related("corrected_by"),
            )
        )
        .order_by("uploaded_at", "id")
    )
    for evidence_file in files:
        # The permission checks read it: no query each.
        evidence_file.assessment = by_id[evidence_file.assessment_id]
    links = list(
        EvidenceLink.objects.filter(
            file__in=[f.pk for f in files], removed_at__isnull=True
        ).select_related("criterion")
    )
    units = {}
    for unit in Unit.objects.all():
        if unit.is_active_in(period.year):
            units.setdefault(checks.unit_key(unit.name), unit)
    facts: dict[int, checks.FileFacts] = {}
    prepared = {}
    for evidence_file in files:
        row = getattr(evidence_file, "reading", None) if _has_reading(evidence_file) else None
        corrections = list(row.corrections.all()) if row else []
        fields, corrected = checks.effective_fields(row, corrections)
        unit = checks.issuer_unit((fields or {}).get("issuer"), units)
        issuer = unit.name if unit else (fields or {}).get("issuer")
        facts[evidence_file.pk] = checks.FileFacts(
            file_id=evidence_file.pk,
            kind=evidence_file.kind,
            stage=evidence_file.stage,
            text_source=row.text_source if row else "",
            fields=fields,
            is_draft=checks.effective_draft(row, fields, corrected),
            signatures=row.signatures if row else [],
            issuer_unit_id=unit.pk if unit else None,
            issuer_display=issuer,
        )
        prepared[evidence_file.pk] = (row, corrected)
    _mark_duplicates(period, files, facts)
    unit_extensions_preload(assessments)
    dossiers = {
        a.pk: checks.DossierFacts(
            year=period.year, unit_id=a.unit_id, deadlines=_stage_deadlines(a)
        )
        for a in assessments
    }
    base = {a.pk: {} for a in assessments}
    by_link = {a.pk: {} for a in assessments}
    for evidence_file in files:
        row, corrected = prepared[evidence_file.pk]
        fact = facts[evidence_file.pk]
        own = []
        if row is not None and row.state == ReadingState.DONE or corrected:
            own = checks.file_own_warnings(fact) + checks.dossier_warnings(
                fact, dossiers[evidence_file.assessment_id]
            )
        base[evidence_file.assessment_id][evidence_file.pk] = Card(
            file=evidence_file,
            state=row.state if row else "",
            reading=row,
            fields=fact.fields,
            corrections=corrected,
            warnings=own,
            issuer_display=fact.issuer_display,
            is_draft=fact.is_draft,
            can_correct=row is not None
            and actor is not None
            and actor.has_perm("evidence.correct_reading", evidence_file),
        )
    files_by_id = {f.pk: f for f in files}
    for link in links:
        assessment_id = files_by_id[link.file_id].assessment_id
        card = base[assessment_id][link.file_id]
        rules = evidence_rules(link.criterion.params)
        extra = (
            checks.criterion_warnings(
                facts[link.file_id],
                rules,
                code=link.criterion.code,
                dossier=dossiers[assessment_id],
            )
            if card.warnings or card.fields is not None
            else []
        )
        by_link[assessment_id][(link.file_id, link.criterion_id)] = replace(
            card, warnings=card.warnings + extra, criterion=link.criterion
        )
    return {pk: Cards(base=base[pk], by_link=by_link[pk]) for pk in by_id}


def _has_reading(evidence_file) -> bool:
    try:
        return evidence_file.reading is not None
    except EvidenceReading.DoesNotExist:
        return False


def _mark_duplicates(period, files: list, facts: dict) -> None:
    """The same number and symbol of the same issuer on a file with other content (in the
    year, any dossier), and the same content in another unit's dossier of the year."""
    keys = {}
    for evidence_file in files:
        fact = facts[evidence_file.pk]
        key = checks.number_key(fact.fields)
        if key:
            keys.setdefault(key, []).append(evidence_file)
    if keys:
        others = EvidenceReading.objects.filter(
            number_key__in=list(keys),
            file__assessment__period_id=period.pk,
            file__removed_at__isnull=True,
        ).values_list(
            "number_key", "file_id", "file__sha256", "file__assessment_id", "file__original_name"
        )
        for key, other_id, sha256, other_assessment, other_name in others:
            for evidence_file in keys.get(key, []):
                if other_id == evidence_file.pk or sha256 == evidence_file.sha256:
                    continue
                fact = facts[evidence_file.pk]
                fact.same_number_elsewhere = True
                if other_assessment == evidence_file.assessment_id:
                    fact.same_number_name = other_name
    by_hash: dict[str, list] = {}
    for evidence_file in files:
        by_hash.setdefault(evidence_file.sha256, []).append(evidence_file)
    if by_hash:
        shared = EvidenceFile.objects.filter(
            assessment__period_id=period.pk,
            sha256__in=list(by_hash),
            removed_at__isnull=True,
        ).values_list("sha256", "assessment__unit_id")
        units_of: dict[str, set] = {}
        for sha256, unit_id in shared:
            units_of.setdefault(sha256, set()).add(unit_id)
        for sha256, same in by_hash.items():
            for evidence_file in same:
                unit_id = evidence_file.assessment.unit_id
                if units_of.get(sha256, set()) - {unit_id}:
                    facts[evidence_file.pk].same_file_other_unit = True


@dataclass(frozen=True)
class DossierWarnings:
    """The completeness check's view of the evidence: per leaf (tree order) its files that
    have warnings, and how many files are still being read."""

    items: list  # [{"criterion": Criterion, "files": [Card]}]
    reading: int

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def count(self) -> int:
        return sum(len(card.warnings) for item in self.items for card in item["files"])


def evidence_warnings_by_criterion(*, actor, assessment: Assessment) -> DossierWarnings:
    cards = evidence_cards(actor=actor, assessment=assessment)
    by_criterion = cards.by_criterion()
    criteria = {
        card.criterion.pk: card.criterion for items in by_criterion.values() for card in items
    }
    items = []
    for criterion_id in sorted(criteria, key=lambda pk: (criteria[pk].order, criteria[pk].code)):
        warned = [card for card in by_criterion[criterion_id] if card.warnings]
        if warned:
            items.append({"criterion": criteria[criterion_id], "files": warned})
    reading = sum(1 for card in cards.all() if card.is_reading)
    return DossierWarnings(items=items, reading=reading)


def evidence_warnings_snapshot(warnings: DossierWarnings) -> list[dict]:
    """The warnings of `evidence_warnings_by_criterion` as plain data (to keep a record)."""
    return [
        {
            "criterion": item["criterion"].code,
            "file": card.file.pk,
            "name": card.file.original_name,
            "warnings": card.warning_texts,
        }
        for item in warnings.items
        for card in item["files"]
    ]
