"""The agency's pages (issue 13, item 7): the unit's home links to its results, scorecard
and plan as soon as the rules allow; a flagged item shows its form in the window with the
window and a countdown, and before the window a line saying when it opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from appraisal import agency
from scoring.enums import Phase, Stage
from scoring.models import LeafScore, Period
from scoring.services import results_compute

from .test_services import set_phase


@pytest.fixture
def flagged(cycle):
    LeafScore.objects.create(
        assessment=cycle.assessment,
        criterion=cycle.nodes["2.1"],
        stage=Stage.ROUND1,
        value="0.5",
        comment="Thiếu kế hoạch rà soát",
        supplement_requested=True,
    )
    return cycle


def page(client, cycle):
    client.force_login(cycle.staff)
    return client.get(f"/tham-dinh/ho-so/{cycle.assessment.pk}/ket-qua/").content.decode()


def test_before_the_window_a_line_says_when_it_opens(client, flagged):
    start = timezone.now() + timedelta(days=2)
    Period.objects.filter(pk=flagged.period.pk).update(
        phase=Phase.ROUND1_CLOSED, supplement_start=start, supplement_end=start + timedelta(days=3)
    )
    text = page(client, flagged)
    assert "Thời gian giải trình bổ sung mở từ" in text
    assert "Mẫu giải trình mở từ" in text
    assert 'class="supplement-form"' not in text
    # In the supplement phase, before its start date: the same.
    Period.objects.filter(pk=flagged.period.pk).update(phase=Phase.SUPPLEMENT)
    assert "Mẫu giải trình mở từ" in page(client, flagged)


def test_in_the_window_the_form_the_window_and_a_countdown(client, flagged):
    set_phase(flagged, Phase.SUPPLEMENT)  # the cycle's window: yesterday to in two days
    text = page(client, flagged)
    assert 'class="supplement-form"' in text
    assert "Đang trong thời gian giải trình bổ sung: còn 1 ngày" in text
    assert "ngày làm việc), đến" in text
    window = agency.supplement_window(assessment=flagged.assessment)
    assert window.state == agency.OPEN
    assert agency.countdown_text(window.end, now=window.end - timedelta(minutes=30)).startswith(
        "còn 30 phút"
    )


def test_after_the_window_it_says_so(client, flagged):
    set_phase(flagged, Phase.SUPPLEMENT)
    Period.objects.filter(pk=flagged.period.pk).update(
        supplement_end=timezone.now() - timedelta(hours=1)
    )
    text = page(client, flagged)
    assert "Đã hết thời gian giải trình bổ sung" in text
    assert 'class="supplement-form"' not in text


def test_home_links_to_what_the_rules_allow(client, flagged):
    client.force_login(flagged.staff)
    set_phase(flagged, Phase.ROUND1)
    home = client.get("/").content.decode()
    assert 'data-year="2024" data-unit="SOTP"' in home
    assert "results-link" not in home and "scorecard-link" not in home
    set_phase(flagged, Phase.SUPPLEMENT)
    home = client.get("/").content.decode()
    assert 'class="results-link">Kết quả thẩm định và giải trình bổ sung<' in home
    assert "scorecard-link" not in home  # final figures: not before publication
    LeafScore.objects.create(
        assessment=flagged.assessment, criterion=flagged.nodes["1.1"], stage=Stage.FINAL, value=2
    )
    set_phase(flagged, Phase.ROUND2)
    results_compute(period=flagged.period, stage=Stage.FINAL)
    set_phase(flagged, Phase.PUBLISHED)
    home = client.get("/").content.decode()
    assert 'href="/bao-cao/2024/don-vi/SOTP/" class="scorecard-link"' in home
    assert "plan-link" in home
