"""Test data builders: plain functions over the real models (no mocks)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from scoring import engine
from scoring.enums import Method, NodeKind, NodeLevel, Phase, ResultSource, Stage
from scoring.models import (
    Assessment,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
    Result,
)
from units.enums import RoleKind
from units.models import Group, Role, Unit, User

_seq = itertools.count(1)
PASSWORD = "Mat-khau-thu-nghiem-2024"


def make_group(code: str | None = None, name: str | None = None, order: int = 0) -> Group:
    n = next(_seq)
    code = code or f"g{n}"
    return Group.objects.create(code=code, name=name or f"Khối {code}", order=order)


def make_unit(group: Group, code: str | None = None, name: str | None = None, **kw) -> Unit:
    n = next(_seq)
    code = code or f"U{n:03d}"
    return Unit.objects.create(code=code, name=name or f"Đơn vị {code}", group=group, **kw)


def make_user(
    kind: str | None = None,
    unit: Unit | None = None,
    year: int | None = None,
    username: str | None = None,
    expertise=None,
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"user{n}", password=PASSWORD, full_name=f"Người dùng {n}"
    )
    if kind:
        Role.objects.create(user=user, kind=kind, unit=unit, year=year, expertise=expertise or [])
    return user


def make_period(
    year: int = 2024,
    phase: str = Phase.SELF_ASSESSMENT,
    groups=(),
    bonus_cap: Decimal = Decimal("5"),
    **kw,
) -> Period:
    period = Period.objects.create(year=year, phase=phase, name=f"Năm {year}", **kw)
    for group in groups:
        PeriodGroup.objects.create(period=period, group=group, bonus_cap=bonus_cap)
    return period


def make_node(
    period: Period,
    code: str,
    name: str = "",
    parent: Criterion | None = None,
    *,
    method: str = "",
    params=None,
    kind: str = NodeKind.SCORED,
    maxima: dict | None = None,
    order: int | None = None,
) -> Criterion:
    depth = code.count(".")
    level = [NodeLevel.FIELD, NodeLevel.CRITERION, NodeLevel.SUB][min(depth, 2)]
    node = Criterion.objects.create(
        period=period,
        code=code,
        name=name or f"Tiêu chí {code}",
        parent=parent,
        level=level,
        kind=kind,
        method=method,
        params=params or {},
        is_leaf=bool(method),
        order=order if order is not None else next(_seq),
    )
    if parent is not None and parent.is_leaf:
        parent.is_leaf = False
        parent.save(update_fields=["is_leaf"])
    for group, maximum in (maxima or {}).items():
        CriterionMax.objects.create(criterion=node, group=group, max_score=Decimal(maximum))
    return node


def make_small_tree(period: Period, groups) -> dict[str, Criterion]:
    """Two fields, every scoring method, bonus and deduction; 10 scored points per group.

    Field 1 (4 points): 1.1 yes/no 2, 1.2 levels 2.
    Field 2 (6 points): 2.1 manual 1 (step 0.25), 2.2 ratio 2 (≥95% → max),
                        2.3 survey 2 (full at 90%), 2.4 count 1 (0.5 each).
    B bonus (manual), D deduction (2 per item, up to 4).
    """
    m = {g: "1" for g in groups}
    nodes = {}
    nodes["1"] = make_node(period, "1", "Chỉ đạo, điều hành")
    nodes["1.1"] = make_node(
        period,
        "1.1",
        "Ban hành kế hoạch",
        nodes["1"],
        method=Method.YES_NO,
        maxima={g: "2" for g in groups},
    )
    nodes["1.2"] = make_node(
        period,
        "1.2",
        "Báo cáo định kỳ",
        nodes["1"],
        method=Method.LEVELS,
        params={
            "levels": [
                {"key": "on_time", "label": "Đúng hạn", "fraction": "1"},
                {"key": "late", "label": "Trễ hạn", "fraction": "0.5"},
                {"key": "none", "label": "Không báo cáo", "fraction": "0"},
            ]
        },
        maxima={g: "2" for g in groups},
    )
    nodes["2"] = make_node(period, "2", "Thủ tục hành chính")
    nodes["2.1"] = make_node(
        period,
        "2.1",
        "Rà soát TTHC",
        nodes["2"],
        method=Method.MANUAL,
        params={"step": "0.25"},
        maxima=m,
    )
    nodes["2.2"] = make_node(
        period,
        "2.2",
        "Hồ sơ đúng hạn",
        nodes["2"],
        method=Method.RATIO,
        params={"threshold": "95"},
        maxima={g: "2" for g in groups},
    )
    nodes["2.3"] = make_node(
        period,
        "2.3",
        "Mức độ hài lòng",
        nodes["2"],
        method=Method.SURVEY,
        params={"full_at": "90"},
        maxima={g: "2" for g in groups},
    )
    nodes["2.4"] = make_node(
        period,
        "2.4",
        "Sáng kiến",
        nodes["2"],
        method=Method.COUNT,
        params={"per_item": "0.5"},
        maxima=m,
    )
    nodes["B"] = make_node(period, "B", "Điểm thưởng", kind=NodeKind.BONUS)
    nodes["B.1"] = make_node(
        period,
        "B.1",
        "Sáng kiến được công nhận",
        nodes["B"],
        method=Method.BONUS,
        kind=NodeKind.BONUS,
        params={"step": "0.5"},
        maxima={g: "10" for g in groups},
    )
    nodes["D"] = make_node(period, "D", "Điểm trừ", kind=NodeKind.DEDUCTION)
    nodes["D.1"] = make_node(
        period,
        "D.1",
        "Không hoàn thành nhiệm vụ",
        nodes["D"],
        method=Method.DEDUCTION,
        kind=NodeKind.DEDUCTION,
        params={"per_item": "2"},
        maxima={g: "4" for g in groups},
    )
    return nodes


def make_assessment(period: Period, unit: Unit, **kw) -> Assessment:
    return Assessment.objects.create(period=period, unit=unit, **kw)


def set_score(
    assessment: Assessment, criterion: Criterion, value, stage: str = Stage.FINAL, **kw
) -> LeafScore:
    return LeafScore.objects.create(
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        value=None if value is None else Decimal(str(value)),
        **kw,
    )


def exempt(
    assessment: Assessment,
    criterion: Criterion,
    stage: str = Stage.FINAL,
    reason: str = "Không phát sinh",
) -> Exemption:
    return Exemption.objects.create(
        assessment=assessment, criterion=criterion, stage=stage, reason=reason
    )


def make_result(
    period: Period,
    unit: Unit,
    index=None,
    band: str | None = None,
    *,
    standard=None,
    appraised=None,
    rank: int | None = None,
    group_size: int = 0,
    group: Group | None = None,
    stage: str = Stage.FINAL,
    source: str = ResultSource.IMPORTED,
) -> Result:
    """A stored result row; the band defaults to the one of the index (Yếu without index)."""
    index = None if index is None else Decimal(str(index))
    return Result.objects.create(
        period=period,
        unit=unit,
        group=group or unit.group,
        stage=stage,
        standard_score=None if standard is None else Decimal(str(standard)),
        appraised_score=None if appraised is None else Decimal(str(appraised)),
        index=index,
        band=band or (engine.band_for(index) if index is not None else engine.YEU),
        rank_in_group=rank,
        group_size=group_size,
        source=source,
    )


def make_assignment(period: Period, field_code: str, unit: Unit, appraiser: User):
    """An appraisal assignment of a field of `period` for a unit (appraisal app)."""
    from appraisal.models import Assignment

    field = Criterion.objects.get(period=period, code=field_code)
    return Assignment.objects.create(period=period, field=field, unit=unit, appraiser=appraiser)


__all__ = [
    "PASSWORD",
    "RoleKind",
    "make_group",
    "make_unit",
    "make_user",
    "make_period",
    "make_node",
    "make_small_tree",
    "make_assessment",
    "set_score",
    "exempt",
    "make_result",
    "make_assignment",
]


def make_hundred_tree(period: Period, groups) -> dict[str, Criterion]:
    """make_small_tree plus field 3 (one manual leaf worth 90): 100 scored points per group,
    as a real criteria set must total (criteria import checks it)."""
    nodes = make_small_tree(period, groups)
    nodes["3"] = make_node(period, "3", "Hiện đại hóa hành chính")
    nodes["3.1"] = make_node(
        period,
        "3.1",
        "Ứng dụng công nghệ thông tin",
        nodes["3"],
        method=Method.MANUAL,
        params={"step": "0.5"},
        maxima={g: "90" for g in groups},
    )
    return nodes


__all__ += ["make_hundred_tree"]


def make_unit_change(
    year: int,
    successor: Unit,
    predecessors=(),
    basis: str = "mean",
    basis_unit: Unit | None = None,
    group: Group | None = None,
):
    """A lineage row: `successor` of `year` continues `predecessors` of `year − 1`."""
    from units.models import UnitChange

    change = UnitChange.objects.create(
        year=year,
        successor=successor,
        group=group or successor.group,
        basis=basis,
        basis_unit=basis_unit,
    )
    change.predecessors.set(predecessors)
    return change


__all__ += ["make_unit_change"]
