"""The appraiser's desk in a real browser (issue 14's journey).

An appraiser filters the queue to one unit, keeps the unit's own scores of the unchanged
leaves, lowers one (saved with the keyboard, without a reload) with a comment and a private
note with a file, marks the field done, decides a cross-check and lands on the next; after
round 1 closes the agency sees the comment and not the note. axe-core finds nothing serious
or critical on the desk's pages.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal import services
from appraisal.models import Assignment, CrossCheck, NoteAttachment, WorkingNote
from scoring.enums import AssessmentStatus, AuditAction, Phase, Stage
from scoring.models import AuditEntry, LeafScore
from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING, SMALL_PDF, log_in
from tests.browser.test_accessibility import AXE, RUN_AXE, _check
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

SELF = {
    "1.1": ("2", {"answer": True}),
    "1.2": ("2", {"level": "on_time"}),
    "2.1": ("1", {"value": "1"}),
    "2.2": ("2", {"numerator": "96", "denominator": "100"}),
}
COMMENT = "Báo cáo quý III nộp trễ hạn"
NOTE = "Đối chiếu công văn 45/STP: ngày nhận sau hạn"


@pytest.fixture
def desk(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    group = make_group("so", "Khối sở, ban, ngành")
    now = timezone.now()
    period = make_period(
        groups=[group],
        phase=Phase.SELF_ASSESSMENT,
        self_assessment_deadline=now - timedelta(days=1),
        supplement_start=now + timedelta(days=5),
        supplement_end=now + timedelta(days=9),
    )
    nodes = make_small_tree(period, [group])
    tuphap = make_unit(group, "SOTP", "Sở Tư pháp")
    taichinh = make_unit(group, "SOTC", "Sở Tài chính")
    noivu = make_unit(group, "SONV", "Sở Nội vụ")
    dossiers = {}
    for unit in (tuphap, taichinh, noivu):
        dossiers[unit.code] = make_assessment(period, unit, status=AssessmentStatus.SUBMITTED)
        for code, (value, inputs) in SELF.items():
            set_score(
                dossiers[unit.code],
                nodes[code],
                value,
                stage=Stage.SELF,
                inputs=inputs,
                explanation=f"Giải trình {code}",
            )
    me = make_user(RoleKind.APPRAISER, taichinh, period.year, "td_taichinh", ["1", "2"])
    colleague = make_user(RoleKind.APPRAISER, noivu, period.year, "td_noivu", ["1", "2"])
    make_assignment(period, "1", tuphap, me)
    make_assignment(period, "2", tuphap, me)
    make_assignment(period, "1", noivu, me)
    make_assignment(period, "2", noivu, colleague)  # their own home unit: cross-checked
    make_assignment(period, "1", taichinh, colleague)
    make_assignment(period, "2", taichinh, colleague)
    secretariat = make_user(RoleKind.SECRETARIAT, username="thu_ky")
    make_user(RoleKind.AGENCY_STAFF, tuphap, username="chuyen_vien")
    services.phase_move(actor=secretariat, period=period, to_phase=Phase.ROUND1)
    # The colleague lowers two leaves of their own agency: both wait for my cross-check.
    for code, inputs in (
        ("2.1", {"value": "0,5"}),
        ("2.2", {"numerator": "90", "denominator": "100"}),
    ):
        services.appraisal_score_set(
            actor=colleague,
            assessment=dossiers["SONV"],
            criterion=nodes[code],
            stage=Stage.ROUND1,
            inputs=inputs,
            comment="Chưa đủ kết quả",
        )
    assert CrossCheck.objects.filter(checker=me, decided_at__isnull=True).count() == 2
    period.refresh_from_db()
    return {
        "period": period,
        "nodes": nodes,
        "dossiers": dossiers,
        "me": me,
        "secretariat": secretariat,
    }


def leaf(page, criterion):
    return page.locator(f"#leaf-{criterion.id}")


def test_appraiser_desk_journey(browser_page, desk, tmp_path):
    page = browser_page
    period, nodes, dossiers = desk["period"], desk["nodes"], desk["dossiers"]
    year, tuphap = period.year, dossiers["SOTP"]

    # 1. The queue, filtered to one unit.
    log_in(page, "td_taichinh")
    page.goto(f"/tham-dinh/{year}/hang-doi/")
    expect(page.locator("#count-cross-checks")).to_have_text("2")
    expect(page.locator("tbody.queue-unit")).to_have_count(2)  # Sở Tư pháp, Sở Nội vụ
    page.select_option("select[name=don-vi]", "SOTP")
    page.click("#filter")
    expect(page.locator("tbody.queue-unit")).to_have_count(1)
    expect(page.locator("tbody.queue-unit")).to_have_attribute("data-unit", "SOTP")
    expect(page.locator("tr[data-item=SOTP-1] .scored")).to_have_text("2/2")
    page.click("tr[data-item=SOTP-1] a")

    # 2. The item: guidance, the unit's scores; keys move between leaves.
    expect(page.locator("h1")).to_contain_text("Sở Tư pháp")
    expect(page.locator("#keys")).to_contain_text("Ctrl")
    page.locator("h1").click()
    page.keyboard.press("j")
    assert page.evaluate("() => document.activeElement.id") == f"leaf-{nodes['1.1'].id}"
    page.keyboard.press("j")
    assert page.evaluate("() => document.activeElement.id") == f"leaf-{nodes['1.2'].id}"

    # 3. Keep the unit's own scores of every unchanged leaf (recorded as accepted).
    page.click("#keep-unchanged")
    expect(page.locator(".messages")).to_contain_text(
        "Đã giữ điểm tự chấm của 2 tiêu chí: 1.1, 1.2"
    )
    accepted = AuditEntry.objects.filter(action=AuditAction.ACCEPT, assessment=tuphap)
    assert sorted(e.criterion.code for e in accepted) == ["1.1", "1.2"]
    assert "hang-doi=don-vi%3DSOTP" in page.url  # the queue's filter travels with the item

    # 4. Lower 1.2 with a comment, saved with Ctrl+Enter: no reload, confirmation beside it.
    page.evaluate("() => { window.__noReload = 'still here'; }")
    row = leaf(page, nodes["1.2"])
    row.locator("select[name=level]").select_option("late")
    row.locator("textarea[name=comment]").fill(COMMENT)
    row.locator("textarea[name=comment]").press("Control+Enter")
    saved = leaf(page, nodes["1.2"]).locator(".leaf-saved")
    expect(saved).to_contain_text("1.2: đã lưu.")
    expect(leaf(page, nodes["1.2"]).locator(".round-value")).to_have_text("1,00")
    assert page.evaluate("() => window.__noReload") == "still here"
    score = LeafScore.objects.get(assessment=tuphap, criterion=nodes["1.2"], stage=Stage.ROUND1)
    assert score.value == 1 and score.comment == COMMENT

    # 5. A private note with a file on the same leaf (the unit never sees it).
    pdf = tmp_path / "trang-3-danh-dau.pdf"
    pdf.write_bytes(SMALL_PDF)
    thread = leaf(page, nodes["1.2"]).locator(".note-thread")
    thread.locator("summary").click()
    thread.locator("textarea[name=text]").fill(NOTE)
    thread.locator("input[type=file]").set_input_files(str(pdf))
    thread.locator("button.note-send").click()
    thread = leaf(page, nodes["1.2"]).locator(".note-thread")
    expect(thread.locator(".note-text")).to_have_text(NOTE)
    expect(thread.locator(".note-file")).to_contain_text("trang-3-danh-dau.pdf")
    assert page.evaluate("() => window.__noReload") == "still here"
    note = WorkingNote.objects.get(assessment=tuphap)
    assert note.text == NOTE and NoteAttachment.objects.get(note=note).size == len(SMALL_PDF)

    # 6. The field is done; back on the queue with its filter.
    page.click("#field-done")
    expect(page.locator(".messages")).to_contain_text("Đã đánh dấu hoàn thành")
    assert re.search(r"/hang-doi/\?don-vi=SOTP$", page.url)
    expect(page.locator("tr[data-item=SOTP-1] .status")).to_contain_text("Đã hoàn thành")
    assert Assignment.objects.get(unit=tuphap.unit, field__code="1").round1_done_at

    # 7. A cross-check decided: the next one opens; the last sends back to the queue.
    first, second = CrossCheck.objects.filter(checker=desk["me"]).order_by("requested_at", "id")
    page.click("#cross-checks a >> nth=0")
    assert page.url.endswith(f"/kiem-tra-cheo/{first.pk}/")
    page.click("#confirm")
    expect(page.locator(".messages")).to_contain_text("Mục tiếp theo: Sở Nội vụ")
    assert page.url.endswith(f"/kiem-tra-cheo/{second.pk}/")
    expect(page.locator("h1")).to_contain_text(second.criterion.code)
    page.click("#confirm")
    expect(page.locator(".messages")).to_contain_text("Không còn mục nào đang chờ bạn")
    expect(page.locator("#count-cross-checks")).to_have_text("0")

    # 8. Round 1 closes; the agency sees the comment, not the note nor its file.
    # Other items of the round are not done: the move lists that, and the secretariat confirms.
    services.phase_move(
        actor=desk["secretariat"], period=period, to_phase=Phase.ROUND1_CLOSED, confirm=True
    )
    log_in(page, "chuyen_vien")
    page.goto(f"/tham-dinh/ho-so/{tuphap.id}/ket-qua/")
    expect(page.locator("#scorecard tr[data-code='1.2']")).to_contain_text(COMMENT)
    body = page.locator("body")
    expect(body).not_to_contain_text(NOTE)
    expect(body).not_to_contain_text("trang-3-danh-dau")
    expect(body).not_to_contain_text("Ghi chú nội bộ")
    page.goto("/thong-bao/")
    expect(page.locator("body")).not_to_contain_text(NOTE)
    assert page.goto(f"/tham-dinh/ghi-chu/tep/{note.attachment.pk}/").status == 404


def test_axe_on_the_desks_pages(chromium, live_server, desk):
    """The queue (with its refusal and confirmation), an item with notes, the cross-check,
    the assignments with the suggestion and the progress view: nothing serious or critical;
    at a phone's width no page scrolls sideways."""
    period, dossiers = desk["period"], desk["dossiers"]
    me = Assignment.objects.filter(appraiser=desk["me"]).order_by("pk")
    WorkingNote.objects.create(
        assessment=dossiers["SOTP"],
        criterion=desk["nodes"]["1.1"],
        stage=Stage.ROUND1,
        author=desk["secretariat"],
        text="Cần đối chiếu",
    )
    check = CrossCheck.objects.filter(checker=desk["me"]).first()
    problems: list[str] = []
    for width in (1280, 390):
        context = chromium.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            viewport={"width": width, "height": 900},
            bypass_csp=True,
        )
        page = context.new_page()
        log_in(page, "td_taichinh")
        for path in (
            reverse("appraisal_queue", args=[period.year]),
            reverse("appraisal_field", args=[dossiers["SOTP"].id, "1"]),
            reverse("appraisal_field", args=[dossiers["SOTP"].id, "2"]),
            reverse("appraisal_cross_check", args=[check.pk]),
        ):
            _check(page, path, problems, width)
        # The refusal of unscored leaves, with its confirmation form.
        page.goto(reverse("appraisal_queue", args=[period.year]))
        page.locator(f"input[name=assignment][value='{me[1].pk}']").check()
        page.click("#bulk-done")
        expect(page.locator("#unscored-confirm")).to_be_visible()
        page.add_script_tag(path=str(AXE))
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{width}px refusal: {violation['id']} {violation['nodes']}")
        log_in(page, "thu_ky")
        for path in (
            reverse("appraisal_assignments", args=[period.year]),
            reverse("appraisal_assignments_suggest", args=[period.year]) + "?mode=all",
            reverse("appraisal_progress", args=[period.year]),
        ):
            _check(page, path, problems, width)
        context.close()
    assert not problems, "\n".join(problems)
