"""import_results / export_results and scoring.results_io (PAR-INDEX.md §3, §5)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from scoring.enums import Phase, ResultSource, Stage
from scoring.models import Period, PeriodGroup, Result
from scoring.results_io import (
    HEADER,
    ResultsImportError,
    band_parse,
    results_file_read,
    results_import,
)
from tests.factories import make_assessment, make_group, make_period, make_unit
from units.models import Group, Unit

pytestmark = pytest.mark.django_db

D = Decimal
HEADER_LINE = ",".join(HEADER)


def write_csv(tmp_path, lines, *, name="ket-qua.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def run_import(path, year):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_results", str(path), "--year", str(year), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_export(year, fmt):
    out = io.StringIO()
    call_command("export_results", "--year", str(year), "--format", fmt, stdout=out)
    return out.getvalue()


def db_counts():
    return (
        Period.objects.count(),
        PeriodGroup.objects.count(),
        Group.objects.count(),
        Unit.objects.count(),
        Result.objects.count(),
    )


def results_by_code(year):
    return {
        r.unit.code: r
        for r in Result.objects.filter(period__year=year, stage=Stage.FINAL).select_related("unit")
    }


GOOD_2019 = [
    HEADER_LINE,
    "so,Khối sở ngành,STP,Sở Tư pháp,99.00,92.50,,",
    "so,Khối sở ngành,SNV,Sở Nội vụ,99.00,92.50,,",
    "so,Khối sở ngành,TTR,Thanh tra tỉnh,80.50,75.00,,",
    "so,Khối sở ngành,BDT,Ban Dân tộc,64.00,38.00,,",
    "huyen,Khối huyện,H1,Huyện Một,100.00,60.00,,",
]


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("TỐT", "tot"),
        ("Tốt", "tot"),
        ("tot", "tot"),
        ("KHÁ", "kha"),
        ("Khá", "kha"),
        ("TB", "trung_binh"),
        ("Trung bình", "trung_binh"),
        ("TRUNG BÌNH", "trung_binh"),
        ("trung_binh", "trung_binh"),
        (" YẾU ", "yeu"),
        ("Yếu", "yeu"),
        ("yeu", "yeu"),
        ("Xuất sắc", None),
        ("", None),
    ],
)
def test_band_parse_accepts_published_labels(text, band):
    assert band_parse(text) == band


# --- import: the happy paths ------------------------------------------------------------------


def test_import_csv_computes_index_band_ranks_and_creates_everything(tmp_path):
    out, _err = run_import(write_csv(tmp_path, GOOD_2019), 2019)

    assert "Đã nhập 5 đơn vị, 2 khối cho năm 2019" in out
    period = Period.objects.get(year=2019)
    assert period.phase == Phase.PUBLISHED and period.published_at is not None
    assert list(Group.objects.values_list("code", "name")) == [
        ("so", "Khối sở ngành"),
        ("huyen", "Khối huyện"),
    ]
    assert set(PeriodGroup.objects.filter(period=period).values_list("group__code", flat=True)) == {
        "so",
        "huyen",
    }
    rows = results_by_code(2019)
    # 75.00 / 80.50 → 93.17 (PAR-INDEX.md §3)
    assert rows["TTR"].index == D("93.17") and rows["TTR"].band == "tot"
    assert rows["STP"].index == D("93.43") and rows["SNV"].index == D("93.43")
    # Ties share a rank; the next one is 3rd.
    assert [rows[c].rank_in_group for c in ("STP", "SNV", "TTR", "BDT")] == [1, 1, 3, 4]
    assert rows["BDT"].index == D("59.38") and rows["BDT"].band == "yeu"
    assert {r.group_size for c, r in rows.items() if c != "H1"} == {4}
    assert rows["H1"].rank_in_group == 1 and rows["H1"].group_size == 1
    assert rows["H1"].band == "trung_binh"
    assert {r.source for r in rows.values()} == {ResultSource.IMPORTED}
    assert Unit.objects.get(code="TTR").name == "Thanh tra tỉnh"


def test_import_semicolon_bom_decimal_comma_and_percent(tmp_path):
    lines = [
        ";".join(HEADER),
        "so;Khối sở;A;Sở A;80,50;75,00;93,17%;",
        "so;Khối sở;B;Sở B;;;81,5%;Khá",
    ]
    run_import(write_csv(tmp_path, lines, encoding="utf-8-sig"), 2019)

    rows = results_by_code(2019)
    assert (rows["A"].standard_score, rows["A"].appraised_score) == (D("80.50"), D("75.00"))
    assert rows["A"].index == D("93.17") and rows["A"].band == "tot"
    assert rows["B"].index == D("81.50") and rows["B"].band == "kha"
    assert rows["B"].standard_score is None


def test_import_index_only_and_band_only_rows(tmp_path):
    lines = [
        HEADER_LINE,
        "so,Khối sở,A,Sở A,,,86.5,",
        "so,Khối sở,B,Sở B,,,74.99,",
        "so,Khối sở,C,Sở C,,,,Trung bình",
        "so,Khối sở,D,Sở D,,,,TỐT",
    ]
    run_import(write_csv(tmp_path, lines), 2012)

    rows = results_by_code(2012)
    assert (rows["A"].index, rows["A"].band) == (D("86.50"), "tot")
    assert (rows["B"].index, rows["B"].band) == (D("74.99"), "trung_binh")
    # The oldest years: only a band, unranked but counted in the group.
    assert (rows["C"].index, rows["C"].band, rows["C"].rank_in_group) == (None, "trung_binh", None)
    assert (rows["D"].index, rows["D"].band, rows["D"].rank_in_group) == (None, "tot", None)
    assert [rows[c].rank_in_group for c in "AB"] == [1, 2]
    assert {r.group_size for r in rows.values()} == {4}


def test_import_given_band_wins_over_index_and_is_marked_downgraded(tmp_path):
    lines = [HEADER_LINE, "so,Khối sở,A,Sở A,100,90,,KHÁ", "so,Khối sở,B,Sở B,,,70,Khá"]
    run_import(write_csv(tmp_path, lines), 2019)

    rows = results_by_code(2019)
    assert (rows["A"].index, rows["A"].band, rows["A"].downgraded) == (D("90.00"), "kha", True)
    assert rows["A"].details == {"band_before_downgrade": "tot"}
    # A band above the one of the index is kept as published, not flagged as a downgrade.
    assert (rows["B"].band, rows["B"].downgraded) == ("kha", False)


def test_import_xlsx_with_numbers_and_percent_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    sheet.append(["so", "Khối sở", "A", "Sở A", 80.5, 75, None, None])
    sheet.append(["so", "Khối sở", "B", "Sở B", None, None, 0.9343, "TỐT"])
    sheet["G3"].number_format = "0.00%"
    sheet.append(["huyen", "Khối huyện", "H", "Huyện H", None, None, "59,38", None])
    path = tmp_path / "ket-qua.xlsx"
    workbook.save(path)

    out, _err = run_import(path, 2018)

    assert "Đã nhập 3 đơn vị, 2 khối cho năm 2018" in out
    rows = results_by_code(2018)
    assert (rows["A"].index, rows["A"].band) == (D("93.17"), "tot")
    assert (rows["B"].index, rows["B"].band) == (D("93.43"), "tot")
    assert (rows["H"].index, rows["H"].band) == (D("59.38"), "yeu")


def test_import_uses_existing_groups_units_and_keeps_unit_group(tmp_path):
    old_group = make_group("so", "Khối sở ngành", order=1)
    new_home = make_group("tw", "Khối Trung ương", order=2)
    unit = make_unit(new_home, "CA", "Công an tỉnh")
    # In 2015 the police was ranked with the departments; its current group stays.
    lines = [HEADER_LINE, "so,,CA,,,,88.10,", "so,,STP,Sở Tư pháp,,,90,"]
    out, _err = run_import(write_csv(tmp_path, lines), 2015)

    unit.refresh_from_db()
    assert unit.group == new_home and unit.name == "Công an tỉnh"
    rows = results_by_code(2015)
    assert rows["CA"].group == old_group
    assert Unit.objects.get(code="STP").group == old_group
    assert Group.objects.count() == 2
    assert "Đã nhập 2 đơn vị, 1 khối cho năm 2015" in out


def test_import_twice_replaces_the_year(tmp_path):
    run_import(write_csv(tmp_path, GOOD_2019), 2019)
    lines = [HEADER_LINE, "so,Khối sở ngành,STP,Sở Tư pháp,,,70,"]
    run_import(write_csv(tmp_path, lines, name="lan-2.csv"), 2019)

    rows = results_by_code(2019)
    assert list(rows) == ["STP"]
    assert rows["STP"].index == D("70.00") and rows["STP"].group_size == 1
    assert Period.objects.filter(year=2019).count() == 1


# --- import: refusals -----------------------------------------------------------------------


def test_import_bad_rows_reports_every_error_with_line_and_saves_nothing(tmp_path):
    run_import(write_csv(tmp_path, GOOD_2019), 2019)
    before = db_counts()
    lines = [
        HEADER_LINE,
        "so,Khối sở,A,Sở A,,,90,",  # line 2: fine
        "so,Khối sở,,Không mã,,,90,",  # 3: missing unit code
        "so,Khối sở,B,Sở B,,,,Giỏi",  # 4: unknown band
        'so,Khối sở,C,Sở C,,,"9x,3",',  # 5: not a number
        "so,Khối sở,D,Sở D,-5,3,,",  # 6: negative
        "so,Khối sở,E,Sở E,0,3,,",  # 7: standard 0 with appraised
        "so,Khối sở,F,Sở F,,,250,",  # 8: index out of range
        "so,Khối sở,A,Sở A lần hai,,,80,",  # 9: duplicate unit code
        "so,Khối sở,G,Sở G,80.50,75.00,95,",  # 10: index disagrees with the scores
        "so,Khối sở,H,Sở H,,,,",  # 11: nothing given
        "so,Khối sở,I,Sở I,80,,,",  # 12: standard without appraised
    ]
    path = write_csv(tmp_path, lines, name="sai.csv")

    with pytest.raises(ResultsImportError) as caught:
        results_import(year=2019, rows=results_file_read(path))
    errors = caught.value.errors
    assert [e.split(":")[0] for e in errors] == [
        "Dòng 3",
        "Dòng 4",
        "Dòng 5",
        "Dòng 6",
        "Dòng 7",
        "Dòng 8",
        "Dòng 9",
        "Dòng 10",
        "Dòng 11",
        "Dòng 12",
    ]
    assert errors[0] == "Dòng 3: thiếu mã đơn vị."
    assert "“Giỏi”" in errors[1]
    assert errors[2] == "Dòng 5: chỉ số “9x,3” không phải là số."
    assert "không được âm" in errors[3]
    assert "điểm chuẩn phải lớn hơn 0" in errors[4]
    assert "0–200" in errors[5]
    assert errors[6] == "Dòng 9: mã đơn vị “A” trùng với dòng 2."
    assert "95,00%" in errors[7] and "93,17%" in errors[7]
    assert db_counts() == before
    assert results_by_code(2019)["STP"].index == D("93.43")

    with pytest.raises(CommandError):
        run_import(path, 2019)
    assert db_counts() == before


def test_import_command_prints_errors_and_fails(tmp_path):
    path = write_csv(tmp_path, [HEADER_LINE, "so,Khối sở,A,Sở A,,,9x;3,"])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_results", str(path), "--year", "2019", stderr=err)
    assert "Dòng 2: chỉ số “9x;3” không phải là số." in err.getvalue()
    assert Period.objects.count() == 0


def test_import_wrong_header_is_refused(tmp_path):
    path = write_csv(tmp_path, ["ma_khoi,unit_code,index,band", "so,A,90,"])
    with pytest.raises(ResultsImportError) as caught:
        results_file_read(path)
    assert caught.value.errors[0].startswith("Dòng 1: dòng tiêu đề phải là")
    assert "thiếu cột group_code" in caught.value.errors[0]
    assert "cột không xác định ma_khoi" in caught.value.errors[0]


def test_import_new_unit_or_group_without_name_is_refused(tmp_path):
    make_unit(make_group("so", "Khối sở"), "OLD")
    path = write_csv(
        tmp_path,
        [HEADER_LINE, "so,,OLD,,,,90,", "moi,,A,,,,90,", 'so,,B,,,,"9x,3",'],
    )
    before = db_counts()

    with pytest.raises(ResultsImportError) as caught:
        results_import(year=2019, rows=results_file_read(path))

    # A bad row is still checked for the names it lacks: every error at once.
    assert caught.value.errors == [
        "Dòng 3: khối mới “moi” cần có tên khối.",
        "Dòng 3: đơn vị mới “A” cần có tên đơn vị.",
        "Dòng 4: chỉ số “9x,3” không phải là số.",
        "Dòng 4: đơn vị mới “B” cần có tên đơn vị.",
    ]
    assert db_counts() == before


def test_import_refuses_a_year_computed_in_the_portal(tmp_path):
    group = make_group("so", "Khối sở")
    period = make_period(2023, Phase.ROUND2, groups=[group])
    make_assessment(period, make_unit(group, "A"))
    before = db_counts()

    with pytest.raises(ResultsImportError, match="đã được đánh giá trên cổng"):
        results_import(year=2023, rows=[{"group_code": "so", "unit_code": "A", "index": "90"}])
    assert db_counts() == before


def test_import_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run_import(write_csv(tmp_path, [HEADER_LINE]), 2019)
    assert Period.objects.count() == 0


def test_results_import_accepts_plain_rows_with_numbers():
    summary = results_import(
        year=2017,
        rows=[
            {
                "group_code": "so",
                "group_name": "Khối sở",
                "unit_code": "A",
                "unit_name": "Sở A",
                "standard_score": D("80.5"),
                "appraised_score": 75,
            },
        ],
    )
    assert (summary.units, summary.groups, summary.units_created) == (1, 1, 1)
    assert results_by_code(2017)["A"].index == D("93.17")


# --- export ----------------------------------------------------------------------------------


def test_export_unknown_year_is_an_error():
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 1999"):
        run_export(1999, "json")


def test_round_trip_csv_import_then_export_keeps_index_and_band(tmp_path):
    lines = [
        HEADER_LINE,
        "so,Khối sở ngành,STP,Sở Tư pháp,99.00,92.50,93.43,tot",
        "so,Khối sở ngành,TTR,Thanh tra tỉnh,80.50,75.00,93.17,tot",
        "so,Khối sở ngành,BDT,Ban Dân tộc,,,59.38,yeu",
        "so,Khối sở ngành,BQL,Ban Quản lý,,,,kha",
        "huyen,Khối huyện,H1,Huyện Một,,,70.00,trung_binh",
    ]
    run_import(write_csv(tmp_path, lines), 2019)

    exported = list(csv.DictReader(io.StringIO(run_export(2019, "csv"))))
    given = list(csv.DictReader(io.StringIO("\n".join(lines))))
    assert {r["unit_code"]: (r["index"], r["band"]) for r in exported} == {
        r["unit_code"]: (r["index"], r["band"]) for r in given
    }
    assert list(exported[0]) == [
        "unit_code",
        "unit_name",
        "group_code",
        "standard_score",
        "appraised_score",
        "index",
        "band",
        "rank_in_group",
        "group_size",
        "previous_index",
        "delta",
        "previous_band",
        "previous_basis",
        "not_submitted",
        "ranked",
    ]
    assert exported[0]["previous_index"] == "" and exported[3]["rank_in_group"] == ""
    assert [r["unit_code"] for r in exported] == ["STP", "TTR", "BDT", "BQL", "H1"]


def test_export_json_overall_mean_is_mean_of_group_means_and_year_over_year(tmp_path):
    run_import(
        write_csv(
            tmp_path,
            [
                HEADER_LINE,
                "a,Khối A,A1,Đơn vị A1,,,88,",
                "a,Khối A,A2,Đơn vị A2,,,76,",
                "b,Khối B,B1,Đơn vị B1,,,60,",
                "c,Khối C,C1,Đơn vị C1,,,93,",  # a group merged away in 2019
            ],
            name="2018.csv",
        ),
        2018,
    )
    run_import(
        write_csv(
            tmp_path,
            [
                HEADER_LINE,
                "a,Khối A,A1,Đơn vị A1,,,100,",
                "a,Khối A,A2,Đơn vị A2,,,80,",
                "b,Khối B,B1,Đơn vị B1,,,60,",
            ],
            name="2019.csv",
        ),
        2019,
    )

    report = json.loads(run_export(2019, "json"))

    # Group means 90 and 60 → 75, not the mean of all units (80).
    assert [g["mean_index"] for g in report["groups"]] == ["90.00", "60.00"]
    assert report["overall"]["mean_index"] == "75.00"
    # The year before's own overall mean: (82 + 60 + 93) / 3 = 78.33, every group counted.
    assert report["overall"]["previous_mean_index"] == "78.33"
    assert [g["previous_mean_index"] for g in report["groups"]] == ["82.00", "60.00"]
    a1 = report["units"][0]
    assert (a1["unit_code"], a1["previous_index"], a1["delta"]) == ("A1", "88.00", "12.00")
    assert (a1["band"], a1["previous_band"], a1["rank_in_group"]) == ("tot", "tot", 1)
    assert (report["overall"]["units_up"], report["overall"]["units_down"]) == (2, 0)
    assert report["groups"][0]["band_counts"] == {"tot": 1, "kha": 1, "trung_binh": 0, "yeu": 0}
    assert report["year"] == 2019 and report["published"] is True
