"""Evidence previewed in place: the browser really shows the PDF inside the portal's page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.services import evidence_upload
from scoring.enums import Phase
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
pytest.importorskip("playwright.sync_api", reason="pip install playwright")

pytestmark = pytest.mark.browser


def test_evidence_preview_is_shown_in_a_frame_of_the_portal(browser_page, settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    group = make_group("so")
    period = make_period(2025, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = make_small_tree(period, [group])
    unit = make_unit(group, "SO-TP", "Sở Tư pháp")
    assessment = make_assessment(period, unit)
    staff = make_user(RoleKind.AGENCY_STAFF, unit, username="chuyenvien")
    outcome = evidence_upload(
        actor=staff,
        assessment=assessment,
        criterion=nodes["1.1"],
        uploaded_file=SimpleUploadedFile("ke-hoach.pdf", SMALL_PDF),
    )
    page = browser_page
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "frame" in message.text else None
    )
    log_in(page, "chuyenvien")
    page.goto(f"/ho-so/{assessment.id}/")
    with page.expect_response(lambda r: "/xem/" in r.url) as preview:
        page.evaluate(
            "url => { const f = document.createElement('iframe'); f.src = url;"
            " document.body.prepend(f); }",
            f"/tai-lieu/{outcome.file.id}/xem/",
        )
    response = preview.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    page.wait_for_timeout(1000)
    assert refused == []  # e.g. "Refused to display … in a frame because … 'deny'"
