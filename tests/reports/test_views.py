"""Pages, permissions (404 for "not yours"), query counts, open data, progress JSON."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ImprovementPlan, ReportFile
from scoring.enums import Phase, Stage
from scoring.results_io import results_csv
from scoring.selectors import results_report
from scoring.services import results_compute
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)


@pytest.fixture
def staff(client):
    def login(kind, unit=None):
        user = make_user(kind, unit=unit)
        client.force_login(user)
        return user

    return login


def test_published_report_page_public(client, published_year):
    response = client.get(reverse("reports:report", args=[2024, "cong-bo"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bảng 1. Kết quả xếp hạng Chỉ số CCHC năm 2024 theo khối" in body
    assert "92,50%" in body and "<svg" in body


@pytest.mark.parametrize("slug", ["cong-bo", "phan-tich-tieu-chi", "tu-danh-gia", "trach-nhiem"])
def test_unpublished_reports_hidden_from_public(client, published_year, slug):
    period = published_year["period"]
    period.phase = Phase.COUNCIL
    period.save(update_fields=["phase"])
    assert client.get(reverse("reports:report", args=[2024, slug])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "slug", "status"),
    [
        (RoleKind.SECRETARIAT, "phan-tich-tieu-chi", 200),
        (RoleKind.LEADERSHIP, "tu-danh-gia", 200),
        (RoleKind.COUNCIL, "trach-nhiem", 200),
        (RoleKind.APPRAISER, "phan-tich-tieu-chi", 200),
        (RoleKind.APPRAISER, "tu-danh-gia", 404),
        (RoleKind.AGENCY_STAFF, "phan-tich-tieu-chi", 404),
        (RoleKind.AGENCY_STAFF, "trach-nhiem", 404),
    ],
)
def test_province_reports_by_role(client, published_year, staff, kind, slug, status):
    staff(kind, unit=published_year["units"]["SO-TP"])
    assert client.get(reverse("reports:report", args=[2024, slug])).status_code == status


def test_scorecard_own_unit_only(client, published_year, staff):
    staff(RoleKind.AGENCY_STAFF, unit=published_year["units"]["SO-YT"])
    own = client.get(reverse("reports:scorecard", args=[2024, "SO-YT"]))
    assert own.status_code == 200
    assert "Báo cáo quý III nộp trễ hạn" in own.content.decode()
    assert client.get(reverse("reports:scorecard", args=[2024, "SO-TP"])).status_code == 404
    assert client.get(reverse("reports:scorecard", args=[2024, "KHONG-CO"])).status_code == 404
    assert client.get(reverse("reports:plan", args=[2024, "SO-TP"])).status_code == 404
    xlsx = client.get(reverse("reports:scorecard_file", args=[2024, "SO-YT", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_improvement_plan_draft_edit_export(client, published_year, staff):
    staff(RoleKind.AGENCY_HEAD, unit=published_year["units"]["SO-YT"])
    url = reverse("reports:plan", args=[2024, "SO-YT"])
    assert client.post(url, {"action": "draft"}).status_code == 302
    plan = ImprovementPlan.objects.get()
    items = list(plan.items.all())
    assert [(i.code, i.cause) for i in items] == [
        ("1.2", "Báo cáo quý III nộp trễ hạn"),
        ("2.3", ""),
    ]
    data = {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    fields = [
        "order",
        "code",
        "content",
        "cause",
        "remedy",
        "lead_unit",
        "partners",
        "deadline",
        "note",
    ]
    for n, item in enumerate(items):
        data[f"items-{n}-id"] = str(item.pk)
        data.update({f"items-{n}-{f}": getattr(item, f) for f in fields})
    data["items-0-remedy"] = "Giao chuyên viên theo dõi hạn báo cáo"
    data["items-0-deadline"] = "Hàng quý"
    data["items-1-DELETE"] = "on"
    data["items-2-order"] = "0"  # the blank extra row, as the browser sends it
    item = items[0]
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.remedy, item.deadline) == ("Giao chuyên viên theo dõi hạn báo cáo", "Hàng quý")
    assert plan.items.count() == 1
    pdf = client.get(reverse("reports:plan_file", args=[2024, "SO-YT", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_export_progress_json_then_download(
    client, published_year, staff, django_capture_on_commit_callbacks
):
    staff(RoleKind.LEADERSHIP)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:export", args=[2024, "cong-bo"]), {"format": "xlsx"}
        )
    report_file = ReportFile.objects.get()
    assert response.url == reverse("reports:file", args=[report_file.pk])
    assert "progress" in client.get(response.url).content.decode()
    status = client.get(reverse("reports:file_status", args=[report_file.pk])).json()
    assert status == {
        "status": "done",
        "progress": 100,
        "error": "",
        "download_url": reverse("reports:file_download", args=[report_file.pk]),
    }
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_report_file_of_staff_report_hidden_from_others(
    client, published_year, staff, django_capture_on_commit_callbacks
):
    staff(RoleKind.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:export", args=[2024, "tu-danh-gia"]), {"format": "xlsx"})
    report_file = ReportFile.objects.get()
    staff(RoleKind.AGENCY_STAFF, unit=published_year["units"]["SO-TP"])
    assert client.get(reverse("reports:file_status", args=[report_file.pk])).status_code == 404
    assert client.get(reverse("reports:file_download", args=[report_file.pk])).status_code == 404


def test_open_data_json_and_csv(client, published_year):
    report = results_report(period=published_year["period"])
    data = client.get("/du-lieu-mo/2024.json").json()
    assert data == json.loads(json.dumps(report))
    csv_text = client.get("/du-lieu-mo/2024.csv").content.decode()
    lines = csv_text.splitlines()
    # The same CSV as `export_results --format csv`.
    assert csv_text == results_csv(report)
    assert lines[0].startswith("unit_code,unit_name,group_code,standard_score")
    assert lines[1] == "SO-TP,Sở Tư pháp,so,10.00,10.00,100.00,tot,1,2,88.50,11.50,tot,,false,true"
    assert len(lines) == 7


def test_open_data_unpublished_or_missing_404(client, published_year):
    period = published_year["period"]
    period.phase = Phase.COUNCIL
    period.save(update_fields=["phase"])
    assert client.get("/du-lieu-mo/2024.json").status_code == 404
    assert client.get("/du-lieu-mo/2024.csv").status_code == 404
    assert client.get("/du-lieu-mo/1999.json").status_code == 404


def test_dashboard_for_leadership_only(client, published_year, staff):
    staff(RoleKind.AGENCY_STAFF, unit=published_year["units"]["SO-TP"])
    assert client.get(reverse("reports:dashboard")).status_code == 404
    staff(RoleKind.LEADERSHIP)
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "UBND huyện An Lão" in body and "+2,75" in body


def test_dashboard_shows_group_names_and_band_colours(client, published_year, staff):
    import json
    import re

    staff(RoleKind.LEADERSHIP)
    body = client.get(reverse("reports:dashboard")).content.decode()
    table = body[body.index('id="ranking"') :]
    assert "<td>Khối cơ quan Trung ương</td>" in table and "<td>tw</td>" not in table
    data = json.loads(
        re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', body).group(1)
    )
    assert data["ranking"]["names"][0] == data["ranking"]["labels"][0]
    assert set(data["ranking"]["bands"]) <= {"tot", "kha", "trung_binh", "yeu"}
    assert data["bands"]["codes"] == ["tot", "kha", "trung_binh", "yeu"]
    assert 'class="swatch swatch-trung_binh"' in body


def test_index_runs_page_runs_job(
    client, published_year, staff, django_capture_on_commit_callbacks
):
    staff(RoleKind.SECRETARIAT)
    url = reverse("reports:index_runs", args=[2024])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"stage": Stage.FINAL}).status_code == 302
    body = client.get(url).content.decode()
    assert "Kết quả năm 2024 đã công bố, không thể tính lại." in body
    staff(RoleKind.LEADERSHIP)
    assert client.get(url).status_code == 404


# --- query counts: 1 unit vs 3 units ------------------------------------------------------


def _year_with_units(count: int):
    group = make_group("so", "Khối sở")
    period = make_period(2024, phase=Phase.COUNCIL, groups=[group])
    nodes = make_small_tree(period, [group])
    return group, period, nodes


def _add_units(group, period, nodes, codes):
    for code in codes:
        unit = make_unit(group, code)
        assessment = make_assessment(period, unit)
        for leaf in ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4"):
            set_score(assessment, nodes[leaf], "1", Stage.FINAL, comment="Thiếu tài liệu")
            set_score(assessment, nodes[leaf], "1", Stage.SELF)
    period.phase = Phase.COUNCIL
    period.save(update_fields=["phase"])
    results_compute(period=period, stage=Stage.FINAL)
    period.phase = Phase.PUBLISHED
    period.save(update_fields=["phase"])


@pytest.mark.parametrize(
    "url",
    [
        "/bao-cao/2024/cong-bo/",
        "/bao-cao/2024/phan-tich-tieu-chi/",
        "/bao-cao/2024/tu-danh-gia/",
        "/bao-cao/2024/trach-nhiem/",
        "/bao-cao/tong-quan/",
        "/bao-cao/2024/chay-chi-so/",
        "/du-lieu-mo/2024.json",
    ],
)
def test_list_pages_query_count_constant(client, db, url):
    group, period, nodes = _year_with_units(1)
    _add_units(group, period, nodes, ["A1"])
    user = make_user(RoleKind.SECRETARIAT)
    client.force_login(user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _add_units(group, period, nodes, ["A2", "A3"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
