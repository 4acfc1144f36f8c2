"""The deterministic demo province (parindex.demo) and `manage.py load_demo`."""

import json
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from parindex import demo
from scoring import calendar, engine
from scoring.enums import AssessmentStatus, Method, NodeKind, NodeLevel, Phase, Stage
from scoring.models import (
    Assessment,
    Criterion,
    CriterionMax,
    Exemption,
    LeafScore,
    Period,
    PeriodGroup,
    Result,
)
from scoring.selectors import group_totals, period_current, results_report
from units.enums import RoleKind
from units.models import Group, Role, Unit, UnitChange, User

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _clear():
    """Empty every table the demo fills, leaves first (single DELETEs, no cascade walk)."""
    from appraisal.models import Assignment, Supplement
    from reports.models import DocumentSettings
    from scoring.models import AuditEntry

    Assignment.objects.all().delete()
    AuditEntry.objects.all().delete()
    Supplement.objects.all().delete()
    DocumentSettings.objects.all().delete()
    for model in (Result, Exemption, LeafScore, Assessment, CriterionMax):
        model.objects.all().delete()
    Criterion.objects.update(parent=None)
    for model in (Criterion, PeriodGroup, Period, Role, User, UnitChange, Unit, Group):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """One load shared by the module's tests; removed afterwards.

    Passwords use a fast hasher for the module's lifetime: logging in as every role with the
    production PBKDF2 would dominate the run time.
    """
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with django_db_blocker.unblock():
            summary = demo.demo_load()
        yield summary
        with django_db_blocker.unblock():
            _clear()


def _signature() -> str:
    """Everything generated, free of database ids and of the moment of loading."""
    scores = sorted(
        LeafScore.objects.values_list(
            "assessment__period__year",
            "assessment__unit__code",
            "criterion__code",
            "stage",
            "value",
            "inputs",
            "explanation",
        ),
        key=lambda row: row[:4],
    )
    exemptions = sorted(
        Exemption.objects.values_list(
            "assessment__period__year",
            "assessment__unit__code",
            "criterion__code",
            "stage",
            "reason",
        )
    )
    maxima = sorted(
        CriterionMax.objects.values_list(
            "criterion__period__year", "criterion__code", "group__code", "max_score"
        )
    )
    statuses = sorted(
        Assessment.objects.values_list("period__year", "unit__code", "group__code", "status")
    )
    lineage = sorted(
        UnitChange.objects.values_list("year", "successor__code", "basis", "predecessors__code")
    )
    reports = [results_report(period=Period.objects.get(year=y)) for y in demo.PAST_YEARS]
    return json.dumps(
        [scores, exemptions, maxima, statuses, lineage, reports], default=str, sort_keys=True
    )


def _units_of(year: int) -> int:
    return Assessment.objects.filter(period__year=year).count()


pytestmark = pytest.mark.django_db


def test_demo_units_groups_and_bonus_caps(demo_db):
    groups = {g.code: g for g in Group.objects.all()}
    assert set(groups) >= {"so", "nganh_doc", "su_nghiep", "xa"}
    assert Unit.objects.count() >= 40
    assert demo_db.units == Unit.objects.count()
    for year in (*demo.PAST_YEARS, demo.CURRENT_YEAR):
        assert _units_of(year) >= 40
    assert {"SO-TP", "ND-THUE", "SN-CDYT", "XA-001"} <= set(
        Unit.objects.values_list("code", flat=True)
    )
    caps = {
        (pg.period.year, pg.group.code): pg.bonus_cap
        for pg in PeriodGroup.objects.select_related("period", "group")
    }
    for year in (*demo.PAST_YEARS, demo.CURRENT_YEAR):
        assert caps[(year, "so")] == Decimal("7")
        assert caps[(year, "nganh_doc")] == Decimal("5")
        assert caps[(year, "su_nghiep")] == Decimal("10")
        assert caps[(year, "xa")] == Decimal("6")


def test_demo_criteria_every_year_has_nine_fields_and_all_methods(demo_db):
    for period in Period.objects.all():
        nodes = Criterion.objects.filter(period=period)
        fields = nodes.filter(level=NodeLevel.FIELD, kind=NodeKind.SCORED)
        assert sorted(fields.values_list("code", flat=True)) == [str(i) for i in range(1, 10)]
        assert nodes.filter(code="B", kind=NodeKind.BONUS).exists()
        assert nodes.filter(code="D", kind=NodeKind.DEDUCTION).exists()
        assert nodes.filter(is_leaf=True, kind=NodeKind.SCORED).count() >= 60
        methods = set(nodes.filter(is_leaf=True).values_list("method", flat=True))
        assert methods == set(Method.values)
        assert not nodes.filter(is_leaf=True, guidance="").exists()


def test_demo_criteria_each_group_totals_100(demo_db):
    group_ids = set(Group.objects.values_list("id", flat=True))
    for period in Period.objects.all():
        totals = group_totals(period=period)
        assert set(totals) == group_ids
        assert set(totals.values()) == {Decimal("100.00")}, period.year


def test_demo_criteria_differ_between_groups(demo_db):
    period = Period.objects.get(year=2025)
    maxima = defaultdict(dict)
    for code, group, value in CriterionMax.objects.filter(criterion__period=period).values_list(
        "criterion__code", "group__code", "max_score"
    ):
        maxima[code][group] = value
    assert "su_nghiep" not in maxima["3.1.1"]  # TTHC does not apply to service units
    assert maxima["9.2.1"]["so"] == maxima["9.2.1"]["xa"] == Decimal("5")
    assert maxima["9.2.1"]["nganh_doc"] == Decimal("2")


def test_demo_past_years_published_with_results_for_every_unit(demo_db):
    published = Period.objects.filter(phase=Phase.PUBLISHED).order_by("year")
    assert [p.year for p in published] == [2023, 2024, 2025]
    for period in published:
        assert period.decision_number and period.decision_date and period.decision_signer
        assert period.published_at is not None
        assert period.council_date.date() < period.decision_date
        units = _units_of(period.year)
        assert Result.objects.filter(period=period, stage=Stage.FINAL).count() == units
        assert not Result.objects.filter(period=period, index__isnull=True).exists()
    latest = published.last()
    units = _units_of(latest.year)
    for stage in (Stage.SELF, Stage.ROUND1):
        assert Result.objects.filter(period=latest, stage=stage).count() == units
    self_mean = engine.mean(
        Result.objects.filter(period=latest, stage=Stage.SELF).values_list("index", flat=True)
    )
    final_mean = engine.mean(
        Result.objects.filter(period=latest, stage=Stage.FINAL).values_list("index", flat=True)
    )
    assert self_mean > final_mean  # agencies score themselves higher than the appraisers


def test_demo_results_spread_across_bands(demo_db):
    for year in demo.PAST_YEARS:
        bands = Counter(
            Result.objects.filter(period__year=year, stage=Stage.FINAL).values_list(
                "band", flat=True
            )
        )
        assert bands["tot"] + bands["kha"] >= 0.75 * sum(bands.values()), year
        assert bands["tot"] >= 10 and bands["kha"] >= 10, year
        assert 1 <= bands["trung_binh"] <= 10, year
        assert 1 <= bands["yeu"] <= 2, year


def test_demo_some_unit_low_two_years_in_a_row(demo_db):
    history = defaultdict(dict)
    for code, year, band in Result.objects.filter(stage=Stage.FINAL).values_list(
        "unit__code", "period__year", "band"
    ):
        history[code][year] = band
    low = {code for code, bands in history.items() if engine.two_consecutive_low(bands, 2025)}
    assert {"XA-013", "ND-THADS"} <= low


def test_demo_tie_in_a_group(demo_db):
    ranks = Counter(
        Result.objects.filter(stage=Stage.FINAL).values_list(
            "period__year", "group__code", "rank_in_group"
        )
    )
    assert any(count >= 2 for count in ranks.values())
    tie = Result.objects.filter(
        period__year=2025, stage=Stage.FINAL, unit__code__in=["SO-XD", "SO-CT"]
    )
    assert len({(r.index, r.rank_in_group) for r in tie}) == 1


def test_demo_downgrade_rule_triggered(demo_db):
    downgraded = Result.objects.filter(stage=Stage.FINAL, downgraded=True).select_related(
        "unit", "period"
    )
    assert downgraded.exists()
    for result in downgraded:
        assessment = Assessment.objects.get(period=result.period, unit=result.unit)
        assert assessment.late_dossier_percent >= result.period.downgrade_late_percent
        assert (
            result.details["band_before_downgrade"]
            == engine.BANDS_HIGH_TO_LOW[engine.BANDS_HIGH_TO_LOW.index(result.band) - 1]
        )


def test_demo_leaf_values_are_the_engine_points_of_their_inputs(demo_db):
    maxima = {
        (c, g): m
        for c, g, m in CriterionMax.objects.values_list("criterion_id", "group_id", "max_score")
    }
    methods = {c.id: (c.code, c.method, c.params) for c in Criterion.objects.filter(is_leaf=True)}
    rows = LeafScore.objects.values_list("criterion_id", "assessment__group_id", "value", "inputs")
    checked = 0
    for criterion_id, group_id, value, inputs in rows:
        code, method, params = methods[criterion_id]
        points = engine.leaf_points(method, params, maxima[(criterion_id, group_id)], inputs)
        assert value == points, (code, inputs)
        checked += 1
    assert checked == demo_db.scores


def test_demo_exemptions_have_reasons_and_lower_the_standard(demo_db):
    exemptions = Exemption.objects.filter(assessment__period__year=2025, stage=Stage.FINAL)
    assert exemptions.count() >= 3
    assert not exemptions.filter(reason="").exists()
    inspectorate = Result.objects.get(period__year=2025, stage=Stage.FINAL, unit__code="SO-TTR")
    assert inspectorate.standard_score < Decimal("100")
    assert not LeafScore.objects.filter(
        assessment__unit__code="SO-TTR", criterion__code__startswith="3."
    ).exists()


def test_demo_every_role_has_a_user_who_can_log_in(demo_db, client):
    for kind in RoleKind.values:
        role = Role.objects.filter(kind=kind).select_related("user").order_by("user__username")
        assert role.exists(), kind
        assert client.login(username=role[0].user.username, password=demo.DEMO_PASSWORD), kind
        client.logout()
    assert User.objects.get(username="admin").is_superuser
    assert client.login(username="admin", password=demo.DEMO_PASSWORD)
    appraisers = Role.objects.filter(kind=RoleKind.APPRAISER, year=demo.CURRENT_YEAR)
    assert len({r.unit_id for r in appraisers}) == appraisers.count() >= 2
    assert len({tuple(r.expertise) for r in appraisers}) == appraisers.count()
    listed = {login.username for login in demo.demo_logins()}
    assert listed == set(User.objects.values_list("username", flat=True))


def test_demo_current_period_in_self_assessment(demo_db):
    period = period_current()
    assert period.year == demo.CURRENT_YEAR
    assert period.phase == Phase.SELF_ASSESSMENT
    assert period.self_assessment_opens < timezone.now() < period.self_assessment_deadline
    assessments = Assessment.objects.filter(period=period)
    active = [u for u in Unit.objects.all() if u.is_active_in(demo.CURRENT_YEAR)]
    assert assessments.count() == len(active) == 44
    leaves_per_group = Counter(
        CriterionMax.objects.filter(criterion__period=period, criterion__is_leaf=True).values_list(
            "group_id", flat=True
        )
    )
    scored = Counter(
        LeafScore.objects.filter(assessment__period=period, stage=Stage.SELF).values_list(
            "assessment_id", flat=True
        )
    )
    drafts = assessments.filter(status=AssessmentStatus.DRAFT).select_related("unit")
    partial = [a for a in drafts if 0 < scored[a.id] < leaves_per_group[a.group_id] - 4]
    assert partial, "some drafts are partly filled"
    assert any(scored[a.id] == 0 for a in drafts), "some units have not started"
    submitted = assessments.filter(status=AssessmentStatus.SUBMITTED).select_related("unit")
    assert 2 <= submitted.count() <= 6
    for assessment in submitted:
        assert assessment.submitted_at < timezone.now()
        assert Role.objects.filter(
            user=assessment.submitted_by, kind=RoleKind.AGENCY_HEAD, unit=assessment.unit
        ).exists()
    assert not LeafScore.objects.filter(assessment__period=period, explanation="").exists()
    assert not Result.objects.filter(period=period).exists()


def test_load_demo_if_empty_is_deterministic_and_idempotent(demo_db):
    first = _signature()
    _clear()
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)  # an empty database: loads
    assert "demo12345" in out.getvalue()
    assert _signature() == first  # same data as the module's load, made at another moment
    counts = (
        Unit.objects.count(),
        LeafScore.objects.count(),
        Result.objects.count(),
        User.objects.count(),
        Role.objects.count(),
    )
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)  # data present: skips
    assert (
        Unit.objects.count(),
        LeafScore.objects.count(),
        Result.objects.count(),
        User.objects.count(),
        Role.objects.count(),
    ) == counts
    assert "bỏ qua" in out.getvalue()
    for login in (
        "chuyenvien",
        "thutruong",
        "thamdinh1",
        "thuky",
        "hoidong",
        "lanhdao",
        "admin",
        "demo12345",
    ):
        assert login in out.getvalue()


def test_load_demo_refuses_a_database_with_data(demo_db):
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("load_demo", stdout=StringIO())


def test_demo_current_year_every_field_of_every_unit_has_an_appraiser(demo_db):
    from appraisal.models import Assignment

    period = Period.objects.get(year=demo.CURRENT_YEAR)
    units = Assessment.objects.filter(period=period).count()
    fields = Criterion.objects.filter(period=period, level="field", kind="scored").count()
    assignments = Assignment.objects.filter(period=period)
    assert assignments.count() == units * fields == 44 * 9
    # Each appraiser only in the fields of their expertise.
    for assignment in assignments.select_related("appraiser", "field"):
        expertise = assignment.appraiser.roles.get(kind="appraiser").expertise
        assert assignment.field.code in [str(code) for code in expertise]


def test_demo_users_have_addresses_for_notifications(demo_db):
    # At the example domain: a demo cycle's e-mails reach the console backend only.
    emails = list(User.objects.filter(is_superuser=False).values_list("username", "email"))
    assert emails and all(email == f"{name}@example.gov.vn" for name, email in emails)


# --- the 2025 reorganisation ------------------------------------------------------------------

MERGED = {"SO-NNPTNT", "SO-TNMT", "SO-BDT", "XA-006", "XA-007"}
SUCCESSORS = {"SO-NNMT", "SO-DTTG", "XA-015", "SN-TTPVHCC"}
LABELS = {
    "SO-NNMT": "so với trung bình của Sở Nông nghiệp và PTNT, Sở Tài nguyên và Môi trường",
    "SO-DTTG": "so với Ban Dân tộc tỉnh (cũ)",
    "XA-015": "so với UBND xã Tân Lập (cũ)",
    "SN-TTPVHCC": "đơn vị mới",
}


def test_demo_years_before_2025_hold_the_units_before_the_reorganisation(demo_db):
    for year in (*demo.PAST_YEARS, demo.CURRENT_YEAR):
        codes = set(
            Assessment.objects.filter(period__year=year).values_list("unit__code", flat=True)
        )
        present, absent = (MERGED, SUCCESSORS) if year < 2025 else (SUCCESSORS, MERGED)
        assert present <= codes and not absent & codes, year
    changes = {
        c.successor.code: c
        for c in UnitChange.objects.filter(year=2025).select_related("successor", "basis_unit")
    }
    assert set(changes) == SUCCESSORS
    assert changes["SO-NNMT"].basis == "mean"
    assert changes["XA-015"].basis_unit.code == "XA-006"
    assert not UnitChange.objects.exclude(year=2025).exists()


def test_demo_current_year_dates_are_ordered_working_days_around_the_load(demo_db):
    period = Period.objects.get(year=demo.CURRENT_YEAR)
    dates = [
        period.self_assessment_opens,
        period.self_assessment_deadline,
        period.round1_start,
        period.round1_end,
        period.supplement_start,
        period.supplement_end,
        period.round2_start,
        period.round2_end,
        period.council_date,
    ]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    for moment in dates:
        day = timezone.localtime(moment, demo.TZ).date()
        assert calendar.is_working_day(day), moment  # neither a weekend nor a public holiday
    # 15/12/2024 was a Sunday: that year's deadline is Monday 16/12/2024.
    deadline = Period.objects.get(year=2024).self_assessment_deadline
    assert timezone.localtime(deadline, demo.TZ).date().isoformat() == "2024-12-16"


def test_demo_every_year_has_its_fourteen_dates_in_order_on_working_days(demo_db):
    from appraisal.schedule import DATES, period_dates_plan

    for period in Period.objects.order_by("year"):
        plan = period_dates_plan(period=period, entered={})
        assert [name for name, day in plan.dates.items() if day is None] == [], period.year
        assert len(plan.dates) == len(DATES) == 14
        assert plan.errors == {} and plan.moves == [], (period.year, plan.errors, plan.moves)
    # The published years keep their decisions' own dates.
    assert Period.objects.get(year=2024).decision_date.isoformat() == "2025-01-21"


def test_demo_reports_state_the_basis_of_every_comparison_through_lineage(demo_db, client):
    import csv
    import io

    from openpyxl import load_workbook

    from reports import selectors as report_selectors
    from reports.documents import published_document
    from reports.exports import document_xlsx

    period = Period.objects.get(year=2025)
    units = {u["unit_code"]: u for u in results_report(period=period)["units"]}
    for code, label in LABELS.items():
        assert units[code]["previous_basis"] == label
    assert units["SO-NNMT"]["previous_index"] is not None and units["SO-NNMT"]["delta"]
    assert units["SN-TTPVHCC"]["delta"] is None
    assert units["SO-TP"]["previous_basis"] == ""
    # export_results, the public pages, the report page and its XLSX.
    out = StringIO()
    call_command("export_results", "--year", "2025", "--format", "csv", stdout=out)
    exported = {
        r["unit_code"]: r["previous_basis"] for r in csv.DictReader(io.StringIO(out.getvalue()))
    }
    assert {code: exported[code] for code in LABELS} == LABELS
    ranking = client.get("/xep-hang/2025/").content.decode()
    report = client.get("/bao-cao/2025/cong-bo/").content.decode()
    for label in LABELS.values():
        assert label in ranking and label in report
    data = report_selectors.published_report(period=period)
    workbook = load_workbook(io.BytesIO(document_xlsx(published_document(data))))
    compare = {r[0]: r for r in workbook["Bảng 5"].iter_rows(min_row=4, values_only=True)}
    assert compare["XA-015"][-1] == LABELS["XA-015"]
    # Two low years through the predecessor: Tân Hòa after Tân Lập.
    flags = {f["unit_code"]: f for f in data["flags"]}
    assert flags["XA-015"]["two_low"] and flags["XA-015"]["previous_basis"] == LABELS["XA-015"]
    history = {u["unit_code"]: u["bands"] for u in data["band_history"]}
    assert None not in history["SO-NNMT"] and history["SN-TTPVHCC"][:2] == [None, None]
