"""The agency's self-assessment journey in a real browser.

Staff score a leaf of every method with autosave, upload a SMALL_PDF as evidence and link it to a
second leaf, watching the running index change; the head submits and the dossier locks; a
user of another unit gets 404 on the dossier and its evidence.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from scoring.enums import AssessmentStatus
from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, SMALL_PDF, log_in
from tests.factories import (
    RoleKind,
    make_assessment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)
from tests.tools import require_tool

require_tool(CHROMIUM.exists(), CHROMIUM_MISSING, module=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = pytest.mark.browser


def log_out(page):
    page.click("header form button")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))


def leaf(page, criterion):
    return page.locator(f"#leaf-{criterion.id}")


def expect_saved(page, criterion):
    status = page.locator(f"#leaf-{criterion.id}-status")
    expect(status).to_have_attribute("data-saved", "1")
    return status


def running_index(page) -> str:
    return page.locator("#running-total .total-index").inner_text().strip()


@pytest.fixture
def journey(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    group = make_group()
    period = make_period(
        groups=[group], self_assessment_deadline=timezone.now() + timedelta(days=2)
    )
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, name="Sở Tư pháp")
    other = make_unit(group, name="Sở Xây dựng")
    return {
        "nodes": nodes,
        "assessment": make_assessment(period, unit),
        "other_assessment": make_assessment(period, other),
        "staff": make_user(RoleKind.AGENCY_STAFF, unit, username="chuyenvien"),
        "head": make_user(RoleKind.AGENCY_HEAD, unit, username="thutruong"),
        "other_staff": make_user(RoleKind.AGENCY_STAFF, other, username="donvikhac"),
    }


def test_self_assessment_journey_score_evidence_submit(browser_page, journey, tmp_path):
    page = browser_page
    nodes, assessment = journey["nodes"], journey["assessment"]

    # Agency staff open their workspace from the home page.
    log_in(page, "chuyenvien")
    page.click("a.workspace-link")
    expect(page.locator("#running-total")).to_be_visible()
    assert running_index(page) == "0,00%"
    page.click("#field-1 a")
    # A person does not score before the page has loaded (htmx binds the autosave on load).
    page.wait_for_load_state("load")

    # Yes/no and levels, with an explanation typed (autosaved after a pause).
    leaf(page, nodes["1.1"]).get_by_label("Có").check()
    expect_saved(page, nodes["1.1"])
    expect(page.locator("#running-total .total-index")).to_have_text("20,00%")
    leaf(page, nodes["1.1"]).locator("textarea").fill("Kế hoạch số 12/KH-UBND")
    expect(leaf(page, nodes["1.1"]).locator(".leaf-saved")).to_have_text("Đã lưu (phiên bản 2)")
    leaf(page, nodes["1.2"]).locator("select").select_option("late")
    expect_saved(page, nodes["1.2"])
    expect(page.locator("#running-total .total-index")).to_have_text("30,00%")

    # Evidence: upload a real SMALL_PDF on 1.1, then link the same file to 1.2.
    pdf = tmp_path / "ke-hoach-cchc.pdf"
    pdf.write_bytes(SMALL_PDF)
    leaf(page, nodes["1.1"]).locator(".evidence-drop input[type=file]").set_input_files(str(pdf))
    expect(page.locator(f"#evidence-{nodes['1.1'].id} .evidence-list")).to_contain_text(
        "ke-hoach-cchc.pdf"
    )
    page.reload()
    link_form = page.locator(f"#evidence-{nodes['1.2'].id} .evidence-link-form")
    file_id = assessment.evidence_files.get().id
    link_form.locator("select").select_option(str(file_id))
    link_form.locator("button").click()
    expect(page.locator(f"#evidence-{nodes['1.2'].id} .evidence-list")).to_contain_text(
        "ke-hoach-cchc.pdf"
    )
    leaf(page, nodes["1.2"]).locator("textarea").fill("Báo cáo gửi trễ 2 ngày")
    expect(leaf(page, nodes["1.2"]).locator(".leaf-saved")).to_contain_text("phiên bản 2")

    # Field 2: manual (with a refused off-step value first), ratio (live preview), survey,
    # count.
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/2/")
    manual = leaf(page, nodes["2.1"])
    manual.locator("input[name=value]").fill("0,3")
    expect(manual.locator(".leaf-error")).to_have_text("Điểm phải chấm theo bước 0,25 điểm.")
    manual.locator("input[name=value]").fill("0,75")
    manual.locator("textarea").fill("Đã rà soát 45 thủ tục")
    expect(manual.locator(".leaf-saved")).to_be_visible()
    ratio = leaf(page, nodes["2.2"])
    ratio.locator("input[name=numerator]").fill("90")
    ratio.locator("input[name=denominator]").fill("100")
    expect(ratio.locator(".leaf-preview")).to_contain_text("≈ 1,89 điểm")
    ratio.locator("textarea").fill("Báo cáo TTHC năm")
    expect(ratio.locator(".leaf-points .value")).to_have_text("1,89")
    survey = leaf(page, nodes["2.3"])
    survey.locator("input[name=sipas]").fill("81")
    survey.locator("textarea").fill("Kết quả khảo sát SIPAS")
    expect(survey.locator(".leaf-points .value")).to_have_text("1,80")
    count = leaf(page, nodes["2.4"])
    count.locator("input[name=count]").fill("1")
    count.locator("textarea").fill("Một sáng kiến được công nhận")
    expect(count.locator(".leaf-points .value")).to_have_text("0,50")
    # 2 + 1 + 0.75 + 1.89 + 1.80 + 0.50 = 7.94 of 10.
    expect(page.locator("#running-total .total-index")).to_have_text("79,40%")

    # Bonus and deduction.
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/B/")
    bonus = leaf(page, nodes["B.1"])
    bonus.locator("input[name=value]").fill("1")
    bonus.locator("textarea").fill("Bằng khen của UBND tỉnh")
    expect(page.locator("#running-total .total-index")).to_have_text("89,40%")
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/D/")
    deduction = leaf(page, nodes["D.1"])
    deduction.locator("input[name=count]").fill("1")
    deduction.locator("textarea").fill("Chưa hoàn thành 1 nhiệm vụ")
    expect(page.locator("#running-total .total-index")).to_have_text("69,40%")
    expect(page.locator("#running-total .total-band")).to_have_text("Trung bình")
    log_out(page)

    # The head checks completeness and submits; the dossier locks.
    log_in(page, "thutruong")
    page.goto(f"/ho-so/{assessment.id}/nop/")
    expect(page.locator("#complete")).to_be_visible()
    page.check("input[name=confirm]")
    if page.locator("input[name=confirm_warnings]").count():  # SMALL_PDF is no document
        page.check("input[name=confirm_warnings]")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/2/")
    expect(leaf(page, nodes["2.1"]).locator("input[name=value]")).to_be_disabled()
    expect(leaf(page, nodes["2.1"]).locator("textarea")).to_be_disabled()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.is_late is False
    log_out(page)

    # Another unit's user: the dossier and its evidence do not exist for them.
    log_in(page, "donvikhac")
    assert page.goto(f"/ho-so/{assessment.id}/").status == 404
    assert page.goto(f"/ho-so/{assessment.id}/linh-vuc/1/").status == 404
    assert page.goto(f"/tai-lieu/{file_id}/tai-ve/").status == 404


def test_self_assessment_unsent_text_restored_after_reload(browser_page, journey):
    """Text typed but not confirmed by the server survives a closed tab (localStorage)."""
    page = browser_page
    nodes, assessment = journey["nodes"], journey["assessment"]
    log_in(page, "chuyenvien")
    page.goto(f"/ho-so/{assessment.id}/linh-vuc/2/")
    # Simulate a lost connection: requests to save fail, the text stays in localStorage.
    page.route("**/luu/", lambda route: route.abort())
    leaf(page, nodes["2.1"]).locator("textarea").fill("Giải trình chưa gửi được")
    page.wait_for_timeout(1200)
    page.unroute("**/luu/")
    page.reload()
    textarea = leaf(page, nodes["2.1"]).locator("textarea")
    expect(textarea).to_have_value("Giải trình chưa gửi được")
    expect(leaf(page, nodes["2.1"]).locator(".leaf-saved")).to_be_visible()
    draft = page.evaluate(f"localStorage.getItem('par-draft:{assessment.id}:{nodes['2.1'].id}')")
    assert draft is None
    from scoring.models import LeafScore

    assert LeafScore.objects.get(criterion=nodes["2.1"]).explanation == ("Giải trình chưa gửi được")


def test_the_forms_live_messages_in_english(browser_page, journey, live_server):
    """The scripts' messages come from the djangojs catalogue: with English chosen, the
    preview and its refusal are English (the server's own messages are tested in test_i18n)."""
    page, nodes = browser_page, journey["nodes"]
    log_in(page, "chuyenvien")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"/ho-so/{journey['assessment'].id}/linh-vuc/2/")
    # The catalogue is cached by the browser for a day: its address names the language.
    expect(page.locator('script[src="/i18n/js/?en"]')).to_have_count(1)
    ratio = leaf(page, nodes["2.2"])
    ratio.locator("input[name=numerator]").fill("90")
    ratio.locator("input[name=denominator]").fill("100")
    expect(ratio.locator(".leaf-preview")).to_contain_text(
        "≈ 1,89 points (provisional, rate 90,00%)"
    )
    ratio.locator("input[name=denominator]").fill("0")
    expect(ratio.locator(".leaf-preview")).to_have_text("The denominator must be greater than 0.")
