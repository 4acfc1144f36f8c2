"""Accessibility and reach in a real browser, on the demo province.

axe-core (vendored from the npm registry, static/vendor/axe-core/) runs over the key pages of
every role: no serious or critical violation. On a phone's width (390 px) no page scrolls
sideways: wide tables scroll inside their own box. The skip link is the first thing the
keyboard reaches and takes it to the main content.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import CHROMIUM, CHROMIUM_MISSING
from tests.tools import require_tool

require_tool(CHROMIUM.exists(), CHROMIUM_MISSING, module=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
WIDTHS = (1280, 390)
PHONE_LAYOUTS = ("/lich/", "/tong-quan/", "/linh-vuc/", "/thong-bao/")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))
  }));
}"""
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def _user(kind, **filters):
    from units.models import Role

    role = (
        Role.objects.filter(kind=kind, **filters)
        .select_related("user", "unit")
        .order_by("user__username")
        .first()
    )
    assert role is not None, kind
    return role.user, role.unit


@pytest.fixture
def demo_world(transactional_db, settings):
    """The demo province, its current year, a published year and a user of every role."""
    from appraisal.models import Assignment
    from appraisal.notifications import notify
    from parindex.demo import DEMO_PASSWORD, demo_load
    from scoring import selectors
    from scoring.models import Assessment
    from units.enums import RoleKind

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()
    current = selectors.period_current()
    published = selectors.period_published_list().first()
    staff, unit = _user(RoleKind.AGENCY_STAFF)
    head, _ = _user(RoleKind.AGENCY_HEAD, unit=unit)
    assessment = Assessment.objects.get(period=current, unit=unit)
    assignment = (
        Assignment.objects.filter(period=current).select_related("appraiser", "field").first()
    )
    notify(
        kind="phase",
        key="a11y",
        user_ids=[staff.pk, assignment.appraiser_id],
        period=current,
        title="Chuyển giai đoạn: Tự đánh giá",
        text="Kỳ đánh giá chuyển sang tự đánh giá.",
        link=reverse("home"),
    )
    return {
        "password": DEMO_PASSWORD,
        "current": current,
        "published": published,
        "unit": unit,
        "assessment": assessment,
        "assignment": assignment,
        "users": {
            "staff": staff,
            "head": head,
            "appraiser": assignment.appraiser,
            "secretariat": _user(RoleKind.SECRETARIAT)[0],
            "council": _user(RoleKind.COUNCIL)[0],
            "leadership": _user(RoleKind.LEADERSHIP)[0],
        },
    }


def _pages(world) -> dict[str, list[str]]:
    year, old = world["current"].year, world["published"].year
    a, unit = world["assessment"], world["unit"]
    assignment = world["assignment"]
    appraised = assignment.unit.assessments.get(period=world["current"])
    return {
        "anonymous": [reverse("login"), reverse("ranking_year", args=[old])],
        "staff": [
            reverse("home"),
            reverse("workspace", args=[a.id]),
            reverse("field_form", args=[a.id, "1"]),
            reverse("assessment_submit", args=[a.id]),
            reverse("notifications"),
            reverse("reports:index"),
            reverse("reports:scorecard", args=[old, unit.code]),
        ],
        "head": [reverse("home"), reverse("assessment_submit", args=[a.id])],
        "appraiser": [
            reverse("home"),
            reverse("appraisal_queue", args=[year]),
            reverse("appraisal_field", args=[appraised.id, assignment.field.code]),
            reverse("notifications"),
        ],
        "secretariat": [
            reverse("home"),
            reverse("appraisal_cycle", args=[year]),
            reverse("appraisal_calendar", args=[year]),
            reverse("appraisal_team", args=[year]),
            reverse("appraisal_assignments", args=[year]),
            reverse("criteria_index"),
            reverse("reports:index"),
            reverse("reports:report", args=[old, "cong-bo"]),
            reverse("reports:dashboard"),
        ],
        "council": [
            reverse("home"),
            reverse("appraisal_cycle", args=[year]),
            reverse("appraisal_council", args=[old]),  # a year with final figures
        ],
        "leadership": [
            reverse("home"),
            reverse("reports:dashboard"),
            reverse("reports:scorecard", args=[old, unit.code]),
        ],
    }


def _log_in(page, user, password):
    page.context.clear_cookies()
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Xin chào")


def _check(page, path, problems, width, axe=True):
    response = page.goto(path)  # waits for "load": the page's own scripts have run
    assert response.status == 200, path
    overflow = page.evaluate(PAGE_OVERFLOW)
    if overflow > 1:
        problems.append(f"{width}px {path}: the page scrolls sideways by {overflow}px")
    if not axe:
        return
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(RUN_AXE):
        if violation["impact"] in BLOCKING:
            problems.append(
                f"{width}px {path}: [{violation['impact']}] {violation['id']} "
                f"{violation['help']} {violation['nodes']}"
            )


def _scan(chromium, live_server, world, roles) -> tuple[list[str], int]:
    problems, pages = [], 0
    for width in WIDTHS:
        # axe is injected from the local file as an inline script: the test's browser
        # lets it past the portal's CSP (script-src 'self'); the pages themselves are served
        # unchanged.
        context = chromium.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            viewport={"width": width, "height": 900},
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        for role in roles:
            if role != "anonymous":
                _log_in(page, world["users"][role], world["password"])
            else:
                page.context.clear_cookies()
            for path in _pages(world)[role]:
                # axe over every page at the desktop width; on the phone, every page for
                # sideways scrolling and axe where the layout changes (stacked forms, charts).
                axe = width == WIDTHS[0] or any(part in path for part in PHONE_LAYOUTS)
                _check(page, path, problems, width, axe=axe)
                pages += 1
        context.close()
    return problems, pages


def test_axe_finds_nothing_serious_on_every_roles_pages(chromium, live_server, demo_world):
    roles = ["anonymous", "staff", "head", "appraiser", "secretariat", "council", "leadership"]
    problems, pages = _scan(chromium, live_server, demo_world, roles)
    assert pages == 2 * sum(len(paths) for paths in _pages(demo_world).values())
    assert not problems, "\n".join(problems)


def test_axe_on_the_open_rounds_pages_and_the_skip_link(chromium, live_server, demo_world):
    """The appraiser's scoring form in round 1 and the agency's supplement form (file input,
    window) in the supplement phase; the skip link."""
    from scoring.enums import Phase, Stage
    from scoring.models import Criterion, LeafScore, Period

    period = demo_world["current"]
    Period.objects.filter(pk=period.pk).update(phase=Phase.ROUND1)
    context = chromium.new_context(base_url=live_server.url, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    assignment = demo_world["assignment"]
    appraised = assignment.unit.assessments.get(period=period)
    _log_in(page, demo_world["users"]["appraiser"], demo_world["password"])
    _check(
        page,
        reverse("appraisal_field", args=[appraised.id, assignment.field.code]),
        problems,
        1280,
    )
    expect(page.locator("form").first).to_be_visible()

    now = timezone.now()
    leaf = Criterion.objects.filter(period=period, is_leaf=True).order_by("order").first()
    assessment = demo_world["assessment"]
    LeafScore.objects.update_or_create(
        assessment=assessment,
        criterion=leaf,
        stage=Stage.ROUND1,
        defaults={"supplement_requested": True, "comment": "Thiếu tài liệu"},
    )
    Period.objects.filter(pk=period.pk).update(
        phase=Phase.SUPPLEMENT,
        supplement_start=now - timedelta(days=1),
        supplement_end=now + timedelta(days=2),
    )
    _log_in(page, demo_world["users"]["staff"], demo_world["password"])
    _check(page, reverse("appraisal_agency", args=[assessment.id]), problems, 1280)
    expect(page.locator("input[type=file]").first).to_be_visible()
    assert not problems, "\n".join(problems)

    # The skip link: the first thing the keyboard reaches; it takes it to the main content.
    _log_in(page, demo_world["users"]["staff"], demo_world["password"])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Bỏ qua đến nội dung chính")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page's content, not the header
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    context.close()


def test_axe_harness_reports_what_it_should(chromium):
    """The check itself can fail: an unlabelled input and grey-on-white text are reported."""
    page = chromium.new_page()
    page.set_content(
        '<html lang="vi"><head><title>t</title></head><body><main><h1>Thử</h1>'
        '<input type="file" name="f"><p style="color:#b87a00">Trung bình</p></main></body></html>'
    )
    page.add_script_tag(path=str(AXE))
    found = {v["id"]: v["impact"] for v in page.evaluate(RUN_AXE)}
    page.close()
    assert found.get("label") == "critical" and found.get("color-contrast") == "serious"
