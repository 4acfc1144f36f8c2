"""Role × action matrix of the evidence perms."""

import pytest

from evidence import services
from scoring.enums import AssessmentStatus, Phase
from tests.factories import RoleKind, make_user

from . import files
from .files import upload

ACTIONS = ["evidence.view_file", "evidence.upload_file", "evidence.edit_file"]


def _who(d, role):
    return {
        "staff": d.staff,
        "head": d.head,
        "other_staff": d.other_staff,
        "secretariat": d.secretariat,
        "appraiser": make_user(RoleKind.APPRAISER, d.other_unit, year=2024),
        "nobody": make_user(),
    }[role]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", [True, True, True]),
        ("head", [True, True, True]),
        ("other_staff", [False, False, False]),
        ("secretariat", [True, False, False]),
        # An unsubmitted draft in self-assessment is not the appraisers' to read (issue 11).
        ("appraiser", [False, False, False]),
        ("nobody", [False, False, False]),
    ],
)
def test_evidence_perms_by_role(dossier, role, expected):
    f = services.evidence_upload(
        actor=dossier.staff,
        assessment=dossier.assessment,
        criterion=dossier.leaf,
        uploaded_file=upload("a.pdf", files.pdf_bytes()),
    ).file
    user = _who(dossier, role)
    objects = {
        "evidence.view_file": f,
        "evidence.upload_file": dossier.assessment,
        "evidence.edit_file": f,
    }
    assert [user.has_perm(perm, objects[perm]) for perm in ACTIONS] == expected


@pytest.mark.parametrize("state", ["submitted", "round1", "removed"])
def test_evidence_perms_closed_states(dossier, state):
    f = services.evidence_upload(
        actor=dossier.staff,
        assessment=dossier.assessment,
        criterion=dossier.leaf,
        uploaded_file=upload("a.pdf", files.pdf_bytes()),
    ).file
    if state == "submitted":
        dossier.assessment.status = AssessmentStatus.SUBMITTED
        dossier.assessment.save()
    elif state == "round1":
        dossier.period.phase = Phase.ROUND1
        dossier.period.save()
    else:
        services.evidence_remove(actor=dossier.staff, evidence_file=f)
    f.refresh_from_db()
    f.assessment.refresh_from_db()
    f.assessment.period.refresh_from_db()
    assert dossier.staff.has_perm("evidence.edit_file", f) is False
    assert dossier.staff.has_perm("evidence.view_file", f) is (state != "removed")
