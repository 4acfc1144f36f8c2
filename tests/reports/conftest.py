"""A published year built with factories: 3 groups × 2 units, 3 years of final results,
leaf scores at the self and final stages."""

from decimal import Decimal

import pytest

from scoring.enums import Phase, Stage
from scoring.services import results_compute
from tests.factories import (
    make_assessment,
    make_group,
    make_period,
    make_result,
    make_small_tree,
    make_unit,
    set_score,
)

# Final-stage points per unit: 1.1 (2), 1.2 (2), 2.1 (1), 2.2 (2), 2.3 (2), 2.4 (1), B.1, D.1.
FINAL = {
    "SO-TP": ["2", "2", "1", "2", "2", "1", "0", "0"],  # 100.00
    "SO-YT": ["2", "1", "1", "2", "1.5", "1", "0", "0"],  # 85.00
    "CT-THUE": ["0", "2", "0.75", "2", "2", "0.5", "0", "0"],  # 72.50
    "CT-KB": ["2", "1", "0.5", "1", "1", "0.5", "0", "2"],  # 40.00
    "H-AN": ["2", "2", "1", "2", "2", "0.5", "1", "0"],  # 100.00 (bonus, capped at 100%)
    "H-BINH": ["2", "2", "0.25", "2", "1", "0", "0", "0"],  # 72.50
}
COMMENTS = {
    ("SO-YT", "1.2"): "Báo cáo quý III nộp trễ hạn",
    ("CT-THUE", "1.1"): "Không ban hành kế hoạch CCHC năm",
}
LEAF_CODES = ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "B.1", "D.1"]
PAST = {  # unit: (2022 index, 2023 index)
    "SO-TP": ("90.00", "88.50"),
    "SO-YT": ("80.00", "86.00"),
    "CT-THUE": ("70.00", "65.00"),
    "CT-KB": ("55.00", "58.00"),
    "H-AN": ("95.00", "97.25"),
    "H-BINH": ("76.00", None),
}


def _band(index: str) -> str:
    value = Decimal(index)
    return (
        "tot" if value >= 85 else "kha" if value >= 75 else "trung_binh" if value >= 60 else "yeu"
    )


@pytest.fixture
def published_year(db):
    groups = [
        make_group("so", "Khối sở, ban, ngành", order=1),
        make_group("tw", "Khối cơ quan Trung ương", order=2),
        make_group("huyen", "Khối huyện, thị xã, thành phố", order=3),
    ]
    names = {
        "SO-TP": "Sở Tư pháp",
        "SO-YT": "Sở Y tế",
        "CT-THUE": "Cục Thuế tỉnh",
        "CT-KB": "Kho bạc Nhà nước tỉnh",
        "H-AN": "UBND huyện An Lão",
        "H-BINH": "UBND thị xã Bình Định",
    }
    group_of = {"SO-TP": 0, "SO-YT": 0, "CT-THUE": 1, "CT-KB": 1, "H-AN": 2, "H-BINH": 2}
    units = {code: make_unit(groups[group_of[code]], code, name) for code, name in names.items()}
    for year, position in ((2022, 0), (2023, 1)):
        past = make_period(year, phase=Phase.PUBLISHED, groups=groups)
        for code, indexes in PAST.items():
            if indexes[position] is not None:
                make_result(
                    past,
                    units[code],
                    indexes[position],
                    _band(indexes[position]),
                    standard="100",
                    appraised=indexes[position],
                )
    period = make_period(2024, phase=Phase.COUNCIL, groups=groups)
    nodes = make_small_tree(period, groups)
    for code, unit in units.items():
        assessment = make_assessment(period, unit, status="submitted")
        for leaf, value in zip(LEAF_CODES, FINAL[code], strict=True):
            set_score(
                assessment, nodes[leaf], value, Stage.FINAL, comment=COMMENTS.get((code, leaf), "")
            )
            self_value = nodes[leaf].maxima.first().max_score if leaf[0] in "12" else "0"
            set_score(assessment, nodes[leaf], self_value, Stage.SELF)
    results_compute(period=period, stage=Stage.FINAL)
    period.phase = Phase.PUBLISHED
    period.save(update_fields=["phase"])
    return {"period": period, "groups": groups, "units": units, "nodes": nodes}
