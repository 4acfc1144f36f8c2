"""Inputs from outside: SIPAS and dossier statistics imports, survey leaves written from them."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from reports.models import DossierStats
from reports.services import (
    ImportRowsError,
    dossier_stats_import,
    external_inputs_apply,
    sipas_import,
)
from scoring.enums import Phase, Stage
from scoring.models import Assessment, LeafScore
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)


@pytest.fixture
def open_year(db):
    group = make_group("so", "Khối sở")
    period = make_period(2025, phase=Phase.ROUND1, groups=[group])
    nodes = make_small_tree(period, [group])
    units = [make_unit(group, code) for code in ("A", "B")]
    for unit in units:
        make_assessment(period, unit)
    return {"period": period, "nodes": nodes, "units": units}


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_sipas_import_csv_sets_assessments(open_year):
    content = b'unit_code,sipas\nA,"81,5"\nB,92.25%\n'
    summary = sipas_import(
        actor=None, period=open_year["period"], content=content, filename="sipas.csv"
    )
    assert summary.rows == 2
    assert dict(Assessment.objects.values_list("unit__code", "sipas")) == {
        "A": Decimal("81.50"),
        "B": Decimal("92.25"),
    }


def test_sipas_import_bad_rows_saves_nothing(open_year):
    content = b"unit_code,sipas\nA,80\nZZ,70\nB,abc\n"
    with pytest.raises(ImportRowsError) as caught:
        sipas_import(actor=None, period=open_year["period"], content=content, filename="sipas.csv")
    assert caught.value.errors == [
        "Dòng 3: không có đơn vị “ZZ” trong kỳ 2025.",
        "Dòng 4: Chỉ số hài lòng “abc” không phải là một số hợp lệ.",
    ]
    assert not Assessment.objects.filter(sipas__isnull=False).exists()


def test_dossier_stats_import_xlsx_sets_late_percent(open_year):
    content = _xlsx(
        [
            ["unit_code", "received", "early", "on_time", "late", "pending"],
            ["A", 120, 10, 80, 10, 20],
            ["B", 3, 0, 0, 0, 3],
        ]
    )
    dossier_stats_import(
        actor=None, period=open_year["period"], content=content, filename="tthc.xlsx"
    )
    stats = DossierStats.objects.get(unit__code="A")
    assert (stats.received, stats.early, stats.on_time, stats.late, stats.pending) == (
        120,
        10,
        80,
        10,
        20,
    )
    percents = dict(Assessment.objects.values_list("unit__code", "late_dossier_percent"))
    assert percents == {"A": Decimal("10.00"), "B": None}


def test_dossier_stats_missing_column_and_bad_number(open_year):
    with pytest.raises(ImportRowsError) as caught:
        dossier_stats_import(
            actor=None,
            period=open_year["period"],
            content=b"unit_code,received\nA,1\n",
            filename="x.csv",
        )
    assert caught.value.errors == ["Thiếu cột: early, on_time, late, pending."]
    with pytest.raises(ImportRowsError) as caught:
        dossier_stats_import(
            actor=None,
            period=open_year["period"],
            filename="x.csv",
            content=b"unit_code,received,early,on_time,late,pending\nA,1,0,1,0,0\nB,1,0,-1,0,0\n",
        )
    assert caught.value.errors == ["Dòng 3: cột on_time phải là số nguyên không âm (“-1”)."]
    assert not DossierStats.objects.exists()


def test_external_inputs_apply_writes_survey_leaves_twice_same(open_year):
    period = open_year["period"]
    sipas_import(
        actor=None, period=period, content=b"unit_code,sipas\nA,95\nB,45\n", filename="s.csv"
    )
    assert external_inputs_apply(period=period, stage=Stage.ROUND1) == 2
    assert external_inputs_apply(period=period, stage=Stage.ROUND1) == 2
    scores = {
        s.assessment.unit.code: (s.inputs, s.value)
        for s in LeafScore.objects.filter(
            criterion=open_year["nodes"]["2.3"], stage=Stage.ROUND1
        ).select_related("assessment__unit")
    }
    # full at 90% → max 2; below: 45 × 2 / 90 = 1.
    assert scores == {
        "A": ({"sipas": "95.00"}, Decimal("2.00")),
        "B": ({"sipas": "45.00"}, Decimal("1.00")),
    }
    assert LeafScore.objects.count() == 2


def test_import_commands(open_year, tmp_path):
    path = tmp_path / "sipas.csv"
    path.write_text("unit_code,sipas\nA,70\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_sipas", str(path), "--year", "2025", stdout=out)
    assert "Đã nhập 1 dòng" in out.getvalue()
    bad = tmp_path / "tthc.csv"
    bad.write_text("unit_code,received,early,on_time,late,pending\nQ,1,1,0,0,0\n")
    with pytest.raises(CommandError, match="Dòng 2: không có đơn vị “Q”"):
        call_command("import_dossier_stats", str(bad), "--year", "2025")


def test_inputs_upload_page(client, open_year):
    client.force_login(make_user(RoleKind.SECRETARIAT))
    url = reverse("reports:inputs", args=[2025])
    upload = io.BytesIO(b"unit_code,sipas\nA,101\n")
    upload.name = "sipas.csv"
    response = client.post(url, {"up-kind": "sipas", "up-file": upload})
    assert response.status_code == 400
    assert "Dòng 2: Chỉ số hài lòng phải từ 0 đến 100%." in response.content.decode()
    upload = io.BytesIO(b"unit_code,sipas\nA,88\n")
    upload.name = "sipas.csv"
    assert client.post(url, {"up-kind": "sipas", "up-file": upload}).status_code == 302
    assert client.post(url, {"action": "apply", "apply-stage": "round1"}).status_code == 302
    assert LeafScore.objects.filter(stage=Stage.ROUND1).count() == 1
    client.force_login(make_user(RoleKind.LEADERSHIP))
    assert client.get(url).status_code == 404
