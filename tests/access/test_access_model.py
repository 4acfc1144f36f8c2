"""Item 1 of issue 11: one access model.

Roles count for their year only (no year: every year; tested with the role predicates in
tests/units/test_rules.py); every field of the phase table drives a predicate (flipping it flips a permission); lists agree with the object rules in
every phase; and no module outside the phase table compares phases by name.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reports.enums import DocumentTarget, ReportKind
from scoring import workflow
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import Assessment, Period, Result
from scoring.workflow import Item
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)

from . import world as w

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- roles by year: tests/units/test_rules.py (the role predicates live in units.rules) ----


# --- every field of the phase table drives a predicate ------------------------------------


@pytest.fixture
def dossier(db):
    group = make_group("so")
    unit, home = make_unit(group, "A01"), make_unit(group, "C01")
    now = timezone.now()
    period = make_period(
        2025,
        Phase.SETUP,
        [group],
        supplement_start=now - timedelta(days=1),
        supplement_end=now + timedelta(days=1),
    )
    nodes = make_small_tree(period, [group])
    assessment = make_assessment(period, unit)
    appraiser = make_user(RoleKind.APPRAISER, home, year=2025)
    make_assignment(period, "1", unit, appraiser)
    return {
        "period": period,
        "assessment": Assessment.objects.select_related("period", "unit").get(pk=assessment.pk),
        "leaf": nodes["1.1"],
        "staff": make_user(RoleKind.AGENCY_STAFF, unit),
        "appraiser": appraiser,
        "council": make_user(RoleKind.COUNCIL, year=2025),
        "secretariat": make_user(RoleKind.SECRETARIAT, year=2025),
        "anonymous": __import__("django.contrib.auth.models", fromlist=["x"]).AnonymousUser(),
    }


def _probes(d):
    """Field → (the value it is flipped to, the permission question it must answer)."""
    a, period = d["assessment"], d["period"]
    return {
        "agency_scores": (
            Stage.SELF,
            lambda: d["staff"].has_perm("scoring.edit_self_assessment", a),
        ),
        "appraiser_scores": (
            Stage.ROUND1,
            lambda: d["appraiser"].has_perm(
                "appraisal.score_item", Item(a, d["leaf"], Stage.ROUND1)
            ),
        ),
        "appraisal_started": (True, lambda: d["appraiser"].has_perm("scoring.view_assessment", a)),
        "agency_evidence": (
            workflow.EVIDENCE_FLAGGED,
            lambda: d["staff"].has_perm("evidence.upload_file", a),
        ),
        "agency_sees": (
            frozenset({Stage.SELF, Stage.ROUND1}),
            lambda: d["staff"].has_perm("appraisal.view_round1_results", a),
        ),
        "council_approves": (True, lambda: d["council"].has_perm("appraisal.approve", period)),
        "frozen": (True, lambda: d["secretariat"].has_perm("reports.run_index", period)),
        "results_public": (True, lambda: d["anonymous"].has_perm("scoring.view_results", period)),
        "window": (None, lambda: d["staff"].has_perm("appraisal.supplement_open", a)),
        "supplement_requests_sent": (
            True,
            lambda: d["staff"].has_perm(
                "reports.view_document",
                DocumentTarget(period, ReportKind.SUPPLEMENT_REQUEST, a.unit),
            ),
        ),
    }


def test_every_phase_table_field_has_a_probe(dossier):
    assert set(_probes(dossier)) == {f.name for f in dataclasses.fields(workflow.PhaseRules)}


@pytest.mark.parametrize("field_name", [f.name for f in dataclasses.fields(workflow.PhaseRules)])
def test_every_phase_table_field_drives_a_predicate(dossier, monkeypatch, field_name):
    """Flipping one field of the row of the year's phase flips the permission it drives."""
    flipped, ask = _probes(dossier)[field_name]
    base = workflow.PhaseRules()
    if field_name == "window":
        # In a flagged-evidence phase, a window in the past closes what no window leaves open.
        base = workflow.PhaseRules(agency_evidence=workflow.EVIDENCE_FLAGGED)
        Period.objects.filter(pk=dossier["period"].pk).update(
            supplement_end=timezone.now() - timedelta(hours=1)
        )
        dossier["period"].refresh_from_db()
        dossier["assessment"].period = dossier["period"]
        flipped_rules = dataclasses.replace(base, window=("supplement_start", "supplement_end"))
    else:
        flipped_rules = dataclasses.replace(base, **{field_name: flipped})
    monkeypatch.setitem(workflow.PHASES, Phase.SETUP, base)
    before = ask()
    monkeypatch.setitem(workflow.PHASES, Phase.SETUP, flipped_rules)
    assert ask() is not before, field_name


# --- lists agree with the object rules, in every phase ------------------------------------


@pytest.mark.parametrize("phase", w.PHASES)
def test_lists_agree_with_object_rules(db, phase):
    world = w.build(phase)
    assessments = list(Assessment.objects.select_related("period", "unit"))
    periods = list(Period.objects.all())
    for role in w.ROLES:
        user = world.users.get(role)
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
            listed = {row["id"] for row in client.get("/api/v1/assessments/").json()["results"]}
            expected = {a.pk for a in assessments if user.has_perm("scoring.view_assessment", a)}
            assert listed == expected, role
        results = client.get("/api/v1/results/?page_size=1000").json()["results"]
        years = {row["year"] for row in results}
        from django.contrib.auth.models import AnonymousUser

        actor = user or AnonymousUser()
        expected_years = {
            p.year
            for p in periods
            if actor.has_perm("scoring.view_results", p)
            and Result.objects.filter(period=p).exists()
        }
        assert years == expected_years, role


# --- nothing else decides by phase -------------------------------------------------------

# Where naming a phase is data, not a decision: the table, the enum, the model's default, a
# year created by a criteria import or copy (set-up), an imported past year (published), the
# demo province.
PHASE_NAMED_OK = {
    "scoring/workflow.py",
    "scoring/enums.py",
    "scoring/models.py",
    "scoring/criteria_io.py",
    "scoring/results_io.py",
    "parindex/demo.py",
}


def test_no_module_decides_by_phase_name_outside_the_table():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.split("/")[0] in ("tests", "bench", ".venv") or "/migrations/" in relative:
            continue
        if relative in PHASE_NAMED_OK:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\bPhase\.[A-Z_]+\b", line) or re.search(
                r"""phase(__in)?\s*(==|!=|=|\bin\b)\s*[\[(]?\s*["']""", line
            ):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    templates = ROOT / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        if re.search(r"phase\s*[=!]=", text):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, "phase decided outside scoring/workflow.py:\n" + "\n".join(offenders)


def test_no_copy_of_the_stage_table_remains():
    import evidence.services as evidence_services
    import scoring.workflow as table

    assert not hasattr(evidence_services, "_STAGE_BY_PHASE")
    assert not hasattr(table, "STAGE_OF_PHASE")
    assert not (ROOT / "appraisal" / "workflow.py").exists()
    assert workflow.evidence_stage(Phase.SELF_ASSESSMENT) == Stage.SELF
    assert workflow.evidence_stage(Phase.SUPPLEMENT) == Stage.ROUND1
    assert workflow.evidence_stage(Phase.ROUND2) is None


def test_submitted_status_is_what_appraisers_see_before_round1(dossier):
    a = dossier["assessment"]
    Period.objects.filter(pk=a.period_id).update(phase=Phase.SELF_ASSESSMENT)
    a.period.refresh_from_db()
    assert not dossier["appraiser"].has_perm("scoring.view_assessment", a)
    a.status = AssessmentStatus.SUBMITTED
    assert dossier["appraiser"].has_perm("scoring.view_assessment", a)
