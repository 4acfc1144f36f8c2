"""The council page (issue 13, item 6): what is approved — ranking, bands, self vs final per
unit, changes since round 1 — and each member's approval or objection with a comment; the
secretariat sees who approved and who objected, and is told of an objection."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from appraisal import services
from appraisal.council import council_overview
from appraisal.enums import NotificationKind
from appraisal.models import CouncilApproval, Notification
from scoring.enums import AuditAction, Phase, Stage
from scoring.models import AuditEntry, LeafScore
from scoring.services import results_compute
from tests.factories import RoleKind, make_user

from .test_services import move, set_phase


@pytest.fixture
def council_year(cycle):
    """Round 1 and final scores of both units (SOTP's 2.1 lowered in round 2), results
    computed, the council phase."""
    for assessment in (cycle.assessment, cycle.other_assessment):
        for stage in (Stage.ROUND1, Stage.FINAL):
            for code, value in (("1.1", 2), ("2.1", 1)):
                LeafScore.objects.create(
                    assessment=assessment, criterion=cycle.nodes[code], stage=stage, value=value
                )
    LeafScore.objects.filter(
        assessment=cycle.assessment, criterion=cycle.nodes["2.1"], stage=Stage.FINAL
    ).update(value="0.5")
    set_phase(cycle, Phase.ROUND2)
    results_compute(period=cycle.period, stage=Stage.ROUND1)
    results_compute(period=cycle.period, stage=Stage.FINAL)
    set_phase(cycle, Phase.COUNCIL)
    cycle.second_member = make_user(RoleKind.COUNCIL, year=2024, username="hoi_dong_2")
    return cycle


def test_overview_shows_ranking_self_round1_final_and_changes(council_year):
    overview = council_overview(period=council_year.period)
    [group] = overview["groups"]
    rows = {r.unit["unit_code"]: r for r in group["rows"]}
    own, other = rows["SOTP"], rows["SOTC"]
    assert (other.unit["rank_in_group"], own.unit["rank_in_group"]) == (1, 2)
    assert own.final_index < own.round1_index and own.change < 0
    assert own.leaves_changed == 1 and other.leaves_changed == 0
    assert own.self_index is not None and own.unit["band"]


def test_objection_needs_a_comment_and_tells_the_secretariat(council_year):
    with pytest.raises(ValidationError) as refused:
        services.council_approve(
            actor=council_year.council, period=council_year.period, decision="objected"
        )
    assert refused.value.code == "comment_required"
    services.council_approve(
        actor=council_year.council,
        period=council_year.period,
        decision="objected",
        comment="Điểm 2.1 của Sở Tư pháp cần xem lại",
    )
    [told] = Notification.objects.filter(kind=NotificationKind.COUNCIL)
    assert told.recipient == council_year.secretariat
    assert "Điểm 2.1 của Sở Tư pháp cần xem lại" in told.text
    assert told.link == "/tham-dinh/2024/hoi-dong/"
    # Changing one's mind replaces the opinion; the trail keeps both.
    services.council_approve(actor=council_year.council, period=council_year.period)
    [current] = CouncilApproval.objects.filter(superseded=False)
    assert (current.decision, current.comment) == ("approved", "")
    trail = AuditEntry.objects.filter(action=AuditAction.APPROVAL).order_by("id")
    assert [e.new_value["decision"] for e in trail] == ["objected", "approved"]


def test_objections_alone_do_not_let_the_year_publish(council_year):
    services.council_approve(
        actor=council_year.council,
        period=council_year.period,
        decision="objected",
        comment="Chưa đồng ý",
    )
    services.decision_record(
        actor=council_year.secretariat,
        period=council_year.period,
        number="15/QĐ-UBND",
        date=__import__("datetime").date(2025, 1, 21),
        signer="Chủ tịch",
    )
    with pytest.raises(ValidationError) as refused:
        move(council_year, Phase.PUBLISHED)
    assert "Chưa có thành viên Hội đồng thẩm định nào thông qua" in refused.value.messages[0]
    services.council_approve(actor=council_year.second_member, period=council_year.period)
    with pytest.raises(ValidationError) as unconfirmed:
        move(council_year, Phase.PUBLISHED, confirm=False)
    assert [c.kind for c in unconfirmed.value.consequences] == ["council_objections"]
    move(council_year, Phase.PUBLISHED)


def test_council_page_figures_and_opinions(client, council_year):
    services.council_approve(
        actor=council_year.council,
        period=council_year.period,
        decision="objected",
        comment="Xem lại",
    )
    client.force_login(council_year.secretariat)
    page = client.get("/tham-dinh/2024/hoi-dong/").content.decode()
    assert 'data-unit="SOTP"' in page and 'class="num change">-' in page
    assert f'data-member="{council_year.council.username}" data-decision="objected"' in page
    assert 'data-member="hoi_dong_2" data-decision=""' in page  # not yet
    assert 'id="opinion-form"' not in page  # the secretariat does not give one
    client.force_login(council_year.second_member)
    page = client.get("/tham-dinh/2024/hoi-dong/").content.decode()
    assert 'id="opinion-form"' in page
    response = client.post(
        "/tham-dinh/2024/thong-qua/", {"decision": "objected", "comment": ""}, follow=True
    )
    assert "Hãy ghi ý kiến khi không thông qua" in response.content.decode()
    client.post("/tham-dinh/2024/thong-qua/", {"decision": "approved"})
    assert CouncilApproval.objects.get(member=council_year.second_member).decision == "approved"


def test_council_page_before_final_results_says_so(client, cycle):
    client.force_login(cycle.council)
    page = client.get("/tham-dinh/2024/hoi-dong/").content.decode()
    assert 'id="no-figures"' in page
    assert client.post("/tham-dinh/2024/thong-qua/", follow=True).status_code == 200
    assert not CouncilApproval.objects.exists()  # round 1: not the council's phase
    client.force_login(cycle.staff)
    assert client.get("/tham-dinh/2024/hoi-dong/").status_code == 404
