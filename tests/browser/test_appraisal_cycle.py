"""The whole appraisal cycle in a real browser, with five roles.

The head submits; the secretariat opens round 1; the appraiser from the unit's own agency
scores a leaf (provisional), round 1 cannot close until the appraiser from another agency
cross-checks it; round 1 closes; the agency supplements the flagged leaf (explanation and a
SMALL_PDF) in its window; round 2 re-scores; the council approves; the secretariat records the
decision and publishes; the public ranking shows the unit's final index.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import LeafScore, Result
from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, SMALL_PDF, log_in
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


def move_to(page, year, label, reason=""):
    """Move as the secretariat does on the cycle page: the move's reason when it asks for
    one (a move back, or before some units' deadline), its consequences confirmed."""
    page.goto(f"/tham-dinh/{year}/")
    button = page.get_by_role("button", name=f"Chuyển sang “{label}”", exact=True)
    form = page.locator("form.phase-move").filter(has=button)
    if reason or form.locator("input[name=reason]").count():
        form.locator("input[name=reason]").fill(reason or "Theo kế hoạch của Tổ giúp việc")
    if form.locator("input[name=confirm]").count():
        form.locator("input[name=confirm]").check()
    button.click()


def confirm_cross_checks(page, year) -> int:
    """Confirm every cross-check in the logged-in member's queue; returns how many. After
    each decision the next one opens, the last one sends back to the queue."""
    done = 0
    page.goto(f"/tham-dinh/{year}/hang-doi/")
    if page.locator("#cross-checks a").count():
        page.locator("#cross-checks a").first.click()
        while "/kiem-tra-cheo/" in page.url:
            page.click("#confirm")
            expect(page.locator(".messages")).to_contain_text("Đã kết luận thẩm định chéo")
            done += 1
    expect(page.locator("#count-cross-checks")).to_have_text("0")
    return done


def leaf(page, criterion):
    return page.locator(f"#leaf-{criterion.id}")


@pytest.fixture
def year_data(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    group = make_group()
    now = timezone.now()
    period = make_period(
        groups=[group],
        self_assessment_deadline=now + timedelta(days=2),
        supplement_start=now - timedelta(hours=1),
        supplement_end=now + timedelta(days=3),
    )
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, code="SOTP", name="Sở Tư pháp")
    other = make_unit(group, code="SOTC", name="Sở Tài chính")
    assessment = make_assessment(period, unit)
    make_assessment(period, other, status=AssessmentStatus.SUBMITTED)
    self_scores = {
        "1.1": ("2", {"answer": True}),
        "1.2": ("2", {"level": "on_time"}),
        "2.1": ("1", {"value": "1"}),
        "2.2": ("2", {"numerator": "96", "denominator": "100"}),
        "2.3": ("2", {"sipas": "90"}),
        "2.4": ("1", {"count": "2"}),
    }
    for code, (value, inputs) in self_scores.items():
        set_score(
            assessment,
            nodes[code],
            value,
            stage=Stage.SELF,
            inputs=inputs,
            explanation=f"Giải trình {code}",
        )
    home = make_user(
        RoleKind.APPRAISER, unit, year=period.year, username="td_tuphap", expertise=["1"]
    )
    away = make_user(
        RoleKind.APPRAISER, other, year=period.year, username="td_taichinh", expertise=["1", "2"]
    )
    make_assignment(period, "1", unit, home)
    make_assignment(period, "2", unit, away)
    return {
        "period": period,
        "nodes": nodes,
        "assessment": assessment,
        "head": make_user(RoleKind.AGENCY_HEAD, unit, username="thu_truong"),
        "staff": make_user(RoleKind.AGENCY_STAFF, unit, username="chuyen_vien"),
        "home": home,
        "away": away,
        "secretariat": make_user(RoleKind.SECRETARIAT, username="thu_ky"),
        "council": make_user(RoleKind.COUNCIL, username="hoi_dong"),
    }


def test_appraisal_cycle_end_to_end(browser_page, year_data, tmp_path):
    page = browser_page
    d = year_data
    period, nodes, assessment = d["period"], d["nodes"], d["assessment"]
    year = period.year

    # 1. The head submits the dossier.
    log_in(page, "thu_truong")
    page.goto(f"/ho-so/{assessment.id}/nop/")
    page.check("#submit-form input[name=confirm]")
    page.click("#submit-form button[type=submit]")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    # 2. The secretariat opens round 1: round-1 scores start from the unit's own.
    log_in(page, "thu_ky")
    move_to(page, year, "Thẩm định lần 1")
    expect(page.locator(".messages")).to_contain_text("Đã chuyển giai đoạn")
    expect(page.locator(".phase")).to_have_text("Thẩm định lần 1")

    # 3. The appraiser from the unit's own agency lowers 1.2: provisional, queued.
    log_in(page, "td_tuphap")
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/1/")
    row = leaf(page, nodes["1.2"])
    row.locator("select[name=level]").select_option("late")
    row.locator("button", has_text="Lưu").click()
    # Refused beside the leaf (no reload): what was chosen stays for the comment.
    expect(leaf(page, nodes["1.2"]).locator(".leaf-error")).to_contain_text("cần ghi nhận xét")
    row = leaf(page, nodes["1.2"])
    row.locator("select[name=level]").select_option("late")
    row.locator("textarea[name=comment]").fill("Báo cáo quý III nộp trễ hạn")
    row.locator("button", has_text="Lưu").click()
    expect(leaf(page, nodes["1.2"]).locator(".provisional")).to_contain_text(
        f"Chờ thẩm định chéo ({d['away']})"
    )
    # Completing the field of one's own agency queues the values kept from the unit too.
    page.click("#field-done")
    expect(page.locator("#queue tr[data-item=SOTP-1] .status")).to_have_text("Chờ thẩm định chéo")
    # Scoring a field not assigned is "not found".
    assert page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/2/").status == 404

    # 4. Round 1 cannot close with the open cross-check.
    log_in(page, "thu_ky")
    move_to(page, year, "Kết thúc thẩm định lần 1")
    expect(page.locator(".messages .error")).to_contain_text("thẩm định chéo chưa kết luận")
    expect(page.locator(".phase")).to_have_text("Thẩm định lần 1")

    # 5. The appraiser from another agency confirms it, and appraises field 2 (flags 2.1).
    log_in(page, "td_taichinh")
    assert confirm_cross_checks(page, year) == 2  # 1.2 (changed) and 1.1 (kept)
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/2/")
    row = leaf(page, nodes["2.1"])
    row.locator("input[name=value]").fill("0,5")
    row.locator("textarea[name=comment]").fill("Thiếu kết quả rà soát TTHC")
    row.locator("input[name=supplement_requested]").check()
    row.locator("button", has_text="Lưu").click()
    expect(leaf(page, nodes["2.1"]).locator(".round-value")).to_have_text("0,50")

    # 6. The secretariat closes round 1 (index job queued and run) and opens the supplement.
    log_in(page, "thu_ky")
    move_to(page, year, "Kết thúc thẩm định lần 1")
    expect(page.locator(".phase")).to_have_text("Kết thúc thẩm định lần 1")
    expect(page.locator("#overview tr[data-unit=SOTP] .round1-index")).to_have_text("85,00%")
    move_to(page, year, "Giải trình bổ sung")
    expect(page.locator(".phase")).to_have_text("Giải trình bổ sung")

    # 7. The agency sees round 1 without appraisers' names and supplements the flagged leaf.
    log_in(page, "chuyen_vien")
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/ket-qua/")
    expect(page.locator("#scorecard")).to_contain_text("Báo cáo quý III nộp trễ hạn")
    expect(page.locator("body")).not_to_contain_text("td_taichinh")
    expect(page.locator("body")).not_to_contain_text("td_tuphap")
    box = page.locator(f"#supplement-{nodes['2.1'].id}")
    box.locator("textarea[name=explanation]").fill("Bổ sung báo cáo rà soát TTHC năm")
    pdf = tmp_path / "ra-soat.pdf"
    pdf.write_bytes(SMALL_PDF)
    box.locator("input[name=file]").set_input_files(str(pdf))
    box.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("đã lưu giải trình bổ sung")
    expect(page.locator(f"#supplement-{nodes['2.1'].id}")).to_contain_text("ra-soat.pdf")
    assert page.locator(f"#supplement-{nodes['1.1'].id}").count() == 0

    # 8. Round 2 starts from round 1; the appraiser restores 2.1 after the supplement.
    log_in(page, "thu_ky")
    move_to(page, year, "Thẩm định lần 2")
    expect(page.locator(".phase")).to_have_text("Thẩm định lần 2")
    log_in(page, "td_taichinh")
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/2/")
    row = leaf(page, nodes["2.1"])
    expect(row.locator(".supplement")).to_contain_text("Bổ sung báo cáo rà soát")
    expect(row.locator(".round-value")).to_have_text("0,50")
    row.locator("input[name=value]").fill("1")
    row.locator("button", has_text="Lưu").click()
    expect(leaf(page, nodes["2.1"]).locator(".round-value")).to_have_text("1,00")
    page.click("#field-done")
    log_in(page, "td_tuphap")
    page.goto(f"/tham-dinh/ho-so/{assessment.id}/linh-vuc/1/")
    page.click("#field-done")
    log_in(page, "td_taichinh")
    assert confirm_cross_checks(page, year) == 2  # round 2's values of the own agency too

    # 9. Round 2 closes; the council approves; the secretariat records the decision, publishes.
    log_in(page, "thu_ky")
    move_to(page, year, "Hội đồng thẩm định")
    expect(page.locator(".phase")).to_have_text("Hội đồng thẩm định")
    move_to(page, year, "Đã công bố")
    expect(page.locator(".messages .error").first).to_be_visible()
    log_in(page, "hoi_dong")
    page.goto(f"/tham-dinh/{year}/hoi-dong/")
    page.click("#approve")
    expect(page.locator("#opinions-table tr[data-member=hoi_dong]")).to_contain_text("Thông qua")
    log_in(page, "thu_ky")
    page.goto(f"/tham-dinh/{year}/")
    page.fill("#decision-form input[name=decision_number]", "12/QĐ-UBND")
    page.fill("#decision-form input[name=decision_date]", "2025-01-21")
    page.fill("#decision-form input[name=decision_signer]", "Chủ tịch UBND tỉnh")
    page.click("#decision-form button")
    move_to(page, year, "Đã công bố")
    expect(page.locator(".phase")).to_have_text("Đã công bố")

    # 10. The year is public: the unit's final index on the ranking page.
    page.context.clear_cookies()
    page.goto(f"/xep-hang/{year}/")
    expect(page.locator("tr", has_text="Sở Tư pháp")).to_contain_text("90,00%")
    final = Result.objects.get(period=period, unit=assessment.unit, stage=Stage.FINAL)
    assert str(final.index) == "90.00"
    assert not LeafScore.objects.filter(assessment=assessment, provisional=True).exists()
    period.refresh_from_db()
    assert period.phase == Phase.PUBLISHED and period.decision_number == "12/QĐ-UBND"
    assert period.published_at is not None
