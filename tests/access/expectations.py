"""THE declared expectation table of the portal's access: one row per URL name (a few URLs
have a row per variant of their arguments), saying for every role and every phase who may
**read** and who may **write** — and what each request is.

A rule is a set of roles (tests.access.world.ROLES) or a function of the phase returning
one. `read` is the row's read request (GET, unless said), `write` its write request (a
valid POST/PUT for the endpoint: what a person allowed to do it would send). `sees` is who
may see the row's object at all (default: the readers and writers): a role outside it must
be answered exactly as for a missing object (404), or turned away by the method (405) or,
signed out, sent to sign in.

What "success" and "refused" mean (checked by tests.access.test_matrix):

- a read succeeds with one of the row's `ok` statuses (200 unless said; a redirect counts
  only when it is not to a sign-in page);
- a write succeeds with 200/201/204 or a redirect that is not to a sign-in page, with no
  error message for the user, and — unless `audited=False` — at least one new row in the
  audit trail: the write happened and was recorded;
- a request is refused with 401/403/404/405 or a redirect to a sign-in page; a role that
  may see the object may also be *told* why not (200/302/400/409 with an error message or
  a 400/409 answer, and nothing written: no audit row).

Every URL name of the URL conf must have a row (admin URLs: refused for every portal role,
see test_matrix), and every method an API endpoint answers must be the row's read or write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisal.models import Assignment, CouncilApproval, CrossCheck
from reports.models import ImprovementPlan
from scoring import criteria_io
from scoring.enums import Phase
from scoring.models import LeafScore, Period
from tests.evidence.files import pdf_bytes
from tests.factories import PASSWORD

from .world import (
    ANON,
    APPR_X,
    ASSIGNED,
    COUNCIL,
    COUNCIL_X,
    HEAD,
    HOME,
    LEAD,
    LEAD_X,
    PHASES,
    ROLES,
    SECR,
    SECR_ALL,
    SECR_X,
    STAFF,
    UNASSIGNED,
    YEAR,
    at_least,
)

NOBODY: frozenset = frozenset()
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
OWN = frozenset({STAFF, HEAD})
TEAM = frozenset({ASSIGNED, UNASSIGNED, HOME})  # the appraisers of the year
PROVINCE = frozenset({SECR, COUNCIL, LEAD, SECR_ALL})  # of the year (or of every year)
SECRETARIAT = frozenset({SECR, SECR_ALL})
ANY_SECRETARIAT = SECRETARIAT | {SECR_X}
# Units and groups are not confidential: any province or team role, of any year, sees them.
ANY_PROVINCE_OR_TEAM = PROVINCE | TEAM | {SECR_X, COUNCIL_X, LEAD_X, APPR_X}


# --- phases -------------------------------------------------------------------------------


def published(phase) -> bool:
    return phase == Phase.PUBLISHED


def not_frozen(phase) -> bool:
    return phase != Phase.PUBLISHED


def self_assessment(phase) -> bool:
    return phase == Phase.SELF_ASSESSMENT


def round_open(phase) -> bool:
    return phase in (Phase.ROUND1, Phase.ROUND2)


def appraisal_started(phase) -> bool:
    """Round 1 has started (and the world's dossiers are submitted from then on)."""
    return at_least(phase, Phase.ROUND1)


def round1_closed(phase) -> bool:
    return at_least(phase, Phase.ROUND1_CLOSED)


def final_results_exist(phase) -> bool:
    """The world's final results: computed from round 2 on (the index job run early)."""
    return at_least(phase, Phase.ROUND2)


def when(test, roles, otherwise=NOBODY):
    roles, otherwise = frozenset(roles), frozenset(otherwise)
    return lambda phase: roles if test(phase) else otherwise


def union(*rules):
    return lambda phase: frozenset().union(*(allowed(rule, phase) for rule in rules))


def allowed(rule, phase) -> frozenset:
    if rule is None:
        return NOBODY
    return frozenset(rule(phase) if callable(rule) else rule)


# Who reads a dossier of A01 (scoring.view_assessment): its people, the province of the year,
# the year's appraisers once it is submitted (from round 1 in this world).
DOSSIER_READERS = union(OWN, PROVINCE, when(appraisal_started, TEAM))
# Final figures and everything derived from them: the unit once published.
UNIT_FINAL = union(PROVINCE, when(published, OWN))
PUBLIC_WHEN_PUBLISHED = when(published, EVERYONE, PROVINCE)


# --- requests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    method: str = "get"
    data: object = None  # (world, role) -> dict
    format: str = "form"  # form | json | multipart
    prepare: object = None  # (world, client, role) -> None, run inside the request's savepoint
    fresh: bool = False  # a new client signed in as the role (sign-in, sign-out, language)
    audited: bool = True  # a successful write leaves an audit row
    to_sign_in: bool = False  # success is the sign-in page (signing out)
    ok: tuple = ()  # success statuses (default: 200 for a read; 200/201/204/302 for a write)


GET = Req()
POST = Req(method="post")


@dataclass(frozen=True)
class Row:
    name: str
    read: object
    write: object
    read_req: Req = GET
    write_req: Req = POST
    sees: object = None  # who may see the object at all (default: readers and writers)
    kwargs: dict = field(default_factory=dict)  # URL arguments: value or (world) -> value
    label: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name

    def who_sees(self, phase) -> frozenset:
        return allowed(self.read, phase) | allowed(self.write, phase) | allowed(self.sees, phase)


def _user(world, role):
    return world.users.get(role) or world.spare


def _own_credentials(world, role):
    return {"username": _user(world, role).username, "password": PASSWORD}


def _pdf(world, role):
    return {"file": SimpleUploadedFile(f"bo-sung-{role}.pdf", pdf_bytes(f"{role} {world.phase}"))}


def _session_upload(world, client, role):
    """A criteria file read into the session (what the upload step keeps for the preview)."""
    from scoring.views_criteria import KIND

    rows, errors = criteria_io.criteria_parse(_xlsx(world))
    session = client.session
    session[f"{KIND}_upload_matrix"] = {
        "year": YEAR,
        "rows": rows,
        "errors": errors,
        "filename": "bo-tieu-chi.xlsx",
    }
    session.save()


def _xlsx(world):
    import io

    upload = io.BytesIO(world.criteria_xlsx)
    upload.name = "bo-tieu-chi.xlsx"
    return upload


def _submitted(world, client, role):
    world.own.__class__.objects.filter(pk=world.own.pk).update(status="submitted")


def _ready_to_move(world, client, role):
    """Meet the conditions of the phase's forward move (the world keeps a cross-check open in
    the rounds and no approval in the council phase, for the other rows)."""
    now = timezone.now()
    CrossCheck.objects.filter(decided_at__isnull=True).update(decided_at=now, decision="confirmed")
    LeafScore.objects.filter(provisional=True).update(provisional=False)
    if world.phase == Phase.ROUND2:
        Assignment.objects.filter(period=world.period).update(final_done_at=now)
    if world.phase == Phase.COUNCIL:
        CouncilApproval.objects.create(
            period=world.period, member=world.users[COUNCIL], approved_at=now
        )
    # The year's choice for the units that never submit (the drafts of self-assessment).
    Period.objects.filter(pk=world.period.pk).update(unsubmitted_policy="appraise")
    world.period.refresh_from_db()


def _next_phase(world) -> str:
    from scoring import workflow

    return workflow.next_phases(world.phase)[0]


def _phase_move(world, role):
    """The next move, its consequences confirmed, with a reason (a move back, a reopening
    and a move before some units' deadline need one)."""
    return {
        "to_phase": _next_phase(world),
        "reason": "Mở lại theo kết luận của Hội đồng",
        "confirm": "on",
    }


def _phase_move_json(world, role):
    return {**_phase_move(world, role), "confirm": True}


def _extension(world, role):
    """Ten more days for A01's self-assessment (the world's deadline is ten days away while
    self-assessment is open or to come)."""
    until = timezone.localdate() + timedelta(days=20)
    return {
        "unit": "A01",
        "deadline": "self_assessment_deadline",
        "until": until.strftime("%d/%m/%Y"),
        "reason": "Đơn vị đề nghị do thay đổi thủ trưởng",
        "action": "grant",
    }


def _supplement_dates_clear(world, client, role):
    """Only the self-assessment deadline stays among the year's dates, so that the window
    entered is in order with the rest (the world's other dates are not a real calendar)."""
    Period.objects.filter(pk=world.period.pk).update(
        decision_date=None, supplement_start=None, supplement_end=None
    )


def _supplement_dates(world, role):
    today = timezone.localdate()
    return {
        "supplement_start": (today + timedelta(days=30)).strftime("%d/%m/%Y"),
        "supplement_end": (today + timedelta(days=34)).strftime("%d/%m/%Y"),
    }


def _plan(world, client, role):
    ImprovementPlan.objects.create(
        period=world.period, unit=world.units["A01"], title="Kế hoạch khắc phục"
    )


def _totp_code(world, role):
    from django_otp.oath import totp

    from parindex.services import totp_device_start

    device = totp_device_start(user=_user(world, role))
    return {"token": f"{totp(device.bin_key):06d}"}


def _version(world):
    if world.cross_check is None:
        return 0
    score = LeafScore.objects.filter(
        assessment=world.own, criterion=world.nodes["2.1"], stage=world.cross_check.stage
    ).first()
    return score.version if score else 0


def _api_token(world, client, role):
    """A token of the role's own to revoke on the account page (signed out: a stranger's)."""
    from parindex import services as account_services

    token, _key = account_services.api_token_issue(user=_user(world, role))
    world.token_id = token.pk


UNIT_CHANGES_CSV = (
    "successor_code,successor_name,group_code,predecessor_codes,basis\n"
    "A01,Đơn vị A01,so,A01,A01\n"
    "D01,Trung tâm mới,so,,none\n"
).encode()


def _unit_changes_upload(world, client, role):
    """A lineage file read into the session (what the upload step keeps for the preview)."""
    from scoring import unit_changes

    session = client.session
    session["unit_changes_upload_matrix"] = {
        "year": YEAR,
        "rows": unit_changes.unit_changes_file_read(UNIT_CHANGES_CSV),
        "errors": [],
        "filename": "thay-doi-don-vi.csv",
    }
    session.save()


def _document_settings(world, role):
    """The province's details as the form holds them (every field, saved again)."""
    from django.forms.models import model_to_dict

    from reports.forms import DocumentSettingsForm
    from reports.selectors import document_settings_current

    values = model_to_dict(document_settings_current(), fields=DocumentSettingsForm._meta.fields)
    return {**values, "signer_name": "Trần Thu Hà"}


def supplement_sent(phase) -> bool:
    """The supplement requests (and their letter) have gone out to the agencies."""
    return at_least(phase, Phase.SUPPLEMENT)


SCORE_A11 = {"answer": "true", "explanation": "Đã ban hành kế hoạch CCHC"}
APPRAISE_A11 = {"answer": "true", "comment": "Có kế hoạch ban hành đúng hạn"}


ROWS: list[Row] = [
    # --- sign-in and the site (no data; the sign-in journeys: tests/reliability) ----------
    Row("healthz", EVERYONE, NOBODY),
    Row("javascript_catalog", EVERYONE, NOBODY),
    Row(
        "login",
        EVERYONE,
        EVERYONE,
        write_req=Req("post", data=_own_credentials, fresh=True, audited=False),
    ),
    # No sign-in in progress: the second step sends everyone back to the sign-in page.
    Row("totp_verify", NOBODY, NOBODY, sees=EVERYONE),
    Row(
        "totp_enrol",
        SIGNED_IN,
        SIGNED_IN,
        write_req=Req("post", data=_totp_code, audited=False),
    ),
    # Signing out ends on the sign-in page.
    Row(
        "logout",
        NOBODY,
        EVERYONE,
        write_req=Req("post", fresh=True, audited=False, to_sign_in=True),
    ),
    Row(
        "set_language",
        EVERYONE,
        EVERYONE,
        read_req=Req(ok=(204, 302)),
        write_req=Req("post", data=lambda w, r: {"language": "en"}, fresh=True, audited=False),
    ),
    # The account page: one's second factor and API tokens; a POST revokes one of one's own
    # (recorded in the account trail, parindex.AccountEvent).
    Row(
        "account_tokens",
        SIGNED_IN,
        SIGNED_IN,
        write_req=Req(
            "post",
            data=lambda w, r: {"token": str(w.token_id)},
            prepare=_api_token,
            audited=False,
        ),
    ),
    Row("home", SIGNED_IN, NOBODY),
    # Notifications: one's own list (POST marks all read), one's own notification (A01's staff).
    Row("notifications", SIGNED_IN, SIGNED_IN, write_req=Req("post", audited=False)),
    Row(
        "notification_open",
        {STAFF},
        {STAFF},
        read_req=Req(ok=(302,)),
        write_req=Req("post", audited=False),
    ),
    Row("ranking_index", EVERYONE, NOBODY, read_req=Req(ok=(200, 302))),
    # Before publication: the province of the year, once final results exist.
    Row(
        "ranking_year",
        lambda p: EVERYONE if published(p) else PROVINCE if final_results_exist(p) else NOBODY,
        NOBODY,
    ),
    Row("open_data_json", when(published, EVERYONE), NOBODY),
    Row("open_data_csv", when(published, EVERYONE), NOBODY),
    # --- the unit's own dossier (self-assessment) -----------------------------------------
    Row("workspace", OWN, NOBODY),
    Row("field_form", OWN, NOBODY),
    Row(
        "leaf_save",
        NOBODY,
        when(self_assessment, OWN),
        write_req=Req("post", data=lambda w, r: SCORE_A11),
        sees=OWN,
    ),
    Row(
        "assessment_submit",
        OWN,
        when(self_assessment, {HEAD}),
        write_req=Req("post", data=lambda w, r: {"confirm": "on", "confirm_warnings": "on"}),
    ),
    Row(
        "assessment_withdraw",
        NOBODY,
        when(self_assessment, {HEAD}),
        write_req=Req("post", prepare=_submitted),
        sees=OWN,
    ),
    # --- criteria (the secretariat of the year) -------------------------------------------
    Row("criteria_index", ANY_SECRETARIAT, NOBODY),
    Row(
        "criteria_upload",
        NOBODY,
        SECRETARIAT,
        write_req=Req(
            "post",
            data=lambda w, r: {"year": str(YEAR), "file": _xlsx(w)},
            format="multipart",
            audited=False,  # parsed into the session for the preview; saves nothing
        ),
        sees=ANY_SECRETARIAT,
    ),
    Row("criteria_preview", SECRETARIAT, NOBODY, read_req=Req(prepare=_session_upload)),
    # Saved only while the year has no scores (set-up); later the secretariat is told why.
    Row(
        "criteria_confirm",
        NOBODY,
        when(lambda p: p == Phase.SETUP, SECRETARIAT),
        write_req=Req("post", prepare=_session_upload),
        sees=SECRETARIAT,
    ),
    # Into a new year (2026): only a secretariat role that counts for 2026.
    Row(
        "criteria_copy",
        NOBODY,
        {SECR_ALL},
        write_req=Req("post", data=lambda w, r: {"from_year": str(YEAR), "to_year": str(YEAR + 1)}),
        sees=ANY_SECRETARIAT,
    ),
    Row("criteria_export", SECRETARIAT, NOBODY),
    # --- the year's units: lineage and set-up (the secretariat of the year) ---------------
    Row("unit_changes_index", ANY_SECRETARIAT, NOBODY),
    Row(
        "unit_changes_upload",
        NOBODY,
        SECRETARIAT,
        write_req=Req(
            "post",
            data=lambda w, r: {
                "year": str(YEAR),
                "file": SimpleUploadedFile("thay-doi-don-vi.csv", UNIT_CHANGES_CSV),
            },
            format="multipart",
            audited=False,  # read into the session for the preview; saves nothing
        ),
        sees=ANY_SECRETARIAT,
    ),
    Row("unit_changes_preview", SECRETARIAT, NOBODY, read_req=Req(prepare=_unit_changes_upload)),
    Row(
        "unit_changes_confirm",
        NOBODY,
        SECRETARIAT,
        write_req=Req("post", prepare=_unit_changes_upload),
        sees=SECRETARIAT,
    ),
    Row("year_units", SECRETARIAT, NOBODY),
    # Units and groups of the year change only before the appraisal starts.
    Row(
        "year_setup_confirm",
        NOBODY,
        when(lambda p: p in (Phase.SETUP, Phase.SELF_ASSESSMENT), SECRETARIAT),
        sees=SECRETARIAT,
    ),
    # --- evidence ---------------------------------------------------------------------------
    Row(
        "evidence_upload",
        NOBODY,
        when(lambda p: p in (Phase.SELF_ASSESSMENT, Phase.SUPPLEMENT), OWN),  # 1.1 is flagged
        write_req=Req("post", data=_pdf, format="multipart"),
        sees=OWN,
    ),
    Row(
        "evidence_link",
        NOBODY,
        when(self_assessment, OWN),
        write_req=Req("post", data=lambda w, r: {"file_id": str(w.evidence_file.pk)}),
        sees=OWN,
        kwargs={"criterion_id": lambda w: w.nodes["1.2"].pk},
    ),
    Row("evidence_unlink", NOBODY, when(self_assessment, OWN), sees=OWN),
    Row("evidence_remove", NOBODY, when(self_assessment, OWN), sees=OWN),
    Row("evidence_download", DOSSIER_READERS, NOBODY),
    # The card of what was read from the file (polled while reading), and its correction: the
    # unit while it may add evidence (its draft; 1.1 is flagged in the supplement window), the
    # appraiser assigned to 1.1's field while a round is open.
    Row("evidence_card", DOSSIER_READERS, NOBODY),
    Row(
        "evidence_reading_correct",
        NOBODY,
        union(
            when(lambda p: p in (Phase.SELF_ASSESSMENT, Phase.SUPPLEMENT), OWN),
            when(round_open, {ASSIGNED}),
        ),
        write_req=Req("post", data=lambda w, r: {"number": "13", "next": "/"}),
        sees=DOSSIER_READERS,
    ),
    Row("evidence_preview", DOSSIER_READERS, NOBODY),
    # --- reports ----------------------------------------------------------------------------
    Row("reports:index", SIGNED_IN, NOBODY),
    Row("reports:dashboard", PROVINCE, NOBODY),
    # The world's report file is the published report of 2025.
    Row("reports:file", PUBLIC_WHEN_PUBLISHED, NOBODY),
    Row("reports:file_status", PUBLIC_WHEN_PUBLISHED, NOBODY),
    Row("reports:file_download", PUBLIC_WHEN_PUBLISHED, NOBODY),
    Row(
        "reports:index_runs",
        SECRETARIAT,
        when(not_frozen, SECRETARIAT),
        write_req=Req("post", data=lambda w, r: {"stage": "final"}),
    ),
    Row(
        "reports:inputs",
        SECRETARIAT,
        when(not_frozen, SECRETARIAT),
        write_req=Req(
            "post",
            data=lambda w, r: {
                "up-kind": "sipas",
                "up-file": SimpleUploadedFile("sipas.csv", b"unit_code,sipas\nA01,91.5\n"),
            },
            format="multipart",
        ),
    ),
    Row("reports:scorecard", UNIT_FINAL, NOBODY),
    Row("reports:scorecard_file", UNIT_FINAL, NOBODY),
    Row(
        "reports:plan",
        UNIT_FINAL,
        when(published, OWN | SECRETARIAT),
        write_req=Req("post", data=lambda w, r: {"action": "draft"}),
    ),
    Row("reports:plan_file", UNIT_FINAL, NOBODY, read_req=Req(prepare=_plan)),
    Row(
        "reports:report", PUBLIC_WHEN_PUBLISHED, NOBODY, kwargs={"slug": "cong-bo"}, label="cong-bo"
    ),
    Row(
        "reports:report",
        PROVINCE | TEAM,
        NOBODY,
        kwargs={"slug": "phan-tich-tieu-chi"},
        label="phan-tich-tieu-chi",
    ),
    Row("reports:report", PROVINCE, NOBODY, kwargs={"slug": "tu-danh-gia"}, label="tu-danh-gia"),
    Row("reports:report", PROVINCE, NOBODY, kwargs={"slug": "trach-nhiem"}, label="trach-nhiem"),
    # Report builds: whoever may read that report, signed in (rate limits: tests/reports).
    Row(
        "reports:export",
        NOBODY,
        when(published, SIGNED_IN, PROVINCE),
        write_req=Req("post", data=lambda w, r: {"format": "xlsx"}, audited=False),
        kwargs={"slug": "cong-bo"},
        label="cong-bo",
    ),
    Row(
        "reports:export",
        NOBODY,
        PROVINCE | TEAM,
        write_req=Req("post", data=lambda w, r: {"format": "xlsx"}, audited=False),
        kwargs={"slug": "phan-tich-tieu-chi"},
        label="phan-tich-tieu-chi",
    ),
    # --- official documents (reports.rules: DocumentTarget) ------------------------------
    Row(
        "reports:documents",
        union(PROVINCE, when(published, SIGNED_IN), when(supplement_sent, OWN)),
        NOBODY,
    ),
    Row(
        "reports:document_build",
        NOBODY,
        when(published, SIGNED_IN, PROVINCE),
        write_req=Req("post", data=lambda w, r: {"format": "docx"}, audited=False),
        kwargs={"kind": "report"},
        label="report",
    ),
    Row(
        "reports:document_build",
        NOBODY,
        when(published, SIGNED_IN, PROVINCE),
        write_req=Req("post", data=lambda w, r: {"format": "pdf"}, audited=False),
        kwargs={"kind": "decision"},
        label="decision",
    ),
    Row(
        "reports:unit_document_build",
        NOBODY,
        union(PROVINCE, when(published, OWN)),
        write_req=Req("post", data=lambda w, r: {"format": "docx"}, audited=False),
        kwargs={"kind": "unit-notice"},
        label="unit-notice",
    ),
    Row(
        "reports:unit_document_build",
        NOBODY,
        union(PROVINCE, when(supplement_sent, OWN)),
        write_req=Req("post", data=lambda w, r: {"format": "docx"}, audited=False),
        kwargs={"kind": "supplement-request"},
        label="supplement-request",
    ),
    Row("reports:unit_bundle", union(PROVINCE, when(published, OWN)), NOBODY),
    # Numbering: the secretariat of the year, in every phase (the decision is numbered after
    # the council); each DocumentIssue row is its own record of who and when.
    Row(
        "reports:document_issue",
        NOBODY,
        SECRETARIAT,
        write_req=Req(
            "post",
            data=lambda w, r: {"report-number": "341", "report-issued_on": "2026-01-25"},
            audited=False,
        ),
        kwargs={"kind": "report"},
    ),
    # The province's details on its documents (no year): any secretariat; each save is a row.
    Row(
        "reports:document_settings",
        ANY_SECRETARIAT,
        ANY_SECRETARIAT,
        write_req=Req("post", data=_document_settings, audited=False),
    ),
    # --- the appraisal: the secretariat, the council ---------------------------------------
    Row("appraisal_cycle", PROVINCE, NOBODY),
    # The year's dates and the province's days off: the secretariat edits until publication.
    Row(
        "appraisal_calendar",
        PROVINCE,
        when(not_frozen, SECRETARIAT),
        write_req=Req(
            "post",
            data=lambda w, r: {
                "action": "day_add",
                "date": "2025-12-29",
                "kind": "off",
                "reason": "Nghỉ bù theo quyết định của UBND tỉnh",
            },
        ),
        sees=PROVINCE,
    ),
    Row(
        "appraisal_phase_move",
        NOBODY,
        SECRETARIAT,
        write_req=Req("post", data=_phase_move, prepare=_ready_to_move),
        sees=PROVINCE,
    ),
    Row(
        "appraisal_decision",
        NOBODY,
        when(not_frozen, SECRETARIAT),
        write_req=Req(
            "post",
            data=lambda w, r: {
                "decision_number": "16/QĐ-UBND",
                "decision_date": "2026-01-22",
                "decision_signer": "Phó Chủ tịch UBND tỉnh",
            },
        ),
        sees=PROVINCE,
    ),
    Row("appraisal_approve", NOBODY, when(lambda p: p == Phase.COUNCIL, {COUNCIL}), sees=PROVINCE),
    # The council page: what is approved and each member's opinion, to the province staff.
    Row("appraisal_council", PROVINCE, NOBODY),
    # The submission tracker as CSV (the cycle page's filters), to the province staff.
    Row("appraisal_tracker_csv", PROVINCE, NOBODY),
    # Reminding the units not yet submitted: the secretariat, while agencies self-assess.
    Row("appraisal_remind", NOBODY, when(self_assessment, SECRETARIAT), sees=SECRETARIAT),
    # An extension of A01's self-assessment: while self-assessment is open or to come.
    Row(
        "appraisal_extension",
        NOBODY,
        when(lambda p: p in (Phase.SETUP, Phase.SELF_ASSESSMENT), SECRETARIAT),
        write_req=Req("post", data=_extension),
        sees=SECRETARIAT,
    ),
    # What the year does with units that never submit: chosen before round 1.
    Row(
        "appraisal_unsubmitted_policy",
        NOBODY,
        when(lambda p: p in (Phase.SETUP, Phase.SELF_ASSESSMENT), SECRETARIAT),
        write_req=Req("post", data=lambda w, r: {"policy": "exclude"}),
        sees=SECRETARIAT,
    ),
    # The supplement window from the cycle page (the calendar page's service).
    Row(
        "appraisal_supplement_dates",
        NOBODY,
        when(not_frozen, SECRETARIAT),
        write_req=Req("post", data=_supplement_dates, prepare=_supplement_dates_clear),
        sees=SECRETARIAT,
    ),
    Row(
        "appraisal_team",
        PROVINCE,
        when(not_frozen, SECRETARIAT),
        write_req=Req(
            "post",
            data=lambda w, r: {"username": w.spare.username, "home_unit": "B01", "expertise": "1"},
        ),
    ),
    Row(
        "appraisal_assignments",
        PROVINCE,
        when(not_frozen, SECRETARIAT),
        write_req=Req(
            "post",
            data=lambda w, r: {
                "field": "2",
                "group": "so",
                "appraiser": w.users[UNASSIGNED].username,
            },
        ),
    ),
    Row("appraisal_assignments_csv", PROVINCE, NOBODY),
    # The suggestion by expertise (a preview; POST applies it): the secretariat of the year,
    # while a round is ahead (from the council on nothing is left to assign; frozen once
    # published). "all": every item not done for the round, so the world's items move.
    Row(
        "appraisal_assignments_suggest",
        SECRETARIAT,
        when(lambda p: not at_least(p, Phase.COUNCIL), SECRETARIAT),
        write_req=Req("post", data=lambda w, r: {"mode": "all"}),
    ),
    # Progress per member and per unit: the province of the year.
    Row("appraisal_progress", PROVINCE, NOBODY),
    Row("appraisal_audit_csv", PROVINCE, NOBODY),
    # --- the appraisal: appraisers -----------------------------------------------------------
    Row("appraisal_queue", TEAM, NOBODY),
    # Done in bulk from the queue: the appraiser of the items (A01's field 1), a round open.
    Row(
        "appraisal_queue_done",
        NOBODY,
        when(round_open, {ASSIGNED}),
        write_req=Req(
            "post", data=lambda w, r: {"assignment": str(w.assignments[("A01", "1")].pk)}
        ),
        sees=TEAM,
    ),
    # Field 1 of A01 is assigned to ASSIGNED; A01's dossier is open to appraisers from round 1.
    Row("appraisal_field", union(PROVINCE, when(appraisal_started, {ASSIGNED})), NOBODY),
    Row(
        "appraisal_leaf_save",
        NOBODY,
        when(round_open, {ASSIGNED}),
        write_req=Req("post", data=lambda w, r: APPRAISE_A11),
        sees=union(PROVINCE, when(appraisal_started, {ASSIGNED})),
    ),
    Row("appraisal_leaf_audit", union(PROVINCE, when(appraisal_started, {ASSIGNED})), NOBODY),
    # Keep the unit's own score on every unchanged leaf of A01's field 1 (each audited).
    Row(
        "appraisal_field_keep",
        NOBODY,
        when(round_open, {ASSIGNED}),
        sees=union(PROVINCE, when(appraisal_started, {ASSIGNED})),
    ),
    # The working group's notes on A01's 1.1: the appraiser of its field while they read the
    # dossier, the secretariat of the year; never the unit, never the member whose home unit
    # it is, never the council or leadership. Written until the year is frozen.
    Row(
        "appraisal_note_add",
        NOBODY,
        union(
            when(lambda p: appraisal_started(p) and not_frozen(p), {ASSIGNED}),
            when(not_frozen, SECRETARIAT),
        ),
        write_req=Req("post", data=lambda w, r: {"text": "Đề nghị đối chiếu với kế hoạch năm"}),
        sees=union(when(appraisal_started, {ASSIGNED}), SECRETARIAT),
    ),
    Row(
        "appraisal_note_file",
        union(when(appraisal_started, {ASSIGNED}), SECRETARIAT),
        NOBODY,
        kwargs={"attachment_id": lambda w: w.note.attachment.pk},
    ),
    # The cross-check on A01's 2.1 (scored by the home-unit appraiser) is given to ASSIGNED.
    Row(
        "appraisal_cross_check",
        when(appraisal_started, {ASSIGNED}),
        when(round_open, {ASSIGNED}),
        write_req=Req(
            "post", data=lambda w, r: {"decision": "confirmed", "version": str(_version(w))}
        ),
    ),
    Row(
        "appraisal_assignment_done",
        NOBODY,
        when(round_open, {ASSIGNED}),
        sees={ASSIGNED},
    ),
    Row("appraisal_agency", when(round1_closed, OWN), NOBODY),
    Row(
        "appraisal_supplement",
        NOBODY,
        when(lambda p: p == Phase.SUPPLEMENT, OWN),
        write_req=Req("post", data=lambda w, r: {"explanation": "Bổ sung kế hoạch số 12/KH"}),
        sees=OWN,
    ),
    # --- API v1 ------------------------------------------------------------------------------
    Row("api_period_results", PUBLIC_WHEN_PUBLISHED, NOBODY),
    Row("api_period_criteria", SIGNED_IN, NOBODY),
    Row("api_assessment_scores", DOSSIER_READERS, NOBODY),
    Row(
        "api_self_score",
        NOBODY,
        when(self_assessment, OWN),
        write_req=Req(
            "put",
            data=lambda w, r: {"inputs": {"answer": True}, "explanation": "Đã ban hành"},
            format="json",
        ),
        sees=DOSSIER_READERS,
    ),
    Row("api_results", EVERYONE, NOBODY),
    # POST issues a token for a name and password; DELETE revokes the token the request is
    # signed with, so a session (no token) is refused — the "read" here is that DELETE.
    Row(
        "api_token",
        NOBODY,
        EVERYONE,
        read_req=Req("delete"),
        write_req=Req("post", data=_own_credentials, audited=False),
    ),
    Row("api_period-list", SIGNED_IN, NOBODY),
    Row("api_period-detail", SIGNED_IN, NOBODY),
    Row("api_group-list", SIGNED_IN, NOBODY),
    Row("api_group-detail", SIGNED_IN, NOBODY),
    Row("api_unit-list", SIGNED_IN, NOBODY),
    Row("api_unit-detail", OWN | ANY_PROVINCE_OR_TEAM, NOBODY),
    Row("api_assessment-list", SIGNED_IN, NOBODY),
    Row("api_assessment-detail", DOSSIER_READERS, NOBODY),
    Row("api_schema", EVERYONE, NOBODY),
    Row("api_docs", EVERYONE, NOBODY),
    Row(
        "api_assessment_evidence",
        DOSSIER_READERS,
        when(lambda p: p in (Phase.SELF_ASSESSMENT, Phase.SUPPLEMENT), OWN),
        write_req=Req(
            "post",
            data=lambda w, r: {"criterion": "1.1", **_pdf(w, r)},
            format="multipart",
        ),
    ),
    Row("api_evidence_file", DOSSIER_READERS, NOBODY),
    Row("api_evidence_download", DOSSIER_READERS, NOBODY),
    Row(
        "api_appraisal_score",
        NOBODY,
        when(round_open, {ASSIGNED}),
        write_req=Req(
            "put",
            data=lambda w, r: {"inputs": {"answer": True}, "comment": APPRAISE_A11["comment"]},
            format="json",
        ),
        sees=union(PROVINCE, when(appraisal_started, {ASSIGNED})),
    ),
    Row(
        "api_cross_check_decision",
        NOBODY,
        when(round_open, {ASSIGNED}),
        write_req=Req(
            "post",
            data=lambda w, r: {"decision": "confirmed", "version": _version(w)},
            format="json",
        ),
        sees=when(appraisal_started, {ASSIGNED}),
    ),
    Row("api_queue", TEAM, NOBODY),
    Row(
        "api_period_phase",
        PROVINCE,
        SECRETARIAT,
        write_req=Req("post", data=_phase_move_json, format="json", prepare=_ready_to_move),
    ),
]

# The Django admin: only is_staff accounts (with their second factor) get in, and no portal
# role is staff. Every admin URL, its sign-in page and sign-out included, sends a portal
# account to the portal's sign-in (parindex.admin_site).
ADMIN_OPEN: dict = {}  # its sign-in page too sends everyone to the portal's sign-in

__all__ = ["ADMIN_OPEN", "PHASES", "ROWS", "Req", "Row", "allowed"]
