"""The deterministic demo province: a fictional “tỉnh Hòa Bình Xanh” with four groups, 44
units a year, a realistic criteria set, three published years (2023–2025) and a current year
(2026) in self-assessment, plus one demo login per role.

The 2025 reorganisation (PAR-INDEX.md §6) is in the data: 2023 and 2024 hold the units
before it (Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường, Ban Dân tộc, UBND xã Tân Lập,
UBND xã Hòa An), 2025 and 2026 the units after it (Sở Nông nghiệp và Môi trường — compared
with the mean of its two predecessors —, Sở Dân tộc và Tôn giáo — with Ban Dân tộc —, UBND
xã Tân Hòa — with UBND xã Tân Lập — and a new Trung tâm Phục vụ hành chính công with no
comparison), recorded through `import_unit_changes`' service; every year's dossiers are made
by the set-up of the year (scoring.unit_changes), as the secretariat would.

Everything comes from `random.Random(SEED)`: two loads into empty databases give the same
scores and results. The only time-dependent data are the current year's dates, which are
placed around the moment of loading so that the demo's deadlines are always in the future,
each on a working day (`scoring.calendar.next_working_day`: weekends and public holidays).

Use `demo_load()` (or `python manage.py load_demo`); `demo_is_loaded()` tells whether the
database already holds units.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from units.enums import RoleKind
from units.models import Group, Role, Unit, User

from . import calendar, engine
from .enums import AssessmentStatus, Method, NodeKind, NodeLevel, Phase, Stage
from .models import (
    Assessment,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
)
from .services import results_compute, results_seal
from .unit_changes import unit_changes_import, year_setup_apply

SEED = 2025
DEMO_PASSWORD = "demo12345"
PAST_YEARS = (2023, 2024, 2025)
CURRENT_YEAR = 2026
REORGANISATION_YEAR = 2025
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE = "tỉnh Hòa Bình Xanh"

# --- groups and units ----------------------------------------------------------------------

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

# Scripted stories the demo must show (PAR-INDEX.md §3), on top of the random spread.
# Low two years in a row; Tân Hòa is low in 2025 after Tân Lập, its basis, in 2024.
WEAK_UNITS = {"XA-013": "0.50", "ND-THADS": "0.62", "XA-006": "0.66", "XA-015": "0.65"}
TWINS = {2025: ("SO-XD", "SO-CT"), 2024: ("XA-003", "XA-004")}  # (copy, source): a tie
LATE_DOSSIERS = {2025: {"XA-008": 88}, 2024: {"ND-HQ": 89}}  # on-time % → late ≥ 10%
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

# --- the criteria set ------------------------------------------------------------------------

LEVELS_TIME = {
    "levels": [
        {"key": "on_time", "label": "Đúng hạn", "fraction": "1"},
        {"key": "late", "label": "Trễ hạn", "fraction": "0.5"},
        {"key": "none", "label": "Không thực hiện", "fraction": "0"},
    ]
}
# What the evidence of a leaf must be (evidence.criterion_rules): the year's plan issued in
# the year before, by 31/12; the inspection plan within the first quarter.
EVIDENCE_YEAR_PLAN = {
    "issued_from": "01/01/N-1",
    "issued_by": "31/12/N-1",
    "doc_types": ["Kế hoạch"],
    "own_issuer": True,
}
EVIDENCE_FIRST_QUARTER_PLAN = {
    "issued_from": "01/01/N",
    "issued_by": "31/03/N",
    "doc_types": ["Kế hoạch"],
    "own_issuer": True,
}
LEVELS_PERCENT = {
    "levels": [
        {"key": "100", "label": "Hoàn thành 100%", "fraction": "1"},
        {"key": "80", "label": "Hoàn thành từ 80% đến dưới 100%", "fraction": "0.75"},
        {"key": "50", "label": "Hoàn thành từ 50% đến dưới 80%", "fraction": "0.5"},
        {"key": "0", "label": "Hoàn thành dưới 50%", "fraction": "0"},
    ]
}
LEVELS_AUTONOMY = {
    "levels": [
        {"key": "full", "label": "Tự bảo đảm chi thường xuyên và chi đầu tư", "fraction": "1"},
        {"key": "recurrent", "label": "Tự bảo đảm chi thường xuyên", "fraction": "0.75"},
        {"key": "partial", "label": "Tự bảo đảm một phần chi thường xuyên", "fraction": "0.5"},
        {"key": "state", "label": "Do Nhà nước bảo đảm chi thường xuyên", "fraction": "0.25"},
    ]
}
TABLE_ON_TIME = {
    "table": [
        {"min": "98", "fraction": "1"},
        {"min": "95", "fraction": "0.75"},
        {"min": "90", "fraction": "0.5"},
        {"min": "80", "fraction": "0.25"},
    ]
}
TABLE_DISBURSE = {
    "table": [
        {"min": "95", "fraction": "1"},
        {"min": "80", "fraction": "0.75"},
        {"min": "60", "fraction": "0.5"},
    ]
}
TABLE_ONLINE = {
    "table": [
        {"min": "50", "fraction": "1"},
        {"min": "30", "fraction": "0.5"},
        {"min": "20", "fraction": "0.25"},
    ]
}
TABLE_STAFFING = {"table": [{"min": "100", "fraction": "1"}, {"min": "95", "fraction": "0.5"}]}
TABLE_SIPAS = {
    "table": [
        {"min": "90", "fraction": "1"},
        {"min": "80", "fraction": "0.75"},
        {"min": "70", "fraction": "0.5"},
        {"min": "50", "fraction": "0.25"},
    ]
}


def _m(so=None, nd=None, sn=None, xa=None) -> dict[str, str]:
    """Maxima per group code; a group left out does not have the leaf."""
    return {
        code: value
        for code, value in zip(GROUP_CODES, (so, nd, sn, xa), strict=True)
        if value is not None
    }


def _all(value: str) -> dict[str, str]:
    return _m(value, value, value, value)


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    method: str = ""
    params: dict = field(default_factory=dict)
    maxima: dict = field(default_factory=dict)
    guidance: str = ""
    kind: str = NodeKind.SCORED

    @property
    def is_leaf(self) -> bool:
        return bool(self.method)


N = Node
YN, LV, MN, RT, SV, CT = (
    Method.YES_NO,
    Method.LEVELS,
    Method.MANUAL,
    Method.RATIO,
    Method.SURVEY,
    Method.COUNT,
)

CRITERIA: list[Node] = [
    N("1", "Công tác chỉ đạo, điều hành cải cách hành chính"),
    N("1.1", "Kế hoạch cải cách hành chính năm"),
    N(
        "1.1.1",
        "Ban hành kế hoạch CCHC năm kịp thời, đúng quy định",
        LV,
        {**LEVELS_TIME, "evidence": EVIDENCE_YEAR_PLAN},
        _m("1", "1", "1.5", "1"),
        "Ban hành trước ngày 31/12 năm trước: điểm tối đa; ban hành trễ hạn: 50% điểm; "
        "không ban hành: 0 điểm.",
    ),
    N(
        "1.1.2",
        "Mức độ hoàn thành kế hoạch CCHC năm",
        LV,
        LEVELS_PERCENT,
        _all("3"),
        "Hoàn thành 100% nhiệm vụ: điểm tối đa; từ 80%: 75%; từ 50%: 50%; dưới 50%: 0 điểm.",
    ),
    N("1.2", "Báo cáo cải cách hành chính"),
    N(
        "1.2.1",
        "Thực hiện chế độ báo cáo CCHC định kỳ đầy đủ nội dung, đúng thời gian",
        LV,
        {**LEVELS_TIME, "evidence": {"doc_types": ["Báo cáo"], "own_issuer": True}},
        _all("1.5"),
        "Đầy đủ các báo cáo quý, 6 tháng, năm đúng hạn: điểm tối đa; có báo cáo trễ hạn: 50%; "
        "thiếu báo cáo: 0 điểm.",
    ),
    N("1.3", "Kiểm tra công tác cải cách hành chính"),
    N(
        "1.3.1",
        "Ban hành kế hoạch kiểm tra CCHC",
        YN,
        {"evidence": EVIDENCE_FIRST_QUARTER_PLAN},
        _m("0.5", "0.5", "1", "0.5"),
        "Có kế hoạch kiểm tra CCHC được ban hành trong quý I: điểm tối đa; không có: 0 điểm.",
    ),
    N(
        "1.3.2",
        "Tỷ lệ cơ quan, đơn vị trực thuộc được kiểm tra trong năm",
        RT,
        {"threshold": "30"},
        _m("1", "1", "2", "1"),
        "Số đơn vị được kiểm tra / tổng số đơn vị trực thuộc. Từ 30% trở lên: điểm tối đa; "
        "dưới 30%: tỷ lệ × điểm tối đa / 30%.",
    ),
    N(
        "1.3.3",
        "Xử lý các vấn đề phát hiện qua kiểm tra",
        MN,
        {"step": "0.25"},
        _all("0.5"),
        "Chấm theo bước 0,25 điểm căn cứ mức độ xử lý, khắc phục các tồn tại sau kiểm tra.",
    ),
    N("1.4", "Công tác tuyên truyền cải cách hành chính"),
    N(
        "1.4.1",
        "Ban hành kế hoạch tuyên truyền CCHC",
        YN,
        {},
        _all("0.5"),
        "Có kế hoạch tuyên truyền CCHC năm: điểm tối đa; không có: 0 điểm.",
    ),
    N(
        "1.4.2",
        "Số tin, bài tuyên truyền CCHC đăng tải trên cổng/trang thông tin điện tử",
        CT,
        {"per_item": "0.25"},
        _m("0.5", "0.5", "1", "0.5"),
        "0,25 điểm cho mỗi tin, bài; tối đa bằng điểm tối đa của tiêu chí.",
    ),
    N(
        "1.5",
        "Sáng kiến, giải pháp mới trong chỉ đạo, điều hành CCHC",
        MN,
        {"step": "0.5"},
        _m("1", "1", "1", "1"),
        "Chấm theo bước 0,5 điểm căn cứ hiệu quả của sáng kiến, giải pháp được áp dụng.",
    ),
    N("2", "Cải cách thể chế"),
    N("2.1", "Xây dựng, ban hành văn bản quy phạm pháp luật"),
    N(
        "2.1.1",
        "Mức độ thực hiện kế hoạch xây dựng văn bản QPPL được giao",
        LV,
        LEVELS_PERCENT,
        _m("2", None, None, "1.5"),
        "Tham mưu ban hành đủ, đúng hạn 100% văn bản theo chương trình: điểm tối đa; "
        "từ 80%: 75%; từ 50%: 50%; dưới 50%: 0 điểm.",
    ),
    N(
        "2.1.2",
        "Lấy ý kiến, thẩm định dự thảo văn bản QPPL đúng quy định",
        YN,
        {},
        _m("1", None, None, "0.5"),
        "Tất cả dự thảo được lấy ý kiến và thẩm định theo quy định: điểm tối đa; có dự thảo "
        "không đúng quy trình: 0 điểm.",
    ),
    N("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật"),
    N(
        "2.2.1",
        "Ban hành kế hoạch rà soát, hệ thống hóa văn bản QPPL",
        LV,
        LEVELS_TIME,
        _all("1"),
        "Ban hành đúng hạn: điểm tối đa; trễ hạn: 50%; không ban hành: 0 điểm.",
    ),
    N(
        "2.2.2",
        "Xử lý kết quả rà soát văn bản QPPL",
        RT,
        {"threshold": "100"},
        _m("1.5", "2", None, "1"),
        "Số văn bản đã xử lý / số văn bản phát hiện cần xử lý × điểm tối đa.",
    ),
    N("2.3", "Theo dõi thi hành pháp luật"),
    N(
        "2.3.1",
        "Ban hành kế hoạch theo dõi tình hình thi hành pháp luật",
        YN,
        {},
        _all("1"),
        "Có kế hoạch: điểm tối đa; không có: 0 điểm.",
    ),
    N(
        "2.3.2",
        "Báo cáo công tác theo dõi thi hành pháp luật",
        LV,
        LEVELS_TIME,
        _all("0.5"),
        "Báo cáo đúng hạn: điểm tối đa; trễ hạn: 50%; không báo cáo: 0 điểm.",
    ),
    N("2.4", "Phổ biến, giáo dục pháp luật"),
    N(
        "2.4.1",
        "Ban hành kế hoạch phổ biến, giáo dục pháp luật",
        YN,
        {},
        _m("1", "1", "1.5", "1"),
        "Có kế hoạch phổ biến, giáo dục pháp luật năm: điểm tối đa; không có: 0 điểm.",
    ),
    N(
        "2.4.2",
        "Số hội nghị, lớp tập huấn phổ biến pháp luật đã tổ chức",
        CT,
        {"per_item": "0.5"},
        _m("1", "1", "2.5", "1"),
        "0,5 điểm cho mỗi hội nghị, lớp tập huấn; tối đa bằng điểm tối đa của tiêu chí.",
    ),
    N("3", "Cải cách thủ tục hành chính"),
    N("3.1", "Kiểm soát thủ tục hành chính"),
    N(
        "3.1.1",
        "Ban hành kế hoạch kiểm soát TTHC",
        LV,
        LEVELS_TIME,
        _m("1", "1", None, "1"),
        "Ban hành đúng hạn: điểm tối đa; trễ hạn: 50%; không ban hành: 0 điểm.",
    ),
    N(
        "3.1.2",
        "Tham mưu công bố, cập nhật TTHC kịp thời",
        LV,
        LEVELS_TIME,
        _m("2.5", "1.5", None, None),
        "Tất cả quyết định công bố TTHC được tham mưu đúng hạn: điểm tối đa; có quyết định "
        "trễ hạn: 50%; không tham mưu: 0 điểm.",
    ),
    N("3.2", "Rà soát, đơn giản hóa thủ tục hành chính"),
    N(
        "3.2.1",
        "Ban hành kế hoạch rà soát, đánh giá TTHC",
        YN,
        {},
        _m("1", "1", None, "1"),
        "Có kế hoạch rà soát, đánh giá TTHC: điểm tối đa; không có: 0 điểm.",
    ),
    N(
        "3.2.2",
        "Số phương án đơn giản hóa TTHC được cấp có thẩm quyền thông qua",
        CT,
        {"per_item": "0.5"},
        _m("1.5", "1", None, None),
        "0,5 điểm cho mỗi phương án được thông qua; tối đa bằng điểm tối đa của tiêu chí.",
    ),
    N("3.3", "Công khai thủ tục hành chính"),
    N(
        "3.3.1",
        "Niêm yết công khai TTHC tại Bộ phận một cửa đúng quy định",
        YN,
        {},
        _m("1", "1.5", None, "2.5"),
        "Niêm yết đầy đủ, đúng quy định: điểm tối đa; thiếu hoặc sai: 0 điểm.",
    ),
    N(
        "3.3.2",
        "Công khai TTHC trên Cổng dịch vụ công của tỉnh",
        LV,
        LEVELS_PERCENT,
        _m("1", "1.5", None, "1.5"),
        "Công khai 100% TTHC: điểm tối đa; từ 80%: 75%; từ 50%: 50%; dưới 50%: 0 điểm.",
    ),
    N("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính"),
    N(
        "3.4.1",
        "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
        RT,
        {"threshold": "100"},
        _m("1.5", "2.5", "2", "1.5"),
        "Số phản ánh, kiến nghị xử lý đúng hạn / tổng số tiếp nhận × điểm tối đa.",
    ),
    N(
        "3.4.2",
        "Công khai kết quả xử lý phản ánh, kiến nghị",
        YN,
        {},
        _all("0.5"),
        "Có công khai kết quả trên cổng/trang thông tin điện tử: điểm tối đa; không: 0 điểm.",
    ),
    N("4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    N("4.1", "Sắp xếp tổ chức bộ máy"),
    N(
        "4.1.1",
        "Ban hành quy định chức năng, nhiệm vụ, cơ cấu tổ chức đúng quy định",
        YN,
        {},
        _all("1"),
        "Có quy định được ban hành đúng thẩm quyền, kịp thời: điểm tối đa.",
    ),
    N(
        "4.1.2",
        "Thực hiện sắp xếp tổ chức bộ máy theo đề án được phê duyệt",
        LV,
        LEVELS_PERCENT,
        _m("2.5", "2", "2.5", "2"),
        "Hoàn thành 100% lộ trình sắp xếp: điểm tối đa; từ 80%: 75%; từ 50%: 50%.",
    ),
    N("4.2", "Quản lý biên chế, vị trí việc làm"),
    N(
        "4.2.1",
        "Đề án vị trí việc làm được phê duyệt và thực hiện đúng",
        YN,
        {},
        _m("1", "1", "1.5", "1"),
        "Có đề án được phê duyệt và bố trí đúng: điểm tối đa; không: 0 điểm.",
    ),
    N(
        "4.2.2",
        "Tỷ lệ sử dụng biên chế đúng số lượng được giao",
        RT,
        TABLE_STAFFING,
        _all("1"),
        "Số biên chế sử dụng đúng quy định / số biên chế được giao: 100%: điểm tối đa; "
        "từ 95%: 50%; dưới 95%: 0 điểm.",
    ),
    N("4.3", "Thực hiện phân cấp, ủy quyền"),
    N(
        "4.3.1",
        "Thực hiện các nhiệm vụ được phân cấp, ủy quyền",
        MN,
        {"step": "0.5"},
        _m("1", None, None, "1.5"),
        "Chấm theo bước 0,5 điểm căn cứ kết quả thực hiện các nhiệm vụ được phân cấp.",
    ),
    N(
        "4.3.2",
        "Kiểm tra tình hình thực hiện nhiệm vụ phân cấp, ủy quyền",
        YN,
        {},
        _m("0.5", None, None, "0.5"),
        "Có kiểm tra và báo cáo kết quả: điểm tối đa; không: 0 điểm.",
    ),
    N("5", "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức"),
    N(
        "5.1",
        "Bố trí cán bộ, công chức, viên chức theo vị trí việc làm",
        LV,
        LEVELS_PERCENT,
        _m("1.5", "1.5", "3", "1.5"),
        "Bố trí đúng vị trí việc làm 100%: điểm tối đa; từ 80%: 75%; từ 50%: 50%.",
    ),
    N("5.2", "Tuyển dụng, bổ nhiệm"),
    N(
        "5.2.1",
        "Thực hiện tuyển dụng công chức, viên chức đúng quy định",
        YN,
        {},
        _all("1"),
        "Tuyển dụng đúng quy định: điểm tối đa; có sai phạm: 0 điểm.",
    ),
    N(
        "5.2.2",
        "Thực hiện bổ nhiệm, bổ nhiệm lại đúng quy định",
        YN,
        {},
        _all("1"),
        "Bổ nhiệm đúng quy định: điểm tối đa; có sai phạm: 0 điểm.",
    ),
    N(
        "5.3",
        "Đánh giá, xếp loại cán bộ, công chức, viên chức đúng thời gian quy định",
        LV,
        LEVELS_TIME,
        _all("1"),
        "Hoàn thành đánh giá, xếp loại đúng thời gian: điểm tối đa; trễ hạn: 50%.",
    ),
    N("5.4", "Đào tạo, bồi dưỡng"),
    N(
        "5.4.1",
        "Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng theo kế hoạch",
        RT,
        {"threshold": "90"},
        _m("2", "2", "2.5", "2"),
        "Số người được bồi dưỡng / số người theo kế hoạch. Từ 90%: điểm tối đa; dưới 90%: "
        "tỷ lệ × điểm tối đa / 90%.",
    ),
    N(
        "5.4.2",
        "Số lớp bồi dưỡng kỹ năng, nghiệp vụ do đơn vị tổ chức",
        CT,
        {"per_item": "0.25"},
        _all("0.5"),
        "0,25 điểm cho mỗi lớp; tối đa bằng điểm tối đa của tiêu chí.",
    ),
    N(
        "5.5",
        "Chấp hành kỷ luật, kỷ cương hành chính",
        MN,
        {"step": "0.25"},
        _m("1.5", "2.5", "3", "1.5"),
        "Chấm theo bước 0,25 điểm căn cứ kết quả kiểm tra công vụ trong năm.",
    ),
    N(
        "5.6",
        "Tỷ lệ công chức cấp xã đạt chuẩn theo quy định",
        RT,
        {"threshold": "100"},
        _m(None, None, None, "1.5"),
        "Số công chức đạt chuẩn / tổng số công chức cấp xã × điểm tối đa.",
    ),
    N("6", "Cải cách tài chính công"),
    N("6.1", "Quản lý, sử dụng ngân sách nhà nước"),
    N(
        "6.1.1",
        "Ban hành và thực hiện quy chế chi tiêu nội bộ",
        YN,
        {},
        _all("1"),
        "Có quy chế chi tiêu nội bộ được cập nhật và thực hiện đúng: điểm tối đa.",
    ),
    N(
        "6.1.2",
        "Công khai dự toán, quyết toán ngân sách đúng quy định",
        LV,
        LEVELS_TIME,
        _all("1"),
        "Công khai đúng thời hạn: điểm tối đa; trễ hạn: 50%; không công khai: 0.",
    ),
    N(
        "6.1.3",
        "Tỷ lệ giải ngân kế hoạch vốn đầu tư công được giao",
        RT,
        TABLE_DISBURSE,
        _m("2.5", None, "2.5", "2.5"),
        "Số vốn đã giải ngân / kế hoạch vốn được giao: từ 95%: điểm tối đa; từ 80%: 75%; "
        "từ 60%: 50%; dưới 60%: 0 điểm.",
    ),
    N(
        "6.2",
        "Thực hiện cơ chế tự chủ, tự chịu trách nhiệm về tài chính",
        LV,
        LEVELS_AUTONOMY,
        _m("1", "2", "5", None),
        "Chấm theo mức tự chủ tài chính được cấp có thẩm quyền giao.",
    ),
    N("6.3", "Quản lý, sử dụng tài sản công"),
    N(
        "6.3.1",
        "Quản lý, sử dụng tài sản công đúng quy định",
        MN,
        {"step": "0.25"},
        _all("1"),
        "Chấm theo bước 0,25 điểm căn cứ kết quả kiểm tra, kiểm toán trong năm.",
    ),
    N(
        "6.3.2",
        "Thực hành tiết kiệm, chống lãng phí",
        YN,
        {},
        _m("1", "1", "1.5", "1"),
        "Có chương trình và báo cáo kết quả thực hành tiết kiệm: điểm tối đa.",
    ),
    N("7", "Hiện đại hóa hành chính"),
    N("7.1", "Ứng dụng công nghệ thông tin, chuyển đổi số"),
    N(
        "7.1.1",
        "Tỷ lệ văn bản điện tử gửi, nhận qua hệ thống quản lý văn bản",
        RT,
        {"threshold": "90"},
        _all("3"),
        "Số văn bản điện tử / tổng số văn bản đi, đến. Từ 90%: điểm tối đa; dưới 90%: "
        "tỷ lệ × điểm tối đa / 90%.",
    ),
    N(
        "7.1.2",
        "Tỷ lệ văn bản đi được ký số",
        RT,
        {"threshold": "100"},
        _all("1"),
        "Số văn bản đi được ký số / tổng số văn bản đi × điểm tối đa.",
    ),
    N(
        "7.1.3",
        "Cập nhật thông tin trên cổng/trang thông tin điện tử",
        LV,
        LEVELS_PERCENT,
        _all("1"),
        "Cập nhật đầy đủ, kịp thời 100% nội dung: điểm tối đa; từ 80%: 75%; từ 50%: 50%.",
    ),
    N(
        "7.1.4",
        "Kết nối hệ thống thông tin báo cáo của tỉnh",
        YN,
        {},
        _m("0.5", "0.5", "1", "0.5"),
        "Có kết nối và báo cáo qua hệ thống: điểm tối đa; không: 0 điểm.",
    ),
    N(
        "7.1.5",
        "Bảo đảm an toàn thông tin mạng",
        MN,
        {"step": "0.25"},
        _m("1", "1.5", "2", "1"),
        "Chấm theo bước 0,25 điểm căn cứ phương án bảo đảm an toàn thông tin theo cấp độ.",
    ),
    N("7.2", "Cung cấp dịch vụ công trực tuyến"),
    N(
        "7.2.1",
        "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến toàn trình",
        RT,
        TABLE_ONLINE,
        _m("2.5", "2.5", None, "2.5"),
        "Số hồ sơ trực tuyến toàn trình / tổng số hồ sơ: từ 50%: điểm tối đa; từ 30%: 50%; "
        "từ 20%: 25%; dưới 20%: 0 điểm.",
    ),
    N(
        "7.2.2",
        "Tỷ lệ hồ sơ thanh toán phí, lệ phí trực tuyến",
        RT,
        {"threshold": "30"},
        _m("1", "1", None, "1"),
        "Từ 30%: điểm tối đa; dưới 30%: tỷ lệ × điểm tối đa / 30%.",
    ),
    N(
        "7.2.3",
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC",
        RT,
        {"threshold": "100"},
        _m("1", "1", None, "1.5"),
        "Số hồ sơ được số hóa / tổng số hồ sơ × điểm tối đa.",
    ),
    N("7.3", "Áp dụng hệ thống quản lý chất lượng theo TCVN ISO 9001:2015"),
    N(
        "7.3.1",
        "Công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015",
        YN,
        {},
        _all("1"),
        "Có quyết định công bố đúng quy định: điểm tối đa; không: 0 điểm.",
    ),
    N(
        "7.3.2",
        "Duy trì, cải tiến hệ thống quản lý chất lượng",
        LV,
        LEVELS_PERCENT,
        _m("1", "1", "2.5", "1"),
        "Duy trì, cải tiến đầy đủ 100% quy trình: điểm tối đa; từ 80%: 75%; từ 50%: 50%.",
    ),
    N("8", "Thực hiện cơ chế một cửa, một cửa liên thông"),
    N("8.1", "Bộ phận tiếp nhận và trả kết quả"),
    N(
        "8.1.1",
        "Tỷ lệ TTHC được đưa ra tiếp nhận tại Bộ phận một cửa",
        RT,
        {"threshold": "100"},
        _all("2"),
        "Số TTHC đưa ra Bộ phận một cửa / số TTHC thuộc thẩm quyền × điểm tối đa.",
    ),
    N(
        "8.1.2",
        "Cơ sở vật chất, trang thiết bị của Bộ phận một cửa",
        MN,
        {"step": "0.5"},
        _all("1"),
        "Chấm theo bước 0,5 điểm căn cứ mức độ đáp ứng tiêu chuẩn quy định.",
    ),
    N("8.2", "Kết quả giải quyết thủ tục hành chính"),
    N(
        "8.2.1",
        "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn",
        RT,
        TABLE_ON_TIME,
        _m("4", "4", "3", "5"),
        "Số hồ sơ giải quyết đúng hạn / tổng số hồ sơ đã giải quyết: từ 98%: điểm tối đa; "
        "từ 95%: 75%; từ 90%: 50%; từ 80%: 25%; dưới 80%: 0 điểm.",
    ),
    N(
        "8.2.2",
        "Thực hiện xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn",
        YN,
        {},
        _all("0.5"),
        "Có văn bản xin lỗi cho 100% hồ sơ trễ hạn: điểm tối đa; không: 0 điểm.",
    ),
    N("8.3", "Thực hiện cơ chế một cửa liên thông"),
    N(
        "8.3.1",
        "Thực hiện liên thông giải quyết TTHC theo quy định",
        LV,
        LEVELS_PERCENT,
        _m("1", "1", "1", "1.5"),
        "Thực hiện đúng 100% quy trình liên thông: điểm tối đa; từ 80%: 75%; từ 50%: 50%.",
    ),
    N(
        "8.3.2",
        "Số nhóm thủ tục liên thông điện tử được triển khai",
        CT,
        {"per_item": "0.5"},
        _m("1", "1", None, "1"),
        "0,5 điểm cho mỗi nhóm thủ tục; tối đa bằng điểm tối đa của tiêu chí.",
    ),
    N("9", "Tác động của cải cách hành chính"),
    N("9.1", "Sự hài lòng của người dân, tổ chức (SIPAS)"),
    N(
        "9.1.1",
        "Chỉ số hài lòng về tiếp cận dịch vụ",
        SV,
        TABLE_SIPAS,
        _all("3"),
        "Theo kết quả khảo sát SIPAS: từ 90%: điểm tối đa; từ 80%: 75%; từ 70%: 50%; "
        "từ 50%: 25%; dưới 50%: 0 điểm.",
    ),
    N(
        "9.1.2",
        "Chỉ số hài lòng về thủ tục hành chính",
        SV,
        {"full_at": "90"},
        _m("3", "3", None, "3"),
        "Theo kết quả SIPAS: từ 90%: điểm tối đa; dưới 90%: chỉ số × điểm tối đa / 90%.",
    ),
    N(
        "9.1.3",
        "Chỉ số hài lòng về công chức trực tiếp giải quyết công việc",
        SV,
        {"full_at": "90"},
        _m("3", "3", "3", "3"),
        "Theo kết quả SIPAS: từ 90%: điểm tối đa; dưới 90%: chỉ số × điểm tối đa / 90%.",
    ),
    N(
        "9.1.4",
        "Chỉ số hài lòng về kết quả giải quyết công việc",
        SV,
        {"full_at": "95"},
        _m("3", "3", "3", "3"),
        "Theo kết quả SIPAS: từ 95%: điểm tối đa; dưới 95%: chỉ số × điểm tối đa / 95%.",
    ),
    N("9.2", "Tác động đến thực hiện nhiệm vụ chính trị"),
    N(
        "9.2.1",
        "Hoàn thành các nhiệm vụ được UBND tỉnh giao trong năm",
        LV,
        LEVELS_PERCENT,
        _m("5", "2", "4", "5"),
        "Hoàn thành 100% nhiệm vụ được giao trên hệ thống theo dõi: điểm tối đa; từ 80%: 75%; "
        "từ 50%: 50%; dưới 50%: 0 điểm.",
    ),
    N(
        "9.2.2",
        "Tác động của CCHC đến phát triển kinh tế - xã hội của ngành, địa phương",
        MN,
        {"step": "0.5"},
        _m("3", "6", "6", "3.5"),
        "Chấm theo bước 0,5 điểm căn cứ các chỉ tiêu kinh tế - xã hội được giao hoàn thành.",
    ),
    N("9.3", "Tác động đến chất lượng quản trị"),
    N(
        "9.3.1",
        "Tỷ lệ văn bản chỉ đạo của UBND tỉnh được triển khai đúng hạn",
        RT,
        {"threshold": "95"},
        _m("4", "8", "9", "4.5"),
        "Số văn bản triển khai đúng hạn / tổng số văn bản được giao. Từ 95%: điểm tối đa; "
        "dưới 95%: tỷ lệ × điểm tối đa / 95%.",
    ),
    N(
        "9.3.2",
        "Không có cán bộ, công chức, viên chức vi phạm bị xử lý kỷ luật",
        YN,
        {},
        _m("2", "2", "2", "2"),
        "Không có trường hợp bị xử lý kỷ luật trong năm: điểm tối đa; có: 0 điểm.",
    ),
    N("B", "Điểm thưởng", kind=NodeKind.BONUS),
    N(
        "B.1",
        "Sáng kiến, mô hình CCHC được cấp có thẩm quyền công nhận",
        Method.BONUS,
        {"step": "0.5"},
        _all("4"),
        "Chấm theo bước 0,5 điểm; tổng điểm thưởng không vượt mức tối đa của khối.",
        NodeKind.BONUS,
    ),
    N(
        "B.2",
        "Dẫn đầu tỉnh về tỷ lệ hồ sơ trực tuyến toàn trình",
        Method.BONUS,
        {"step": "1"},
        _all("3"),
        "1 điểm cho mỗi quý dẫn đầu, tối đa 3 điểm.",
        NodeKind.BONUS,
    ),
    N(
        "B.3",
        "Được khen thưởng về công tác CCHC",
        Method.BONUS,
        {"step": "0.5"},
        _all("3"),
        "Bằng khen của Bộ, ngành, UBND tỉnh: 1,5 điểm; giấy khen: 0,5 điểm.",
        NodeKind.BONUS,
    ),
    N("D", "Điểm trừ", kind=NodeKind.DEDUCTION),
    N(
        "D.1",
        "Không hoàn thành nhiệm vụ trong kế hoạch CCHC của tỉnh",
        Method.DEDUCTION,
        {"per_item": "2"},
        _all("6"),
        "Trừ 2 điểm cho mỗi nhiệm vụ không hoàn thành.",
        NodeKind.DEDUCTION,
    ),
    N(
        "D.2",
        "Trả lời phản ánh, kiến nghị của người dân chậm so với quy định",
        Method.DEDUCTION,
        {"per_item": "1"},
        _all("3"),
        "Trừ 1 điểm cho mỗi lần bị nhắc nhở.",
        NodeKind.DEDUCTION,
    ),
]

# A few maxima vary between years (points move between leaves of the same field, so every
# group still totals 100): (from code, to code, points).
YEAR_VARIATIONS = {
    2023: [("7.2.1", "7.1.1", "0.5"), ("9.1.4", "9.1.1", "0.5")],
    2024: [("7.2.1", "7.1.1", "0.5")],
}

# --- summary -------------------------------------------------------------------------------


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


# --- the generator -------------------------------------------------------------------------


def demo_is_loaded() -> bool:
    return Unit.objects.exists()


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _floor_step(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _tree(year: int) -> list[Node]:
    """The year's nodes, with that year's maxima variations applied."""
    moves = YEAR_VARIATIONS.get(year, [])
    if not moves:
        return list(CRITERIA)
    changed: dict[str, dict[str, str]] = {n.code: dict(n.maxima) for n in CRITERIA}
    for source, target, points in moves:
        for group, value in list(changed[source].items()):
            if group in changed[target]:
                changed[source][group] = str(Decimal(value) - Decimal(points))
                changed[target][group] = str(Decimal(changed[target][group]) + Decimal(points))
    return [
        Node(n.code, n.name, n.method, n.params, changed[n.code], n.guidance, n.kind)
        for n in CRITERIA
    ]


def _check_totals(nodes: list[Node], year: int) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for node in nodes:
        if node.is_leaf and node.kind == NodeKind.SCORED:
            for group, value in node.maxima.items():
                totals[group] += Decimal(value)
    wrong = {g: t for g, t in totals.items() if t != Decimal("100")}
    assert not wrong and set(totals) == set(GROUP_CODES), (
        f"Demo criteria {year}: scored maxima must total 100 per group, got {dict(totals)}"
    )


class _Scorer:
    """Draws a leaf's inputs for a target quality (0–1) and scores them with the engine."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def fraction(self, quality: float) -> float:
        return _clamp(quality + self.rng.gauss(0, 0.12))

    def inputs(self, node: Node, maximum: Decimal, quality: float, ctx: dict) -> dict:
        rng = self.rng
        method = node.method
        if method == Method.YES_NO:
            return {"answer": rng.random() < quality}
        if method == Method.LEVELS:
            target = self.fraction(quality)
            levels = node.params["levels"]
            best = min(levels, key=lambda lv: abs(float(lv["fraction"]) - target))
            return {"level": best["key"]}
        if method in (Method.MANUAL, Method.BONUS):
            step = Decimal(node.params.get("step", "0.25"))
            if method == Method.BONUS:
                if rng.random() > quality - 0.45:
                    return {"value": "0"}
                target = Decimal(str(round(rng.uniform(0.15, 0.6), 2)))
            else:
                target = Decimal(str(round(self.fraction(quality), 2)))
            value = _floor_step(maximum * target, step)
            return {"value": str(engine.q2(value)).replace(".", ",")}
        if method == Method.RATIO:
            if node.code == "8.2.1" and "on_time_percent" in ctx:
                percent = ctx["on_time_percent"]
            elif "table" in node.params:
                mins = [float(row["min"]) for row in node.params["table"]]
                low = min(mins) * 0.85
                percent = low + (100 - low) * self.fraction(quality)
            else:
                threshold = float(node.params.get("threshold", "100"))
                percent = min(100.0, threshold * self.fraction(quality + 0.03))
            denominator = (
                rng.randint(12, 60)
                if node.code.startswith(("1.", "2.", "5."))
                else rng.randint(150, 4200)
            )
            numerator = min(denominator, round(denominator * percent / 100))
            return {"numerator": numerator, "denominator": denominator}
        if method == Method.SURVEY:
            sipas = _clamp(ctx["sipas"] + rng.uniform(-2.5, 2.5), 0, 100)
            return {"sipas": f"{sipas:.2f}".replace(".", ",")}
        if method == Method.COUNT:
            per_item = Decimal(node.params["per_item"])
            needed = int(maximum / per_item)
            return {
                "count": max(0, round(needed * self.fraction(quality)) + rng.choice((-1, 0, 0, 1)))
            }
        if method == Method.DEDUCTION:
            risk = _clamp(0.85 - quality) * 0.9
            count = sum(1 for _ in range(2) if rng.random() < risk)
            return {"count": count}
        raise ValueError(method)

    def score(self, node: Node, maximum: Decimal, quality: float, ctx: dict):
        inputs = self.inputs(node, maximum, quality, ctx)
        return inputs, engine.leaf_points(node.method, node.params, maximum, inputs)


def _explanation(node: Node, unit: Unit, rng: random.Random, year: int) -> str:
    number = rng.randint(12, 980)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    kind = rng.choice(["KH", "BC", "QĐ", "CV"])
    return (
        f"{unit.short_name or unit.name} đã thực hiện nội dung “{node.name}”. "
        f"Tài liệu kiểm chứng: văn bản số {number}/{kind}-{unit.code.split('-')[0]} "
        f"ngày {day:02d}/{month:02d}/{year}."
    )


@transaction.atomic
def demo_load(*, now: dt.datetime | None = None) -> DemoSummary:
    """Create the whole demo province in an empty database; returns what was created.

    `now` (default: the current time) only places the current year's dates.
    """
    now = now or timezone.now()
    rng = random.Random(SEED)
    summary = DemoSummary()

    groups = Group.objects.bulk_create(
        [Group(code=code, name=name, order=i) for i, (code, name, _) in enumerate(GROUPS, 1)]
    )
    group_by_code = {g.code: g for g in groups}
    bonus_caps = {code: Decimal(cap) for code, _, cap in GROUPS}
    units = Unit.objects.bulk_create(
        [
            Unit(
                code=code,
                name=name,
                short_name=short,
                group=group_by_code[g],
                order=i,
                active_from_year=REORGANISATION_YEAR if code in FROM_2025 else 2015,
                active_to_year=REORGANISATION_YEAR - 1 if code in UNTIL_2024 else None,
            )
            for g in GROUP_CODES
            for i, (code, name, short) in enumerate(UNITS[g], 1)
        ]
    )
    unit_by_code = {u.code: u for u in units}
    summary.units = len(units)

    # A unit's lasting quality, then each year drifts around it.
    base_quality = {}
    for unit in units:
        draw = rng.random()
        if draw < 0.40:
            base = rng.uniform(0.86, 0.95)
        elif draw < 0.85:
            base = rng.uniform(0.76, 0.86)
        else:
            base = rng.uniform(0.64, 0.74)
        base_quality[unit.code] = float(WEAK_UNITS.get(unit.code, base))

    _users_create(unit_by_code, summary)
    heads = {
        role.unit.code: role.user
        for role in Role.objects.filter(kind=RoleKind.AGENCY_HEAD).select_related("unit", "user")
    }

    for year in PAST_YEARS:
        period = _period_create_past(year)
        nodes = _tree(year)
        _check_totals(nodes, year)
        criteria = _criteria_create(period, nodes, group_by_code, bonus_caps)
        _year_units_set_up(period)
        Period.objects.filter(pk=period.pk).update(phase=Phase.COUNCIL)
        period.refresh_from_db()
        summary.leaves = sum(1 for n in nodes if n.is_leaf and n.kind == NodeKind.SCORED)
        stages = (
            [Stage.SELF, Stage.ROUND1, Stage.FINAL] if year == PAST_YEARS[-1] else [Stage.FINAL]
        )
        summary.scores += _past_year_scores(
            period, year, nodes, criteria, base_quality, stages, rng
        )
        for stage in stages:
            summary.results_hashes[year] = results_compute(period=period, stage=stage)
        results_seal(period=period)
        _, decision_date = DECISIONS[year]
        period.phase = Phase.PUBLISHED
        period.published_at = dt.datetime.combine(decision_date, dt.time(15, 0), tzinfo=TZ)
        period.save(update_fields=["phase", "published_at"])

    summary.scores += _current_year_create(now, group_by_code, bonus_caps, heads, base_quality, rng)
    _current_year_assignments()
    _document_settings_create()
    return summary


def _schedule(opens: dt.date, deadline: dt.date) -> dict[str, dt.datetime]:
    """A year's dates from the portal's opening and the self-assessment deadline: each on a
    working day and after the one before, with the gaps of the 2019 cycle."""

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)

    def after(day: dt.date, days: int) -> dt.date:
        return calendar.next_working_day(day + dt.timedelta(days=days))

    opens, deadline = calendar.next_working_day(opens), calendar.next_working_day(deadline)
    round1_start = after(deadline, 2)
    round1_end = after(round1_start, 7)
    supplement_start = after(round1_end, 2)
    supplement_end = after(supplement_start, 3)
    round2_start = after(supplement_end, 1)
    round2_end = after(round2_start, 7)
    return {
        "self_assessment_opens": at(opens, 8),
        "self_assessment_deadline": at(deadline, 23, 59),
        "round1_start": at(round1_start, 8),
        "round1_end": at(round1_end, 17),
        "supplement_start": at(supplement_start, 8),
        "supplement_end": at(supplement_end, 23, 59),
        "round2_start": at(round2_start, 8),
        "round2_end": at(round2_end, 17),
        "council_date": at(after(round2_end, 8), 14),
    }


def _year_units_set_up(period: Period) -> None:
    """The year's dossiers as the secretariat makes them: the year's unit changes (the 2025
    reorganisation, through the import's service), then the set-up of the year."""
    if period.year == REORGANISATION_YEAR:
        unit_changes_import(
            actor=None,
            year=period.year,
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
    year_setup_apply(actor=None, period=period)


def _document_settings_create() -> None:
    """The province's details on its official documents (reports: Decree 30 header, signer)."""
    from reports.models import DocumentSettings  # the demo composes every app

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
    from appraisal.models import Assignment  # the demo composes every app

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


def _period_create_past(year: int) -> Period:
    decision_number, decision_date = DECISIONS[year]
    return Period.objects.create(
        year=year,
        name=f"Chỉ số CCHC năm {year}",
        phase=Phase.SETUP,
        **_schedule(dt.date(year, 11, 20), dt.date(year, 12, 15)),
        decision_number=decision_number,
        decision_date=decision_date,
        decision_signer=SIGNER,
    )


def _criteria_create(period: Period, nodes: list[Node], group_by_code, bonus_caps):
    """The period's groups and criteria tree; returns {code: Criterion}."""
    PeriodGroup.objects.bulk_create(
        [
            PeriodGroup(period=period, group=group_by_code[code], bonus_cap=bonus_caps[code])
            for code in GROUP_CODES
        ]
    )
    levels = [NodeLevel.FIELD, NodeLevel.CRITERION, NodeLevel.SUB]
    created: dict[str, Criterion] = {}
    order = {n.code: i for i, n in enumerate(nodes, 1)}
    parents_of_something = {n.code.rsplit(".", 1)[0] for n in nodes if "." in n.code}
    for depth in range(3):
        batch = []
        for node in nodes:
            if node.code.count(".") != depth:
                continue
            parent_code = node.code.rsplit(".", 1)[0] if depth else None
            parent = created[parent_code] if parent_code else None
            batch.append(
                Criterion(
                    period=period,
                    code=node.code,
                    parent=parent,
                    level=levels[depth],
                    kind=node.kind,
                    is_leaf=node.is_leaf,
                    name=node.name,
                    guidance=node.guidance,
                    method=node.method,
                    params=node.params,
                    order=order[node.code],
                    evidence_required=node.method not in (Method.SURVEY, Method.DEDUCTION),
                )
            )
            assert node.is_leaf != (node.code in parents_of_something), node.code
        for criterion in Criterion.objects.bulk_create(batch):
            created[criterion.code] = criterion
    CriterionMax.objects.bulk_create(
        [
            CriterionMax(criterion=created[n.code], group=group_by_code[g], max_score=Decimal(v))
            for n in nodes
            if n.is_leaf
            for g, v in n.maxima.items()
        ]
    )
    return created


STAGE_LIFT = {Stage.SELF: 0.07, Stage.ROUND1: 0.02, Stage.FINAL: 0.0}


def _past_year_scores(period, year, nodes, criteria, base_quality, stages, rng) -> int:
    scorer = _Scorer(rng)
    leaves = [n for n in nodes if n.is_leaf]
    assessments = list(Assessment.objects.filter(period=period).select_related("unit", "group"))
    for assessment in assessments:
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = _local(year, 12, rng.randint(10, 15), rng.randint(8, 17))
    units = [a.unit for a in assessments]
    by_unit = {a.unit.code: a for a in assessments}
    exemptions = {(unit, node) for unit, node, _ in EXEMPTIONS}
    reasons = {(unit, node): reason for unit, node, reason in EXEMPTIONS}
    scores: list[LeafScore] = []
    per_unit: dict[str, list[LeafScore]] = defaultdict(list)
    twin_copy = dict([TWINS[year]]) if year in TWINS else {}
    for unit in units:
        assessment = by_unit[unit.code]
        group_code = assessment.group.code
        quality = _clamp(base_quality[unit.code] + rng.uniform(-0.06, 0.06), 0.3, 0.99)
        if unit.code in WEAK_UNITS:
            quality = base_quality[unit.code] + rng.uniform(-0.02, 0.02)
        sipas = _clamp(50 + 45 * quality + rng.uniform(-4, 4), 40, 99.5)
        on_time = LATE_DOSSIERS.get(year, {}).get(unit.code)
        if on_time is None:
            on_time = _clamp(94 + 6 * quality + rng.uniform(-2.5, 1.5), 90.5, 100)
        ctx = {"sipas": sipas, "on_time_percent": on_time}
        exempt_codes = {node for u, node in exemptions if u == unit.code}
        for stage in stages:
            lift = STAGE_LIFT[stage]
            for node in leaves:
                if group_code not in node.maxima:
                    continue
                if any(node.code == c or node.code.startswith(c + ".") for c in exempt_codes):
                    continue
                maximum = Decimal(node.maxima[group_code])
                inputs, value = scorer.score(node, maximum, _clamp(quality + lift), ctx)
                score = LeafScore(
                    assessment=assessment,
                    criterion=criteria[node.code],
                    stage=stage,
                    value=value,
                    inputs=inputs,
                )
                if stage == Stage.SELF:
                    score.explanation = _explanation(node, unit, rng, year)
                per_unit[unit.code].append(score)
        late = Decimal(100) - Decimal(str(on_time))
        assessment.late_dossier_percent = engine.q2(late)
        assessment.sipas = engine.q2(Decimal(str(sipas)))
    # A tie: one unit's scores are exactly another's (same group, no exemptions).
    for copy, source in twin_copy.items():
        per_unit[copy] = [
            LeafScore(
                assessment=by_unit[copy],
                criterion=s.criterion,
                stage=s.stage,
                value=s.value,
                inputs=s.inputs,
                explanation=s.explanation,
            )
            for s in per_unit[source]
        ]
        by_unit[copy].late_dossier_percent = by_unit[source].late_dossier_percent
        by_unit[copy].sipas = by_unit[source].sipas
    for unit in units:
        scores.extend(per_unit[unit.code])
    flagged = _appraisal_notes(year, units, per_unit, leaves) if len(stages) == 3 else []
    late_unit, (month, day, hour, minute) = LATE_SUBMISSION
    if year == PAST_YEARS[-1] and late_unit in by_unit:
        by_unit[late_unit].submitted_at = _local(year, month, day, hour, minute)
        by_unit[late_unit].is_late = True
    Assessment.objects.bulk_update(
        assessments, ["status", "submitted_at", "late_dossier_percent", "sipas", "is_late"]
    )
    LeafScore.objects.bulk_create(scores, batch_size=2000)
    _supplements_create(flagged)
    Exemption.objects.bulk_create(
        [
            Exemption(
                assessment=by_unit[unit],
                criterion=criteria[node],
                stage=stage,
                reason=reasons[(unit, node)],
            )
            for unit, node in sorted(exemptions)
            for stage in stages
        ]
    )
    return len(scores)


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
    node_of = {n.code: n for n in leaves}
    flagged = []
    for position, unit in enumerate(units):
        by_stage = defaultdict(dict)
        for score in per_unit[unit.code]:
            by_stage[score.stage][score.criterion.code] = score
        group_code = unit.group.code
        for code, score in by_stage[Stage.FINAL].items():
            node = node_of[code]
            if node.kind != NodeKind.SCORED or score.value is None:
                continue
            if score.value < Decimal(node.maxima[group_code]):
                score.comment = FIELD_COMMENTS.get(code.split(".")[0], "")
        sent_back = 0
        for code, score in by_stage[Stage.ROUND1].items():
            own = by_stage[Stage.SELF].get(code)
            node = node_of[code]
            if sent_back == 2 or node.method == Method.SURVEY or own is None:
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
    from appraisal.models import Supplement  # the demo composes every app

    Supplement.objects.bulk_create(
        Supplement(
            assessment_id=score.assessment.pk,
            criterion_id=score.criterion.pk,
            explanation=explanation,
        )
        for score, explanation in flagged
        if explanation
    )


def _current_year_create(now, group_by_code, bonus_caps, heads, base_quality, rng) -> int:
    """The current year in self-assessment: some drafts partly or fully scored, a few
    submitted; its dates around `now`, on working days."""
    today = timezone.localtime(now, TZ).date()
    period = Period.objects.create(
        year=CURRENT_YEAR,
        name=f"Chỉ số CCHC năm {CURRENT_YEAR}",
        phase=Phase.SETUP,
        **_schedule(today - dt.timedelta(days=21), today + dt.timedelta(days=14)),
    )
    nodes = _tree(CURRENT_YEAR)
    _check_totals(nodes, CURRENT_YEAR)
    criteria = _criteria_create(period, nodes, group_by_code, bonus_caps)
    _year_units_set_up(period)
    Period.objects.filter(pk=period.pk).update(phase=Phase.SELF_ASSESSMENT)
    leaves = [n for n in nodes if n.is_leaf]
    scorer = _Scorer(rng)
    assessments = list(Assessment.objects.filter(period=period).select_related("unit", "group"))
    units = [a.unit for a in assessments]
    # What never applied to a unit is not self-scored (the exemption is decided on appraisal).
    known_exempt = defaultdict(set)
    for unit_code, node_code, _ in EXEMPTIONS:
        known_exempt[unit_code].add(node_code)
    scores = []
    for assessment, unit in zip(assessments, units, strict=True):
        group_code = assessment.group.code
        submitted = unit.code in SUBMITTED_CURRENT
        if submitted:
            share = 1.0
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = now - dt.timedelta(
                days=rng.randint(1, 5), hours=rng.randint(0, 8)
            )
            assessment.submitted_by = heads.get(unit.code)
        else:
            share = rng.choice((0.0, 0.3, 0.5, 0.7, 1.0, 1.0))
        if unit.code == "SO-TP":
            share = 0.6  # the demo agency: half done, ready to continue
        if share == 0:
            continue
        quality = _clamp(base_quality[unit.code] + 0.05)
        ctx = {"sipas": _clamp(55 + 42 * quality, 40, 99.5)}
        for node in leaves:
            if group_code not in node.maxima or rng.random() > share:
                continue
            if any(
                node.code == c or node.code.startswith(c + ".") for c in known_exempt[unit.code]
            ):
                continue
            if node.method == Method.SURVEY:
                continue  # SIPAS is published by Sở Nội vụ after the survey
            inputs, value = scorer.score(node, Decimal(node.maxima[group_code]), quality, ctx)
            scores.append(
                LeafScore(
                    assessment=assessment,
                    criterion=criteria[node.code],
                    stage=Stage.SELF,
                    value=value,
                    inputs=inputs,
                    explanation=_explanation(node, unit, rng, CURRENT_YEAR),
                    updated_by=heads.get(unit.code) if submitted else None,
                )
            )
    Assessment.objects.bulk_update(assessments, ["status", "submitted_at", "submitted_by"])
    LeafScore.objects.bulk_create(scores, batch_size=2000)
    return len(scores)
