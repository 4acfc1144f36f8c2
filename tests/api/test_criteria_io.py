"""The criteria set as a spreadsheet: round trip, every import error, copy, commands, pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from scoring.criteria_io import (
    FIXED_COLUMNS,
    CriteriaError,
    criteria_copy,
    criteria_export,
    criteria_import,
    criteria_parse,
    criteria_preview,
)
from scoring.enums import Stage
from scoring.models import Criterion, CriterionMax, Period, PeriodGroup
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_hundred_tree,
    make_period,
    make_unit,
    make_user,
    set_score,
)


@pytest.fixture
def groups(db):
    return [make_group("so", "Khối sở", order=1), make_group("xa", "Khối xã", order=2)]


@pytest.fixture
def period(groups):
    period = make_period(2024, groups=groups)
    PeriodGroup.objects.filter(period=period, group=groups[1]).update(bonus_cap=Decimal("6"))
    make_hundred_tree(period, groups)
    return period


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


HEADER = FIXED_COLUMNS + ["max_so", "max_xa"]


def _xlsx(rows: list[list], header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def _valid_rows() -> list[list]:
    #        code   name        parent level kind  method    params                 ev  g  n  so  xa
    return [
        ["1", "Chỉ đạo", "", "field", "scored", "", "", "có", "", "", 100, 100],
        ["1.1", "Kế hoạch", "1", "criterion", "scored", "yes_no", "", "có", "", "", 40, 40],
        ["1.2", "Báo cáo", "1", "", "", "manual", '{"step": "0.5"}', "không", "", "", 60, 60],
    ]


def test_criteria_export_import_export_round_trip_same_rows(period):
    first = criteria_export(period=period)
    rows, errors = criteria_parse(io.BytesIO(first))
    assert errors == []
    criteria_import(actor=None, year=2030, rows=rows)
    second = criteria_export(period=Period.objects.get(year=2030))
    first_cells, second_cells = _cells(first), _cells(second)
    assert first_cells[0] == HEADER
    assert len(first_cells) == 1 + Criterion.objects.filter(period=period).count()
    for before, after in zip(first_cells, second_cells, strict=True):
        assert before == after


def test_criteria_export_rows_hold_parent_levels_params_and_maxima(period):
    cells = {row[0]: row for row in _cells(criteria_export(period=period))[1:]}
    assert cells["2.2"][:8] == [
        "2.2",
        "Hồ sơ đúng hạn",
        "2",
        "criterion",
        "scored",
        "ratio",
        '{"threshold": "95"}',
        "có",
    ]
    assert cells["2.2"][10:] == [2, 2]
    assert cells["2"][10:] == [6, 6]  # a parent: the sum of its leaves
    assert cells["3.1"][10:] == [90, 90]


def test_criteria_import_creates_period_tree_and_maxima(groups):
    rows, errors = criteria_parse(_xlsx(_valid_rows()))
    assert errors == []
    period = criteria_import(actor=None, year=2026, rows=rows)
    nodes = {c.code: c for c in Criterion.objects.filter(period=period)}
    assert nodes["1.1"].parent == nodes["1"] and nodes["1.1"].is_leaf
    assert not nodes["1"].is_leaf
    assert nodes["1.2"].level == "criterion" and nodes["1.2"].kind == "scored"
    assert nodes["1.2"].params == {"step": "0.5"} and nodes["1.2"].evidence_required is False
    assert set(
        CriterionMax.objects.filter(criterion__period=period).values_list(
            "criterion__code", "group__code", "max_score"
        )
    ) == {
        ("1.1", "so", Decimal("40")),
        ("1.1", "xa", Decimal("40")),
        ("1.2", "so", Decimal("60")),
        ("1.2", "xa", Decimal("60")),
    }
    assert set(period.groups.values_list("group__code", flat=True)) == {"so", "xa"}


def test_criteria_import_replaces_set_keeping_ids_by_code(period):
    old_id = Criterion.objects.get(period=period, code="1.1").id
    rows, errors = criteria_parse(_xlsx(_valid_rows()))
    criteria_import(actor=None, year=2024, rows=rows)
    assert sorted(Criterion.objects.filter(period=period).values_list("code", flat=True)) == [
        "1",
        "1.1",
        "1.2",
    ]
    assert Criterion.objects.get(period=period, code="1.1").id == old_id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r[2].__setitem__(2, "9"), "Dòng 4: tiêu chí cha “9” không có trong tệp."),
        (lambda r: r[2].__setitem__(0, "1.1"), "Dòng 4: mã 1.1 trùng với dòng 3."),
        (lambda r: r[1].__setitem__(5, "guess"), "Dòng 3: phương pháp chấm “guess” không hợp lệ"),
        (lambda r: r[2].__setitem__(6, "{step: 0.5}"), "Dòng 4: tham số không phải JSON hợp lệ"),
        (
            lambda r: r[1].__setitem__(10, "bốn mươi"),
            "Dòng 3: điểm tối đa khối so “bốn mươi” không phải là số.",
        ),
        (
            lambda r: r[2].__setitem__(5, ""),
            "Dòng 4: tiêu chí 1.2 không có tiêu chí con nên phải có phương pháp chấm.",
        ),
        (
            lambda r: r[2].__setitem__(11, 50),
            "Khối xa: tổng điểm tối đa các tiêu chí tính điểm là 90,00, phải bằng 100.",
        ),
        (
            lambda r: r[0].__setitem__(10, 99),
            "Dòng 2: điểm tối đa khối so của 1 là 99,00 nhưng tổng các tiêu chí con là 100,00",
        ),
        (lambda r: r[0].__setitem__(1, ""), "Dòng 2: thiếu nội dung tiêu chí 1."),
    ],
)
def test_criteria_import_error_has_row_number_and_saves_nothing(period, change, message):
    rows = _valid_rows()
    change(rows)
    parsed, errors = criteria_parse(_xlsx(rows))
    if not errors:
        with pytest.raises(CriteriaError) as caught:
            criteria_import(actor=None, year=2024, rows=parsed)
        errors = caught.value.errors
    assert any(e.startswith(message) for e in errors), errors
    assert Criterion.objects.filter(period=period).count() == 14  # unchanged


def test_criteria_parse_wrong_header_is_error(db):
    rows, errors = criteria_parse(_xlsx(_valid_rows(), header=["ma", "ten"]))
    assert rows == [] and errors[0].startswith("Dòng 1: tiêu đề phải đúng là: code, name")


def test_criteria_parse_not_xlsx_is_error(db):
    rows, errors = criteria_parse(io.BytesIO(b"code,name\n1,x\n"))
    assert errors == ["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."]


def test_criteria_import_unknown_group_column_is_error(groups):
    header = FIXED_COLUMNS + ["max_so", "max_khong_co"]
    rows, errors = criteria_parse(_xlsx(_valid_rows(), header=header))
    with pytest.raises(CriteriaError) as caught:
        criteria_import(actor=None, year=2026, rows=rows)
    assert "Cột max_khong_co: không có khối mã “khong_co”." in caught.value.errors
    assert not Period.objects.filter(year=2026).exists()


def test_criteria_import_refused_when_period_has_scores(period, groups):
    assessment = make_assessment(period, make_unit(groups[0]))
    set_score(assessment, Criterion.objects.get(period=period, code="1.1"), "2", stage=Stage.SELF)
    rows, _errors = criteria_parse(_xlsx(_valid_rows()))
    with pytest.raises(CriteriaError) as caught:
        criteria_import(actor=None, year=2024, rows=rows)
    assert caught.value.errors == [
        "Năm 2024 đã có điểm chấm; không thể thay đổi bộ tiêu chí của năm này."
    ]
    assert Criterion.objects.filter(period=period).count() == 14


def test_criteria_preview_tree_and_totals_per_group(groups):
    rows, _errors = criteria_parse(_xlsx(_valid_rows()))
    preview = criteria_preview(period_year=2026, rows=rows)
    assert preview["errors"] == []
    assert [(g["code"], g["total"], g["ok"]) for g in preview["groups"]] == [
        ("so", Decimal("100.00"), True),
        ("xa", Decimal("100.00"), True),
    ]
    assert [(n["code"], n["depth"], n["is_leaf"]) for n in preview["nodes"]] == [
        ("1", 0, False),
        ("1.1", 1, True),
        ("1.2", 1, True),
    ]
    assert not Period.objects.filter(year=2026).exists()  # a preview saves nothing


def test_criteria_copy_copies_tree_maxima_and_bonus_caps(period, groups):
    target = criteria_copy(from_year=2024, to_year=2025)
    assert target.phase == "setup"
    source_nodes = list(
        Criterion.objects.filter(period=period).values_list(
            "code", "parent__code", "method", "is_leaf", "kind"
        )
    )
    copied = list(
        Criterion.objects.filter(period=target).values_list(
            "code", "parent__code", "method", "is_leaf", "kind"
        )
    )
    assert sorted(copied) == sorted(source_nodes)
    assert (
        CriterionMax.objects.filter(criterion__period=target).count()
        == CriterionMax.objects.filter(criterion__period=period).count()
    )
    assert dict(target.groups.values_list("group__code", "bonus_cap")) == {
        "so": Decimal("5.00"),
        "xa": Decimal("6.00"),
    }
    assert _cells(criteria_export(period=target)) == _cells(criteria_export(period=period))


def test_criteria_copy_refused_when_target_has_a_set(period):
    criteria_copy(from_year=2024, to_year=2025)
    with pytest.raises(CriteriaError) as caught:
        criteria_copy(from_year=2024, to_year=2025)
    assert "đã có bộ tiêu chí" in caught.value.errors[0]


def test_criteria_copy_missing_source_is_error(db):
    with pytest.raises(CriteriaError):
        criteria_copy(from_year=1999, to_year=2000)


# --- commands ----------------------------------------------------------------------------


def test_commands_export_import_copy(period, tmp_path):
    out = tmp_path / "bo-tieu-chi.xlsx"
    call_command("export_criteria", "--year", "2024", "--out", str(out))
    call_command("import_criteria", str(out), "--year", "2031")
    assert _cells(criteria_export(period=Period.objects.get(year=2031))) == _cells(out.read_bytes())
    call_command("copy_criteria", "--from", "2031", "--to", "2032")
    assert Criterion.objects.filter(period__year=2032).count() == 14


def test_command_import_errors_listed(groups, tmp_path):
    rows = _valid_rows()
    rows[1][5] = "guess"
    path = tmp_path / "sai.xlsx"
    path.write_bytes(_xlsx(rows).getvalue())
    with pytest.raises(CommandError, match="Dòng 3: phương pháp chấm"):
        call_command("import_criteria", str(path), "--year", "2026")
    assert not Criterion.objects.exists()


# --- pages -------------------------------------------------------------------------------


@pytest.fixture
def secretariat_client(client, db):
    client.force_login(make_user(RoleKind.SECRETARIAT))
    return client


def _upload(client, rows, year=2026):
    return client.post("/tieu-chi/tai-len/", {"year": str(year), "file": _named(_xlsx(rows))})


def _named(buffer: io.BytesIO):
    buffer.name = "bo-tieu-chi.xlsx"
    return buffer


def test_criteria_upload_preview_confirm_saves(secretariat_client, groups):
    response = _upload(secretariat_client, _valid_rows())
    assert response.status_code == 302
    preview = secretariat_client.get(response.url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "100,00" in html and "Kế hoạch" in html
    assert not Period.objects.filter(year=2026).exists()  # nothing saved before confirm
    confirm_url = response.url.replace("/xem-truoc/", "/xac-nhan/")
    done = secretariat_client.post(confirm_url)
    assert done.status_code == 302 and done.url == "/tieu-chi/"
    assert Criterion.objects.filter(period__year=2026).count() == 3


def test_criteria_upload_with_errors_shows_rows_and_cannot_confirm(secretariat_client, groups):
    rows = _valid_rows()
    rows[2][2] = "9"
    response = _upload(secretariat_client, rows)
    html = secretariat_client.get(response.url).content.decode()
    assert "Dòng 4: tiêu chí cha “9” không có trong tệp." in html
    assert "xac-nhan" not in html
    secretariat_client.post(response.url.replace("/xem-truoc/", "/xac-nhan/"))
    assert not Criterion.objects.exists()


def test_criteria_export_page_downloads_xlsx(secretariat_client, period):
    response = secretariat_client.get("/tieu-chi/2024/tai-ve/")
    assert response.status_code == 200
    assert _cells(response.content) == _cells(criteria_export(period=period))


def test_criteria_copy_page(secretariat_client, period):
    response = secretariat_client.post(
        "/tieu-chi/sao-chep/", {"from_year": "2024", "to_year": "2025"}
    )
    assert response.status_code == 302
    assert Criterion.objects.filter(period__year=2025).count() == 14


@pytest.mark.parametrize(
    "kind", [RoleKind.AGENCY_HEAD, RoleKind.APPRAISER, RoleKind.COUNCIL, RoleKind.LEADERSHIP]
)
def test_criteria_pages_not_found_for_others(client, period, groups, kind):
    unit = make_unit(groups[0])
    client.force_login(make_user(kind, unit=unit, year=2024))
    assert client.get("/tieu-chi/").status_code == 404
    assert client.get("/tieu-chi/2024/tai-ve/").status_code == 404
    assert (
        client.post("/tieu-chi/sao-chep/", {"from_year": "2024", "to_year": "2025"}).status_code
        == 404
    )
    assert _upload(client, _valid_rows()).status_code == 404
    assert not Criterion.objects.filter(period__year__in=[2025, 2026]).exists()


def test_criteria_index_query_count_constant(secretariat_client, groups, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_period(2020, groups=groups)
    with CaptureQueriesContext(connection) as ctx:
        assert secretariat_client.get("/tieu-chi/").status_code == 200
    make_period(2021, groups=groups)
    make_period(2022, groups=groups)
    with django_assert_num_queries(len(ctx.captured_queries)):
        secretariat_client.get("/tieu-chi/")


def test_criteria_sample_file_imports_cleanly(db):
    """docs/criteria-sample.xlsx (the demo loads it) is a valid set for its groups."""
    from django.conf import settings

    for order, code in enumerate(("so", "nganh_doc", "su_nghiep", "xa")):
        make_group(code, order=order)
    with open(settings.BASE_DIR / "docs" / "criteria-sample.xlsx", "rb") as handle:
        sample = handle.read()
    rows, errors = criteria_parse(io.BytesIO(sample))
    assert errors == [] and len(rows) > 50
    period = criteria_import(actor=None, year=2040, rows=rows)
    assert _cells(criteria_export(period=period)) == _cells(sample)
