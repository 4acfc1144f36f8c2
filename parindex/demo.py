"""The deterministic demo province: the fictional “tỉnh Hòa Bình Xanh”, told as its story.

`demo_load()` (or `python manage.py load_demo`) tells it in the order it happened:

1. **The province**: four groups (khối) and their units, each unit with a lasting quality
   that its years drift around.
2. **Its people**: one login per role (agency staff and heads, the 2026 appraisal team, the
   secretariat, a council member, leadership, the administrator).
3. **The 2023 cycle** and **the 2024 cycle**: the criteria set imported, the dossiers set
   up, appraised and published (their final scores kept). In those years online services
   weighed a little less: points stood on other leaves of the same field.
4. **The 2025 reorganisation** (PAR-INDEX.md §6), recorded through the unit-changes import
   as the secretariat would: Sở Nông nghiệp và Môi trường from Sở Nông nghiệp và PTNT and Sở
   Tài nguyên và Môi trường (compared with the mean of the two), Sở Dân tộc và Tôn giáo
   from Ban Dân tộc, UBND xã Tân Hòa from UBND xã Tân Lập and UBND xã Hòa An (compared with
   Tân Lập), a new Trung tâm Phục vụ hành chính công (no comparison).
5. **The 2025 cycle**: every stage kept (self, round 1, final), with the appraisers'
   comments, the items sent back for supplement and the supplements given, a late dossier.
6. **The 2026 cycle so far**: self-assessment open around the day of loading, some drafts
   partly or fully scored, four dossiers submitted; **the 2026 team** assigned to every
   field of every unit; **the letterhead** of the province's documents.

Every year's criteria set is `docs/criteria-sample.xlsx`, read and imported by the criteria
importer (scoring.criteria_io) — the secretariat's upload path. Scores are drawn for each
unit's quality and written by scoring.services' bulk path (`leaf_score_new`, points through
the engine; `leaf_scores_create`), years of scores no person has touched yet.

Everything comes from `random.Random(SEED)`: two loads into empty databases give the same
scores and results. The only time-dependent data are the current year's dates, placed
around the moment of loading so that its deadlines are always ahead, each on a working day
(`scoring.calendar.next_working_day`). `demo_is_loaded()` tells whether the database
already holds units.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from appraisal.models import Assignment, Supplement
from reports.models import DocumentSettings
from scoring import calendar, engine
from scoring.criteria_io import criteria_import, criteria_parse
from scoring.enums import AssessmentStatus, Method, NodeKind, NodeLevel, Phase, Stage
from scoring.models import (
    Assessment,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
)
from scoring.sealing import results_seal
from scoring.services import leaf_score_new, leaf_scores_create, results_compute
from scoring.unit_changes import unit_changes_import, year_setup_apply
from units.enums import RoleKind
from units.models import Group, Role, Unit, User

SEED = 2025
DEMO_PASSWORD = "demo12345"
PAST_YEARS = (2023, 2024, 2025)
CURRENT_YEAR = 2026
REORGANISATION_YEAR = 2025
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE = "tỉnh Hòa Bình Xanh"
CRITERIA_FILE = Path(settings.BASE_DIR) / "docs" / "criteria-sample.xlsx"

# --- the province: its groups and units ------------------------------------------------------

SO, ND, SN, XA = "so", "nganh_doc", "su_nghiep", "xa"
GROUP_CODES = (SO, ND, SN, XA)

GROUPS = [
    # code, name, bonus cap
    (SO, "Các sở, ban, ngành", "7"),
    (ND, "Cơ quan ngành dọc Trung ương", "5"),
    (SN, "Đơn vị sự nghiệp", "10"),
    (XA, "UBND xã, phường", "6"),
]

UNITS = {
    SO: [
        ("SO-NV", "Sở Nội vụ", "Sở Nội vụ"),
        ("SO-TP", "Sở Tư pháp", "Sở Tư pháp"),
        ("SO-TC", "Sở Tài chính", "Sở Tài chính"),
        ("SO-XD", "Sở Xây dựng", "Sở Xây dựng"),
        ("SO-CT", "Sở Công Thương", "Sở Công Thương"),
        ("SO-NNPTNT", "Sở Nông nghiệp và PTNT", "Sở NN&PTNT"),
        ("SO-TNMT", "Sở Tài nguyên và Môi trường", "Sở TN&MT"),
        ("SO-NNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT"),
        ("SO-KHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN"),
        ("SO-GDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT"),
        ("SO-YT", "Sở Y tế", "Sở Y tế"),
        ("SO-VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL"),
        ("SO-BDT", "Ban Dân tộc tỉnh", "Ban Dân tộc"),
        ("SO-DTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG"),
        ("SO-NGV", "Sở Ngoại vụ", "Sở Ngoại vụ"),
        ("SO-VP", "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
        ("SO-TTR", "Thanh tra tỉnh", "Thanh tra tỉnh"),
        ("SO-BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", "Ban QL các KCN"),
    ],
    ND: [
        ("ND-THUE", "Cục Thuế tỉnh", "Cục Thuế"),
        ("ND-KBNN", "Kho bạc Nhà nước tỉnh", "Kho bạc Nhà nước"),
        ("ND-BHXH", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh"),
        ("ND-CA", "Công an tỉnh", "Công an tỉnh"),
        ("ND-HQ", "Chi cục Hải quan khu vực tỉnh", "Hải quan"),
        ("ND-NHNN", "Ngân hàng Nhà nước chi nhánh tỉnh", "NHNN chi nhánh"),
        ("ND-THADS", "Cục Thi hành án dân sự tỉnh", "Cục THADS"),
        ("ND-TK", "Thống kê tỉnh", "Thống kê tỉnh"),
    ],
    SN: [
        ("SN-CDYT", "Trường Cao đẳng Y tế tỉnh", "CĐ Y tế"),
        ("SN-CDKT", "Trường Cao đẳng Kỹ thuật Công nghiệp tỉnh", "CĐ Kỹ thuật CN"),
        (
            "SN-BQLDA-DD",
            "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
            "Ban QLDA dân dụng",
        ),
        (
            "SN-BQLDA-GT",
            "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
            "Ban QLDA giao thông",
        ),
        ("SN-BPTTH", "Báo và Phát thanh, Truyền hình tỉnh", "Báo và PT-TH"),
        ("SN-XTDT", "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh", "TT Xúc tiến"),
        ("SN-VPDKDD", "Văn phòng Đăng ký đất đai tỉnh", "VP Đăng ký đất đai"),
        ("SN-TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", "TT Phục vụ HCC"),
    ],
    XA: [
        ("XA-001", "UBND phường Hòa Bình", "Phường Hòa Bình"),
        ("XA-002", "UBND phường Bình Minh", "Phường Bình Minh"),
        ("XA-003", "UBND phường Đồng Tâm", "Phường Đồng Tâm"),
        ("XA-004", "UBND phường An Phú", "Phường An Phú"),
        ("XA-005", "UBND phường Xanh Thịnh", "Phường Xanh Thịnh"),
        ("XA-006", "UBND xã Tân Lập", "Xã Tân Lập"),
        ("XA-007", "UBND xã Hòa An", "Xã Hòa An"),
        ("XA-008", "UBND xã Phú Cường", "Xã Phú Cường"),
        ("XA-009", "UBND xã Thanh Sơn", "Xã Thanh Sơn"),
        ("XA-010", "UBND xã Đông Hưng", "Xã Đông Hưng"),
        ("XA-011", "UBND xã Suối Hoa", "Xã Suối Hoa"),
        ("XA-012", "UBND xã Lạc Sơn", "Xã Lạc Sơn"),
        ("XA-013", "UBND xã Mường Chiềng", "Xã Mường Chiềng"),
        ("XA-014", "UBND xã Kim Bôi Xanh", "Xã Kim Bôi Xanh"),
        ("XA-015", "UBND xã Tân Hòa", "Xã Tân Hòa"),
    ],
}
# The 2025 reorganisation: rows of an `import_unit_changes` file for 2025 (successor, its
# group, predecessors, basis). The predecessors' last year is 2024; the successors' first 2025.
REORGANISATION = [
    ("SO-NNMT", SO, ("SO-NNPTNT", "SO-TNMT"), "mean"),  # merger, compared with the mean
    ("SO-DTTG", SO, ("SO-BDT",), "SO-BDT"),  # a rename (with new duties)
    ("XA-015", XA, ("XA-006", "XA-007"), "XA-006"),  # two communes, compared with the larger
    ("SN-TTPVHCC", SN, (), "none"),  # a new unit: no comparison
]
UNTIL_2024 = {p for _s, _g, predecessors, _b in REORGANISATION for p in predecessors}
FROM_2025 = {successor for successor, _g, _p, _b in REORGANISATION}

# Units whose years stay low (two low years in a row; Tân Hòa low in 2025 after Tân Lập, its
# basis, in 2024): their lasting quality.
WEAK_UNITS = {"XA-013": "0.50", "ND-THADS": "0.62", "XA-006": "0.66", "XA-015": "0.65"}
# What never applies to a unit (giảm trừ), with the reason it gives every year.
EXEMPTIONS = [
    # unit, node, reason
    (
        "SO-TTR",
        "3",
        "Thanh tra tỉnh không có thủ tục hành chính thuộc thẩm quyền giải quyết "
        "tiếp nhận tại Bộ phận một cửa.",
    ),
    (
        "SO-NGV",
        "2.1",
        "Trong năm đơn vị không được giao chủ trì xây dựng văn bản quy phạm pháp luật.",
    ),
    (
        "ND-CA",
        "9.1.2",
        "Số phiếu khảo sát hợp lệ về thủ tục hành chính dưới mức tối thiểu "
        "theo phương án điều tra xã hội học.",
    ),
    ("SN-CDYT", "6.1.3", "Đơn vị không được giao kế hoạch vốn đầu tư công trong năm."),
    ("SN-XTDT", "8.3", "Đơn vị không thực hiện thủ tục hành chính liên thông."),
]

# --- the people ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    detail: str


@dataclass
class DemoSummary:
    units: int = 0
    leaves: int = 0
    scores: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    results_hashes: dict[int, str] = field(default_factory=dict)


DEMO_USERS = [
    # username, full name, role kind, unit code, year, expertise, detail
    (
        "chuyenvien",
        "Nguyễn Thị Thu Hà",
        RoleKind.AGENCY_STAFF,
        "SO-TP",
        None,
        [],
        "Chuyên viên Sở Tư pháp",
    ),
    ("thutruong", "Trần Văn Minh", RoleKind.AGENCY_HEAD, "SO-TP", None, [], "Giám đốc Sở Tư pháp"),
    (
        "chuyenvien2",
        "Lê Thị Mai",
        RoleKind.AGENCY_STAFF,
        "XA-001",
        None,
        [],
        "Công chức Văn phòng UBND phường Hòa Bình",
    ),
    (
        "thutruong2",
        "Phạm Quốc Hùng",
        RoleKind.AGENCY_HEAD,
        "XA-001",
        None,
        [],
        "Chủ tịch UBND phường Hòa Bình",
    ),
    (
        "thamdinh1",
        "Hoàng Văn Đức",
        RoleKind.APPRAISER,
        "SO-NV",
        CURRENT_YEAR,
        ["1", "4", "5", "9"],
        f"Tổ giúp việc {CURRENT_YEAR} (Sở Nội vụ; lĩnh vực 1, 4, 5, 9)",
    ),
    (
        "thamdinh2",
        "Vũ Thị Lan",
        RoleKind.APPRAISER,
        "SO-TP",
        CURRENT_YEAR,
        ["2", "3", "8"],
        f"Tổ giúp việc {CURRENT_YEAR} (Sở Tư pháp; lĩnh vực 2, 3, 8)",
    ),
    (
        "thamdinh3",
        "Đặng Minh Tuấn",
        RoleKind.APPRAISER,
        "SO-KHCN",
        CURRENT_YEAR,
        ["6", "7"],
        f"Tổ giúp việc {CURRENT_YEAR} (Sở KH&CN; lĩnh vực 6, 7)",
    ),
    ("thuky", "Bùi Thị Hồng", RoleKind.SECRETARIAT, "SO-NV", None, [], "Bộ phận thư ký, Sở Nội vụ"),
    ("hoidong", "Đỗ Văn Thành", RoleKind.COUNCIL, None, None, [], "Thành viên Hội đồng thẩm định"),
    ("lanhdao", "Ngô Quang Vinh", RoleKind.LEADERSHIP, None, None, [], "Phó Chủ tịch UBND tỉnh"),
]
# Heads of the units that have already submitted their current year's dossier.
SUBMITTED_CURRENT = ["SO-NV", "SO-TC", "ND-KBNN", "XA-002"]
DECISIONS = {
    2023: ("168/QĐ-UBND", dt.date(2024, 1, 19)),
    2024: ("175/QĐ-UBND", dt.date(2025, 1, 21)),
    2025: ("181/QĐ-UBND", dt.date(2026, 1, 20)),
}
SIGNER = "Nguyễn Minh Khang, Chủ tịch UBND tỉnh"


# --- the story -------------------------------------------------------------------------------


def demo_is_loaded() -> bool:
    return Unit.objects.exists()


@transaction.atomic
def demo_load(*, now: dt.datetime | None = None) -> DemoSummary:
    """Create the whole demo province in an empty database; returns what was created.

    `now` (default: the current time) only places the current year's dates.
    """
    story = _Story(now or timezone.now())
    story.the_province()
    story.its_people()
    story.the_2023_cycle()
    story.the_2024_cycle()
    story.the_2025_cycle()  # the reorganisation first, then the cycle
    story.the_2026_cycle_so_far()
    story.the_2026_team()
    story.the_letterhead()
    return story.summary


@dataclass(frozen=True)
class _Leaf:
    """A leaf of a year's set as the importer stored it, with its maxima by group code."""

    criterion: Criterion
    maxima: dict[str, Decimal]  # a group left out does not have the leaf


# How much more generous each stage is than the final appraisal.
STAGE_LIFT = {Stage.SELF: 0.07, Stage.ROUND1: 0.02, Stage.FINAL: 0.0}
ALL_STAGES = (Stage.SELF, Stage.ROUND1, Stage.FINAL)


class _Story:
    """The province's story, chapter by chapter. Each chapter goes through the services the
    portal's own people use — the criteria import, the unit changes, a year's set-up, the
    index job, publication — and adds only what people would have typed or scored."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.rng = random.Random(SEED)
        self.scorer = _Scorer(self.rng)
        self.summary = DemoSummary()
        rows, errors = criteria_parse(CRITERIA_FILE.read_bytes())
        if errors:
            raise ValueError(f"{CRITERIA_FILE}: {errors}")
        self.criteria_rows = rows

    # --- the chapters -----------------------------------------------------------------------

    def the_province(self) -> None:
        """Four groups, their units (those merged in 2025 until 2024, their successors from
        2025), and each unit's lasting quality: good, fair, or weaker."""
        groups = Group.objects.bulk_create(
            [Group(code=code, name=name, order=i) for i, (code, name, _) in enumerate(GROUPS, 1)]
        )
        self.group_by_code = {g.code: g for g in groups}
        self.bonus_caps = {code: Decimal(cap) for code, _, cap in GROUPS}
        units = Unit.objects.bulk_create(
            [
                Unit(
                    code=code,
                    name=name,
                    short_name=short,
                    group=self.group_by_code[g],
                    order=i,
                    active_from_year=REORGANISATION_YEAR if code in FROM_2025 else 2015,
                    active_to_year=REORGANISATION_YEAR - 1 if code in UNTIL_2024 else None,
                )
                for g in GROUP_CODES
                for i, (code, name, short) in enumerate(UNITS[g], 1)
            ]
        )
        self.unit_by_code = {u.code: u for u in units}
        self.summary.units = len(units)
        self.base_quality = {}
        for unit in units:
            draw = self.rng.random()
            if draw < 0.40:
                base = self.rng.uniform(0.86, 0.95)
            elif draw < 0.85:
                base = self.rng.uniform(0.76, 0.86)
            else:
                base = self.rng.uniform(0.64, 0.74)
            self.base_quality[unit.code] = float(WEAK_UNITS.get(unit.code, base))

    def its_people(self) -> None:
        _users_create(self.unit_by_code, self.summary)
        self.heads = {
            role.unit.code: role.user
            for role in Role.objects.filter(kind=RoleKind.AGENCY_HEAD).select_related(
                "unit", "user"
            )
        }

    def the_2023_cycle(self) -> None:
        """Online services weighed less: half a point of 7.2.1 on 7.1.1, and half a point of
        satisfaction with results (9.1.4) on access to services (9.1.1)."""
        period = self._year_opened(2023)
        leaves = self._criteria_set(
            period, points_moved=[("7.2.1", "7.1.1", "0.5"), ("9.1.4", "9.1.1", "0.5")]
        )
        year_setup_apply(actor=None, period=period)
        self._appraised(period, leaves)
        self._published(period)

    def the_2024_cycle(self) -> None:
        """Half a point of 7.2.1 still on 7.1.1; two communes tie; the customs office's
        one-stop shop is late on 11% of its dossiers (its band is lowered)."""
        period = self._year_opened(2024)
        leaves = self._criteria_set(period, points_moved=[("7.2.1", "7.1.1", "0.5")])
        year_setup_apply(actor=None, period=period)
        self._appraised(period, leaves, tie=("XA-003", "XA-004"), on_time={"ND-HQ": 89})
        self._published(period)

    def the_2025_reorganisation(self) -> None:
        """The year's unit changes, as a file of `import_unit_changes` would give them."""
        unit_changes_import(
            actor=None,
            year=REORGANISATION_YEAR,
            rows=[
                {
                    "line": line,
                    "successor_code": successor,
                    "successor_name": "",
                    "group_code": group,
                    "predecessor_codes": ";".join(predecessors),
                    "basis": basis,
                }
                for line, (successor, group, predecessors, basis) in enumerate(REORGANISATION, 2)
            ],
            source="demo",
        )

    def the_2025_cycle(self) -> None:
        """After the reorganisation, every stage kept: the appraisers' comments, items sent
        back for supplement, a dossier sent the morning after the deadline; two departments
        tie; a commune's one-stop shop is late on 12% of its dossiers."""
        period = self._year_opened(2025)
        leaves = self._criteria_set(period)
        self.the_2025_reorganisation()
        year_setup_apply(actor=None, period=period)
        self._appraised(
            period,
            leaves,
            stages=ALL_STAGES,
            tie=("SO-XD", "SO-CT"),
            on_time={"XA-008": 88},
            late_submission=LATE_SUBMISSION,
        )
        self._published(period)

    def the_2026_cycle_so_far(self) -> None:
        """Self-assessment open (its dates around today): some drafts partly or fully scored,
        a few submitted; SIPAS is not published yet, and what never applied to a unit is not
        self-scored (the exemption is decided on appraisal)."""
        today = timezone.localtime(self.now, TZ).date()
        period = Period.objects.create(
            year=CURRENT_YEAR,
            name=f"Chỉ số CCHC năm {CURRENT_YEAR}",
            phase=Phase.SETUP,
            **_schedule(today - dt.timedelta(days=21), today + dt.timedelta(days=14)),
        )
        leaves = self._criteria_set(period)
        year_setup_apply(actor=None, period=period)
        Period.objects.filter(pk=period.pk).update(phase=Phase.SELF_ASSESSMENT)
        rng = self.rng
        assessments = list(Assessment.objects.filter(period=period).select_related("unit", "group"))
        known_exempt = defaultdict(set)
        for unit_code, node_code, _ in EXEMPTIONS:
            known_exempt[unit_code].add(node_code)
        scores = []
        for assessment in assessments:
            unit, group_code = assessment.unit, assessment.group.code
            submitted = unit.code in SUBMITTED_CURRENT
            if submitted:
                share = 1.0
                assessment.status = AssessmentStatus.SUBMITTED
                assessment.submitted_at = self.now - dt.timedelta(
                    days=rng.randint(1, 5), hours=rng.randint(0, 8)
                )
                assessment.submitted_by = self.heads.get(unit.code)
            else:
                share = rng.choice((0.0, 0.3, 0.5, 0.7, 1.0, 1.0))
            if unit.code == "SO-TP":
                share = 0.6  # the demo agency: half done, ready to continue
            if share == 0:
                continue
            quality = _clamp(self.base_quality[unit.code] + 0.05)
            ctx = {"sipas": _clamp(55 + 42 * quality, 40, 99.5)}
            for leaf in leaves:
                if group_code not in leaf.maxima or rng.random() > share:
                    continue
                if _under(leaf.criterion.code, known_exempt[unit.code]):
                    continue
                if leaf.criterion.method == Method.SURVEY:
                    continue  # SIPAS is published by Sở Nội vụ after the survey
                maximum = leaf.maxima[group_code]
                inputs = self.scorer.inputs(leaf.criterion, maximum, quality, ctx)
                scores.append(
                    leaf_score_new(
                        assessment=assessment,
                        criterion=leaf.criterion,
                        stage=Stage.SELF,
                        inputs=inputs,
                        maximum=maximum,
                        explanation=_explanation(leaf.criterion, unit, rng, CURRENT_YEAR),
                        updated_by=self.heads.get(unit.code) if submitted else None,
                    )
                )
        Assessment.objects.bulk_update(assessments, ["status", "submitted_at", "submitted_by"])
        self.summary.scores += leaf_scores_create(scores)

    def the_2026_team(self) -> None:
        """Each field of every unit to the member expert in it."""
        _current_year_assignments()

    def the_letterhead(self) -> None:
        """The province's details on its official documents."""
        _document_settings_create()

    # --- how a year goes ------------------------------------------------------------------

    def _year_opened(self, year: int) -> Period:
        decision_number, decision_date = DECISIONS[year]
        return Period.objects.create(
            year=year,
            name=f"Chỉ số CCHC năm {year}",
            phase=Phase.SETUP,
            **_schedule(dt.date(year, 11, 20), dt.date(year, 12, 15), decision_date),
            decision_number=decision_number,
            decision_signer=SIGNER,
        )

    def _criteria_set(self, period: Period, *, points_moved=()) -> list[_Leaf]:
        """The groups' bonus caps, then the criteria spreadsheet through the importer, with
        the year's `points_moved` (leaf, leaf, points) between leaves of a field."""
        PeriodGroup.objects.bulk_create(
            [
                PeriodGroup(period=period, group=self.group_by_code[code], bonus_cap=cap)
                for code, cap in self.bonus_caps.items()
            ]
        )
        rows = copy.deepcopy(self.criteria_rows)
        for source, target, points in points_moved:
            _points_move(rows, source, target, Decimal(points))
        criteria_import(actor=None, year=period.year, rows=rows)
        leaves = _leaves(period)
        self.summary.leaves = sum(1 for leaf in leaves if leaf.criterion.kind == NodeKind.SCORED)
        return leaves

    def _appraised(
        self,
        period: Period,
        leaves: list[_Leaf],
        *,
        stages=(Stage.FINAL,),
        tie: tuple[str, str] | None = None,
        on_time: dict[str, int] | None = None,
        late_submission=None,
    ) -> None:
        """Dossiers submitted, scored at the `stages` kept, exemptions granted, the results of
        each stage computed. `tie`: (copy, source), one unit's scores exactly another's;
        `on_time`: a unit's share of one-stop-shop dossiers solved on time (%)."""
        Period.objects.filter(pk=period.pk).update(phase=Phase.COUNCIL)
        period.refresh_from_db()
        year, rng = period.year, self.rng
        assessments = list(Assessment.objects.filter(period=period).select_related("unit", "group"))
        for assessment in assessments:
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = _local(year, 12, rng.randint(10, 15), rng.randint(8, 17))
        units = [a.unit for a in assessments]
        by_unit = {a.unit.code: a for a in assessments}
        per_unit: dict[str, list[LeafScore]] = defaultdict(list)
        for unit in units:
            assessment = by_unit[unit.code]
            group_code = assessment.group.code
            quality = _clamp(self.base_quality[unit.code] + rng.uniform(-0.06, 0.06), 0.3, 0.99)
            if unit.code in WEAK_UNITS:
                quality = self.base_quality[unit.code] + rng.uniform(-0.02, 0.02)
            sipas = _clamp(50 + 45 * quality + rng.uniform(-4, 4), 40, 99.5)
            share_on_time = (on_time or {}).get(unit.code)
            if share_on_time is None:
                share_on_time = _clamp(94 + 6 * quality + rng.uniform(-2.5, 1.5), 90.5, 100)
            ctx = {"sipas": sipas, "on_time_percent": share_on_time}
            exempt_codes = {node for u, node, _ in EXEMPTIONS if u == unit.code}
            for stage in stages:
                lift = STAGE_LIFT[stage]
                for leaf in leaves:
                    if group_code not in leaf.maxima or _under(leaf.criterion.code, exempt_codes):
                        continue
                    maximum = leaf.maxima[group_code]
                    inputs = self.scorer.inputs(
                        leaf.criterion, maximum, _clamp(quality + lift), ctx
                    )
                    explained = (
                        {"explanation": _explanation(leaf.criterion, unit, rng, year)}
                        if stage == Stage.SELF
                        else {}
                    )
                    per_unit[unit.code].append(
                        leaf_score_new(
                            assessment=assessment,
                            criterion=leaf.criterion,
                            stage=stage,
                            inputs=inputs,
                            maximum=maximum,
                            **explained,
                        )
                    )
            late = Decimal(100) - Decimal(str(share_on_time))
            assessment.late_dossier_percent = engine.q2(late)
            assessment.sipas = engine.q2(Decimal(str(sipas)))
        if tie:
            copy_code, source_code = tie
            twin, source = by_unit[copy_code], by_unit[source_code]
            maxima = {leaf.criterion.pk: leaf.maxima for leaf in leaves}
            per_unit[copy_code] = [
                leaf_score_new(
                    assessment=twin,
                    criterion=s.criterion,
                    stage=s.stage,
                    inputs=s.inputs,
                    maximum=maxima[s.criterion.pk][twin.group.code],
                    **({"explanation": s.explanation} if s.stage == Stage.SELF else {}),
                )
                for s in per_unit[source_code]
            ]
            twin.late_dossier_percent = source.late_dossier_percent
            twin.sipas = source.sipas
        scores = [score for unit in units for score in per_unit[unit.code]]
        flagged = _appraisal_notes(year, units, per_unit, leaves) if Stage.ROUND1 in stages else []
        if late_submission and late_submission[0] in by_unit:
            late_unit, (month, day, hour, minute) = late_submission
            by_unit[late_unit].submitted_at = _local(year, month, day, hour, minute)
            by_unit[late_unit].is_late = True
        Assessment.objects.bulk_update(
            assessments, ["status", "submitted_at", "late_dossier_percent", "sipas", "is_late"]
        )
        self.summary.scores += leaf_scores_create(scores)
        _supplements_create(flagged)
        criteria = {c.code: c for c in Criterion.objects.filter(period=period)}
        Exemption.objects.bulk_create(
            [
                Exemption(
                    assessment=by_unit[unit],
                    criterion=criteria[node],
                    stage=stage,
                    reason=reason,
                )
                for unit, node, reason in sorted(EXEMPTIONS)
                for stage in stages
            ]
        )
        for stage in stages:
            self.summary.results_hashes[year] = results_compute(period=period, stage=stage)

    def _published(self, period: Period) -> None:
        """Sealed and published on the day of the decision."""
        results_seal(period=period)
        _, decision_date = DECISIONS[period.year]
        period.phase = Phase.PUBLISHED
        period.published_at = dt.datetime.combine(decision_date, dt.time(15, 0), tzinfo=TZ)
        period.save(update_fields=["phase", "published_at"])


def _leaves(period: Period) -> list[_Leaf]:
    """The year's leaves in the set's order, with their maxima by group code."""
    maxima: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for criterion_id, group_code, maximum in CriterionMax.objects.filter(
        criterion__period=period
    ).values_list("criterion_id", "group__code", "max_score"):
        maxima[criterion_id][group_code] = maximum
    return [
        _Leaf(criterion, maxima[criterion.pk])
        for criterion in Criterion.objects.filter(period=period, is_leaf=True).order_by("order")
    ]


def _points_move(rows: list[dict], source: str, target: str, points: Decimal) -> None:
    """Move `points` of every group having both leaves from `source` to `target` in the
    parsed rows of a criteria file, their parents' maxima with them (totals stay 100)."""
    by_code = {row["code"]: row for row in rows}

    def chain(code: str):
        while code:
            yield by_code[code]
            code = by_code[code]["parent_code"]

    for group in [g for g in by_code[source]["maxima"] if g in by_code[target]["maxima"]]:
        for code, sign in ((source, -1), (target, 1)):
            for row in chain(code):
                if group in row["maxima"]:
                    row["maxima"][group] = str(Decimal(row["maxima"][group]) + sign * points)


def _under(code: str, codes) -> bool:
    """Whether the node `code` is one of `codes` or below one of them."""
    return any(code == c or code.startswith(c + ".") for c in codes)


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _floor_step(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


class _Scorer:
    """Draws a leaf's inputs for a target quality (0–1); the engine scores them."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def fraction(self, quality: float) -> float:
        return _clamp(quality + self.rng.gauss(0, 0.12))

    def inputs(self, criterion: Criterion, maximum: Decimal, quality: float, ctx: dict) -> dict:
        rng, method, params = self.rng, criterion.method, criterion.params
        if method == Method.YES_NO:
            return {"answer": rng.random() < quality}
        if method == Method.LEVELS:
            target = self.fraction(quality)
            best = min(params["levels"], key=lambda lv: abs(float(lv["fraction"]) - target))
            return {"level": best["key"]}
        if method in (Method.MANUAL, Method.BONUS):
            step = Decimal(params.get("step", "0.25"))
            if method == Method.BONUS:
                if rng.random() > quality - 0.45:
                    return {"value": "0"}
                target = Decimal(str(round(rng.uniform(0.15, 0.6), 2)))
            else:
                target = Decimal(str(round(self.fraction(quality), 2)))
            value = _floor_step(maximum * target, step)
            return {"value": str(engine.q2(value)).replace(".", ",")}
        if method == Method.RATIO:
            if criterion.code == "8.2.1" and "on_time_percent" in ctx:
                percent = ctx["on_time_percent"]
            elif "table" in params:
                low = min(float(row["min"]) for row in params["table"]) * 0.85
                percent = low + (100 - low) * self.fraction(quality)
            else:
                threshold = float(params.get("threshold", "100"))
                percent = min(100.0, threshold * self.fraction(quality + 0.03))
            denominator = (
                rng.randint(12, 60)
                if criterion.code.startswith(("1.", "2.", "5."))
                else rng.randint(150, 4200)
            )
            numerator = min(denominator, round(denominator * percent / 100))
            return {"numerator": numerator, "denominator": denominator}
        if method == Method.SURVEY:
            sipas = _clamp(ctx["sipas"] + rng.uniform(-2.5, 2.5), 0, 100)
            return {"sipas": f"{sipas:.2f}".replace(".", ",")}
        if method == Method.COUNT:
            needed = int(maximum / Decimal(params["per_item"]))
            return {
                "count": max(0, round(needed * self.fraction(quality)) + rng.choice((-1, 0, 0, 1)))
            }
        if method == Method.DEDUCTION:
            risk = _clamp(0.85 - quality) * 0.9
            return {"count": sum(1 for _ in range(2) if rng.random() < risk)}
        raise ValueError(method)


def _explanation(criterion: Criterion, unit: Unit, rng: random.Random, year: int) -> str:
    number = rng.randint(12, 980)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    kind = rng.choice(["KH", "BC", "QĐ", "CV"])
    return (
        f"{unit.short_name or unit.name} đã thực hiện nội dung “{criterion.name}”. "
        f"Tài liệu kiểm chứng: văn bản số {number}/{kind}-{unit.code.split('-')[0]} "
        f"ngày {day:02d}/{month:02d}/{year}."
    )


# --- the appraisers' notes of 2025 -------------------------------------------------------

# What the appraisal of the year with all three stages (the last published) wrote, for the documents:
# the comment on every sub-criterion that lost points at the final stage, the round-1 items
# sent back for supplement (the first two a unit over-claimed) and, for every other such
# unit, the supplement it gave. Deterministic (no random draws: the scores stay the same).
FIELD_COMMENTS = {
    "1": "Kế hoạch, báo cáo CCHC ban hành chưa đúng thời hạn hoặc thiếu nội dung theo hướng dẫn.",
    "2": "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả rà soát, kiểm tra văn bản QPPL.",
    "3": "Công bố, công khai thủ tục hành chính chưa kịp thời theo quy định.",
    "4": "Chưa cung cấp văn bản kiện toàn, sắp xếp tổ chức bộ máy theo quy định.",
    "5": "Cơ cấu ngạch công chức, đào tạo, bồi dưỡng chưa đạt yêu cầu của tiêu chí.",
    "6": "Tỷ lệ giải ngân, tiết kiệm chi chưa đạt mức tối đa của tiêu chí.",
    "7": "Tỷ lệ văn bản điện tử có chữ ký số, dịch vụ công trực tuyến chưa đạt yêu cầu.",
    "8": "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn chưa đạt mức tối đa.",
    "9": "Chỉ số hài lòng của người dân, tổ chức chưa đạt mức tối đa của tiêu chí.",
}
SUPPLEMENT_COMMENT = (
    "Đề nghị bổ sung tài liệu kiểm chứng chứng minh kết quả thực hiện; giải trình chưa thuyết phục."
)
# The last published year's one dossier sent after the deadline (15/12, 23:59): the morning after.
LATE_SUBMISSION = ("ND-CA", (12, 16, 9, 15))


def _appraisal_notes(year, units, per_unit, leaves) -> list[tuple[LeafScore, str]]:
    """Comments and supplement flags on the unsaved scores; returns the flagged round-1
    scores with the explanation their unit supplemented (empty: none given)."""
    leaf_of = {leaf.criterion.code: leaf for leaf in leaves}
    flagged = []
    for position, unit in enumerate(units):
        by_stage = defaultdict(dict)
        for score in per_unit[unit.code]:
            by_stage[score.stage][score.criterion.code] = score
        group_code = unit.group.code
        for code, score in by_stage[Stage.FINAL].items():
            leaf = leaf_of[code]
            if leaf.criterion.kind != NodeKind.SCORED or score.value is None:
                continue
            if score.value < leaf.maxima[group_code]:
                score.comment = FIELD_COMMENTS.get(code.split(".")[0], "")
        sent_back = 0
        for code, score in by_stage[Stage.ROUND1].items():
            own = by_stage[Stage.SELF].get(code)
            if sent_back == 2 or leaf_of[code].criterion.method == Method.SURVEY or own is None:
                continue
            if score.value is not None and own.value is not None and score.value < own.value:
                score.supplement_requested = True
                score.comment = SUPPLEMENT_COMMENT
                sent_back += 1
                explanation = (
                    f"{unit.name} bổ sung văn bản chứng minh kết quả thực hiện tiêu chí {code} "
                    f"năm {year} (đính kèm)."
                    if position % 2 == 0
                    else ""
                )
                flagged.append((score, explanation))
    return flagged


def _supplements_create(flagged) -> None:

    Supplement.objects.bulk_create(
        Supplement(
            assessment_id=score.assessment.pk,
            criterion_id=score.criterion.pk,
            explanation=explanation,
        )
        for score, explanation in flagged
        if explanation
    )


# --- dates, letterhead, team, logins --------------------------------------------------------


def _schedule(
    opens: dt.date, deadline: dt.date, decision: dt.date | None = None
) -> dict[str, dt.datetime | dt.date]:
    """A year's fourteen dates (appraisal.schedule.DATES) from the portal's opening and the
    self-assessment deadline: each on a working day and not before the one before, with the
    gaps of the 2019 cycle; `decision` is the published decision's date when there is one."""

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)

    def after(day: dt.date, days: int) -> dt.date:
        return calendar.next_working_day(day + dt.timedelta(days=days))

    opens, deadline = calendar.next_working_day(opens), calendar.next_working_day(deadline)
    issued = calendar.next_working_day(opens - dt.timedelta(days=10))
    round1_start = after(deadline, 1)
    round1_end = after(round1_start, 5)
    cross_check = round1_end
    round1_meeting = after(round1_end, 1)
    supplement_start = after(round1_meeting, 1)
    supplement_end = after(supplement_start, 3)
    round2_start = after(supplement_end, 1)
    round2_end = after(round2_start, 5)
    working_group = after(round2_end, 1)
    council = after(working_group, 1)
    decision = decision if decision is not None else after(council, 3)
    return {
        "criteria_issued": issued,
        "self_assessment_opens": at(opens, 8),
        "self_assessment_deadline": at(deadline, 23, 59),
        "round1_start": at(round1_start, 8),
        "round1_end": at(round1_end, 17),
        "cross_check_date": cross_check,
        "round1_meeting": round1_meeting,
        "supplement_start": at(supplement_start, 8),
        "supplement_end": at(supplement_end, 23, 59),
        "round2_start": at(round2_start, 8),
        "round2_end": at(round2_end, 17),
        "working_group_meeting": working_group,
        "council_date": at(council, 14),
        "decision_date": decision,
    }


def _document_settings_create() -> None:
    """The province's details on its official documents (reports: Decree 30 header, signer)."""

    DocumentSettings.objects.create(
        province_name=PROVINCE,
        parent_body="UBND TỈNH HÒA BÌNH XANH",
        issuer_name="SỞ NỘI VỤ",
        issuer_body_name="Sở Nội vụ",
        issuer_abbr="SNV",
        office_abbr="CCHC",
        place_name="Hòa Bình Xanh",
        signer_title="GIÁM ĐỐC",
        signer_name="Trần Thu Hà",
        decision_parent="ỦY BAN NHÂN DÂN",
        decision_issuer="TỈNH HÒA BÌNH XANH",
        decision_abbr="UBND",
        decision_authority="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH XANH",
        decision_signer_title="CHỦ TỊCH",
        decision_signer_name=SIGNER.split(",")[0],
        decision_grounds=(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;\n"
            "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ ban hành "
            "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 – 2030;\n"
            "Căn cứ Quyết định của UBND tỉnh ban hành Quy chế đánh giá, xếp hạng kết quả thực "
            "hiện công tác cải cách hành chính các cơ quan, đơn vị, địa phương trên địa bàn tỉnh;"
        ),
        recipients_report=(
            "TT. Tỉnh ủy (báo cáo);\nTT. HĐND tỉnh (báo cáo);\nUBND tỉnh (báo cáo);\n"
            "Các sở, ban, ngành (VBĐT);\nUBND các xã, phường (VBĐT);\n"
            "Cổng Thông tin điện tử tỉnh;"
        ),
        recipients_decision=(
            "Như Điều 3;\nBộ Nội vụ (báo cáo);\nTT. Tỉnh ủy, TT. HĐND tỉnh (báo cáo);\n"
            "Chủ tịch, các Phó Chủ tịch UBND tỉnh;\nCổng Thông tin điện tử tỉnh;"
        ),
        recipients_letter="Như trên;\nGiám đốc Sở (báo cáo);",
        recipients_notice="UBND tỉnh (báo cáo);\nLãnh đạo Sở Nội vụ;",
    )


def _current_year_assignments() -> None:
    """The current year's team's assignments: each field of every unit to the member expert in it.

    Seeded rows (no e-mails): the secretariat's bulk assignment page does the same in use.
    """

    period = Period.objects.get(year=CURRENT_YEAR)
    fields = {
        c.code: c
        for c in Criterion.objects.filter(
            period=period, level=NodeLevel.FIELD, kind=NodeKind.SCORED
        )
    }
    expert = {}
    for role in (
        Role.objects.filter(kind=RoleKind.APPRAISER, year=CURRENT_YEAR)
        .select_related("user")
        .order_by("user__username")
    ):
        for code in role.expertise:
            expert.setdefault(str(code), role.user)
    Assignment.objects.bulk_create(
        Assignment(period=period, field=fields[code], unit=assessment.unit, appraiser=user)
        for assessment in Assessment.objects.filter(period=period).select_related("unit")
        for code, user in sorted(expert.items())
        if code in fields
    )


def _user_specs() -> list[tuple]:
    """DEMO_USERS plus one head for each unit that has already submitted its current dossier."""
    names = {code: (name, short) for units in UNITS.values() for code, name, short in units}
    specs = list(DEMO_USERS)
    taken = {spec[3] for spec in DEMO_USERS if spec[2] == RoleKind.AGENCY_HEAD}
    number = 3
    for code in SUBMITTED_CURRENT:
        if code in taken:
            continue
        name, short = names[code]
        specs.append(
            (
                f"thutruong{number}",
                f"Thủ trưởng {short}",
                RoleKind.AGENCY_HEAD,
                code,
                None,
                [],
                f"Thủ trưởng {name} (đã nộp hồ sơ {CURRENT_YEAR})",
            )
        )
        number += 1
    return specs


def demo_logins() -> list[DemoLogin]:
    """The demo accounts, for printing (they all share DEMO_PASSWORD)."""
    labels = dict(RoleKind.choices)
    return [DemoLogin(s[0], DEMO_PASSWORD, str(labels[s[2]]), s[6]) for s in _user_specs()] + [
        DemoLogin("admin", DEMO_PASSWORD, "Quản trị hệ thống (superuser)", "Trang quản trị /admin/")
    ]


def _users_create(unit_by_code: dict[str, Unit], summary: DemoSummary) -> list[User]:
    # Hashed once and shared: a deliberate shortcut for demo accounts (one password for all,
    # printed on screen) that keeps the load fast.
    password = make_password(DEMO_PASSWORD)
    specs = _user_specs()
    users = User.objects.bulk_create(
        # Addresses at the example domain: a demo cycle's notifications reach the console
        # e-mail backend (DJANGO_EMAIL_BACKEND), never a real mailbox.
        [
            User(
                username=spec[0],
                full_name=spec[1],
                password=password,
                email=f"{spec[0]}@example.gov.vn",
            )
            for spec in specs
        ]
        + [
            User(
                username="admin",
                full_name="Quản trị hệ thống",
                password=password,
                is_staff=True,
                is_superuser=True,
            )
        ]
    )
    by_name = {u.username: u for u in users}
    Role.objects.bulk_create(
        [
            Role(
                user=by_name[username],
                kind=kind,
                unit=unit_by_code[unit_code] if unit_code else None,
                year=year,
                expertise=expertise,
            )
            for username, _, kind, unit_code, year, expertise, _ in specs
        ]
    )
    summary.logins = demo_logins()
    return users
