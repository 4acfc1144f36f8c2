"""`import_unit_changes FILE --year YYYY` (CSV, XLSX), the secretariat's upload → preview →
confirm pages, and the set-up of a year's units and groups from the year before."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from scoring import lineage, unit_changes
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import Assessment, AuditEntry, PeriodGroup
from scoring.selectors import assessment_scores_compute
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_result,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)
from units.enums import LineageBasis
from units.models import Unit, UnitChange

pytestmark = pytest.mark.django_db

HEADER = "successor_code,successor_name,group_code,predecessor_codes,basis"
GOOD = [
    HEADER,
    "SO-NNMT,Sở Nông nghiệp và Môi trường,so,SO-NN;SO-TN,mean",
    "XA-TH,UBND xã Tân Hòa,xa,XA-TL;XA-HA,XA-TL",
    "SO-DTTG,Sở Dân tộc và Tôn giáo,so,SO-BDT,SO-BDT",
    "SO-VH,Sở Văn hóa và Thể thao,so,SO-VHDL,SO-VHDL",
    "SO-DL,Sở Du lịch,so,SO-VHDL,none",
    "SN-HCC,Trung tâm Phục vụ hành chính công tỉnh,sn,,none",
    "SN-VPDK,Văn phòng Đăng ký đất đai tỉnh,so,SN-VPDK,SN-VPDK",
]


@pytest.fixture
def province():
    """2024 published with its dossiers; 2025 in set-up."""
    groups = {
        code: make_group(code, name, order=n)
        for n, (code, name) in enumerate(
            [("so", "Khối sở"), ("sn", "Khối sự nghiệp"), ("xa", "Khối xã")], 1
        )
    }
    names = {
        "SO-NN": ("so", "Sở Nông nghiệp và PTNT"),
        "SO-TN": ("so", "Sở Tài nguyên và Môi trường"),
        "SO-BDT": ("so", "Ban Dân tộc"),
        "SO-VHDL": ("so", "Sở Văn hóa, Thể thao và Du lịch"),
        "SO-TP": ("so", "Sở Tư pháp"),
        "SN-VPDK": ("sn", "Văn phòng Đăng ký đất đai tỉnh"),
        "XA-TL": ("xa", "UBND xã Tân Lập"),
        "XA-HA": ("xa", "UBND xã Hòa An"),
        "XA-KB": ("xa", "UBND xã Kim Bôi"),
    }
    units = {code: make_unit(groups[g], code, name) for code, (g, name) in names.items()}
    before = make_period(2024, Phase.PUBLISHED)
    for group in groups.values():
        PeriodGroup.objects.create(period=before, group=group, bonus_cap=Decimal("7"))
    for unit in units.values():
        make_assessment(before, unit)
        make_result(before, unit, "80")
    period = make_period(2025, Phase.SETUP)
    return {"groups": groups, "units": units, "before": before, "period": period}


def _write_csv(tmp_path, lines, name="thay-doi.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path, year=2025):
    out, err = StringIO(), StringIO()
    call_command("import_unit_changes", str(path), "--year", str(year), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _snapshot():
    return (
        sorted(Unit.objects.values_list("code", "name", "group__code")),
        sorted(UnitChange.objects.values_list("year", "successor__code", "basis")),
        AuditEntry.objects.count(),
    )


# --- the command ----------------------------------------------------------------------------


def test_import_csv_saves_mergers_splits_renames_new_units_and_group_changes(province, tmp_path):
    out, _err = _import(_write_csv(tmp_path, GOOD))
    assert "Đã lưu 7 thay đổi đơn vị năm 2025" in out
    changes = {c.successor.code: c for c in UnitChange.objects.filter(year=2025)}
    assert set(changes) == {"SO-NNMT", "XA-TH", "SO-DTTG", "SO-VH", "SO-DL", "SN-HCC", "SN-VPDK"}
    merged = changes["SO-NNMT"]
    assert merged.basis == LineageBasis.MEAN and merged.basis_unit is None
    assert sorted(p.code for p in merged.predecessors.all()) == ["SO-NN", "SO-TN"]
    assert (changes["XA-TH"].basis, changes["XA-TH"].basis_unit.code) == ("predecessor", "XA-TL")
    assert changes["SO-DL"].basis == "none" and changes["SN-HCC"].predecessors.count() == 0
    # New successors are created in the group given, from that year.
    created = Unit.objects.get(code="SN-HCC")
    assert (created.group.code, created.active_from_year) == ("sn", 2025)
    assert Unit.objects.get(code="SO-NNMT").name == "Sở Nông nghiệp và Môi trường"
    # A group change is a change of the year; the unit keeps its group until the set-up.
    assert changes["SN-VPDK"].group.code == "so"
    assert Unit.objects.get(code="SN-VPDK").group.code == "sn"
    entry = AuditEntry.objects.get(action=AuditAction.UNITS)
    assert entry.period == province["period"] and "thay-doi.csv" in entry.reason
    assert len(entry.new_value["unit_changes"]) == 7 and entry.new_value["units_created"] == 6


def test_import_xlsx_gives_the_same_changes(province, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD:
        sheet.append(line.split(","))
    path = tmp_path / "thay-doi.xlsx"
    workbook.save(path)
    _import(path)
    assert UnitChange.objects.filter(year=2025).count() == 7
    assert UnitChange.objects.get(successor__code="XA-TH").basis_unit.code == "XA-TL"


def test_reimport_replaces_the_years_changes(province, tmp_path):
    _import(_write_csv(tmp_path, GOOD))
    _import(_write_csv(tmp_path, [HEADER, "SO-NNMT,,so,SO-NN;SO-TN,SO-NN"], "lan-2.csv"))
    (change,) = UnitChange.objects.filter(year=2025)
    assert (change.successor.code, change.basis_unit.code) == ("SO-NNMT", "SO-NN")
    last = AuditEntry.objects.filter(action=AuditAction.UNITS).order_by("id").last()
    assert len(last.old_value["unit_changes"]) == 7


BAD = [
    HEADER,
    "SO-NNMT,Sở Nông nghiệp và Môi trường,so,SO-NN;SO-TN,mean",  # 2: fine
    ",Không mã,so,SO-NN,SO-NN",  # 3: no successor code
    "SO-X,Sở X,khong-co,SO-NN,SO-NN",  # 4: unknown group
    "SO-Y,Sở Y,so,SO-NN;SO-ZZ,mean",  # 5: unknown predecessor
    "SO-Z,Sở Z,so,SO-NN,SO-TN",  # 6: basis not among the predecessors
    "SO-W,Sở W,so,,mean",  # 7: mean without predecessors
    "SO-NNMT,Trùng,so,SO-BDT,SO-BDT",  # 8: successor twice
    "SO-MOI,,so,,none",  # 9: a new unit without a name
    "SO-V,Sở V,so,SO-BDT,",  # 10: no basis
    "SO-U,Sở U,so,SO-BDT;SO-BDT,SO-BDT",  # 11: a predecessor twice
]


def test_import_reports_every_bad_row_with_its_line_and_saves_nothing(province, tmp_path):
    before = _snapshot()
    with pytest.raises(CommandError, match="9 lỗi, chưa lưu dữ liệu nào"):
        _import(_write_csv(tmp_path, BAD))
    assert _snapshot() == before
    check = unit_changes.unit_changes_check(
        year=2025, rows=unit_changes.unit_changes_file_read(_write_csv(tmp_path, BAD))
    )
    lines = [e.split(":")[0] for e in check.errors]
    assert lines == [f"Dòng {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11)]
    text = "\n".join(check.errors)
    assert "không có khối “khong-co”" in text
    assert "không có đơn vị cũ “SO-ZZ”" in text
    assert "cơ sở so sánh “SO-TN” phải là mean, none hoặc một mã trong predecessor_codes" in text
    assert "trùng với dòng 2" in text
    assert "đơn vị mới “SO-MOI” cần có tên" in text


def test_import_refuses_a_bad_header_a_missing_year_and_an_ended_predecessor(province, tmp_path):
    before = _snapshot()
    with pytest.raises(CommandError):
        _import(_write_csv(tmp_path, ["successor,name,group", "A,B,so"]))
    check_header = None
    try:
        unit_changes.unit_changes_file_read(_write_csv(tmp_path, ["successor,name", "A,B"]))
    except unit_changes.UnitChangesError as error:
        check_header = error.errors
    assert check_header and check_header[0].startswith("Dòng 1: dòng tiêu đề phải là")
    with pytest.raises(CommandError):
        _import(_write_csv(tmp_path, GOOD), year=2031)
    province["units"]["SO-BDT"].active_to_year = 2023
    province["units"]["SO-BDT"].save()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_unit_changes",
            str(_write_csv(tmp_path, [HEADER, "SO-DTTG,Sở DT,so,SO-BDT,SO-BDT"])),
            "--year",
            "2025",
            stderr=err,
        )
    assert "Dòng 2: đơn vị cũ “SO-BDT” không hoạt động năm 2024" in err.getvalue()
    assert _snapshot() == before


# --- the pages ------------------------------------------------------------------------------


def _login(client, kind=RoleKind.SECRETARIAT, unit=None):
    user = make_user(kind, unit)
    client.force_login(user)
    return user


def test_upload_preview_confirm_pages(province, client, tmp_path):
    _login(client)
    path = _write_csv(tmp_path, GOOD)
    with path.open("rb") as handle:
        response = client.post(reverse("unit_changes_upload"), {"year": "2025", "file": handle})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường" in page
    assert "so với UBND xã Tân Lập (cũ)" in page
    assert "Chia tách từ Sở Văn hóa, Thể thao và Du lịch" in page
    assert "đơn vị mới" in page and "chuyển từ khối sn" in page
    assert not UnitChange.objects.exists()  # nothing saved before confirming
    key = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    done = client.post(reverse("unit_changes_confirm", args=[key]))
    assert done["Location"] == reverse("year_units", args=[2025])
    assert UnitChange.objects.filter(year=2025).count() == 7


def test_upload_of_a_bad_file_shows_line_errors_and_confirm_saves_nothing(
    province, client, tmp_path
):
    _login(client)
    with _write_csv(tmp_path, BAD).open("rb") as handle:
        response = client.post(reverse("unit_changes_upload"), {"year": "2025", "file": handle})
    preview = client.get(response["Location"])
    assert preview.status_code == 400
    assert "Dòng 4: không có khối “khong-co”." in preview.content.decode()
    key = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    before = _snapshot()
    client.post(reverse("unit_changes_confirm", args=[key]))
    assert _snapshot() == before


def test_pages_are_the_secretariats_only(province, client):
    for kind in (RoleKind.LEADERSHIP, RoleKind.COUNCIL, RoleKind.AGENCY_HEAD):
        client.force_login(make_user(kind, province["units"]["SO-TP"]))
        assert client.get(reverse("unit_changes_index")).status_code == 404
        assert client.get(reverse("year_units", args=[2025])).status_code == 404
        assert client.post(reverse("year_setup_confirm", args=[2025])).status_code == 404
    assert not Assessment.objects.filter(period=province["period"]).exists()


# --- setting up a year ----------------------------------------------------------------------


def test_year_setup_plan_then_apply_makes_the_years_dossiers_and_groups(province, tmp_path):
    _import(_write_csv(tmp_path, GOOD))
    period = province["period"]
    plan = unit_changes.year_setup_plan(period=period)
    assert not plan.errors and plan.source == "dossiers"
    assert {s.unit.code for s in plan.units} == {
        "SO-NNMT", "XA-TH", "SO-DTTG", "SO-VH", "SO-DL", "SN-HCC", "SN-VPDK", "SO-TP", "XA-KB",
    }  # fmt: skip
    assert {u.code for u in plan.ended} == {"SO-NN", "SO-TN", "SO-BDT", "SO-VHDL", "XA-TL", "XA-HA"}
    assert Assessment.objects.filter(period=period).count() == 0  # a plan writes nothing

    unit_changes.year_setup_apply(actor=make_user(RoleKind.SECRETARIAT), period=period)
    dossiers = dict(
        Assessment.objects.filter(period=period).values_list("unit__code", "group__code")
    )
    assert dossiers["SN-VPDK"] == "so" and dossiers["SN-HCC"] == "sn" and dossiers["XA-TH"] == "xa"
    assert len(dossiers) == 9
    caps = dict(PeriodGroup.objects.filter(period=period).values_list("group__code", "bonus_cap"))
    assert caps == {"so": Decimal("7.00"), "sn": Decimal("7.00"), "xa": Decimal("7.00")}
    # The unit's current group follows the latest year; the year before keeps its own.
    assert Unit.objects.get(code="SN-VPDK").group.code == "so"
    assert Assessment.objects.get(period=province["before"], unit__code="SN-VPDK").group.code == (
        "sn"
    )
    assert Unit.objects.get(code="SO-NN").active_to_year == 2024
    assert Unit.objects.get(code="SO-TP").active_to_year is None
    entry = AuditEntry.objects.filter(action=AuditAction.UNITS).order_by("id").last()
    assert "SN-HCC" in entry.new_value["dossiers_created"]
    assert "SO-NN" in entry.new_value["units_ended"]
    # Confirmed twice: nothing more to do, nothing changes.
    again = unit_changes.year_setup_plan(period=period)
    assert not again.has_work and not again.errors


def test_year_setup_from_published_results_when_the_year_before_had_no_dossiers(province):
    Assessment.objects.filter(period=province["before"]).delete()
    plan = unit_changes.year_setup_plan(period=province["period"])
    assert plan.source == "results" and len(plan.units) == 9


def test_year_setup_keeps_scored_dossiers_and_stops_after_self_assessment(province, tmp_path):
    period = province["period"]
    tree = make_small_tree(period, list(province["groups"].values()))
    scored = make_assessment(period, province["units"]["SO-NN"])  # ends in the changes
    set_score(scored, tree["1.1"], "2", stage=Stage.SELF)
    _import(_write_csv(tmp_path, GOOD))
    plan = unit_changes.year_setup_plan(period=period)
    assert any("Sở Nông nghiệp và PTNT" in e and "đã có điểm chấm" in e for e in plan.errors)
    with pytest.raises(unit_changes.UnitChangesError):
        unit_changes.year_setup_apply(actor=None, period=period)
    assert Assessment.objects.filter(period=period).count() == 1
    scored.scores.all().delete()
    unit_changes.year_setup_apply(actor=None, period=period)
    assert not Assessment.objects.filter(period=period, unit__code="SO-NN").exists()
    period.phase = Phase.ROUND1
    period.save()
    assert unit_changes.year_setup_plan(period=period).errors


def test_year_units_page_reviews_then_confirms(province, client, tmp_path):
    _import(_write_csv(tmp_path, GOOD))
    _login(client)
    page = client.get(reverse("year_units", args=[2025])).content.decode()
    assert "Thiết lập đơn vị năm 2025" in page and "sẽ tạo" in page
    assert "Hợp nhất Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường" in page
    assert "Đơn vị của năm 2024 không tiếp tục" in page
    assert not Assessment.objects.filter(period=province["period"]).exists()
    response = client.post(reverse("year_setup_confirm", args=[2025]))
    assert response.status_code == 302
    assert Assessment.objects.filter(period=province["period"]).count() == 9
    page = client.get(reverse("year_units", args=[2025])).content.decode()
    assert "Các hồ sơ của năm đã đúng như dưới đây." in page
    # A published year shows its lineage, without a set-up.
    page = client.get(reverse("year_units", args=[2024])).content.decode()
    assert "Xác nhận thiết lập" not in page
    assert client.post(reverse("year_setup_confirm", args=[2024])).status_code == 404


def test_group_change_ranks_in_the_new_group_and_keeps_the_old_years(province, tmp_path):
    """After a group change the year before is recomputed in its own group (verify_results)."""
    before, period = province["before"], province["period"]
    groups = list(province["groups"].values())
    old_tree = make_small_tree(before, groups)
    old_dossier = Assessment.objects.get(period=before, unit__code="SN-VPDK")
    set_score(old_dossier, old_tree["1.1"], "2")
    _import(_write_csv(tmp_path, GOOD))
    unit_changes.year_setup_apply(actor=None, period=period)
    (computed,) = assessment_scores_compute(
        period=before, stage=Stage.FINAL, assessment_ids=[old_dossier.id]
    )
    assert computed.group_id == province["groups"]["sn"].id
    new_dossier = Assessment.objects.get(period=period, unit__code="SN-VPDK")
    assert new_dossier.group_id == province["groups"]["so"].id
    # Its comparison is its own previous figure.
    compared = lineage.comparisons(period=period, unit_ids=[new_dossier.unit_id])
    assert compared[new_dossier.unit_id].previous_index == Decimal("80.00")
    assert compared[new_dossier.unit_id].label == ""
