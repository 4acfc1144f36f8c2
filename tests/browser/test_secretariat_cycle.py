"""The secretariat's cycle in a real browser, without the admin (issue 13, "Done when").

The tracker shows who submitted (and who is late, who never did); the move to round 1
lists the unit that never submitted and waits for the confirmation; the supplement window
is dated on the cycle page; one unit gets an extension; the agency finds the notification
and the supplement form with its window; the council page shows the figures, a member
objects with a comment, and the secretariat sees who objected.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scoring import calendar
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import DeadlineExtension, LeafScore, Period
from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, log_in
from tests.browser.test_appraisal_cycle import move_to
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

pytestmark = pytest.mark.browser

SHOTS = "/tmp/i13flow"


def _vn(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def year(transactional_db):
    """2024 in self-assessment, its deadline passed yesterday: Sở Tài chính submitted on
    time, Sở Xây dựng the next morning (late), Sở Tư pháp never."""
    group = make_group("so", "Khối sở, ban, ngành")
    now = timezone.now()
    period = make_period(
        2024,
        Phase.SELF_ASSESSMENT,
        groups=[group],
        self_assessment_deadline=now - timedelta(days=1),
    )
    nodes = make_small_tree(period, [group])
    secretariat = make_user(RoleKind.SECRETARIAT, year=2024, username="thu_ky")
    appraiser = make_user(RoleKind.APPRAISER, make_unit(group, "SNV", "Sở Nội vụ"), 2024, "td")
    units = {}
    for code, name, status, late in (
        ("SOTC", "Sở Tài chính", AssessmentStatus.SUBMITTED, False),
        ("SOXD", "Sở Xây dựng", AssessmentStatus.SUBMITTED, True),
        ("SOTP", "Sở Tư pháp", AssessmentStatus.DRAFT, False),
    ):
        unit = make_unit(group, code, name)
        assessment = make_assessment(
            period,
            unit,
            status=status,
            is_late=late,
            submitted_at=now - timedelta(hours=30 if not late else 10)
            if status == "submitted"
            else None,
            submitted_by=secretariat if status == "submitted" else None,
        )
        for leaf, value in (("1.1", "2"), ("2.1", "1")):
            set_score(assessment, nodes[leaf], value, stage=Stage.SELF, explanation="Có văn bản")
        for field_code in ("1", "2"):
            make_assignment(period, field_code, unit, appraiser)
        units[code] = assessment
    staff = make_user(RoleKind.AGENCY_STAFF, units["SOTC"].unit, username="chuyen_vien_tc")
    make_user(RoleKind.COUNCIL, year=2024, username="hoi_dong")
    return {"period": period, "nodes": nodes, "units": units, "staff": staff}


def _round1_done(year):
    """Round 1 as the appraisers left it: scored, Sở Tài chính's 2.1 flagged, all done."""
    LeafScore.objects.filter(stage=Stage.ROUND1).update(value=2)
    LeafScore.objects.filter(
        assessment=year["units"]["SOTC"], criterion=year["nodes"]["2.1"], stage=Stage.ROUND1
    ).update(value="0.5", comment="Thiếu kết quả rà soát", supplement_requested=True)
    from appraisal.models import Assignment

    Assignment.objects.update(round1_done_at=timezone.now())


def _round2_done(year):
    from appraisal.models import Assignment

    Assignment.objects.update(final_done_at=timezone.now())


def test_secretariat_cycle_without_the_admin(browser_page, year):
    page = browser_page
    period = year["period"]
    page.set_viewport_size({"width": 1280, "height": 900})

    # 1. The tracker: who submitted, who was late, who never did.
    log_in(page, "thu_ky")
    page.goto("/tham-dinh/2024/")
    expect(page.locator("#tracker-summary")).to_have_text("1/3 đã nộp, 1 nộp muộn, 1 chưa nộp")
    expect(page.locator("#tracker-table tr[data-unit=SOTC] .status")).to_have_text("Đã nộp")
    expect(page.locator("#tracker-table tr[data-unit=SOXD] .status")).to_have_text("Nộp muộn")
    expect(page.locator("#tracker-table tr[data-unit=SOTP] .status")).to_have_text("Chưa nộp")
    page.select_option("#tracker-status", "missing")
    page.click("#tracker-filter button")
    expect(page.locator("#tracker-table tbody tr")).to_have_count(1)
    page.screenshot(path=f"{SHOTS}/tracker.png", full_page=True)

    # 2. Round 1 needs the year's choice for units that never submit, then a confirmation.
    page.goto("/tham-dinh/2024/")
    move = page.locator("form.phase-move[data-to=round1]")
    expect(move.locator(".errorlist")).to_contain_text("hãy chọn cách xử lý")
    page.check("#policy-form input[value=exclude]")
    page.click("#policy-form button")
    move = page.locator("form.phase-move[data-to=round1]")
    expect(move.locator(".consequences li[data-kind=not_submitted]")).to_contain_text(
        "1 đơn vị chưa nộp hồ sơ: không được xếp hạng"
    )
    expect(move.locator(".consequences")).to_contain_text("(SOTP)")
    move.locator("button").click()  # not confirmed: the browser keeps the form
    assert Period.objects.get(pk=period.pk).phase == Phase.SELF_ASSESSMENT
    page.screenshot(path=f"{SHOTS}/move-round1.png", full_page=True)
    move.locator("input[name=confirm]").check()
    move.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển giai đoạn")
    expect(page.locator(".phase").first).to_have_text("Thẩm định lần 1")

    # 3. Round 1 closes (the appraisers' work is done); the window is dated on this page.
    _round1_done(year)
    move_to(page, 2024, "Kết thúc thẩm định lần 1")
    expect(page.locator(".phase").first).to_have_text("Kết thúc thẩm định lần 1")
    start = calendar.next_working_day(timezone.localdate())
    end = calendar.add_working_days(start, 2)
    page.fill("#id_supplement_start", _vn(start))
    page.fill("#id_supplement_end", _vn(end))
    page.click("#supplement-dates-form button")
    expect(page.locator(".messages")).to_contain_text("Đã lưu thời gian giải trình bổ sung")
    expect(page.locator("#supplement-window-dates")).to_contain_text(_vn(end))
    move_to(page, 2024, "Giải trình bổ sung")
    expect(page.locator(".phase").first).to_have_text("Giải trình bổ sung")

    # 4. Sở Tài chính gets five more working days for its supplement.
    until = calendar.add_working_days(end, 5)
    form = page.locator("#extension-form")
    form.locator("select[name=unit]").select_option("SOTC")
    form.locator("select[name=deadline]").select_option("supplement_end")
    form.locator("input[name=until]").fill(_vn(until))
    form.locator("textarea[name=reason], input[name=reason]").fill(
        "Đơn vị đề nghị gia hạn do tài liệu đang chờ ký số"
    )
    form.locator("button[value=grant]").click()
    expect(page.locator(".messages")).to_contain_text("Đã gia hạn cho Sở Tài chính")
    expect(page.locator("#tracker-table tr[data-unit=SOTC] .extension")).to_contain_text(_vn(until))
    assert DeadlineExtension.objects.get().reason.startswith("Đơn vị đề nghị")

    # 5. The agency: the bell, the notification, the form with its window and countdown.
    log_in(page, "chuyen_vien_tc")
    expect(page.locator(".bell-count")).to_be_visible()  # phase changes, request, extension
    page.goto("/thong-bao/")
    expect(page.locator("main")).to_contain_text("Gia hạn giải trình bổ sung")
    expect(page.locator("main")).to_contain_text("Yêu cầu giải trình bổ sung")
    assessment = year["units"]["SOTC"]
    page.goto(f"/tham-dinh/ho-so/{assessment.pk}/ket-qua/")
    window = page.locator("#supplement-window")
    if start > timezone.localdate():
        expect(window).to_contain_text("mở từ")
    else:
        expect(window).to_contain_text("Đang trong thời gian giải trình bổ sung: còn")
        expect(page.locator(".supplement-form")).to_be_visible()
    expect(window).to_contain_text(_vn(until))
    expect(window).to_contain_text("Đơn vị được gia hạn")
    page.screenshot(path=f"{SHOTS}/agency-supplement.png", full_page=True)

    # 6. Round 2 (early: the extension still runs, so a reason), the council's phase.
    log_in(page, "thu_ky")
    move_to(page, 2024, "Thẩm định lần 2", reason="Đơn vị đã gửi đủ tài liệu")
    expect(page.locator(".phase").first).to_have_text("Thẩm định lần 2")
    _round2_done(year)
    move_to(page, 2024, "Hội đồng thẩm định")
    expect(page.locator(".phase").first).to_have_text("Hội đồng thẩm định")

    # 7. The council page: the figures; a member objects; the secretariat sees it.
    log_in(page, "hoi_dong")
    page.goto("/tham-dinh/2024/hoi-dong/")
    ranking = page.locator("table.council-ranking")
    expect(ranking.locator("tr[data-unit=SOTC] .final-index")).not_to_have_text("—")
    expect(ranking.locator("tr[data-unit=SOTC] .self-index")).not_to_have_text("—")
    expect(ranking.locator("tr[data-unit=SOTP]")).to_contain_text("không nộp hồ sơ, không xếp hạng")
    page.check("#opinion-form input[value=objected]")
    page.fill("#opinion-comment", "Đề nghị xem lại tiêu chí 2.1 của Sở Tài chính")
    page.click("#approve")
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận ý kiến không thông qua")
    page.screenshot(path=f"{SHOTS}/council.png", full_page=True)
    log_in(page, "thu_ky")
    page.goto("/tham-dinh/2024/hoi-dong/")
    expect(page.locator("#opinions-table tr[data-member=hoi_dong]")).to_contain_text(
        "Đề nghị xem lại tiêu chí 2.1"
    )
    page.goto("/thong-bao/")
    expect(page.locator("main")).to_contain_text("không thông qua kết quả năm 2024")
