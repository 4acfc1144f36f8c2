"""Integrity of published results: recompute a year in memory and compare with what is stored.

Nothing here writes. The recomputation is the index job's own (scoring.selectors
`assessment_scores_compute` + scoring.services `computation_standings`), so a difference means the stored
results were changed after the fact or the scores changed after publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from scoring import engine
from scoring.enums import ResultSource, Stage
from scoring.models import Period, Result
from scoring.sealing import (
    RESULT_FIELDS_HASHED,
    results_digest,
    results_hash,
    results_inputs_hash,
    score_text,
)
from scoring.selectors import assessment_scores_compute
from scoring.services import computation_standings, result_details
from units.models import Unit


@dataclass
class Verification:
    year: int
    stage: str
    stored_hash: str
    recomputed_hash: str
    inputs_hash: str
    units_checked: int = 0
    imported: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def results_expected(*, period: Period, stage: str = Stage.FINAL) -> dict[str, dict]:
    """What the index job would store now, by unit code (computed in memory, no writes)."""
    computations = assessment_scores_compute(period=period, stage=stage)
    standings = computation_standings(computations)
    codes = dict(
        Unit.objects.filter(pk__in=[c.unit_id for c in computations]).values_list("pk", "code")
    )
    return {
        codes[c.unit_id]: {
            "group_id": c.group_id,
            "standard_score": c.score.standard,
            "appraised_score": c.score.appraised,
            "index": c.score.index,
            "band": c.band,
            "downgraded": c.downgraded,
            "rank_in_group": standings[c.unit_id].rank,
            "group_size": standings[c.unit_id].group_size,
            "details": result_details(c),
            "not_submitted": c.not_submitted,
            "ranked": not c.left_out,
        }
        for c in computations
    }


def _hash_rows(rows: dict[str, dict]) -> str:
    """The index job's own digest (scoring.sealing.results_digest) over in-memory rows."""

    def rounded(value):
        return None if value is None else engine.q2(value)

    return results_digest(
        (
            code,
            row["group_id"],
            rounded(row["standard_score"]),
            rounded(row["appraised_score"]),
            rounded(row["index"]),
            row["band"],
            row["downgraded"],
            row["rank_in_group"],
            row["group_size"],
            row["details"],
            row["not_submitted"],
            row["ranked"],
        )
        for code, row in rows.items()
    )


def results_verify(*, period: Period, stage: str = Stage.FINAL) -> Verification:
    """Compare the stored results of a stage with a recomputation from the stored scores."""
    stored = {
        r.unit.code: r
        for r in Result.objects.filter(period=period, stage=stage).select_related("unit")
    }
    computed_rows = {code: r for code, r in stored.items() if r.source == ResultSource.COMPUTED}
    expected = results_expected(period=period, stage=stage) if computed_rows else {}
    check = Verification(
        year=period.year,
        stage=stage,
        stored_hash=results_hash(period=period, stage=stage),
        recomputed_hash=_hash_rows(expected) if expected else "",
        inputs_hash=results_inputs_hash(period=period, stage=stage),
        imported=len(stored) - len(computed_rows),
    )
    sealed = {r.inputs_hash for r in stored.values() if r.inputs_hash}
    if sealed and sealed != {check.inputs_hash}:
        # A seal written before the keys were sorted (scoring.sealing) still holds when the
        # inputs, hashed the way they were then, are unchanged.
        earlier = results_inputs_hash(period=period, stage=stage, keys_as_stored=True)
        if sealed == {earlier}:
            check.inputs_hash = earlier
    if sealed and sealed != {check.inputs_hash}:
        check.differences.append(
            "dữ liệu đầu vào (điểm, giảm trừ, bộ tiêu chí, quy tắc) đã thay đổi sau khi công bố: "
            f"mã băm lúc công bố {', '.join(sorted(sealed))} ≠ hiện tại {check.inputs_hash}"
        )
    if not computed_rows:
        return check  # a year published before the portal: nothing to recompute from
    for code in sorted(set(expected) - set(stored)):
        check.differences.append(
            f"{code}: thiếu kết quả đã lưu (có điểm chấm nhưng không có kết quả)"
        )
    for code in sorted(set(computed_rows) - set(expected)):
        check.differences.append(f"{code}: có kết quả đã lưu nhưng không có hồ sơ chấm điểm")
    for code in sorted(set(expected) & set(computed_rows)):
        check.units_checked += 1
        row, result = expected[code], computed_rows[code]
        for name in RESULT_FIELDS_HASHED:
            want, have = row[name], getattr(result, name)
            if isinstance(want, Decimal) or isinstance(have, Decimal):
                same = (want is None) == (have is None) and (
                    want is None or engine.q2(want) == engine.q2(have)
                )
            else:
                same = want == have
            if not same:
                check.differences.append(
                    f"{code}: {name} đã lưu {score_text(have)} ≠ tính lại {score_text(want)}"
                )
    return check
