"""A report as plain data — title, tables, bar charts — rendered three ways.

The web page, the XLSX and the PDF of a report are all drawn from one `Document`, so the
numbers in the three are the same by construction. Cells keep their raw values (Decimal,
int, str, None); each column's `kind` says how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring import engine
from scoring.enums import NOT_SUBMITTED_MARK, Band

from . import selectors
from .enums import ReportKind

TEXT, INT, NUM, PERCENT, DELTA, BAND = "text", "int", "num", "percent", "delta", "band"
NUMERIC_KINDS = {INT, NUM, PERCENT, DELTA}


def band_label(value) -> str:
    try:
        return str(Band(value).label)
    except ValueError:
        return ""


def display(value, kind: str) -> str:
    """Vietnamese display of one cell (93,43%; 86,50; +1,25; Tốt)."""
    if value is None or value == "":
        return ""
    if kind == NUM:
        return engine.vn_number(value)
    if kind == PERCENT:
        return engine.vn_percent(value)
    if kind == DELTA:
        text = engine.vn_number(value)
        return f"+{text}" if Decimal(value) > 0 else text
    if kind == BAND:
        return band_label(value)
    return str(value)


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int = 12
    internal: bool = False  # the portal's own (unit codes): left out of official documents

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass
class Section:
    title: str
    rows: list[list]


@dataclass
class Table:
    sheet: str  # the XLSX sheet name (≤ 31 characters)
    title: str
    columns: list[Column]
    sections: list[Section]
    wide: bool = False  # printed on an A4 landscape page
    note: str = ""

    def display_sections(self) -> list[dict]:
        return [
            {
                "title": section.title,
                "rows": [
                    [
                        {
                            "text": display(value, column.kind),
                            "numeric": column.numeric,
                            "kind": column.kind,
                            "raw": value,
                        }
                        for value, column in zip(row, self.columns, strict=True)
                    ]
                    for row in section.rows
                ],
            }
            for section in self.sections
        ]


@dataclass
class BarChart:
    title: str
    categories: list[str]
    series: list[tuple[str, list[Decimal | None]]]
    percent: bool = False


@dataclass
class Document:
    title: str
    subtitle: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)
    filename: str = "bao-cao"


# --- builders ----------------------------------------------------------------------------


def D(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def not_submitted_note(unit: dict | object) -> str:
    """The mark of a unit that never submitted, "(không nộp hồ sơ)" — "(không nộp hồ sơ,
    không xếp hạng)" when the year leaves such units out — for a results_report unit or a
    Result; empty for any other unit."""
    get = unit.get if isinstance(unit, dict) else lambda name: getattr(unit, name)
    if not get("not_submitted"):
        return ""
    if get("ranked"):
        return "(" + str(NOT_SUBMITTED_MARK) + ")"
    return "(" + _("%(mark)s, không xếp hạng") % {"mark": NOT_SUBMITTED_MARK} + ")"


def unit_display_name(unit: dict) -> str:
    """A results_report unit's name as tables print it: with its mark when it never
    submitted (a unit is never ranked silently as a normal one)."""
    note = not_submitted_note(unit)
    return f"{unit['unit_name']} {note}" if note else unit["unit_name"]


def published_document(data: dict) -> Document:
    """Bảng 1–5 and the per-group charts of the published report."""
    year, years = data["year"], data["years"]
    ranking = Table(
        sheet="Bảng 1",
        title=_("Bảng 1. Kết quả xếp hạng Chỉ số CCHC năm %(y)s theo khối") % {"y": year},
        columns=[
            Column("#", INT, 5),
            Column(_("Mã"), TEXT, 10, internal=True),
            Column(_("Tên cơ quan, đơn vị"), TEXT, 40),
            Column(_("Điểm chuẩn"), NUM),
            Column(_("Điểm thẩm định"), NUM),
            Column(_("Chỉ số"), PERCENT),
            Column(_("Xếp loại"), BAND),
        ],
        sections=[
            Section(
                g["group_name"],
                [
                    [
                        u["rank_in_group"],
                        u["unit_code"],
                        unit_display_name(u),
                        D(u["standard_score"]),
                        D(u["appraised_score"]),
                        D(u["index"]),
                        u["band"],
                    ]
                    for u in g["units"]
                ],
            )
            for g in data["groups"]
        ],
    )
    counts = data["overall"]["band_counts"]
    bands = Table(
        sheet="Bảng 2",
        title=_("Bảng 2. Số đơn vị theo xếp loại"),
        columns=[
            Column(_("Khối"), TEXT, 36),
            Column(_("Tốt"), INT),
            Column(_("Khá"), INT),
            Column(_("Trung bình"), INT),
            Column(_("Yếu"), INT),
            Column(_("Tổng số"), INT),
        ],
        sections=[
            Section(
                "",
                [
                    *[
                        [
                            g["group_name"],
                            g["band_counts"]["tot"],
                            g["band_counts"]["kha"],
                            g["band_counts"]["trung_binh"],
                            g["band_counts"]["yeu"],
                            g["size"],
                        ]
                        for g in data["groups"]
                    ],
                    [
                        _("Tổng cộng"),
                        counts["tot"],
                        counts["kha"],
                        counts["trung_binh"],
                        counts["yeu"],
                        len(data["results"]["units"]),
                    ],
                ],
            )
        ],
    )
    means = Table(
        sheet="Bảng 3",
        title=_("Bảng 3. Chỉ số trung bình của các khối qua ba năm"),
        columns=[
            Column(_("Khối"), TEXT, 36),
            *[Column(str(y), PERCENT) for y in years],
            Column(_("Tăng/giảm so với năm trước"), DELTA, 16),
        ],
        sections=[
            Section(
                "",
                [
                    *[[g["group_name"], *g["means"], g["change"]] for g in data["groups"]],
                    [_("Trung bình chung"), *data["overall_means"], data["overall_change"]],
                ],
            )
        ],
        note=_("Trung bình chung là trung bình cộng chỉ số trung bình của các khối."),
    )
    history = Table(
        sheet="Bảng 4",
        title=_("Bảng 4. Xếp loại của các đơn vị qua ba năm"),
        columns=[
            Column(_("Mã"), TEXT, 10, internal=True),
            Column(_("Tên cơ quan, đơn vị"), TEXT, 40),
            *[Column(str(y), BAND) for y in years],
            Column(_("Số năm liền cùng xếp loại"), INT, 12),
            Column(_("Cơ sở so sánh"), TEXT, 30),
        ],
        sections=[
            Section(
                g["group_name"],
                [
                    [
                        u["unit_code"],
                        unit_display_name(u),
                        *u["bands"],
                        u["same_band_years"] or None,
                        u["previous_basis"],
                    ]
                    for u in data["band_history"]
                    if u["group_code"] == g["group_code"]
                ],
            )
            for g in data["groups"]
        ],
        wide=True,
        note=_(
            "%(n)s đơn vị giữ nguyên xếp loại %(k)s năm liền. Đơn vị sắp xếp lại được so sánh "
            "theo cơ sở ghi ở cột cuối."
        )
        % {"n": data["same_band_all_years"], "k": len(years)},
    )
    compare = Table(
        sheet="Bảng 5",
        title=_("Bảng 5. So sánh kết quả năm %(y)s với năm %(p)s") % {"y": year, "p": year - 1},
        columns=[
            Column(_("Mã"), TEXT, 10, internal=True),
            Column(_("Tên cơ quan, đơn vị"), TEXT, 40),
            Column(_("Chỉ số %(y)s") % {"y": year - 1}, PERCENT),
            Column(_("Xếp loại %(y)s") % {"y": year - 1}, BAND),
            Column(_("Chỉ số %(y)s") % {"y": year}, PERCENT),
            Column(_("Xếp loại %(y)s") % {"y": year}, BAND),
            Column(_("Tăng/giảm (điểm %)"), DELTA),
            Column(_("Cơ sở so sánh"), TEXT, 30),
        ],
        sections=[
            Section(
                g["group_name"],
                [
                    [
                        u["unit_code"],
                        unit_display_name(u),
                        D(u["previous_index"]),
                        u["previous_band"],
                        D(u["index"]),
                        u["band"],
                        D(u["delta"]),
                        u["previous_basis"],
                    ]
                    for u in g["units"]
                ],
            )
            for g in data["groups"]
        ],
        wide=True,
    )
    charts = []
    for g in data["groups"]:
        names = [u["unit_name"] for u in g["units"]]
        charts.append(
            BarChart(
                title=_("%(g)s: chỉ số năm %(y)s so với năm %(p)s")
                % {"g": g["group_name"], "y": year, "p": year - 1},
                categories=names,
                series=[
                    (str(year - 1), [D(u["previous_index"]) for u in g["units"]]),
                    (str(year), [D(u["index"]) for u in g["units"]]),
                ],
                percent=True,
            )
        )
        charts.append(
            BarChart(
                title=_("%(g)s: mức tăng/giảm chỉ số so với năm %(p)s (điểm %%)")
                % {"g": g["group_name"], "p": year - 1},
                categories=names,
                series=[(_("Tăng/giảm"), [D(u["delta"]) for u in g["units"]])],
            )
        )
    return Document(
        title=_("Báo cáo kết quả Chỉ số cải cách hành chính năm %(y)s") % {"y": year},
        subtitle=_("Chỉ số trung bình chung: %(m)s")
        % {"m": engine.vn_percent(data["overall_means"][2])},
        tables=[ranking, bands, means, history, compare],
        charts=charts,
        filename=f"chi-so-cchc-{year}",
    )


def criteria_document(data: dict) -> Document:
    year = data["year"]
    summary = Table(
        sheet="Tổng hợp",
        title=_("Số đơn vị đạt điểm tối đa và bị trừ điểm theo tiêu chí"),
        columns=[
            Column(_("Mã"), TEXT, 8),
            Column(_("Tiêu chí"), TEXT, 50),
            Column(_("Số đơn vị áp dụng"), INT),
            Column(_("Đạt tối đa"), INT),
            Column(_("Bị trừ điểm"), INT),
            Column(_("Tổng điểm bị trừ"), NUM),
            Column(_("Nhận định"), TEXT, 40),
        ],
        sections=[
            Section(
                "",
                [
                    [
                        n["code"],
                        n["name"],
                        n["applicable"],
                        n["full"],
                        n["lost_count"],
                        n["lost_total"],
                        n["summary"],
                    ]
                    for n in data["nodes"]
                ],
            )
        ],
        wide=True,
    )
    detail = Table(
        sheet="Chi tiết",
        title=_("Các đơn vị bị trừ điểm và lý do"),
        columns=[
            Column(_("Mã"), TEXT, 8),
            Column(_("Đơn vị"), TEXT, 36),
            Column(_("Điểm bị trừ"), NUM),
            Column(_("Nhận xét thẩm định"), TEXT, 60),
        ],
        sections=[
            Section(
                f"{n['code']} {n['name']} — {n['summary']}",
                [
                    [n["code"], u["unit_name"], u["lost"], "; ".join(u["comments"])]
                    for u in n["units"]
                ],
            )
            for n in data["nodes"]
            if n["units"] and n["is_leaf"]
        ],
        wide=True,
    )
    fields = [n for n in data["nodes"] if n["level"] == "field"]
    charts = (
        [
            BarChart(
                title=_("Số đơn vị bị trừ điểm theo lĩnh vực"),
                categories=[f"{n['code']}. {n['name']}" for n in fields],
                series=[
                    (_("Bị trừ điểm"), [Decimal(n["lost_count"]) for n in fields]),
                    (_("Đạt tối đa"), [Decimal(n["full"]) for n in fields]),
                ],
            )
        ]
        if fields
        else []
    )
    return Document(
        title=_("Phân tích kết quả theo tiêu chí năm %(y)s") % {"y": year},
        tables=[summary, detail],
        charts=charts,
        filename=f"phan-tich-tieu-chi-{year}",
    )


def self_gap_document(data: dict) -> Document:
    year = data["year"]
    table = Table(
        sheet="Tự đánh giá",
        title=_("Chỉ số tự đánh giá so với kết quả thẩm định"),
        columns=[
            Column(_("Mã"), TEXT, 10, internal=True),
            Column(_("Đơn vị"), TEXT, 40),
            Column(_("Khối"), TEXT, 24),
            Column(_("Tự đánh giá"), PERCENT),
            Column(_("Thẩm định"), PERCENT),
            Column(_("Chênh lệch"), DELTA),
            Column(_("Xếp loại thẩm định"), BAND),
        ],
        sections=[
            Section(
                "",
                [
                    [
                        r["unit_code"],
                        r["unit_name"],
                        r["group_name"],
                        r["self_index"],
                        r["final_index"],
                        r["gap"],
                        r["final_band"],
                    ]
                    for r in data["rows"]
                ],
            )
        ],
        wide=True,
        note=_(
            "%(n)s đơn vị tự đánh giá cao hơn kết quả thẩm định; chênh lệch trung bình "
            "%(g)s điểm %%."
        )
        % {"n": data["over_claiming"], "g": engine.vn_number(data["mean_gap"])},
    )
    return Document(
        title=_("Tự đánh giá và thẩm định năm %(y)s") % {"y": year},
        tables=[table],
        charts=[
            BarChart(
                title=_("Chênh lệch tự đánh giá − thẩm định (điểm %)"),
                categories=[r["unit_name"] for r in data["rows"]],
                series=[(_("Chênh lệch"), [r["gap"] for r in data["rows"]])],
            )
        ]
        if data["rows"]
        else [],
        filename=f"tu-danh-gia-{year}",
    )


def flags_document(data: dict) -> Document:
    year, years = data["year"], data["years"]
    table = Table(
        sheet="Trách nhiệm",
        title=_("Đơn vị xếp loại Trung bình hoặc Yếu"),
        columns=[
            Column(_("Mã"), TEXT, 10, internal=True),
            Column(_("Đơn vị"), TEXT, 40),
            Column(_("Chỉ số"), PERCENT),
            *[Column(str(y), BAND) for y in years],
            Column(_("Người đứng đầu không được đánh giá hoàn thành tốt nhiệm vụ"), TEXT, 22),
            Column(_("Hai năm liên tiếp Trung bình/Yếu"), TEXT, 18),
            Column(_("Cơ sở so sánh"), TEXT, 24),
        ],
        sections=[
            Section(
                "",
                [
                    [
                        f["unit_code"],
                        f["unit_name"],
                        D(f["index"]),
                        *f["bands"],
                        _("Có") if f["head_flag"] else "",
                        _("Có") if f["two_low"] else "",
                        f["previous_basis"],
                    ]
                    for f in data["flags"]
                ],
            )
        ],
        wide=True,
    )
    return Document(
        title=_("Trách nhiệm người đứng đầu theo kết quả Chỉ số CCHC năm %(y)s") % {"y": year},
        tables=[table],
        filename=f"trach-nhiem-{year}",
    )


def scorecard_document(data: dict) -> Document:
    unit, result = data["unit"], data["result"]
    fields = Table(
        sheet="Chỉ số thành phần",
        title=_("Chỉ số thành phần theo lĩnh vực"),
        columns=[
            Column(_("Mã"), TEXT, 6),
            Column(_("Lĩnh vực"), TEXT, 50),
            Column(_("Điểm chuẩn"), NUM),
            Column(_("Điểm đạt"), NUM),
            Column(_("Chỉ số"), PERCENT),
        ],
        sections=[
            Section(
                "",
                [
                    [f["code"], f["name"], f["standard"], f["score"], f["index"]]
                    for f in data["fields"]
                ],
            )
        ],
    )
    lost = Table(
        sheet="Bị trừ điểm",
        title=_("Tiêu chí bị trừ điểm"),
        columns=[
            Column(_("Mã"), TEXT, 8),
            Column(_("Tiêu chí"), TEXT, 44),
            Column(_("Điểm tối đa"), NUM),
            Column(_("Điểm đạt"), NUM),
            Column(_("Bị trừ"), NUM),
            Column(_("Nhận xét thẩm định"), TEXT, 50),
        ],
        sections=[
            Section(
                "",
                [
                    [r["code"], r["name"], r["maximum"], r["value"], r["lost"], r["comment"]]
                    for r in data["lost"]
                ],
            )
        ],
        wide=True,
    )
    subtitle = ""
    if result is not None:
        if result.ranked:
            subtitle = _("Chỉ số %(i)s — xếp loại %(b)s — hạng %(r)s/%(n)s") % {
                "i": engine.vn_percent(result.index),
                "b": band_label(result.band),
                "r": result.rank_in_group or "",
                "n": result.group_size,
            }
        else:
            subtitle = _("Chỉ số %(i)s — xếp loại %(b)s — không xếp hạng") % {
                "i": engine.vn_percent(result.index),
                "b": band_label(result.band),
            }
        if result.not_submitted:
            subtitle += " " + not_submitted_note(result)
        comparison = data.get("comparison")
        if comparison is not None and comparison.previous_index is not None:
            subtitle += " — " + _("năm %(p)s: %(i)s, tăng/giảm %(d)s điểm %%") % {
                "p": data["period"].year - 1,
                "i": engine.vn_percent(comparison.previous_index),
                "d": display(data["delta"], DELTA),
            }
        if comparison is not None and comparison.label:
            subtitle += f" ({comparison.label})"
    return Document(
        title=_("Kết quả Chỉ số CCHC năm %(y)s: %(u)s")
        % {"y": data["period"].year, "u": unit.name},
        subtitle=subtitle,
        tables=[fields, lost],
        charts=[
            BarChart(
                title=_("Chỉ số thành phần theo lĩnh vực"),
                categories=[f"{f['code']}. {f['name']}" for f in data["fields"]],
                series=[(_("Chỉ số"), [f["index"] for f in data["fields"]])],
                percent=True,
            )
        ]
        if data["fields"]
        else [],
        filename=f"ket-qua-{data['period'].year}-{unit.code}",
    )


def plan_document(plan, items) -> Document:
    table = Table(
        sheet="Kế hoạch",
        title=_("Nội dung phân công nhiệm vụ khắc phục"),
        columns=[
            Column(_("STT"), INT, 5),
            Column(_("Nội dung"), TEXT, 30),
            Column(_("Mã số TCTP"), TEXT, 9),
            Column(_("Nguyên nhân yếu kém"), TEXT, 30),
            Column(_("Giải pháp khắc phục"), TEXT, 30),
            Column(_("Cơ quan chủ trì"), TEXT, 18),
            Column(_("Cơ quan phối hợp"), TEXT, 18),
            Column(_("Thời gian thực hiện"), TEXT, 12),
            Column(_("Ghi chú"), TEXT, 10),
        ],
        sections=[
            Section(
                "",
                [
                    [
                        position,
                        item.content,
                        item.code,
                        item.cause,
                        item.remedy,
                        item.lead_unit,
                        item.partners,
                        item.deadline,
                        item.note,
                    ]
                    for position, item in enumerate(items, start=1)
                ],
            )
        ],
        wide=True,
    )
    return Document(
        title=plan.title,
        tables=[table],
        filename=f"ke-hoach-khac-phuc-{plan.period.year}-{plan.unit.code}",
    )


def province_document(kind: str, period) -> Document:
    """The Document of one province-wide report kind for a period."""
    if kind == ReportKind.PUBLISHED:
        return published_document(selectors.published_report(period=period))
    if kind == ReportKind.CRITERIA:
        return criteria_document(selectors.criterion_analysis(period=period))
    if kind == ReportKind.SELF_GAP:
        return self_gap_document(selectors.self_vs_appraised(period=period))
    if kind == ReportKind.FLAGS:
        data = selectors.published_report(period=period)
        return flags_document(data)
    raise ValueError(kind)
