"""The results' fingerprints and their seal: one canonical JSON, one SHA-256.

- `results_hash` / `results_digest`: the hash of a stage's results (the index job returns it,
  the run record keeps it, verify_results recomputes it).
- `results_inputs_hash`: the hash of what a stage's results are computed from (criteria,
  maxima, methods and params, leaf scores, exemptions, groups, late-dossier shares, the
  year's rules); `results_seal` writes it on every final result at publication, and
  verify_results (parindex.integrity) compares it with the inputs as they are now.

Both hash `canonical_json`: keys sorted, the separators fixed, Decimals as strings, so the
same inputs give the same hash whatever order a dict's keys came in (a criterion's `params`
comes back from PostgreSQL's jsonb in another order than it was written). The separators are
json's defaults and lists keep their order, so a seal written before keys were sorted still
verifies when its dicts were already in order.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from . import engine, workflow
from .enums import AssessmentStatus, Stage
from .models import Exemption, LeafScore, Period, Result


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not hashed: {value!r}")


def canonical_json(value, *, sort_keys: bool = True) -> str:
    """One text for one value: keys sorted, fixed separators, Decimals as strings.
    (`sort_keys=False` only to check a seal written before keys were sorted.)"""
    return json.dumps(
        value, sort_keys=sort_keys, separators=(", ", ": "), ensure_ascii=False, default=_plain
    )


def digest(value, *, sort_keys: bool = True) -> str:
    """SHA-256 (hex) of the value's canonical JSON."""
    return hashlib.sha256(canonical_json(value, sort_keys=sort_keys).encode()).hexdigest()


# What a result is, for its hash and for verify_results (besides the unit).
RESULT_FIELDS_HASHED = (
    "group_id",
    "standard_score",
    "appraised_score",
    "index",
    "band",
    "downgraded",
    "rank_in_group",
    "group_size",
    "details",
    "not_submitted",
    "ranked",
)


def score_text(value) -> str:
    """A value as it is hashed and reported: Decimals with 2 places."""
    return f"{engine.q2(value):.2f}" if isinstance(value, Decimal) else str(value)


def results_digest(rows) -> str:
    """SHA-256 over result rows (unit code, RESULT_FIELDS_HASHED in that order). A unit that
    submitted and is ranked hashes as before those two fields existed, so the seals of
    years published earlier stay valid."""

    def entry(row):
        code, group_id, standard, appraised, index, band, downgraded, rank, size, details = row[:10]
        out = [code, group_id, str(standard), str(appraised), str(index), band, downgraded]
        out += [rank, size, details]
        not_submitted, ranked = row[10:12] or (False, True)
        if not_submitted or not ranked:
            out += [not_submitted, ranked]
        return out

    return digest(sorted(entry(row) for row in rows))


def results_hash(*, period: Period, stage: str) -> str:
    """SHA-256 of a stage's stored results, in a canonical order."""
    return results_digest(
        Result.objects.filter(period=period, stage=stage).values_list(
            "unit__code", *RESULT_FIELDS_HASHED
        )
    )


def results_inputs_hash(
    *, period: Period, stage: str = Stage.FINAL, keys_as_stored: bool = False
) -> str:
    """SHA-256 of what a stage's results are computed from: the criteria with their maxima
    and methods, every stored leaf score and exemption, the units' groups and late-dossier
    shares, and the period's rules. `keys_as_stored`: the hash as seals were written before
    keys were sorted (dicts in the order the database gives them), for results_verify only."""
    criteria = [
        [
            c.code,
            c.parent.code if c.parent_id else None,
            c.kind,
            c.is_leaf,
            c.method,
            c.params,
            sorted([m.group.code, f"{m.max_score:.2f}"] for m in c.maxima.all()),
        ]
        for c in period.criteria.select_related("parent")
        .prefetch_related("maxima__group")
        .order_by("code")
    ]
    scores = sorted(
        [unit, code, score_text(value)]
        for unit, code, value in LeafScore.objects.filter(
            assessment__period=period, stage=stage
        ).values_list("assessment__unit__code", "criterion__code", "value")
    )
    exemptions = sorted(
        [unit, code]
        for unit, code in Exemption.objects.filter(
            assessment__period=period, stage=stage
        ).values_list("assessment__unit__code", "criterion__code")
    )
    units = sorted(
        [code, group, score_text(late)]
        for code, group, late in period.assessments.values_list(
            "unit__code", "group__code", "late_dossier_percent"
        )
    )
    # Units that never submitted, and what the year does with them (only when there are
    # some, so that the seals of years where every unit submitted stay as they were).
    drafts = sorted(
        period.assessments.filter(status=AssessmentStatus.DRAFT).values_list(
            "unit__code", flat=True
        )
    )
    if drafts and workflow.rules_of(period.phase).appraisal_started:
        units.append(["not_submitted", drafts, period.unsubmitted_policy])
    rules = [
        score_text(period.band_tot_min),
        score_text(period.band_kha_min),
        score_text(period.band_trung_binh_min),
        score_text(period.downgrade_late_percent),
        period.cap_index_at_100,
        sorted(
            [g.group.code, score_text(g.bonus_cap)] for g in period.groups.select_related("group")
        ),
    ]
    return digest([criteria, scores, exemptions, units, rules], sort_keys=not keys_as_stored)


def results_seal(*, period: Period) -> str:
    """At publication: every final result records the hash of the inputs it came from."""
    digest = results_inputs_hash(period=period, stage=Stage.FINAL)
    Result.objects.filter(period=period, stage=Stage.FINAL).update(inputs_hash=digest)
    return digest
