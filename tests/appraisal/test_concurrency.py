"""Two appraisers saving the same leaf at once: one wins, the other is told (PostgreSQL).

The appraiser of the unit re-scores a leaf while the cross-checker from another unit changes
it; both saw version 1. Each runs in its own thread with its own database connection.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from appraisal import services
from appraisal.enums import CrossCheckDecision
from appraisal.models import CrossCheck
from scoring.enums import AuditAction, Stage
from scoring.models import AuditEntry, LeafScore
from tests.appraisal.conftest import build_cycle


def _run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("saved", job())
        except services.StaleVersionError as exc:
            outcomes[index] = ("stale", exc)
        except Exception as exc:  # surfaced by the assertions below
            outcomes[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_one_wins_other_told():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with DATABASE_URL=postgres://…")
    c = build_cycle()
    leaf = c.nodes["1.1"]
    first = services.appraisal_score_set(
        actor=c.home,
        assessment=c.assessment,
        criterion=leaf,
        stage=Stage.ROUND1,
        inputs={"answer": True},
        expected_version=0,
    )
    assert first.version == 1 and first.provisional
    check = CrossCheck.objects.get()

    def appraiser_resaves():
        return services.appraisal_score_set(
            actor=c.home,
            assessment=c.assessment,
            criterion=leaf,
            stage=Stage.ROUND1,
            inputs={"answer": "false"},
            comment="Chưa ban hành kế hoạch",
            expected_version=1,
        )

    def checker_changes():
        return services.cross_check_decide(
            actor=c.away,
            cross_check=check,
            decision=CrossCheckDecision.CHANGED,
            inputs={"answer": "false"},
            comment="Kế hoạch ban hành trễ",
            expected_version=1,
        )

    outcomes = _run_together(appraiser_resaves, checker_changes)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["saved", "stale"], outcomes
    winner = next(value for kind, value in outcomes if kind == "saved")
    stale = next(value for kind, value in outcomes if kind == "stale")
    stored = LeafScore.objects.get(assessment=c.assessment, criterion=leaf, stage=Stage.ROUND1)
    # The loser is told the current value; nothing of theirs was written silently.
    assert stale.current.version == stored.version == 2
    assert stale.current.comment == stored.comment == winner.comment
    assert "phiên bản 2" in str(stale)
    changes = AuditEntry.objects.filter(action__in=[AuditAction.SCORE, AuditAction.CROSS_CHECK])
    assert changes.count() == 2  # the first save and the winner only
