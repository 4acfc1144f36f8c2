"""The four official documents, built from the report selectors' data.

Every figure comes from reports.selectors / scoring.selectors (the same strings and Decimals
the tables show); these functions only choose the words. A part whose data is missing (a
year imported from published tables has no dossiers, dates or leaf scores) is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from reports import selectors
from reports.documents import (
    INT,
    NUM,
    TEXT,
    Column,
    Section,
    Table,
    band_label,
    criteria_document,
    published_document,
    scorecard_document,
)
from reports.enums import ReportKind
from scoring import engine

from .model import (
    Annex,
    BulletList,
    ChartBlock,
    Header,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Run,
    Signer,
    TableBlock,
    long_date,
    number_text,
    place_date_text,
    recipients_lines,
    short_date,
)

BAND_RANK = {engine.TOT: 0, engine.KHA: 1, engine.TRUNG_BINH: 2, engine.YEU: 3}
NAMES_SHOWN = 10  # units named in a sentence before "và N đơn vị khác"
MOVERS_SHOWN = 5


def D(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


# --- words for numbers -------------------------------------------------------------------


def pct(value) -> str:
    return engine.vn_percent(D(value) if isinstance(value, str) else value)


def share(part: int, whole: int) -> str:
    """`34,09%` of `part / whole` (two decimals, the engine's rounding)."""
    if not whole:
        return ""
    return engine.vn_percent(engine.q2(Decimal(part) * engine.HUNDRED / Decimal(whole)))


def threshold(value: Decimal) -> str:
    """A band threshold as written in a report: `85%`, `72,5%`."""
    text = engine.vn_number(value)
    return (text[:-3] if text.endswith(",00") else text.rstrip("0")) + "%"


def change_points(delta: Decimal | None) -> str:
    """`tăng 2,15 điểm %`, `giảm 0,50 điểm %`, `bằng`."""
    if delta is None:
        return ""
    if delta > 0:
        return _("tăng %(n)s điểm %%") % {"n": engine.vn_number(delta)}
    if delta < 0:
        return _("giảm %(n)s điểm %%") % {"n": engine.vn_number(-delta)}
    return _("bằng")


def count_change(current: int, previous: int | None, previous_year: int) -> str:
    """The comparison of a count with the year before: `bằng năm 2023`, `tăng 2 …`, `giảm 1 …`."""
    if previous is None:
        return ""
    if current == previous:
        return _("bằng năm %(y)s") % {"y": previous_year}
    if previous == 0:
        return _("năm %(y)s không có đơn vị nào") % {"y": previous_year}
    if current > previous:
        return _("tăng %(n)s so với năm %(y)s") % {"n": current - previous, "y": previous_year}
    return _("giảm %(n)s so với năm %(y)s") % {"n": previous - current, "y": previous_year}


def name_list(names: list[str], limit: int = NAMES_SHOWN) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return _("%(names)s và %(n)s đơn vị khác") % {
        "names": ", ".join(names[:limit]),
        "n": len(names) - limit,
    }


def at_time(moment: dt.datetime) -> str:
    """`17 giờ 00 ngày 24/12/2024` (local time)."""
    local = timezone.localtime(moment)
    return _("%(h)s giờ %(m)s ngày %(d)s") % {
        "h": f"{local.hour:02d}",
        "m": f"{local.minute:02d}",
        "d": short_date(local),
    }


def band_name(band: str | None) -> str:
    return band_label(band) if band else ""


def _sentence(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# --- the common parts --------------------------------------------------------------------


def _so_header(settings, *, number: int | None, symbol: str, day, year: int, excerpt=""):
    return Header(
        parent=settings.parent_body,
        issuer=settings.issuer_name,
        number_line=number_text(number, symbol),
        place_date=place_date_text(settings.place_name, day, year),
        excerpt=excerpt,
        draft=number is None,
    )


def _so_signer(settings) -> Signer:
    lines = [line for line in (settings.signer_authority, settings.signer_title) if line]
    return Signer(lines=[line.upper() for line in lines], name=settings.signer_name)


def _archive(settings) -> str:
    office = settings.office_abbr.strip()
    return _("Lưu: VT, %(o)s.") % {"o": office} if office else _("Lưu: VT.")


def _issue_fields(issue) -> tuple[int | None, dt.date | None]:
    return (issue.number, issue.issued_on) if issue is not None else (None, None)


def _document_year(period, day) -> int:
    """The year a draft is dated: the issue date's, else this year (reports come out the
    year after the one they measure)."""
    if day is not None:
        return day.year
    return max(timezone.localdate().year, period.year)


def official_table(table: Table, *, title: str | None = None) -> Table:
    """The annex's table as an official document shows it: internal columns (unit codes)
    dropped, the same rows and values."""
    keep = [i for i, column in enumerate(table.columns) if not column.internal]
    if len(keep) == len(table.columns) and title is None:
        return table
    return replace(
        table,
        title=table.title if title is None else title,
        columns=[table.columns[i] for i in keep],
        sections=[
            Section(section.title, [[row[i] for i in keep] for row in section.rows])
            for section in table.sections
        ],
    )


# --- the year's report -------------------------------------------------------------------


def year_report_document(data: dict, settings, issue=None) -> OfficialDocument:
    """Báo cáo Chỉ số và xếp hạng kết quả CCHC năm Y (the seed report's sections I–III)."""
    period, year = data["period"], data["year"]
    number, day = _issue_fields(issue)
    subject = _(
        "Chỉ số và xếp hạng kết quả cải cách hành chính năm %(y)s của các cơ quan, đơn vị, "
        "địa phương trên địa bàn %(p)s"
    ) % {"y": year, "p": settings.province_name}
    blocks = [
        *_report_section_cycle(data, settings),
        *_report_section_results(data),
        *_report_section_assessment(data),
        Paragraph.text(
            _(
                "Trên đây là Báo cáo Chỉ số và xếp hạng kết quả cải cách hành chính năm %(y)s "
                "của các cơ quan, đơn vị, địa phương trên địa bàn %(p)s./."
            )
            % {"y": year, "p": settings.province_name}
        ),
    ]
    return OfficialDocument(
        kind=ReportKind.YEAR_REPORT,
        header=_so_header(
            settings,
            number=number,
            symbol=f"BC-{settings.issuer_abbr}",
            day=day,
            year=_document_year(period, day),
        ),
        type_name=_("BÁO CÁO"),
        subject=subject,
        blocks=blocks,
        recipients=recipients_lines(settings.recipients_report, _archive(settings)),
        signer=_so_signer(settings),
        filename=f"bao-cao-chi-so-cchc-{year}",
    )


def _report_section_cycle(data: dict, settings) -> list:
    """I. How the cycle ran, from the period's own dates and records."""
    period, year = data["period"], data["year"]
    cycle, submissions = data["cycle"], data["submissions"]
    counts = data["criteria_counts"]
    blocks: list = [
        Heading(
            _(
                "I. CÔNG TÁC TRIỂN KHAI TỰ ĐÁNH GIÁ CỦA CÁC CƠ QUAN, ĐƠN VỊ, ĐỊA PHƯƠNG VÀ "
                "THẨM ĐỊNH CỦA TỔ GIÚP VIỆC HỘI ĐỒNG"
            ),
            1,
        )
    ]
    dossiers = sum(n for _name, n in data["dossier_groups"])
    if not counts["leaves"] and not dossiers:
        blocks.append(
            Paragraph.text(
                _(
                    "Kết quả năm %(y)s được nhập từ bảng kết quả đã công bố; Cổng không lưu quá "
                    "trình tự đánh giá và thẩm định của năm này."
                )
                % {"y": year}
            )
        )
        return blocks
    if counts["leaves"]:
        extra = ""
        if counts["bonus"] or counts["deduction"]:
            extra = _(", cùng các nội dung điểm thưởng, điểm trừ")
        blocks.append(
            Paragraph(
                [
                    Run(
                        _(
                            "Bộ tiêu chí đánh giá năm %(y)s gồm %(f)s lĩnh vực, %(c)s tiêu chí và "
                            "%(l)s tiêu chí thành phần được chấm điểm%(extra)s, ban hành tại "
                        )
                        % {
                            "y": year,
                            "f": counts["fields"],
                            "c": counts["criteria"],
                            "l": counts["leaves"],
                            "extra": extra,
                        }
                    ),
                    Run(
                        _("[số, ngày văn bản ban hành Quy chế và Bộ tiêu chí]"),
                        italic=True,
                        placeholder=True,
                    ),
                    Run("."),
                ]
            )
        )
    if period.self_assessment_opens:
        blocks.append(
            Paragraph.text(
                _("Phần mềm chấm điểm được mở để các cơ quan, đơn vị tự đánh giá từ ngày %(d)s.")
                % {"d": short_date(period.self_assessment_opens)}
            )
        )

    blocks.append(Heading(_("1. Triển khai tự đánh giá của các cơ quan, đơn vị, địa phương"), 2))
    if dossiers:
        blocks.append(
            Paragraph.text(
                _(
                    "Năm %(y)s có %(n)s cơ quan, đơn vị, địa phương là đối tượng đánh giá, xếp "
                    "hạng kết quả cải cách hành chính, bao gồm:"
                )
                % {"y": year, "n": dossiers}
            )
        )
        groups = data["dossier_groups"]
        blocks.append(
            BulletList(
                [
                    _("%(g)s: %(n)s cơ quan, đơn vị") % {"g": name, "n": n}
                    + (";" if position < len(groups) - 1 else ".")
                    for position, (name, n) in enumerate(groups)
                ]
            )
        )
        deadline = period.self_assessment_deadline
        parts = []
        if deadline:
            parts.append(
                _("Thời hạn nộp hồ sơ đề nghị thẩm định là %(t)s.") % {"t": at_time(deadline)}
            )
        parts.append(
            _("Đến hết thời hạn, có %(a)s/%(n)s cơ quan, đơn vị nộp hồ sơ đúng hạn.")
            % {"a": len(submissions["on_time"]), "n": dossiers}
        )
        if submissions["late"]:
            late = [
                _("%(u)s (nộp ngày %(d)s)") % {"u": name, "d": short_date(when)}
                for name, when in submissions["late"]
            ]
            parts.append(_("Nộp hồ sơ trễ hạn: %(u)s.") % {"u": name_list(late)})
        if submissions["missing"]:
            parts.append(_("Chưa nộp hồ sơ: %(u)s.") % {"u": name_list(submissions["missing"])})
        blocks.append(Paragraph.text(_sentence(*parts)))
        blocks.append(
            Paragraph.placeholder(
                _(
                    "[Nhận xét về chất lượng hồ sơ tự đánh giá: giải trình, tài liệu kiểm chứng; "
                    "các đơn vị chuẩn bị tốt, các đơn vị còn sơ sài.]"
                )
            )
        )

    if period.round1_start or cycle["assignments"]:
        blocks.append(Heading(_("2. Thẩm định lần 1 của Tổ giúp việc"), 2))
        parts = []
        if period.round1_start and period.round1_end:
            parts.append(
                _("Từ ngày %(a)s đến ngày %(b)s,")
                % {"a": short_date(period.round1_start), "b": short_date(period.round1_end)}
            )
        if cycle["team_size"]:
            parts.append(
                _(
                    "%(n)s thành viên Tổ giúp việc thẩm định lần 1 hồ sơ của các cơ quan, đơn vị "
                    "theo phân công chuyên môn (%(a)s lượt phân công lĩnh vực của từng đơn vị)."
                )
                % {"n": cycle["team_size"], "a": cycle["assignments"]}
            )
        else:
            parts.append(_("Tổ giúp việc thẩm định lần 1 hồ sơ của các cơ quan, đơn vị."))
        blocks.append(Paragraph.text(_sentence(*parts)))
        checks = cycle["cross_checks"]["round1"]
        if checks["total"]:
            blocks.append(
                Paragraph.text(
                    _(
                        "Có %(n)s điểm tiêu chí do thành viên Tổ giúp việc chấm cho chính cơ quan "
                        "mình được thành viên thuộc cơ quan khác thẩm định chéo để bảo đảm khách "
                        "quan: %(c)s điểm được xác nhận, %(x)s điểm được điều chỉnh."
                    )
                    % {"n": checks["total"], "c": checks["confirmed"], "x": checks["changed"]}
                )
            )
        parts = []
        if cycle["flagged_items"]:
            parts.append(
                _(
                    "Trên cơ sở kết quả thẩm định lần 1, %(s)s đề nghị %(u)s cơ quan, đơn vị rà "
                    "soát, bổ sung tài liệu kiểm chứng và nội dung giải trình đối với %(i)s tiêu "
                    "chí thành phần mà các thành viên Tổ giúp việc chưa thống nhất."
                )
                % {
                    "s": settings.issuer_body_name,
                    "u": len(cycle["flagged_units"]),
                    "i": cycle["flagged_items"],
                }
            )
        if period.supplement_start and period.supplement_end:
            parts.append(
                _("Thời gian bổ sung từ %(a)s đến %(b)s.")
                % {"a": at_time(period.supplement_start), "b": at_time(period.supplement_end)}
            )
        if cycle["supplements"]:
            parts.append(
                _("%(n)s nội dung giải trình bổ sung của %(u)s cơ quan, đơn vị đã được gửi.")
                % {"n": cycle["supplements"], "u": cycle["supplement_units"]}
            )
        if parts:
            blocks.append(Paragraph.text(_sentence(*parts)))

    if period.round2_start or period.council_date or period.decision_number:
        blocks.append(Heading(_("3. Thẩm định lần 2, Hội đồng thẩm định và công bố kết quả"), 2))
        if period.round2_start and period.round2_end:
            blocks.append(
                Paragraph.text(
                    _(
                        "Từ ngày %(a)s đến ngày %(b)s, Tổ giúp việc thẩm định lần 2 cho toàn bộ "
                        "%(n)s cơ quan, đơn vị, địa phương."
                    )
                    % {
                        "a": short_date(period.round2_start),
                        "b": short_date(period.round2_end),
                        "n": dossiers,
                    }
                )
            )
        checks = cycle["cross_checks"]["final"]
        if checks["total"]:
            blocks.append(
                Paragraph.text(
                    _(
                        "Ở lần 2, %(n)s điểm được thẩm định chéo: %(c)s điểm được xác nhận, "
                        "%(x)s điểm được điều chỉnh."
                    )
                    % {"n": checks["total"], "c": checks["confirmed"], "x": checks["changed"]}
                )
            )
        parts = []
        if period.council_date:
            approvals = ""
            if cycle["council_approvals"]:
                approvals = _(" (%(n)s thành viên Hội đồng thông qua trên Cổng)") % {
                    "n": cycle["council_approvals"]
                }
            parts.append(
                _(
                    "Ngày %(d)s, Hội đồng thẩm định thông qua Chỉ số và xếp hạng kết quả cải cách "
                    "hành chính năm %(y)s%(a)s."
                )
                % {"d": short_date(period.council_date), "y": year, "a": approvals}
            )
        if period.decision_number and period.decision_date:
            parts.append(
                _(
                    "Ngày %(d)s, UBND tỉnh ban hành Quyết định số %(n)s phê duyệt, công bố Chỉ số "
                    "và xếp hạng kết quả cải cách hành chính năm %(y)s."
                )
                % {
                    "d": short_date(period.decision_date),
                    "n": period.decision_number,
                    "y": year,
                }
            )
        if parts:
            blocks.append(Paragraph.text(_sentence(*parts)))
    return blocks


def _band_breakdown(group_counts: list[tuple[str, int]]) -> str:
    return "; ".join(f"{name}: {n}" for name, n in group_counts if n)


def _report_section_results(data: dict) -> list:
    """II. Results: band counts, Bảng 1–5, the charts, movers, the criterion analysis."""
    period, year = data["period"], data["year"]
    previous_year = year - 1
    results = data["results"]
    units = results["units"]
    blocks: list = [
        Heading(_("II. KẾT QUẢ CHỈ SỐ VÀ XẾP HẠNG CẢI CÁCH HÀNH CHÍNH NĂM %(y)s") % {"y": year}, 1)
    ]
    if not units:
        blocks.append(Paragraph.text(_("Chưa có kết quả chính thức của năm %(y)s.") % {"y": year}))
        return blocks
    annex = published_document(data)
    table_1, table_2, table_3, table_4, table_5 = (official_table(t) for t in annex.tables)
    group_charts = annex.charts  # two per group: this year vs last, and the deltas

    blocks.append(
        Heading(
            _("1. Chỉ số và xếp hạng cải cách hành chính năm %(y)s của các cơ quan, đơn vị")
            % {"y": year},
            2,
        )
    )
    blocks.append(
        Paragraph.text(
            _(
                "a) Chỉ số cải cách hành chính của từng cơ quan, đơn vị được xếp hạng theo 04 "
                "nhóm: TỐT (đạt từ %(t)s trở lên), KHÁ (đạt từ %(k)s đến dưới %(t)s), TRUNG BÌNH "
                "(đạt từ %(b)s đến dưới %(k)s) và YẾU (đạt dưới %(b)s). Kết quả xếp hạng cụ thể "
                "như sau:"
            )
            % {
                "t": threshold(period.band_tot_min),
                "k": threshold(period.band_kha_min),
                "b": threshold(period.band_trung_binh_min),
            }
        )
    )
    counts = results["overall"]["band_counts"]
    previous_counts = data["previous_band_counts"]
    items = []
    for position, band in enumerate(engine.BANDS_HIGH_TO_LOW):
        n = counts[band]
        breakdown = _band_breakdown(
            [(g["group_name"], g["band_counts"][band]) for g in data["groups"]]
        )
        comparison = count_change(
            n, previous_counts[band] if previous_counts else None, previous_year
        )
        text = _("Xếp hạng %(b)s: %(n)s cơ quan, đơn vị") % {"b": band_name(band), "n": n}
        if breakdown:
            text += f" ({breakdown})"
        if comparison:
            text += f" – {comparison}"
        items.append(text + (";" if position < 3 else "."))
    blocks.append(BulletList(items))

    means = data["overall_means"]
    parts = [
        _("Chỉ số trung bình chung của các khối năm %(y)s đạt %(m)s")
        % {"y": year, "m": pct(means[2])}
    ]
    if means[1] is not None and means[2] is not None:
        parts[0] += _(" (năm %(p)s: %(v)s, %(c)s)") % {
            "p": previous_year,
            "v": pct(means[1]),
            "c": change_points(data["overall_change"]),
        }
    parts[0] += "."
    if period.downgrade_late_percent is not None:
        if data["downgraded"]:
            parts.append(
                _(
                    "Có %(n)s cơ quan, đơn vị bị hạ một bậc xếp hạng do tỷ lệ hồ sơ thủ tục hành "
                    "chính trễ hạn từ %(p)s trở lên: %(u)s."
                )
                % {
                    "n": len(data["downgraded"]),
                    "p": threshold(period.downgrade_late_percent),
                    "u": name_list(data["downgraded"]),
                }
            )
        else:
            parts.append(
                _(
                    "Không có cơ quan, đơn vị nào phải hạ bậc xếp hạng do tỷ lệ hồ sơ thủ tục "
                    "hành chính trễ hạn từ %(p)s trở lên."
                )
                % {"p": threshold(period.downgrade_late_percent)}
            )
    blocks.append(Paragraph.text(_sentence(*parts)))
    blocks += [TableBlock(table_1), TableBlock(table_2, numbered_sections=False)]

    blocks.append(TableBlock(table_3, numbered_sections=False))
    mean_items = []
    for g in data["groups"]:
        current, before = g["means"][2], g["means"][1]
        text = _("%(g)s: %(m)s") % {"g": g["group_name"], "m": pct(current)}
        if before is not None and current is not None:
            text += _(" (%(c)s so với năm %(p)s)") % {
                "c": change_points(g["change"]),
                "p": previous_year,
            }
        mean_items.append(text + ";")
    if mean_items:
        mean_items[-1] = mean_items[-1][:-1] + "."
        blocks.append(Paragraph.text(_("Chỉ số trung bình của từng khối năm %(y)s:") % {"y": year}))
        blocks.append(BulletList(mean_items))

    blocks.append(TableBlock(table_4))
    blocks += _band_history_paragraphs(data)

    blocks.append(
        Paragraph.text(
            _("b) So sánh chỉ số và kết quả xếp hạng năm %(y)s với năm %(p)s")
            % {"y": year, "p": previous_year},
            indent=True,
        )
    )
    blocks += _movers_paragraphs(data)
    blocks.append(TableBlock(table_5))

    blocks.append(Paragraph.text(_("c) Kết quả của từng khối cơ quan, đơn vị")))
    for position, group in enumerate(data["groups"]):
        blocks += _group_paragraphs(group, previous_year)
        for chart in group_charts[2 * position : 2 * position + 2]:
            blocks.append(ChartBlock(chart))

    if data["analysis"] and data["analysis"]["nodes"]:
        blocks += _criteria_paragraphs(data["analysis"])
    return blocks


def _band_history_paragraphs(data: dict) -> list:
    years = data["years"]
    history = data["band_history"]
    blocks = []
    steady: dict[str, list[str]] = {band: [] for band in engine.BANDS_HIGH_TO_LOW}
    for unit in history:
        bands = unit["bands"]
        if all(bands) and unit["same_band_years"] == len(bands):
            steady[bands[0]].append(unit["unit_name"])
    for band, names in steady.items():
        if names:
            blocks.append(
                Paragraph.text(
                    _("Xếp hạng %(b)s 3 năm liền (%(a)s – %(z)s): %(n)s đơn vị (%(u)s).")
                    % {
                        "b": band_name(band),
                        "a": years[0],
                        "z": years[2],
                        "n": len(names),
                        "u": name_list(names),
                    }
                )
            )
    ups, downs = [], []
    for unit in history:
        before, now = unit["bands"][1], unit["bands"][2]
        if not before or not now or before == now:
            continue
        moved = _("%(u)s (từ %(a)s lên %(b)s)") if BAND_RANK[now] < BAND_RANK[before] else None
        if moved:
            ups.append(
                moved % {"u": unit["unit_name"], "a": band_name(before), "b": band_name(now)}
            )
        else:
            downs.append(
                _("%(u)s (từ %(a)s xuống %(b)s)")
                % {"u": unit["unit_name"], "a": band_name(before), "b": band_name(now)}
            )
    if ups:
        blocks.append(
            Paragraph.text(
                _("%(n)s đơn vị lên hạng so với năm %(p)s: %(u)s.")
                % {"n": len(ups), "p": years[1], "u": name_list(ups)}
            )
        )
    if downs:
        blocks.append(
            Paragraph.text(
                _("%(n)s đơn vị xuống hạng so với năm %(p)s: %(u)s.")
                % {"n": len(downs), "p": years[1], "u": name_list(downs)}
            )
        )
    low = [f["unit_name"] for f in data["flags"] if f["two_low"]]
    if low:
        blocks.append(
            Paragraph.text(
                _("Xếp hạng Trung bình hoặc Yếu 2 năm liên tiếp: %(n)s đơn vị (%(u)s).")
                % {"n": len(low), "u": name_list(low)}
            )
        )
    return blocks


def _mover_text(unit: dict) -> str:
    """`Sở Y tế (tăng 9,11 điểm %, từ 80,00% lên 89,11%; từ Khá lên Tốt)`."""
    delta = D(unit["delta"])
    text = _("%(u)s (%(c)s, từ %(a)s %(dir)s %(b)s") % {
        "u": unit["unit_name"],
        "c": change_points(delta),
        "a": pct(unit["previous_index"]),
        "dir": _("lên") if delta > 0 else _("xuống"),
        "b": pct(unit["index"]),
    }
    if unit["previous_band"] and unit["previous_band"] != unit["band"]:
        text += _("; từ hạng %(a)s %(dir)s hạng %(b)s") % {
            "a": band_name(unit["previous_band"]),
            "dir": _("lên")
            if BAND_RANK[unit["band"]] < BAND_RANK[unit["previous_band"]]
            else _("xuống"),
            "b": band_name(unit["band"]),
        }
    if unit.get("previous_basis"):  # a merged or renamed unit: what it is compared with
        text += "; " + unit["previous_basis"]
    return text + ")"


def _movers(units: list[dict]) -> tuple[list[dict], list[dict]]:
    compared = [u for u in units if u["delta"] is not None]
    ups = sorted(
        (u for u in compared if D(u["delta"]) > 0), key=lambda u: (-D(u["delta"]), u["unit_code"])
    )
    downs = sorted(
        (u for u in compared if D(u["delta"]) < 0), key=lambda u: (D(u["delta"]), u["unit_code"])
    )
    return ups, downs


def _movers_paragraphs(data: dict) -> list:
    year = data["year"]
    results = data["results"]
    units = results["units"]
    up, down = results["overall"]["units_up"], results["overall"]["units_down"]
    compared = [u for u in units if u["delta"] is not None]
    if not compared:
        return [
            Paragraph.text(_("Năm %(p)s chưa có kết quả đã công bố để so sánh.") % {"p": year - 1})
        ]
    same = sum(1 for u in compared if D(u["delta"]) == 0)
    new = len(units) - len(compared)
    text = _(
        "Trong tổng số %(n)s cơ quan, đơn vị được đánh giá, xếp hạng năm %(y)s, có %(u)s đơn vị "
        "có Chỉ số cải cách hành chính cao hơn năm %(p)s, %(d)s đơn vị có chỉ số thấp hơn"
    ) % {"n": len(units), "y": year, "u": up, "p": year - 1, "d": down}
    if same:
        text += _(", %(s)s đơn vị có chỉ số bằng năm trước") % {"s": same}
    if new:
        text += _("; %(k)s đơn vị chưa có kết quả năm %(p)s để so sánh") % {"k": new, "p": year - 1}
    blocks = [Paragraph.text(text + ".")]
    ups, downs = _movers(units)
    if ups:
        blocks.append(
            Paragraph.text(
                _("Các đơn vị có chỉ số tăng nhiều nhất: %(u)s.")
                % {"u": "; ".join(_mover_text(u) for u in ups[:MOVERS_SHOWN])}
            )
        )
    if downs:
        blocks.append(
            Paragraph.text(
                _("Các đơn vị có chỉ số giảm nhiều nhất: %(u)s.")
                % {"u": "; ".join(_mover_text(u) for u in downs[:MOVERS_SHOWN])}
            )
        )
    return blocks


def _group_paragraphs(group: dict, previous_year: int) -> list:
    units = group["units"]
    compared = [u for u in units if u["delta"] is not None]
    if not compared:
        return [
            Paragraph.text(
                _("%(g)s: chỉ số trung bình %(m)s; chưa có kết quả năm %(p)s để so sánh.")
                % {"g": group["group_name"], "m": pct(group["mean_index"]), "p": previous_year}
            )
        ]
    ups, downs = _movers(units)
    parts = [
        _(
            "%(g)s: có %(u)s/%(n)s đơn vị có chỉ số cải cách hành chính tăng (chiếm %(s)s), "
            "%(d)s đơn vị có chỉ số giảm; chỉ số trung bình của khối đạt %(m)s"
        )
        % {
            "g": group["group_name"],
            "u": len(ups),
            "n": len(units),
            "s": share(len(ups), len(units)),
            "d": len(downs),
            "m": pct(group["mean_index"]),
        }
    ]
    if group["means"][1] is not None:
        parts[0] += _(" (%(c)s so với năm %(p)s)") % {
            "c": change_points(group["change"]),
            "p": previous_year,
        }
    parts[0] += "."
    if ups:
        parts.append(_("Tăng nhiều nhất là %(u)s.") % {"u": _mover_text(ups[0])})
    if downs:
        parts.append(_("Giảm nhiều nhất là %(u)s.") % {"u": _mover_text(downs[0])})
    rose = [u["unit_name"] for u in ups if _band_moved(u) == "up"]
    fell = [u["unit_name"] for u in downs if _band_moved(u) == "down"]
    if rose:
        parts.append(_("Vừa tăng chỉ số vừa lên hạng: %(u)s.") % {"u": name_list(rose)})
    if fell:
        parts.append(_("Vừa giảm chỉ số vừa xuống hạng: %(u)s.") % {"u": name_list(fell)})
    return [Paragraph.text(_sentence(*parts))]


def _band_moved(unit: dict) -> str:
    before, now = unit["previous_band"], unit["band"]
    if not before or not now or before == now:
        return ""
    return "up" if BAND_RANK[now] < BAND_RANK[before] else "down"


def _criteria_paragraphs(analysis: dict) -> list:
    """2. Where units lost points, field by field, in sentences."""
    nodes = analysis["nodes"]
    blocks: list = [
        Heading(_("2. Kết quả đạt được của các cơ quan, đơn vị theo từng lĩnh vực, tiêu chí"), 2)
    ]
    fields = [n for n in nodes if n["level"] == "field"]
    for position, field_node in enumerate(fields, start=1):
        blocks.append(
            Heading(_("2.%(i)s. Lĩnh vực “%(n)s”") % {"i": position, "n": field_node["name"]}, 3)
        )
        deduction = field_node["kind"] == engine.DEDUCTION
        full_phrase = _("không bị trừ điểm") if deduction else _("đạt điểm tối đa")
        blocks.append(
            Paragraph.text(
                _("Có %(f)s/%(a)s đơn vị (%(s)s) %(what)s ở lĩnh vực này.")
                % {
                    "f": field_node["full"],
                    "a": field_node["applicable"],
                    "s": share(field_node["full"], field_node["applicable"]),
                    "what": full_phrase,
                }
            )
        )
        prefix = field_node["code"] + "."
        full_leaves = []
        for node in nodes:
            if not node["is_leaf"] or not node["code"].startswith(prefix):
                continue
            if not node["lost_count"]:
                full_leaves.append(node["code"])
                continue
            names = [u["unit_name"] for u in node["units"]]
            blocks.append(
                Paragraph.text(
                    _("%(l)s/%(a)s đơn vị (%(s)s) bị trừ điểm ở tiêu chí “%(n)s” (%(c)s): %(u)s.")
                    % {
                        "l": node["lost_count"],
                        "a": node["applicable"],
                        "s": share(node["lost_count"], node["applicable"]),
                        "n": node["name"],
                        "c": node["code"],
                        "u": name_list(names),
                    }
                )
            )
        if full_leaves:
            blocks.append(
                Paragraph.text(
                    _("Tất cả các đơn vị áp dụng đều %(what)s ở tiêu chí %(c)s.")
                    % {"what": full_phrase, "c": ", ".join(full_leaves)}
                )
            )
    charts = criteria_document(analysis).charts
    blocks += [ChartBlock(chart) for chart in charts]
    return blocks


def _report_section_assessment(data: dict) -> list:
    """III. Conclusions and recommendations: placeholders, with hints from the data."""
    blocks: list = [
        Heading(_("III. ĐÁNH GIÁ CHUNG VÀ ĐỀ XUẤT, KIẾN NGHỊ"), 1),
        Heading(_("1. Đánh giá, nhận xét chung"), 2),
        Heading(_("a) Những mặt đã làm được"), 3),
        Paragraph.placeholder(
            _("[Bộ phận thư ký soạn: những kết quả nổi bật của năm, các khối có tiến bộ.]")
        ),
        Heading(_("b) Một số vấn đề cần quan tâm khắc phục"), 3),
    ]
    hint = ""
    analysis = data["analysis"]
    if analysis:
        leaves = [n for n in analysis["nodes"] if n["is_leaf"] and n["lost_count"]]
        if leaves:
            worst = max(leaves, key=lambda n: (n["lost_count"], n["lost_total"]))
            hint = _(
                " Tiêu chí có nhiều đơn vị bị trừ điểm nhất: “%(n)s” (%(c)s), %(l)s/%(a)s."
            ) % {
                "n": worst["name"],
                "c": worst["code"],
                "l": worst["lost_count"],
                "a": worst["applicable"],
            }
    blocks.append(
        Paragraph.placeholder(
            _("[Bộ phận thư ký soạn: những hạn chế, nguyên nhân.%(h)s]") % {"h": hint}
        )
    )
    blocks.append(Heading(_("2. Kiến nghị, đề xuất"), 2))
    ups, _downs = _movers(data["results"]["units"])
    weak = [u["unit_name"] for u in data["results"]["units"] if u["band"] == engine.YEU]
    hints = []
    if ups:
        hints.append(
            _("biểu dương các đơn vị tiến bộ (%(u)s)")
            % {"u": ", ".join(u["unit_name"] for u in ups[:MOVERS_SHOWN])}
        )
    if weak:
        hints.append(
            _("yêu cầu các đơn vị xếp hạng Yếu khắc phục (%(u)s)") % {"u": name_list(weak)}
        )
    blocks.append(
        Paragraph.placeholder(
            _("[Bộ phận thư ký soạn các kiến nghị, đề xuất%(h)s.]")
            % {"h": (_(", ví dụ: ") + "; ".join(hints)) if hints else ""}
        )
    )
    return blocks


# --- the decision ------------------------------------------------------------------------


def decision_number_parts(period, settings) -> tuple[str, dt.date | None]:
    """The number line of the decision: the period's recorded decision number, else a draft."""
    if period.decision_number:
        return f"Số: {period.decision_number}", period.decision_date
    return number_text(None, f"QĐ-{settings.decision_abbr}"), None


def decision_document(data: dict, settings) -> OfficialDocument:
    """Quyết định phê duyệt và công bố Chỉ số CCHC năm Y, the ranking as its annex."""
    period, year = data["period"], data["year"]
    number_line, day = decision_number_parts(period, settings)
    if period.decision_number and day is None:
        number_line, day = number_text(None, f"QĐ-{settings.decision_abbr}"), None
    results = data["results"]
    counts = results["overall"]["band_counts"]
    issuer = settings.issuer_body_name
    grounds = [line.strip() for line in settings.decision_grounds.splitlines() if line.strip()]
    if period.council_date:
        grounds.append(
            _("Căn cứ kết quả thẩm định của Hội đồng thẩm định ngày %(d)s;")
            % {"d": short_date(period.council_date)}
        )
    blocks: list = [Paragraph([Run(line, italic=True)]) for line in grounds]
    blocks.append(
        Paragraph(
            [
                Run(
                    _("Theo đề nghị của %(t)s %(s)s tại Tờ trình số ")
                    % {"t": settings.signer_title.capitalize(), "s": issuer},
                    italic=True,
                ),
                Run(
                    _("[số, ngày tờ trình]"),
                    italic=True,
                    placeholder=True,
                ),
                Run(".", italic=True),
            ]
        )
    )
    blocks.append(Paragraph([Run(_("QUYẾT ĐỊNH:"), bold=True)], align="center", indent=False))
    blocks.append(
        Paragraph(
            [
                Run(_("Điều 1. "), bold=True),
                Run(
                    _(
                        "Phê duyệt và công bố Chỉ số cải cách hành chính năm %(y)s của %(n)s cơ "
                        "quan, đơn vị, địa phương trên địa bàn %(p)s (chi tiết tại Phụ lục kèm "
                        "theo), trong đó: %(t)s đơn vị xếp hạng Tốt, %(k)s đơn vị xếp hạng Khá, "
                        "%(b)s đơn vị xếp hạng Trung bình, %(w)s đơn vị xếp hạng Yếu; chỉ số "
                        "trung bình chung của các khối đạt %(m)s."
                    )
                    % {
                        "y": year,
                        "n": len(results["units"]),
                        "p": settings.province_name,
                        "t": counts["tot"],
                        "k": counts["kha"],
                        "b": counts["trung_binh"],
                        "w": counts["yeu"],
                        "m": pct(results["overall"]["mean_index"]),
                    }
                ),
            ]
        )
    )
    blocks.append(
        Paragraph(
            [
                Run(_("Điều 2. "), bold=True),
                Run(
                    _(
                        "Giao %(s)s thông báo kết quả đến từng cơ quan, đơn vị, địa phương và công "
                        "khai trên Cổng Thông tin điện tử tỉnh. Thủ trưởng các cơ quan, đơn vị, "
                        "địa phương căn cứ kết quả được công bố, xây dựng kế hoạch khắc phục "
                        "những tồn tại, hạn chế, gửi %(s)s để theo dõi; sử dụng kết quả làm căn "
                        "cứ đánh giá, xếp loại người đứng đầu theo quy định."
                    )
                    % {"s": issuer}
                ),
            ]
        )
    )
    blocks.append(
        Paragraph(
            [
                Run(_("Điều 3. "), bold=True),
                Run(
                    _(
                        "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, "
                        "%(t)s %(s)s, Thủ trưởng các cơ quan, đơn vị, địa phương có tên tại Phụ "
                        "lục kèm theo chịu trách nhiệm thi hành Quyết định này./."
                    )
                    % {"t": settings.signer_title.capitalize(), "s": issuer}
                ),
            ]
        )
    )
    signer_name = (period.decision_signer or "").split(",")[0].strip()
    lines = [
        line
        for line in (settings.decision_signer_authority, settings.decision_signer_title)
        if line
    ]
    if period.decision_number and day:
        attached = _("(Kèm theo Quyết định số %(n)s %(d)s)") % {
            "n": period.decision_number,
            "d": long_date(day),
        }
    else:
        attached = _("(Kèm theo Quyết định số      /QĐ-%(a)s ngày      tháng      năm %(y)s)") % {
            "a": settings.decision_abbr,
            "y": _document_year(period, day),
        }
    annex_blocks = []
    if results["units"]:
        ranking = official_table(published_document(data).tables[0], title="")
        annex_blocks.append(TableBlock(ranking))
    return OfficialDocument(
        kind=ReportKind.DECISION,
        header=Header(
            parent=settings.decision_parent,
            issuer=settings.decision_issuer,
            number_line=number_line,
            place_date=place_date_text(settings.place_name, day, _document_year(period, day)),
            draft=day is None,
        ),
        type_name=_("QUYẾT ĐỊNH"),
        subject=_(
            "Về việc phê duyệt và công bố Chỉ số cải cách hành chính năm %(y)s của các cơ quan, "
            "đơn vị, địa phương trên địa bàn %(p)s"
        )
        % {"y": year, "p": settings.province_name},
        authority=settings.decision_authority,
        blocks=blocks,
        recipients=recipients_lines(settings.recipients_decision, _("Lưu: VT.")),
        signer=Signer(
            lines=[line.upper() for line in lines],
            name=signer_name or settings.decision_signer_name,
        ),
        annexes=[
            Annex(
                title=_("PHỤ LỤC"),
                subtitle=_(
                    "CHỈ SỐ VÀ XẾP HẠNG KẾT QUẢ CẢI CÁCH HÀNH CHÍNH NĂM %(y)s CỦA CÁC CƠ QUAN, "
                    "ĐƠN VỊ, ĐỊA PHƯƠNG"
                )
                % {"y": year},
                note=attached,
                blocks=annex_blocks,
            )
        ],
        filename=f"quyet-dinh-cong-bo-chi-so-cchc-{year}",
    )


# --- a unit's notice of results ----------------------------------------------------------


def unit_notice_document(data: dict, settings, issue=None) -> OfficialDocument:
    period, unit, result = data["period"], data["unit"], data["result"]
    year = period.year
    number, day = _issue_fields(issue)
    issuer = settings.issuer_body_name
    blocks: list = []
    if period.decision_number and period.decision_date:
        basis = _(
            "Căn cứ Quyết định số %(n)s ngày %(d)s của UBND tỉnh về việc phê duyệt và công bố "
            "Chỉ số cải cách hành chính năm %(y)s của các cơ quan, đơn vị, địa phương trên địa "
            "bàn %(p)s,"
        ) % {
            "n": period.decision_number,
            "d": short_date(period.decision_date),
            "y": year,
            "p": settings.province_name,
        }
    else:
        basis = _("Căn cứ kết quả thẩm định Chỉ số cải cách hành chính năm %(y)s,") % {"y": year}
    blocks.append(
        Paragraph.text(
            basis
            + " "
            + _("%(s)s thông báo kết quả Chỉ số cải cách hành chính năm %(y)s của %(u)s như sau:")
            % {"s": issuer, "y": year, "u": unit.name}
        )
    )
    blocks.append(Heading(_("1. Kết quả chung"), 2))
    row, group = data["row"], data["group"]
    if result is None or row is None:
        blocks.append(
            Paragraph.text(_("Chưa có kết quả chính thức của đơn vị năm %(y)s.") % {"y": year})
        )
    else:
        items = []
        if result.standard_score is not None:
            items.append(
                _("Điểm chuẩn: %(s)s; điểm thẩm định: %(a)s;")
                % {
                    "s": engine.vn_number(result.standard_score),
                    "a": engine.vn_number(result.appraised_score),
                }
            )
        items.append(
            _("Chỉ số cải cách hành chính: %(i)s, xếp hạng %(b)s;")
            % {"i": pct(result.index), "b": band_name(result.band)}
        )
        if result.not_submitted:
            items.append(
                _("Đơn vị không nộp hồ sơ tự đánh giá; %(what)s;")
                % {
                    "what": _("hồ sơ đang soạn được thẩm định")
                    if result.ranked
                    else _("không xếp hạng trong khối")
                }
            )
        if result.rank_in_group:
            items.append(
                _("Xếp thứ %(r)s/%(n)s trong %(g)s (chỉ số trung bình của khối: %(m)s);")
                % {
                    "r": result.rank_in_group,
                    "n": result.group_size,
                    "g": group["group_name"] if group else "",
                    "m": pct(group["mean_index"]) if group else "",
                }
            )
        if row["previous_index"] is not None:
            items.append(
                _("So với năm %(p)s (%(i)s, xếp hạng %(b)s): %(c)s.")
                % {
                    "p": year - 1,
                    "i": pct(row["previous_index"]),
                    "b": band_name(row["previous_band"]),
                    "c": change_points(D(row["delta"])),
                }
            )
        else:
            items[-1] = items[-1][:-1] + "."
        if result.downgraded:
            items.append(
                _(
                    "Đơn vị bị hạ một bậc xếp hạng do tỷ lệ hồ sơ thủ tục hành chính trễ hạn vượt "
                    "ngưỡng quy định."
                )
            )
        blocks.append(BulletList(items))
    tables = scorecard_document(data).tables
    if data["fields"]:
        blocks.append(Heading(_("2. Chỉ số thành phần theo lĩnh vực"), 2))
        blocks.append(TableBlock(official_table(tables[0], title="")))
    if result is not None and data["fields"]:
        blocks.append(Heading(_("3. Các tiêu chí thành phần bị trừ điểm"), 2))
        lost = data["lost"]
        if lost:
            total = engine.q2(sum((r["lost"] for r in lost), engine.ZERO))
            blocks.append(
                Paragraph.text(
                    _(
                        "Đơn vị bị trừ điểm ở %(n)s tiêu chí thành phần, tổng số điểm bị trừ là "
                        "%(t)s điểm:"
                    )
                    % {"n": len(lost), "t": engine.vn_number(total)}
                )
            )
            blocks.append(TableBlock(official_table(tables[1], title="")))
        else:
            blocks.append(
                Paragraph.text(_("Đơn vị đạt điểm tối đa ở tất cả các tiêu chí thành phần."))
            )
    blocks.append(Heading(_("%(n)s. Đề nghị") % {"n": 4 if data["fields"] else 2}, 2))
    blocks.append(
        Paragraph(
            [
                Run(
                    _(
                        "Đề nghị %(u)s căn cứ kết quả trên, xây dựng Kế hoạch khắc phục hạn chế và "
                        "cải thiện Chỉ số cải cách hành chính, xác định rõ nội dung, nguyên nhân, "
                        "giải pháp, cơ quan chủ trì, thời hạn đối với từng tiêu chí thành phần bị "
                        "trừ điểm (dự thảo Kế hoạch được lập sẵn trên Cổng, mục “Kế hoạch khắc "
                        "phục” của đơn vị); gửi %(s)s trước ngày "
                    )
                    % {"u": unit.name, "s": issuer}
                ),
                Run(_("[ngày/tháng/năm]"), italic=True, placeholder=True),
                Run(_(" để theo dõi, tổng hợp./.")),
            ]
        )
    )
    return OfficialDocument(
        kind=ReportKind.UNIT_NOTICE,
        header=_so_header(
            settings,
            number=number,
            symbol=f"TB-{settings.issuer_abbr}",
            day=day,
            year=_document_year(period, day),
        ),
        type_name=_("THÔNG BÁO"),
        subject=_("Kết quả Chỉ số cải cách hành chính năm %(y)s của %(u)s")
        % {"y": year, "u": unit.name},
        blocks=blocks,
        recipients=recipients_lines(
            f"{unit.name};\n{settings.recipients_notice}", _archive(settings)
        ),
        signer=_so_signer(settings),
        filename=f"thong-bao-ket-qua-{year}-{unit.code}",
    )


# --- a unit's supplement letter ----------------------------------------------------------


def supplement_letter_document(data: dict, settings, issue=None) -> OfficialDocument:
    period, unit, items = data["period"], data["unit"], data["items"]
    year = period.year
    number, day = _issue_fields(issue)
    issuer = settings.issuer_body_name
    blocks: list = []
    opening = _(
        "Thực hiện việc đánh giá, xếp hạng Chỉ số cải cách hành chính năm %(y)s, Tổ giúp việc "
        "Hội đồng thẩm định đã thẩm định lần 1 hồ sơ tự đánh giá của %(u)s"
    ) % {"y": year, "u": unit.name}
    if period.round1_start and period.round1_end:
        opening += _(" từ ngày %(a)s đến ngày %(b)s") % {
            "a": short_date(period.round1_start),
            "b": short_date(period.round1_end),
        }
    blocks.append(Paragraph.text(opening + "."))
    if items:
        blocks.append(
            Paragraph.text(
                _(
                    "Trên cơ sở kết quả thẩm định lần 1, %(s)s đề nghị %(u)s rà soát, bổ sung tài "
                    "liệu kiểm chứng và nội dung giải trình đối với %(n)s tiêu chí thành phần "
                    "sau:"
                )
                % {"s": issuer, "u": unit.name, "n": len(items)}
            )
        )
        blocks.append(
            TableBlock(
                Table(
                    sheet="Bổ sung",
                    title="",
                    columns=[
                        Column(_("STT"), INT, 5),
                        Column(_("Mã"), TEXT, 8),
                        Column(_("Tiêu chí thành phần"), TEXT, 40),
                        Column(_("Điểm tối đa"), NUM),
                        Column(_("Tự đánh giá"), NUM),
                        Column(_("Thẩm định lần 1"), NUM),
                        Column(_("Ý kiến của Tổ giúp việc"), TEXT, 40),
                    ],
                    sections=[
                        Section(
                            "",
                            [
                                [
                                    position,
                                    item.code,
                                    item.name,
                                    item.maximum,
                                    item.self_value,
                                    item.round1_value,
                                    item.comment,
                                ]
                                for position, item in enumerate(items, start=1)
                            ],
                        )
                    ],
                ),
                numbered_sections=False,
            )
        )
        parts = []
        end = data.get("supplement_end") or period.supplement_end
        if period.supplement_start and end:
            parts.append(
                _("Thời gian bổ sung: từ %(a)s đến %(b)s.")
                % {"a": at_time(period.supplement_start), "b": at_time(end)}
            )
        parts.append(
            _(
                "Đơn vị cập nhật tài liệu kiểm chứng, giải trình bổ sung trực tiếp trên Cổng đánh "
                "giá Chỉ số cải cách hành chính (mục “Kết quả thẩm định” của hồ sơ); chỉ các "
                "tiêu chí thành phần nêu trên được bổ sung. Quá thời hạn trên, Tổ giúp việc "
                "thẩm định lần 2 trên cơ sở hồ sơ hiện có."
            )
        )
        blocks.append(Paragraph.text(_sentence(*parts)))
    else:
        blocks.append(
            Paragraph.text(
                _(
                    "Qua thẩm định lần 1, hồ sơ của đơn vị không có tiêu chí thành phần nào phải "
                    "bổ sung tài liệu kiểm chứng, giải trình."
                )
            )
        )
    blocks.append(
        Paragraph.text(
            _("%(s)s đề nghị %(u)s quan tâm thực hiện./.") % {"s": issuer, "u": unit.name}
        )
    )
    return OfficialDocument(
        kind=ReportKind.SUPPLEMENT_REQUEST,
        header=_so_header(
            settings,
            number=number,
            symbol=f"{settings.issuer_abbr}-{settings.office_abbr}".strip("-"),
            day=day,
            year=_document_year(period, day),
            excerpt=_("V/v đề nghị bổ sung tài liệu kiểm chứng, giải trình Chỉ số CCHC năm %(y)s")
            % {"y": year},
        ),
        type_name="",
        subject="",
        addressee=_("Kính gửi: %(u)s.") % {"u": unit.name},
        blocks=blocks,
        recipients=recipients_lines(settings.recipients_letter, _archive(settings)),
        signer=_so_signer(settings),
        filename=f"cong-van-bo-sung-{year}-{unit.code}",
    )


# --- one entry point ---------------------------------------------------------------------


def official_document(kind: str, period, unit=None) -> OfficialDocument:
    """The document of a kind for a period (and unit), with the settings in force and the
    number and date it was issued with (a draft when it has none)."""
    settings = selectors.document_settings_current()
    if kind == ReportKind.YEAR_REPORT:
        issue = selectors.document_issue_current(period=period, kind=kind)
        return year_report_document(selectors.year_report_data(period=period), settings, issue)
    if kind == ReportKind.DECISION:
        return decision_document(selectors.published_report(period=period), settings)
    if kind == ReportKind.UNIT_NOTICE:
        issue = selectors.document_issue_current(period=period, kind=kind, unit=unit)
        return unit_notice_document(
            selectors.unit_notice_data(period=period, unit=unit), settings, issue
        )
    if kind == ReportKind.SUPPLEMENT_REQUEST:
        issue = selectors.document_issue_current(period=period, kind=kind, unit=unit)
        return supplement_letter_document(
            selectors.supplement_letter_data(period=period, unit=unit), settings, issue
        )
    raise ValueError(kind)


__all__ = ["official_document", "PageBreak"]
