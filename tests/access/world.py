"""One province as it stands in each of the 8 phases of a year, for the access matrix and the
leak test.

Year 2025 is the year under test; three units in one group: A01 (the unit whose objects the
URLs name), B01 and C01. Every role of the matrix has a user:

- staff and head of A01; staff of B01;
- appraisers of 2025: the one assigned fields 1 and 3 of A01 and given the cross-check
  (home unit C01); one of the same year not assigned to A01 (home C01, fields of B01 and
  C01); the one whose home unit is A01 (assigned field 2 of A01: their scores are
  cross-checked); and an appraiser of 2023;
- secretariat, council and leadership of 2025 and of 2023, and a secretariat with no year
  (a standing role: it counts for every year).

The state is what the portal holds in that phase: self scores from self-assessment on (A01
a draft until round 1, submitted after), round-1 scores with a supplement request on 1.1
and a cross-check on 2.1 from round 1, round-1 results once round 1 is closed, final scores
and results from round 2 (the secretariat ran the index job), the council's approval and the
sealed results once published. Built with the models directly (the services under test are
exercised by the requests).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from appraisal.enums import NotificationKind
from appraisal.models import (
    Assignment,
    CouncilApproval,
    CrossCheck,
    NoteAttachment,
    Notification,
    WorkingNote,
)
from evidence.enums import ReadingState
from evidence.models import EvidenceFile, EvidenceLink, EvidenceReading
from reports.enums import FileFormat, JobStatus, ReportKind
from reports.models import ReportFile
from scoring import criteria_io
from scoring.enums import AssessmentStatus, Phase, Stage
from scoring.models import LeafScore, Period
from scoring.sealing import results_seal
from scoring.services import results_compute
from tests import factories as f
from tests.evidence.files import pdf_bytes
from units.enums import RoleKind

YEAR, OTHER_YEAR = 2025, 2023
PHASES = list(Phase.values)  # setup … published, in the order of the cycle

ANON = "anonymous"
STAFF, HEAD, OTHER = "staff_own", "head_own", "staff_other_unit"
ASSIGNED, UNASSIGNED, HOME, APPR_X = (
    "appraiser_assigned",
    "appraiser_not_assigned",
    "appraiser_home_unit",
    "appraiser_other_year",
)
SECR, COUNCIL, LEAD = "secretariat", "council", "leadership"
SECR_X, COUNCIL_X, LEAD_X = "secretariat_other_year", "council_other_year", "leadership_other_year"
SECR_ALL = "secretariat_every_year"
ROLES = [
    ANON,
    STAFF,
    HEAD,
    OTHER,
    ASSIGNED,
    UNASSIGNED,
    HOME,
    APPR_X,
    SECR,
    COUNCIL,
    LEAD,
    SECR_X,
    COUNCIL_X,
    LEAD_X,
    SECR_ALL,
]

# The unit's own figures (inputs and points) at the self stage, every scored leaf.
SELF_SCORES = {
    "1.1": ({"answer": False}, "0"),
    "1.2": ({"level": "on_time"}, "2"),
    "2.1": ({"value": "1"}, "1"),
    "2.2": ({"numerator": "95", "denominator": "100"}, "2"),
    "2.3": ({"sipas": "90"}, "2"),
    "2.4": ({"count": "2"}, "1"),
    "3.1": ({"value": "80"}, "80"),
}
MISSING_ID = 999_999_999


def order_of(phase: str) -> int:
    return PHASES.index(phase)


def at_least(phase: str, first: str) -> bool:
    return order_of(phase) >= order_of(first)


@dataclass
class World:
    phase: str
    period: Period = None
    group: object = None
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=dict)
    assessments: dict = field(default_factory=dict)
    assignments: dict = field(default_factory=dict)
    evidence_file: object = None
    cross_check: object = None
    report_file: object = None
    criteria_xlsx: bytes = b""
    spare: object = None
    notification: object = None
    note: object = None  # a note of the working group on A01's 1.1, with a file
    token_id: int = 0  # set by the request that revokes a token

    @property
    def own(self):
        return self.assessments["A01"]

    @property
    def open_stage(self) -> str:
        from scoring import workflow

        return workflow.rules_of(self.phase).appraiser_scores or Stage.ROUND1


def _users(world: World) -> None:
    a, c = world.units["A01"], world.units["C01"]
    u = world.users
    u[STAFF] = f.make_user(RoleKind.AGENCY_STAFF, a, username="chuyen_vien_a")
    u[HEAD] = f.make_user(RoleKind.AGENCY_HEAD, a, username="thu_truong_a")
    u[OTHER] = f.make_user(RoleKind.AGENCY_STAFF, world.units["B01"], username="chuyen_vien_b")
    expertise = ["1", "2", "3"]
    u[ASSIGNED] = f.make_user(RoleKind.APPRAISER, c, YEAR, "tham_dinh_giao", expertise)
    u[UNASSIGNED] = f.make_user(RoleKind.APPRAISER, c, YEAR, "tham_dinh_khac", expertise)
    u[HOME] = f.make_user(RoleKind.APPRAISER, a, YEAR, "tham_dinh_nha", expertise)
    u[APPR_X] = f.make_user(RoleKind.APPRAISER, c, OTHER_YEAR, "tham_dinh_2023", expertise)
    u[SECR] = f.make_user(RoleKind.SECRETARIAT, year=YEAR, username="thu_ky")
    u[COUNCIL] = f.make_user(RoleKind.COUNCIL, year=YEAR, username="hoi_dong")
    u[LEAD] = f.make_user(RoleKind.LEADERSHIP, year=YEAR, username="lanh_dao")
    u[SECR_X] = f.make_user(RoleKind.SECRETARIAT, year=OTHER_YEAR, username="thu_ky_2023")
    u[COUNCIL_X] = f.make_user(RoleKind.COUNCIL, year=OTHER_YEAR, username="hoi_dong_2023")
    u[LEAD_X] = f.make_user(RoleKind.LEADERSHIP, year=OTHER_YEAR, username="lanh_dao_2023")
    u[SECR_ALL] = f.make_user(RoleKind.SECRETARIAT, username="thu_ky_thuong_truc")
    world.spare = f.make_user(username="nguoi_moi")


def _copy_stage(world: World, source: str, target: str, comments: dict | None = None) -> None:
    rows = []
    for assessment in world.assessments.values():
        for score in LeafScore.objects.filter(assessment=assessment, stage=source):
            code = score.criterion.code
            rows.append(
                LeafScore(
                    assessment=assessment,
                    criterion=score.criterion,
                    stage=target,
                    value=score.value,
                    inputs=score.inputs,
                    comment=(comments or {}).get((assessment.unit.code, code), score.comment),
                )
            )
    LeafScore.objects.bulk_create(rows)


def _evidence(world: World) -> None:
    content = pdf_bytes("Ke hoach CCHC A01")
    key = default_storage.save(f"evidence/{YEAR}/matrix-a01", ContentFile(content))
    world.evidence_file = EvidenceFile.objects.create(
        assessment=world.own,
        storage_key=key,
        original_name="ke-hoach-cchc.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stage=Stage.SELF,
        uploaded_by=world.users[STAFF],
    )
    EvidenceLink.objects.create(
        file=world.evidence_file, criterion=world.nodes["1.1"], linked_by=world.users[STAFF]
    )
    EvidenceReading.objects.create(
        file=world.evidence_file,
        state=ReadingState.DONE,
        text_source="text",
        is_document=True,
        fields={"number": "12", "symbol": "KH-A01", "issued_on": "2025-01-10", "issuer": "A01"},
        finished_at=timezone.now(),
    )


def _report_file(world: World) -> None:
    key = default_storage.save(f"reports/{YEAR}/cong-bo-matrix.xlsx", ContentFile(b"PK-matrix"))
    world.report_file = ReportFile.objects.create(
        kind=ReportKind.PUBLISHED,
        file_format=FileFormat.XLSX,
        period=world.period,
        status=JobStatus.DONE,
        progress=100,
        file_key=key,
        created_by=world.users[SECR],
        finished_at=timezone.now(),
    )


def _notification(world: World) -> None:
    world.notification = Notification.objects.create(
        recipient=world.users[STAFF],
        period=world.period,
        kind=NotificationKind.PHASE,
        key=f"phase:matrix:{world.phase}",
        title="Chuyển giai đoạn",
        text="Kỳ đánh giá năm 2025 chuyển giai đoạn.",
        link="/",
    )


def note_plant(world: World, unit: str, text: str, file_name: str, content: bytes):
    """A note of the working group (by the secretariat) on the unit's 1.1, with a file."""
    key = default_storage.save(f"notes/{YEAR}/matrix-{unit}", ContentFile(content))
    note = WorkingNote.objects.create(
        assessment=world.assessments[unit],
        criterion=world.nodes["1.1"],
        stage=Stage.ROUND1,
        author=world.users[SECR],
        text=text,
    )
    NoteAttachment.objects.create(
        note=note,
        storage_key=key,
        original_name=file_name,
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status="not_scanned",
    )
    return note


def _cross_check(world: World, stage: str, *, decided: bool) -> CrossCheck:
    now = timezone.now()
    return CrossCheck.objects.create(
        assessment=world.own,
        criterion=world.nodes["2.1"],
        stage=stage,
        requested_by=world.users[HOME],
        requested_at=now,
        checker=world.users[ASSIGNED],
        decided_at=now if decided else None,
        decision="confirmed" if decided else "",
    )


def build(phase: str, *, comments: dict | None = None, hook=None) -> World:
    """The province as it stands in `phase`. `comments` {(stage, unit, leaf): text} are put
    on scores as they are created; `hook(world, step)` runs after each step ("self",
    "round1", "round1_results", "final", "final_results") to plant more."""
    world = World(phase=phase)
    now = timezone.now()
    self_open = not at_least(phase, Phase.ROUND1)
    world.group = f.make_group("so", "Khối sở, ban, ngành")
    for code in ("A01", "B01", "C01"):
        world.units[code] = f.make_unit(world.group, code, f"Đơn vị {code}")
    _users(world)
    world.period = f.make_period(
        YEAR,
        Phase.SETUP,
        groups=[world.group],
        self_assessment_deadline=now + timedelta(days=10)
        if self_open
        else now - timedelta(days=20),
        supplement_start=now - timedelta(days=1),
        supplement_end=now + timedelta(days=2),
        decision_number="15/QĐ-UBND",
        decision_date=date(2026, 1, 21),
        decision_signer="Chủ tịch UBND tỉnh",
    )
    world.nodes = f.make_hundred_tree(world.period, [world.group])
    world.criteria_xlsx = criteria_io.criteria_export(period=world.period)
    for code, unit in world.units.items():
        world.assessments[code] = f.make_assessment(world.period, unit)
    u = world.users
    for field_code, holder in (("1", ASSIGNED), ("2", HOME), ("3", ASSIGNED)):
        world.assignments[("A01", field_code)] = f.make_assignment(
            world.period, field_code, world.units["A01"], u[holder]
        )
    for unit_code in ("B01", "C01"):
        for field_code in ("1", "2", "3"):
            world.assignments[(unit_code, field_code)] = f.make_assignment(
                world.period, field_code, world.units[unit_code], u[UNASSIGNED]
            )
    _evidence(world)
    _report_file(world)
    _notification(world)
    world.note = note_plant(
        world, "A01", "Cần đối chiếu ngày ban hành", "ghi-chu.pdf", pdf_bytes("Ghi chu A01")
    )
    comments = comments or {}

    def planted(stage):
        return {(unit, leaf): text for (st, unit, leaf), text in comments.items() if st == stage}

    if at_least(phase, Phase.SELF_ASSESSMENT):
        for assessment in world.assessments.values():
            for code, (inputs, value) in SELF_SCORES.items():
                f.set_score(
                    assessment,
                    world.nodes[code],
                    value,
                    stage=Stage.SELF,
                    inputs=inputs,
                    explanation="Giải trình của đơn vị",
                )
        if hook:
            hook(world, "self")
    if at_least(phase, Phase.ROUND1):
        for assessment in world.assessments.values():
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = now - timedelta(days=21)
            assessment.save(update_fields=["status", "submitted_at"])
        _copy_stage(world, Stage.SELF, Stage.ROUND1, planted(Stage.ROUND1))
        LeafScore.objects.filter(
            assessment=world.own, criterion=world.nodes["1.1"], stage=Stage.ROUND1
        ).update(supplement_requested=True)
        world.cross_check = _cross_check(world, Stage.ROUND1, decided=phase != Phase.ROUND1)
        LeafScore.objects.filter(
            assessment=world.own, criterion=world.nodes["2.1"], stage=Stage.ROUND1
        ).update(provisional=phase == Phase.ROUND1)
        if hook:
            hook(world, "round1")
    if at_least(phase, Phase.ROUND1_CLOSED):
        Assignment.objects.filter(period=world.period).update(round1_done_at=now)
        _set_phase(world, Phase.ROUND1)
        results_compute(period=world.period, stage=Stage.ROUND1)
        if hook:
            hook(world, "round1_results")
    if at_least(phase, Phase.ROUND2):
        _copy_stage(world, Stage.ROUND1, Stage.FINAL, planted(Stage.FINAL))
        world.cross_check = _cross_check(world, Stage.FINAL, decided=phase != Phase.ROUND2)
        LeafScore.objects.filter(
            assessment=world.own, criterion=world.nodes["2.1"], stage=Stage.FINAL
        ).update(provisional=phase == Phase.ROUND2)
        if hook:
            hook(world, "final")
        _set_phase(world, Phase.ROUND2)
        results_compute(period=world.period, stage=Stage.FINAL)  # "compute now"
        if hook:
            hook(world, "final_results")
    if at_least(phase, Phase.COUNCIL):
        Assignment.objects.filter(period=world.period).update(final_done_at=now)
    if phase == Phase.PUBLISHED:
        CouncilApproval.objects.create(
            period=world.period, member=u[COUNCIL], approved_at=now - timedelta(days=5)
        )
        results_seal(period=world.period)
        Period.objects.filter(pk=world.period.pk).update(published_at=now - timedelta(days=1))
    _set_phase(world, phase)
    return world


def _set_phase(world: World, phase: str) -> None:
    Period.objects.filter(pk=world.period.pk).update(phase=phase)
    world.period.refresh_from_db()
    for assessment in world.assessments.values():
        assessment.refresh_from_db()


__all__ = [
    "ANON",
    "APPR_X",
    "ASSIGNED",
    "COUNCIL",
    "COUNCIL_X",
    "HEAD",
    "HOME",
    "LEAD",
    "LEAD_X",
    "MISSING_ID",
    "OTHER",
    "OTHER_YEAR",
    "PHASES",
    "ROLES",
    "SECR",
    "SECR_ALL",
    "SECR_X",
    "STAFF",
    "UNASSIGNED",
    "World",
    "YEAR",
    "at_least",
    "build",
    "note_plant",
]
