"""Report builds: only signed-in users allowed to see the report, REPORT_BUILDS_PER_HOUR each."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from reports.models import ReportFile
from tests.factories import RoleKind, make_user


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _export(client, slug="cong-bo", fmt="pdf"):
    return client.post(reverse("reports:export", args=[2024, slug]), {"format": fmt})


def test_signed_out_visitor_cannot_start_a_build(client, published_year):
    page = client.get(reverse("reports:report", args=[2024, "cong-bo"]))
    assert page.status_code == 200  # the published report stays public to read
    text = page.content.decode()
    assert reverse("reports:export", args=[2024, "cong-bo"]) not in text
    assert "Đăng nhập để tải báo cáo" in text
    for fmt in ("pdf", "xlsx"):
        response = _export(client, fmt=fmt)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert not ReportFile.objects.exists()


def test_signed_in_user_not_allowed_to_see_the_report_cannot_build_it(client, published_year):
    client.force_login(make_user(RoleKind.AGENCY_STAFF, published_year["units"]["SO-TP"]))
    assert _export(client, slug="tu-danh-gia").status_code == 404
    assert not ReportFile.objects.exists()


def test_report_builds_are_limited_per_user_per_hour(client, published_year, settings):
    settings.REPORT_BUILDS_PER_HOUR = 3
    leader = make_user(RoleKind.LEADERSHIP)
    client.force_login(leader)
    for _ in range(3):
        assert _export(client).status_code == 302
    refused = _export(client, fmt="xlsx")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 3600
    text = refused.content.decode()
    assert "Bạn đã yêu cầu tạo 3 tệp báo cáo trong giờ này" in text and "thử lại sau" in text
    assert ReportFile.objects.filter(created_by=leader).count() == 3
    # the scorecard PDF is a build too; its XLSX is not counted
    scorecard = reverse("reports:scorecard_file", args=[2024, "SO-TP", "pdf"])
    assert client.get(scorecard).status_code == 429
    xlsx = reverse("reports:scorecard_file", args=[2024, "SO-TP", "xlsx"])
    assert client.get(xlsx).status_code == 200
    # another user has their own allowance
    client.force_login(make_user(RoleKind.SECRETARIAT))
    assert _export(client).status_code == 302
    assert ReportFile.objects.count() == 4
