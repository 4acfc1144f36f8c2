"""Synthetic data at provincial and national scale, generated inside the database.

Province ≈ 230 units (25 departments, 8 central branches, 27 service units, 170 communes);
national = 34 provinces of it. 9 fields, 100 leaves (1 point each, so every group's set totals
100), 3 stages, 5 years. Units and the criteria tree go through the ORM; the leaf scores
(millions of rows at national scale) are produced by one INSERT … SELECT per year, so the
database does the bulk work.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from scoring.enums import Method, NodeKind, NodeLevel, Phase, Stage
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
from units.models import Group, Unit

GROUP_SIZES = {"so": 25, "nganh_doc": 8, "su_nghiep": 27, "xa": 170}
GROUP_NAMES = {
    "so": "Các sở, ban, ngành",
    "nganh_doc": "Cơ quan ngành dọc",
    "su_nghiep": "Đơn vị sự nghiệp",
    "xa": "UBND xã, phường",
}
BONUS_CAPS = {"so": 7, "nganh_doc": 5, "su_nghiep": 10, "xa": 6}
FIELDS = 9
LEAVES = 100
YEARS = (2021, 2022, 2023, 2024, 2025)
SCALES = {"province": 1, "national": 34}


def wipe() -> None:
    """Remove everything the generator makes (the bench uses its own database)."""
    with transaction.atomic():
        # Left by an interrupted web measurement (bench.measure_web): they protect units.
        from evidence.models import EvidenceFile, EvidenceLink
        from units.models import Role

        for model in (EvidenceLink, EvidenceFile, Role):
            model.objects.all().delete()
        for model in (
            Result,
            LeafScore,
            Exemption,
            Assessment,
            CriterionMax,
            Criterion,
            PeriodGroup,
            Period,
        ):
            model.objects.all().delete()
        Unit.objects.all().delete()
        Group.objects.all().delete()


def _leaf_layout() -> list[tuple[int, int]]:
    """(field, criterion) of each of the 100 leaves: 9 fields, 3–4 criteria each."""
    layout = []
    per_field = [12, 11, 11, 11, 11, 11, 11, 11, 11]
    for field_no, count in enumerate(per_field, start=1):
        for i in range(count):
            layout.append((field_no, i // 4 + 1))
    assert len(layout) == LEAVES
    return layout


@transaction.atomic
def _units(provinces: int) -> list[Group]:
    groups = []
    order = 0
    for p in range(1, provinces + 1):
        for code, size in GROUP_SIZES.items():
            order += 1
            prefix = f"p{p:02d}-" if provinces > 1 else ""
            group = Group.objects.create(
                code=f"{prefix}{code}", name=GROUP_NAMES[code], order=order
            )
            groups.append(group)
            Unit.objects.bulk_create(
                Unit(
                    code=f"{group.code}-{i:03d}",
                    name=f"{GROUP_NAMES[code]} {i}",
                    group=group,
                    order=i,
                )
                for i in range(1, size + 1)
            )
    return groups


@transaction.atomic
def _period(year: int, groups: list[Group]) -> Period:
    period = Period.objects.create(
        year=year, name=f"Năm {year}", phase=Phase.ROUND2 if year == YEARS[-1] else Phase.ROUND2
    )
    PeriodGroup.objects.bulk_create(
        PeriodGroup(period=period, group=g, bonus_cap=Decimal(BONUS_CAPS[g.code.split("-")[-1]]))
        for g in groups
    )
    order = 0
    nodes: dict[str, Criterion] = {}
    for field_no in range(1, FIELDS + 1):
        order += 1
        nodes[str(field_no)] = Criterion(
            period=period,
            code=str(field_no),
            level=NodeLevel.FIELD,
            is_leaf=False,
            name=f"Lĩnh vực {field_no}",
            order=order,
        )
    Criterion.objects.bulk_create(nodes.values())
    layout = _leaf_layout()
    crit = {}
    for field_no, crit_no in layout:
        code = f"{field_no}.{crit_no}"
        if code not in crit:
            order += 1
            crit[code] = Criterion(
                period=period,
                code=code,
                parent=nodes[str(field_no)],
                level=NodeLevel.CRITERION,
                is_leaf=False,
                name=f"Tiêu chí {code}",
                order=order,
            )
    Criterion.objects.bulk_create(crit.values())
    leaves = []
    counters: dict[str, int] = {}
    for field_no, crit_no in layout:
        code = f"{field_no}.{crit_no}"
        counters[code] = counters.get(code, 0) + 1
        order += 1
        leaves.append(
            Criterion(
                period=period,
                code=f"{code}.{counters[code]}",
                parent=crit[code],
                level=NodeLevel.SUB,
                is_leaf=True,
                method=Method.MANUAL,
                params={"step": "0.25"},
                name=f"Tiêu chí thành phần {code}",
                order=order,
            )
        )
    order += 1
    bonus = Criterion(
        period=period,
        code="B",
        level=NodeLevel.FIELD,
        kind=NodeKind.BONUS,
        is_leaf=False,
        name="Điểm thưởng",
        order=order,
    )
    deduction = Criterion(
        period=period,
        code="D",
        level=NodeLevel.FIELD,
        kind=NodeKind.DEDUCTION,
        is_leaf=False,
        name="Điểm trừ",
        order=order + 1,
    )
    Criterion.objects.bulk_create([bonus, deduction])
    leaves.append(
        Criterion(
            period=period,
            code="B.1",
            parent=bonus,
            level=NodeLevel.CRITERION,
            kind=NodeKind.BONUS,
            is_leaf=True,
            method=Method.BONUS,
            params={"step": "0.5"},
            name="Sáng kiến",
            order=order + 2,
        )
    )
    leaves.append(
        Criterion(
            period=period,
            code="D.1",
            parent=deduction,
            level=NodeLevel.CRITERION,
            kind=NodeKind.DEDUCTION,
            is_leaf=True,
            method=Method.DEDUCTION,
            params={"per_item": "1"},
            name="Vi phạm",
            order=order + 3,
        )
    )
    Criterion.objects.bulk_create(leaves)
    CriterionMax.objects.bulk_create(
        CriterionMax(
            criterion=leaf,
            group=g,
            max_score=Decimal("1") if leaf.kind == NodeKind.SCORED else Decimal("5"),
        )
        for leaf in leaves
        for g in groups
    )
    Assessment.objects.bulk_create(
        Assessment(
            period=period, unit=u, group_id=u.group_id, late_dossier_percent=Decimal(u.id % 13)
        )
        for u in Unit.objects.all()
    )
    return period


def _scores(period: Period) -> int:
    """All three stages' leaf scores of a period in one INSERT … SELECT (no Python loop)."""
    table = LeafScore._meta.db_table
    explicit = {
        "assessment_id": "a.id",
        "criterion_id": "c.id",
        "stage": "s.stage",
        # Mostly full marks, sometimes 0.25-steps lower; deterministic from the ids.
        "value": "CASE WHEN (a.id * 7 + c.id * 13 + s.n) %% 10 < 8 THEN 1.00 "
        "ELSE ((a.id + c.id + s.n) %% 4) * 0.25 END",
        "updated_at": "%s",
    }
    columns, selects, params = [], [], []
    for field in LeafScore._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(column)
        if column in explicit:
            selects.append(explicit[column])
            if column == "updated_at":
                params.append(timezone.now())
        elif field.null:
            selects.append("NULL")
        else:
            default = field.get_default()
            if isinstance(default, (dict, list)):
                import json

                default = json.dumps(default)
            selects.append("%s")
            params.append(default)
    stages = " UNION ALL ".join(
        f"SELECT '{stage}' AS stage, {n} AS n" for n, stage in enumerate(Stage.values)
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {Assessment._meta.db_table} a "
        f"JOIN {Criterion._meta.db_table} c ON c.period_id = a.period_id AND c.is_leaf "
        f"AND c.kind = 'scored' "
        f"CROSS JOIN ({stages}) s WHERE a.period_id = %s"
    )
    params.append(period.id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    # A few bonus and deduction scores and exemptions, so every rule is exercised.
    leaves = {
        c.code: c for c in Criterion.objects.filter(period=period, code__in=["B.1", "D.1", "3.1.1"])
    }
    assessments = list(Assessment.objects.filter(period=period).values_list("id", flat=True))
    extra = []
    for stage in Stage.values:
        for index, assessment_id in enumerate(assessments):
            if index % 3 == 0:
                extra.append(
                    LeafScore(
                        assessment_id=assessment_id,
                        criterion=leaves["B.1"],
                        stage=stage,
                        value=Decimal(index % 9),
                    )
                )
            if index % 11 == 0:
                extra.append(
                    LeafScore(
                        assessment_id=assessment_id,
                        criterion=leaves["D.1"],
                        stage=stage,
                        value=Decimal("1"),
                    )
                )
    LeafScore.objects.bulk_create(extra, batch_size=5000)
    Exemption.objects.bulk_create(
        [
            Exemption(assessment_id=a, criterion=leaves["3.1.1"], stage=s, reason="Không phát sinh")
            for i, a in enumerate(assessments)
            if i % 17 == 0
            for s in Stage.values
        ],
        batch_size=5000,
    )
    return count + len(extra)


def existing(scale: str) -> dict | None:
    """The data of a previous run at this scale, if that is what the database holds."""
    expected_units = sum(GROUP_SIZES.values()) * SCALES[scale]
    if Unit.objects.count() != expected_units or Period.objects.count() != len(YEARS):
        return None
    return {
        "units": expected_units,
        "groups": Group.objects.count(),
        "leaf_scores": LeafScore.objects.count(),
        "generate_s": 0,
    }


def generate(scale: str, *, log=print) -> dict:
    provinces = SCALES[scale]
    started = time.perf_counter()
    wipe()
    groups = _units(provinces)
    rows = 0
    for year in YEARS:
        with transaction.atomic():
            period = _period(year, groups)
            rows += _scores(period)
        log(f"  {scale}: year {year} generated ({rows:,} leaf scores so far)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "units": Unit.objects.count(),
        "groups": len(groups),
        "leaf_scores": rows,
        "generate_s": round(time.perf_counter() - started, 2),
    }
