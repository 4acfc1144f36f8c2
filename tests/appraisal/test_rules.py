"""Role × action matrix of appraisal.rules, phase by phase (from scoring.workflow)."""

from __future__ import annotations

import pytest

from appraisal.models import CrossCheck
from scoring import workflow
from scoring.enums import Phase, Stage


def _set_phase(cycle, phase):
    cycle.period.phase = phase
    cycle.period.save(update_fields=["phase"])
    cycle.assessment.period = cycle.period


@pytest.mark.parametrize(
    ("phase", "stage", "allowed"),
    [
        (Phase.SELF_ASSESSMENT, Stage.ROUND1, False),
        (Phase.ROUND1, Stage.ROUND1, True),
        (Phase.ROUND1, Stage.FINAL, False),
        (Phase.ROUND1_CLOSED, Stage.ROUND1, False),
        (Phase.SUPPLEMENT, Stage.ROUND1, False),
        (Phase.ROUND2, Stage.FINAL, True),
        (Phase.COUNCIL, Stage.FINAL, False),
        (Phase.PUBLISHED, Stage.FINAL, False),
    ],
)
def test_score_item_by_phase(cycle, phase, stage, allowed):
    _set_phase(cycle, phase)
    item = workflow.Item(cycle.assessment, cycle.nodes["2.1"], stage)
    assert cycle.away.has_perm("appraisal.score_item", item) is allowed
    # Never for someone not assigned, whatever the phase.
    for user in (cycle.home, cycle.staff, cycle.secretariat, cycle.council):
        assert not user.has_perm("appraisal.score_item", item)


@pytest.mark.parametrize("role", ["secretariat", "council", "home", "staff", "public"])
def test_cycle_perms_by_role(cycle, role):
    user = getattr(cycle, role)
    assert user.has_perm("appraisal.manage_cycle", cycle.period) is (role == "secretariat")
    assert user.has_perm("appraisal.view_cycle", cycle.period) is (
        role in ("secretariat", "council")
    )
    assert user.has_perm("appraisal.view_queue", cycle.period) is (role == "home")
    _set_phase(cycle, Phase.COUNCIL)
    assert user.has_perm("appraisal.approve", cycle.period) is (role == "council")


def test_agency_sees_round1_only_after_close(cycle):
    for phase, visible in [
        (Phase.ROUND1, False),
        (Phase.ROUND1_CLOSED, True),
        (Phase.SUPPLEMENT, True),
        (Phase.PUBLISHED, True),
    ]:
        _set_phase(cycle, phase)
        assert cycle.staff.has_perm("appraisal.view_round1_results", cycle.assessment) is visible
        assert not cycle.other_staff.has_perm("appraisal.view_round1_results", cycle.assessment)
        assert cycle.staff.has_perm("appraisal.view_final_results", cycle.assessment) is (
            phase == Phase.PUBLISHED
        )


def test_cross_check_never_on_own_home_unit(cycle):
    from django.utils import timezone

    check = CrossCheck.objects.create(
        assessment=cycle.assessment,
        criterion=cycle.nodes["1.1"],
        stage=Stage.ROUND1,
        requested_at=timezone.now(),
        checker=cycle.home,
    )
    assert not cycle.home.has_perm("appraisal.decide_cross_check", check)
    check.checker = cycle.away
    assert cycle.away.has_perm("appraisal.decide_cross_check", check)


def test_workflow_table_is_complete():
    assert set(workflow.PHASES) == set(Phase.values)
    for phase, steps in workflow.TRANSITIONS.items():
        for step in steps:
            assert step.to in workflow.PHASES, (phase, step)
