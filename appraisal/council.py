"""The council page: what the council approves, and each member's opinion (reads only).

What is approved: the final ranking per group with bands (scoring.selectors.results_report
of the final stage, so the page shows what will be published), each unit's self-assessed
index beside its round-1 and final ones, and what changed since round 1 (index points and
leaves re-scored). The opinions: each member of the year's council, approved, objected
(with the comment) or not yet. A fixed number of queries whatever the number of units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from scoring import engine
from scoring import selectors as scoring_selectors
from scoring.enums import Stage
from scoring.models import LeafScore, Period, Result
from scoring.selectors import assessment_scores_compute
from units.enums import RoleKind
from units.models import Role

from .enums import CouncilDecision
from .models import CouncilApproval


@dataclass
class CouncilRow:
    unit: dict  # a unit of results_report (final stage)
    self_index: Decimal | None
    round1_index: Decimal | None
    final_index: Decimal | None
    change: Decimal | None  # final − round 1, in points
    leaves_changed: int  # leaves whose final score differs from round 1


@dataclass
class Opinion:
    member: object
    approval: CouncilApproval | None

    @property
    def decision(self) -> str:
        return self.approval.decision if self.approval else ""


def _index(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def council_overview(*, period: Period) -> dict:
    report = scoring_selectors.results_report(period=period, stage=Stage.FINAL)
    round1 = dict(
        Result.objects.filter(period=period, stage=Stage.ROUND1).values_list("unit__code", "index")
    )
    self_index = {
        c.unit_code: c.score.index
        for c in assessment_scores_compute(period=period, stage=Stage.SELF)
    }
    values: dict[str, dict[tuple[str, int], Decimal | None]] = defaultdict(dict)
    for code, criterion_id, stage, value in LeafScore.objects.filter(
        assessment__period=period, stage__in=[Stage.ROUND1, Stage.FINAL]
    ).values_list("assessment__unit__code", "criterion_id", "stage", "value"):
        values[stage][(code, criterion_id)] = value
    changed: dict[str, int] = defaultdict(int)
    for key, value in values[Stage.FINAL].items():
        if key in values[Stage.ROUND1] and values[Stage.ROUND1][key] != value:
            changed[key[0]] += 1
    groups = []
    for group in report["groups"]:
        rows = []
        for unit in report["units"]:
            if unit["group_code"] != group["group_code"]:
                continue
            final = _index(unit["index"])
            first = round1.get(unit["unit_code"])
            rows.append(
                CouncilRow(
                    unit=unit,
                    self_index=self_index.get(unit["unit_code"]),
                    round1_index=first,
                    final_index=final,
                    change=engine.delta(final, first),
                    leaves_changed=changed.get(unit["unit_code"], 0),
                )
            )
        groups.append({**group, "rows": rows})
    return {
        "report": report,
        "groups": groups,
        "opinions": council_opinions(period=period),
    }


def council_opinions(*, period: Period) -> list[Opinion]:
    """Each council member of the year with their current opinion (none yet: None); a
    member who gave one without a council role of the year is listed too."""
    current = {
        a.member_id: a
        for a in CouncilApproval.objects.filter(period=period, superseded=False).select_related(
            "member"
        )
    }
    members = {
        role.user_id: role.user
        for role in Role.objects.for_year(period.year)
        .filter(kind=RoleKind.COUNCIL)
        .select_related("user")
    }
    for member_id, approval in current.items():
        members.setdefault(member_id, approval.member)
    opinions = [Opinion(member, current.get(pk)) for pk, member in members.items()]
    order = {CouncilDecision.OBJECTED: 0, CouncilDecision.APPROVED: 1, "": 2}
    opinions.sort(key=lambda o: (order[o.decision], o.member.username))
    return opinions
