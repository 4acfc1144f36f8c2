"""The secretariat drafts the year's report in Word from the documents page: the build runs
in the background, the progress page ends with a download; the agency then finds its notice."""

from __future__ import annotations

import io

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, log_in
from tests.factories import RoleKind, make_user
from tests.reports.conftest import published_year  # noqa: F401 — the reports' fixture
from tests.tools import require_tool

require_tool(CHROMIUM.exists(), CHROMIUM_MISSING, module=True)
pytest.importorskip("playwright.sync_api", reason="pip install playwright")

pytestmark = pytest.mark.browser


def test_secretariat_builds_the_report_and_the_agency_its_notice(
    browser_page,
    published_year,  # noqa: F811 — the fixture imported above
):
    from docx import Document
    from playwright.sync_api import expect

    page = browser_page
    make_user(RoleKind.SECRETARIAT, username="thuky")
    make_user(RoleKind.AGENCY_HEAD, published_year["units"]["SO-YT"], username="thutruong")
    log_in(page, "thuky")
    page.goto("/bao-cao/")
    page.get_by_role("link", name="Văn bản: báo cáo, quyết định công bố").first.click()
    expect(page.locator("h1")).to_have_text("Văn bản năm 2024")
    page.locator("form[action='/bao-cao/2024/van-ban/report/tao/'] button", has_text="DOCX").click()
    expect(page.locator("#state")).to_have_text("Hoàn thành")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bao-cao-chi-so-cchc-2024")
    text = "\n".join(
        p.text for p in Document(io.BytesIO(open(download.path(), "rb").read())).paragraphs
    )
    assert "BÁO CÁO" in text and "II. KẾT QUẢ CHỈ SỐ VÀ XẾP HẠNG" in text

    log_in(page, "thutruong")
    page.goto("/bao-cao/2024/van-ban/")
    expect(page.locator("table").last).to_contain_text("Sở Y tế")
    expect(page.locator("body")).not_to_contain_text("Sở Tư pháp")
    page.locator(
        "form[action='/bao-cao/2024/don-vi/SO-YT/van-ban/unit-notice/tao/'] button", has_text="PDF"
    ).click()
    expect(page.locator("#state")).to_have_text("Hoàn thành")
    expect(page.get_by_role("link", name="Tải về")).to_be_visible()
