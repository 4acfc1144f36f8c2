"""Year-over-year figures through lineage: mergers, splits, renames, group changes, with the
three bases (one named predecessor, the mean of the predecessors, none), for every figure
that looks back — engine, scoring.lineage, results_report (export_results, open data, the
results API), the published report (band history, same band running, accountability flags),
its XLSX and PDF, the ranking page and the dashboard.
"""

import csv
import io
import json
import shutil
import subprocess
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports import selectors as report_selectors
from reports.documents import flags_document, published_document
from reports.exports import document_pdf, document_xlsx
from scoring import engine, lineage
from scoring.enums import Phase
from scoring.selectors import results_report
from tests.factories import (
    RoleKind,
    make_group,
    make_period,
    make_result,
    make_unit,
    make_unit_change,
    make_user,
)
from tests.tools import require_tool

D = Decimal
T = engine.BandThresholds()


# --- the engine, pure -----------------------------------------------------------------------


def _figures(rows):
    return {(y, u): engine.PastFigure(D(i) if i else None, b) for (y, u), (i, b) in rows.items()}


def test_engine_same_unit_without_lineage_is_its_own_figure():
    figures = _figures({(2023, "A"): ("84", "kha")})
    figure = engine.past_figure("A", 2024, 2023, lineage={}, figures=figures, thresholds={})
    assert figure == (D("84"), "kha")
    assert engine.comparison_basis("A", 2024, {}) == (engine.SAME, ("A",))


def test_engine_mean_basis_rounds_and_bands_under_the_past_years_thresholds():
    lineage_map = {(2024, "M"): engine.Lineage(engine.MEAN, ("A", "B"))}
    figures = _figures({(2023, "A"): ("84.33", "kha"), (2023, "B"): ("76.00", "kha")})
    strict = {2023: engine.BandThresholds(tot=D("90"), kha=D("81"), trung_binh=D("60"))}
    figure = engine.past_figure(
        "M", 2024, 2023, lineage=lineage_map, figures=figures, thresholds=strict
    )
    assert figure.index == D("80.17")  # (84.33 + 76) / 2 = 80.165 → half-up
    assert figure.band == "trung_binh"  # 80.17 < 81: Khá needs 81 in 2023
    default = engine.past_figure(
        "M", 2024, 2023, lineage=lineage_map, figures=figures, thresholds={}
    )
    assert default.band == "kha"


def test_engine_mean_leaves_out_a_predecessor_without_an_index():
    lineage_map = {(2024, "M"): engine.Lineage(engine.MEAN, ("A", "B"))}
    figures = _figures({(2023, "A"): ("70", "trung_binh"), (2023, "B"): (None, "kha")})
    figure = engine.past_figure(
        "M", 2024, 2023, lineage=lineage_map, figures=figures, thresholds={}
    )
    assert figure == (D("70.00"), "trung_binh")
    none_known = _figures({(2023, "A"): (None, "kha"), (2023, "B"): (None, "kha")})
    assert (
        engine.past_figure("M", 2024, 2023, lineage=lineage_map, figures=none_known, thresholds={})
        == engine.NO_FIGURE
    )


def test_engine_predecessor_basis_keeps_the_published_band_with_its_downgrade():
    lineage_map = {(2024, "C"): engine.Lineage(engine.PREDECESSOR, ("A", "B"), "A")}
    figures = _figures({(2023, "A"): ("88", "kha"), (2023, "B"): ("50", "yeu")})  # downgraded
    assert engine.past_figure(
        "C", 2024, 2023, lineage=lineage_map, figures=figures, thresholds={}
    ) == (D("88"), "kha")
    assert engine.comparison_basis("C", 2024, lineage_map) == (engine.PREDECESSOR, ("A",))


def test_engine_none_basis_has_no_figure_and_own_sole_predecessor_is_the_same_unit():
    lineage_map = {
        (2024, "N"): engine.Lineage(engine.NONE),
        (2024, "G"): engine.Lineage(engine.PREDECESSOR, ("G",), "G"),  # a group change
    }
    figures = _figures({(2023, "G"): ("86", "tot")})
    assert (
        engine.past_figure("N", 2024, 2023, lineage=lineage_map, figures=figures, thresholds={})
        == engine.NO_FIGURE
    )
    assert engine.comparison_basis("N", 2024, lineage_map) == (engine.NONE, ())
    assert engine.comparison_basis("G", 2024, lineage_map) == (engine.SAME, ("G",))
    assert engine.past_figure(
        "G", 2024, 2023, lineage=lineage_map, figures=figures, thresholds={}
    ) == (D("86"), "tot")


def test_engine_further_back_follows_each_predecessors_own_lineage():
    lineage_map = {
        (2024, "M"): engine.Lineage(engine.MEAN, ("A", "B")),
        (2023, "B"): engine.Lineage(engine.PREDECESSOR, ("B0",), "B0"),  # renamed in 2023
    }
    figures = _figures({(2022, "A"): ("80", "kha"), (2022, "B0"): ("70", "trung_binh")})
    figure = engine.past_figure(
        "M", 2024, 2022, lineage=lineage_map, figures=figures, thresholds={}
    )
    assert figure == (D("75.00"), "kha")


def test_engine_same_band_years():
    assert engine.same_band_years(["kha", "kha", "kha"]) == 3
    assert engine.same_band_years(["tot", "kha", "kha"]) == 2
    assert engine.same_band_years([None, "kha", "kha"]) == 2
    assert engine.same_band_years(["kha", "kha", "tot"]) == 1
    assert engine.same_band_years(["kha", "kha", None]) == 0


# --- a province through a reorganisation ----------------------------------------------------
#
# 2022, 2023 published; 2024 the year compared. In 2024: M = A + B (mean), S → S1 (S) + S2
# (none), R → R2 (rename), G moves from khối sở to khối xã (itself), L = L1 + L2 (L1), N new,
# K unchanged. In 2023, B came from B0 (rename).

PAST = {
    # unit: (2022 index, 2023 index)
    "A": ("80", "84"),
    "B0": ("70", None),
    "B": (None, "76"),
    "S": ("90", "91"),
    "R": ("50", "58"),
    "G": ("88", "86"),
    "K": ("86", "87"),
    "L1": ("65", "62"),
    "L2": ("72", "74"),
}
NOW = {"M": "83", "S1": "95", "S2": "70", "R2": "59", "G": "80", "K": "87", "L": "61", "N": "75"}
NAMES = {
    "A": "Sở Nông nghiệp và PTNT",
    "B": "Sở Tài nguyên và Môi trường",
    "B0": "Sở Tài nguyên, Môi trường và Biển",
    "M": "Sở Nông nghiệp và Môi trường",
    "S": "Sở Văn hóa, Thể thao và Du lịch",
    "S1": "Sở Văn hóa và Thể thao",
    "S2": "Sở Du lịch",
    "R": "Ban Dân tộc",
    "R2": "Sở Dân tộc và Tôn giáo",
    "G": "Ban Quản lý khu kinh tế",
    "K": "Sở Tư pháp",
    "L1": "UBND xã Tân Lập",
    "L2": "UBND xã Hòa An",
    "L": "UBND xã Tân Hòa",
    "N": "UBND đặc khu Hòn Ngọc",
}
SO_UNITS = {"A", "B", "B0", "M", "S", "S1", "S2", "R", "R2", "K"}


@pytest.fixture
def province(db):
    so = make_group("so", "Khối sở", order=1)
    xa = make_group("xa", "Khối xã", order=2)
    group_of = {code: so if code in SO_UNITS or code == "G" else xa for code in NAMES}
    units = {code: make_unit(group_of[code], code, NAMES[code]) for code in NAMES}
    units["G"].group = xa  # G is in khối xã from 2024
    units["G"].save()
    periods = {}
    for position, year in enumerate((2022, 2023)):
        periods[year] = make_period(year, Phase.PUBLISHED, groups=[so, xa])
        for code, indexes in PAST.items():
            if indexes[position] is not None:
                make_result(periods[year], units[code], indexes[position], group=group_of[code])
    periods[2024] = make_period(2024, Phase.PUBLISHED, groups=[so, xa])
    for code, index in NOW.items():
        make_result(periods[2024], units[code], index, rank=1, group_size=1)
    u = units
    make_unit_change(2023, u["B"], [u["B0"]], "predecessor", u["B0"])
    make_unit_change(2024, u["M"], [u["A"], u["B"]], "mean")
    make_unit_change(2024, u["S1"], [u["S"]], "predecessor", u["S"])
    make_unit_change(2024, u["S2"], [u["S"]], "none")
    make_unit_change(2024, u["R2"], [u["R"]], "predecessor", u["R"])
    make_unit_change(2024, u["G"], [u["G"]], "predecessor", u["G"], group=xa)
    make_unit_change(2024, u["L"], [u["L1"], u["L2"]], "predecessor", u["L1"])
    make_unit_change(2024, u["N"], [], "none")
    return {"units": units, "periods": periods, "so": so, "xa": xa}


def _by_code(report):
    return {u["unit_code"]: u for u in report["units"]}


def test_comparisons_give_each_unit_its_basis_label_and_previous_figures(province):
    compared = {
        c.unit_code: c
        for c in lineage.comparisons(period=province["periods"][2024], years_back=2).values()
    }
    m = compared["M"]
    assert (m.basis, m.predecessor_codes) == (engine.MEAN, ("A", "B"))
    assert m.label == "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường"
    assert (m.previous_index, m.previous_band) == (D("80.00"), "kha")
    assert m.history[2022] == (D("75.00"), "kha")  # mean of A and B's predecessor B0
    s1, s2 = compared["S1"], compared["S2"]
    assert (s1.label, s1.previous_index, s1.previous_band) == (
        "so với Sở Văn hóa, Thể thao và Du lịch (cũ)",
        D("91"),
        "tot",
    )
    assert (s2.basis, s2.label, s2.previous_index, s2.previous_band) == (
        engine.NONE,
        "đơn vị mới",
        None,
        None,
    )
    assert compared["R2"].label == "so với Ban Dân tộc (cũ)"
    assert compared["L"].label == "so với UBND xã Tân Lập (cũ)"
    assert compared["L"].predecessor_codes == ("L1",)
    assert compared["N"].label == "đơn vị mới"
    g, k = compared["G"], compared["K"]
    assert (g.basis, g.label, g.previous_index) == (engine.SAME, "", D("86"))
    assert (k.basis, k.label, k.previous_index) == (engine.SAME, "", D("87"))


def test_results_report_delta_previous_band_basis_and_up_down_follow_lineage(province):
    report = results_report(period=province["periods"][2024])
    units = _by_code(report)
    expected = {
        # unit: (previous_index, delta, previous_band, previous_basis)
        "M": (
            "80.00",
            "3.00",
            "kha",
            "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường",
        ),
        "S1": ("91.00", "4.00", "tot", "so với Sở Văn hóa, Thể thao và Du lịch (cũ)"),
        "S2": (None, None, None, "đơn vị mới"),
        "R2": ("58.00", "1.00", "yeu", "so với Ban Dân tộc (cũ)"),
        "G": ("86.00", "-6.00", "tot", ""),
        "K": ("87.00", "0.00", "tot", ""),
        "L": ("62.00", "-1.00", "trung_binh", "so với UBND xã Tân Lập (cũ)"),
        "N": (None, None, None, "đơn vị mới"),
    }
    got = {
        code: (u["previous_index"], u["delta"], u["previous_band"], u["previous_basis"])
        for code, u in units.items()
    }
    assert got == expected
    assert (report["overall"]["units_up"], report["overall"]["units_down"]) == (3, 2)
    # G ranks in khối xã in 2024; its comparison is its own figure of 2023 (khối sở).
    assert units["G"]["group_code"] == "xa"
    so_mean_2023 = engine.mean(D(PAST[c][1]) for c in ("A", "B", "S", "R", "G", "K"))
    groups = {g["group_code"]: g for g in report["groups"]}
    assert groups["so"]["previous_mean_index"] == f"{so_mean_2023:.2f}"


def test_previous_year_not_published_gives_no_comparison(province):
    Period = type(province["periods"][2023])
    Period.objects.filter(year=2023).update(phase=Phase.COUNCIL)
    report = results_report(period=province["periods"][2024])
    units = _by_code(report)
    assert {u["previous_index"] for u in units.values()} == {None}
    assert {u["delta"] for u in units.values()} == {None}
    assert units["M"]["previous_basis"] == ""  # nothing compared with: nothing stated
    assert units["N"]["previous_basis"] == "đơn vị mới"
    assert (report["overall"]["units_up"], report["overall"]["units_down"]) == (0, 0)


def test_published_report_band_history_same_band_and_flags_follow_lineage(province):
    data = report_selectors.published_report(period=province["periods"][2024])
    history = {u["unit_code"]: u for u in data["band_history"]}
    assert history["M"]["bands"] == ["kha", "kha", "kha"]  # 75.00, 80.00, 83
    assert history["M"]["same_band_years"] == 3
    assert history["K"]["bands"] == ["tot", "tot", "tot"]
    assert history["S1"]["bands"] == ["tot", "tot", "tot"]
    assert history["S2"]["bands"] == [None, None, "trung_binh"]
    assert history["R2"]["bands"] == ["yeu", "yeu", "yeu"]
    assert history["L"]["bands"] == ["trung_binh", "trung_binh", "trung_binh"]
    assert history["G"]["bands"] == ["tot", "tot", "kha"]
    assert history["G"]["same_band_years"] == 1
    assert data["same_band_all_years"] == 5  # M, K, S1, R2, L
    flags = {f["unit_code"]: f for f in data["flags"]}
    # Two low years through a single predecessor (R → R2, L1 → L); a new unit is not flagged.
    assert {c for c, f in flags.items() if f["two_low"]} == {"R2", "L"}
    assert flags["S2"]["head_flag"] and not flags["S2"]["two_low"]
    assert flags["L"]["previous_basis"] == "so với UBND xã Tân Lập (cũ)"


def test_two_low_years_through_a_mean_uses_the_band_of_the_mean(province):
    units, periods = province["units"], province["periods"]
    # A and B both low in 2023: their mean (62.50) is Trung bình, and M is Yếu in 2024.
    from scoring.models import Result

    Result.objects.filter(period=periods[2023], unit__in=[units["A"], units["B"]]).update(
        index=D("62.50"), band="trung_binh"
    )
    Result.objects.filter(period=periods[2024], unit=units["M"]).update(index=D("55"), band="yeu")
    data = report_selectors.published_report(period=periods[2024])
    flags = {f["unit_code"]: f for f in data["flags"]}
    assert flags["M"]["two_low"] and flags["M"]["bands"][1:] == ["trung_binh", "yeu"]


def test_published_document_xlsx_and_pdf_state_the_basis(province, tmp_path):
    data = report_selectors.published_report(period=province["periods"][2024])
    document = published_document(data)
    workbook = load_workbook(io.BytesIO(document_xlsx(document)))
    compare = [r for r in workbook["Bảng 5"].iter_rows(min_row=4, values_only=True) if r[1]]
    by_code = {r[0]: r for r in compare}
    assert by_code["M"][-1] == (
        "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường"
    )
    assert by_code["M"][2] == 80 and by_code["M"][6] == 3
    assert by_code["N"][-1] == "đơn vị mới" and by_code["N"][2] is None
    assert by_code["K"][-1] in ("", None)
    header = [c.value for c in workbook["Bảng 4"][3]]
    assert header[-2:] == ["Số năm liền cùng xếp loại", "Cơ sở so sánh"]
    history = {r[0]: r for r in workbook["Bảng 4"].iter_rows(min_row=4, values_only=True)}
    assert history["M"][2:6] == ("Khá", "Khá", "Khá", 3)
    flags = load_workbook(io.BytesIO(document_xlsx(flags_document(data))))
    rows = {r[0]: r for r in flags.worksheets[0].iter_rows(min_row=4, values_only=True)}
    assert rows["R2"][-1] == "so với Ban Dân tộc (cũ)"
    require_tool(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(document_pdf(document))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, timeout=120
    ).stdout.decode()
    flat = " ".join(text.split())
    assert "so với Ban Dân tộc (cũ)" in flat
    assert "đơn vị mới" in flat


def test_export_results_open_data_and_api_carry_previous_basis(province, client):
    out = StringIO()
    call_command("export_results", "--year", "2024", "--format", "json", stdout=out)
    exported = _by_code(json.loads(out.getvalue()))
    assert exported["M"]["previous_basis"].startswith("so với trung bình của")
    assert exported["M"]["previous_index"] == "80.00" and exported["M"]["delta"] == "3.00"
    out = StringIO()
    call_command("export_results", "--year", "2024", "--format", "csv", stdout=out)
    rows = {r["unit_code"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["S2"]["previous_basis"] == "đơn vị mới" and rows["S2"]["delta"] == ""
    assert rows["L"]["previous_band"] == "trung_binh"
    opened = _by_code(client.get("/du-lieu-mo/2024.json").json())
    assert opened == exported
    csv_rows = list(
        csv.DictReader(io.StringIO(client.get("/du-lieu-mo/2024.csv").content.decode()))
    )
    assert {r["unit_code"]: r["previous_basis"] for r in csv_rows}["R2"] == (
        "so với Ban Dân tộc (cũ)"
    )
    api = client.get(reverse("api_period_results", kwargs={"year": 2024})).json()
    assert _by_code(api) == exported


def test_ranking_page_and_dashboard_show_the_basis(province, client):
    page = client.get(reverse("ranking_year", args=[2024])).content.decode()
    assert "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường" in page
    assert "đơn vị mới" in page
    client.force_login(make_user(RoleKind.LEADERSHIP))
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    up = dashboard.split('id="movers-up"')[1].split("</table>")[0]
    down = dashboard.split('id="movers-down"')[1].split("</table>")[0]
    assert "Sở Văn hóa, Thể thao và Du lịch (cũ)" in up and "+4,00" in up
    assert "UBND xã Tân Lập (cũ)" in down and "-1,00" in down
    assert "Sở Du lịch" not in up + down  # a new unit has no delta


def test_lineage_edit_changes_a_published_years_cached_report(province):
    period = province["periods"][2024]
    assert _by_code(results_report(period=period))["N"]["previous_basis"] == "đơn vị mới"
    from units.models import UnitChange

    UnitChange.objects.filter(year=2024, successor=province["units"]["N"]).delete()
    assert _by_code(results_report(period=period))["N"]["previous_basis"] == ""


@pytest.mark.parametrize("mergers", [1, 3])
def test_comparisons_query_count_does_not_grow_with_units(db, django_assert_num_queries, mergers):
    so = make_group("so", order=1)
    before = make_period(2023, Phase.PUBLISHED, groups=[so])
    period = make_period(2024, Phase.PUBLISHED, groups=[so])
    ids = []
    for n in range(mergers):
        a, b, m = (make_unit(so, f"{p}{n}") for p in ("A", "B", "M"))
        make_result(before, a, "80")
        make_result(before, b, "70")
        make_result(period, m, "82")
        make_unit_change(2024, m, [a, b], "mean")
        ids.append(m.id)
    with django_assert_num_queries(3):
        compared = lineage.comparisons(period=period, unit_ids=ids, years_back=2)
    assert {c.previous_index for c in compared.values()} == {D("75.00")}


def test_scorecard_states_the_comparison_with_the_year_before(province):
    from reports.documents import scorecard_document

    period, units = province["periods"][2024], province["units"]
    card = scorecard_document(report_selectors.unit_scorecard(period=period, unit=units["R2"]))
    assert "năm 2023: 58,00%, tăng/giảm +1,00 điểm % (so với Ban Dân tộc (cũ))" in card.subtitle
    new = scorecard_document(report_selectors.unit_scorecard(period=period, unit=units["N"]))
    assert new.subtitle.endswith("(đơn vị mới)") and "năm 2023" not in new.subtitle
    same = scorecard_document(report_selectors.unit_scorecard(period=period, unit=units["K"]))
    assert same.subtitle.endswith("năm 2023: 87,00%, tăng/giảm 0,00 điểm %")
