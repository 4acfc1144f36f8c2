"""Evidence that checks itself, in a real browser: staff upload a scanned plan dated the
year before; the card beside the file shows what was read (OCR for real); the completeness
check lists the warning and the head confirms it knowingly; the appraiser sees the card
beside the file and corrects a field, which is kept with who and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidence.models import ReadingCorrection, WarningsConfirmation
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Period
from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, log_in
from tests.evidence import corpus as c
from tests.evidence.conftest import require_tesseract
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
    set_score,
)
from tests.tools import require_tool

require_tool(CHROMIUM.exists(), CHROMIUM_MISSING, module=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = playwright_api.expect


@pytest.fixture(autouse=True)
def _patient_assertions():
    """OCR in the live server takes seconds, more on a loaded machine: this module's
    assertions wait as long as its page actions (30 s), not Playwright's default 5 s."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


pytestmark = pytest.mark.browser
SHOTS = "evidence-reading"


def test_scanned_plan_of_the_year_before_is_read_warned_and_seen_by_the_appraiser(
    browser_page, settings, tmp_path
):
    require_tesseract()
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    settings.EVIDENCE_READING = True
    group = make_group("so")
    deadline = timezone.now() + timedelta(days=30)  # the dossier is still open
    period = make_period(
        2025, Phase.SELF_ASSESSMENT, groups=[group], self_assessment_deadline=deadline
    )
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, "SO-TP", "Sở Tư pháp")
    make_unit(group, "SO-NV", "Sở Nội vụ")
    assessment = make_assessment(period, unit)
    for code in ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4"):
        set_score(assessment, nodes[code], "1", stage=Stage.SELF, explanation=f"Giải trình {code}")
    make_user(RoleKind.AGENCY_STAFF, unit, username="chuyenvien")
    make_user(RoleKind.AGENCY_HEAD, unit, username="thutruong")
    other = make_unit(group, "SO-TC", "Sở Tài chính")
    appraiser = make_user(RoleKind.APPRAISER, other, username="thamdinh1", expertise=["1"])
    make_assignment(period, "1", unit, appraiser)
    # The plan for 2025 issued on 27/12/2024, scanned at 200 dpi, turned 1.5°.
    scan = tmp_path / "ke-hoach-cchc-2025.pdf"
    scan.write_bytes(c.scan_pdf(c.DOCS["kh-stp-2024"], dpi=200, angle=1.5, seed=4))

    page = browser_page
    page.set_default_timeout(30_000)  # OCR in the live server takes a few seconds
    log_in(page, "chuyenvien")
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/1/")
    block = page.locator(f"#evidence-{nodes['1.1'].id}")
    block.locator(".evidence-drop input[type=file]").set_input_files(str(scan))
    card = block.locator(".evidence-card")
    expect(card.locator(".card-line")).to_have_text(
        "Số 156/KH-STP · 27/12/2024 · Sở Tư pháp · không có chữ ký số"
    )
    expect(card.locator(".card-warnings")).to_contain_text(
        "Văn bản ban hành ngày 27/12/2024, ngoài năm đánh giá 2025."
    )
    card.locator("summary").click()
    expect(card.locator("input[name=signer]")).to_have_value("Trần Văn Minh")
    expect(card).to_contain_text("nhận dạng chữ (OCR)")
    page.screenshot(path=str(tmp_path / f"{SHOTS}-1-card.png"), full_page=True)

    # The head: the completeness check lists the warning under its criterion.
    log_in(page, "thutruong")
    page.goto(f"/ho-so/{assessment.id}/nop/")
    warnings = page.locator("#evidence-warnings")
    expect(warnings).to_contain_text("1.1")
    expect(warnings).to_contain_text("ke-hoach-cchc-2025.pdf")
    expect(warnings).to_contain_text("ngoài năm đánh giá 2025")
    page.screenshot(path=str(tmp_path / f"{SHOTS}-2-submit.png"), full_page=True)
    page.check("#submit-form input[name=confirm]")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#submit-error")).to_contain_text("xác nhận đã biết các cảnh báo")
    page.check("#submit-form input[name=confirm]")
    page.check("#submit-form input[name=confirm_warnings]")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert WarningsConfirmation.objects.get().confirmed_by.username == "thutruong"

    # Round 1: the appraiser sees the card beside the file, and corrects the signer.
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)
    for code in ("1.1", "1.2"):
        set_score(assessment, nodes[code], "1", stage=Stage.ROUND1)
    log_in(page, "thamdinh1")
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/1/")
    card = page.locator(f"#leaf-{nodes['1.1'].id} .evidence-card")
    expect(card.locator(".card-line")).to_have_text(
        "Số 156/KH-STP · 27/12/2024 · Sở Tư pháp · không có chữ ký số"
    )
    expect(card.locator(".card-warnings")).to_contain_text("ngoài năm đánh giá 2025")
    card.locator("summary").click()
    card.locator("input[name=title]").fill("Kế hoạch cải cách hành chính năm 2025")
    card.locator("button[type=submit]").click()
    card = page.locator(f"#leaf-{nodes['1.1'].id} .evidence-card")
    expect(card.locator(".card-line")).to_contain_text("(đã sửa)")
    expect(card).to_contain_text("Đã lưu thông tin đã sửa.")
    page.screenshot(path=str(tmp_path / f"{SHOTS}-3-appraiser.png"), full_page=True)
    correction = ReadingCorrection.objects.get()
    assert correction.field == "title" and correction.corrected_by == appraiser
    assert correction.old_value == "Cải cách hành chính năm 2025"
