"""Permission rules of reports: who sees which report.

Province staff (secretariat, council, leadership) see everything; an agency user sees only
its own unit's scorecard and improvement plan; appraisers see the criterion analysis; the
published report and open data are public once the year is published. Everything else is
answered as "not found" by reports.selectors access helpers.

Official documents (object: reports.enums.DocumentTarget — the year, the kind, the unit):
the province's staff of that year see every document in every phase (they draft them); once
the year is published, anyone signed in gets the year's report and the decision, and a unit
its own notice of results and dossier bundle; a unit gets its own supplement letter from the
supplement phase on. The phase is read from appraisal.workflow, the one table of phases.
"""

import rules

from appraisal import workflow
from scoring.enums import Phase
from scoring.rules import period_is_published
from units.enums import RoleKind
from units.rules import (
    has_role,
    is_appraiser,
    is_province_staff,
    is_secretariat,
    works_in_unit,
)

from .enums import DOCUMENT_KINDS, PROVINCE_DOCUMENT_KINDS, DocumentTarget, ReportKind

PROVINCE_ROLES = (RoleKind.SECRETARIAT, RoleKind.LEADERSHIP, RoleKind.COUNCIL)
# The supplement letter goes out when the window opens and stays the unit's afterwards.
SUPPLEMENT_LETTER_PHASES = frozenset(
    {Phase.SUPPLEMENT, Phase.ROUND2, Phase.COUNCIL, Phase.PUBLISHED}
)
BUNDLE = "bundle"  # DocumentTarget.kind of a unit's dossier bundle (ZIP)


@rules.predicate
def report_file_is_public(user, report_file) -> bool:
    return (
        report_file is not None
        and report_file.kind == ReportKind.PUBLISHED
        and report_file.period.is_published
    )


@rules.predicate
def report_file_is_criteria(user, report_file) -> bool:
    return report_file is not None and report_file.kind == ReportKind.CRITERIA


@rules.predicate
def report_file_is_annex(user, report_file) -> bool:
    return report_file is not None and report_file.kind not in DOCUMENT_KINDS


@rules.predicate
def report_file_document_visible(user, report_file) -> bool:
    """A built official document: the same rule as the document itself, asked again at
    download time (a year reopened since the build takes it back)."""
    if report_file is None or report_file.kind not in DOCUMENT_KINDS:
        return False
    from units.models import Unit  # rules load before models are ready

    code = (report_file.params or {}).get("unit")
    unit = Unit.objects.filter(code=code).first() if code else None
    target = DocumentTarget(report_file.period, report_file.kind, unit)
    return user.has_perm("reports.view_document", target)


# --- official documents (object: DocumentTarget) ---------------------------------------------


@rules.predicate
def province_staff_of_year(user, target) -> bool:
    return target is not None and any(
        has_role(user, kind, year=target.period.year) for kind in PROVINCE_ROLES
    )


@rules.predicate
def document_results_public(user, target) -> bool:
    return target is not None and workflow.rules_of(target.period.phase).results_public


@rules.predicate
def document_supplement_phase(user, target) -> bool:
    return target is not None and target.period.phase in SUPPLEMENT_LETTER_PHASES


@rules.predicate
def document_of_own_unit(user, target) -> bool:
    return target is not None and target.unit is not None and works_in_unit(user, target.unit)


@rules.predicate
def document_is_province_wide(user, target) -> bool:
    return target is not None and target.kind in PROVINCE_DOCUMENT_KINDS


@rules.predicate
def document_is_unit_notice(user, target) -> bool:
    return target is not None and target.kind == ReportKind.UNIT_NOTICE


@rules.predicate
def document_is_supplement_request(user, target) -> bool:
    return target is not None and target.kind == ReportKind.SUPPLEMENT_REQUEST


@rules.predicate
def document_is_bundle(user, target) -> bool:
    return target is not None and target.kind == BUNDLE


@rules.predicate
def province_staff_of_period_year(user, period) -> bool:
    return period is not None and any(
        has_role(user, kind, year=period.year) for kind in PROVINCE_ROLES
    )


@rules.predicate
def secretariat_of_year(user, period) -> bool:
    return period is not None and has_role(user, RoleKind.SECRETARIAT, year=period.year)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# Period-level reports (object: Period).
rules.add_perm("reports.view_published_report", period_is_published | is_province_staff)
rules.add_perm("reports.view_province_reports", is_province_staff)
rules.add_perm("reports.view_criterion_analysis", is_province_staff | is_appraiser)
rules.add_perm("reports.view_dashboard", is_province_staff)
rules.add_perm("reports.run_index", is_secretariat)
rules.add_perm("reports.import_inputs", is_secretariat)
rules.add_perm("reports.view_open_data", period_is_published)

# A unit's scorecard (object: Unit) and improvement plan (object: ImprovementPlan or Unit).
rules.add_perm("reports.view_scorecard", works_in_unit | is_province_staff)
rules.add_perm("reports.edit_improvement_plan", works_in_unit | is_secretariat)

# A built report file (object: ReportFile).
rules.add_perm(
    "reports.view_report_file",
    (
        report_file_is_annex
        & (report_file_is_public | is_province_staff | (report_file_is_criteria & is_appraiser))
    )
    | report_file_document_visible,
)

# Official documents and a unit's dossier bundle (object: DocumentTarget).
rules.add_perm(
    "reports.view_document",
    province_staff_of_year
    | (document_is_province_wide & document_results_public & is_signed_in)
    | (document_is_unit_notice & document_of_own_unit & document_results_public)
    | (document_is_supplement_request & document_of_own_unit & document_supplement_phase),
)
rules.add_perm(
    "reports.download_bundle",
    document_is_bundle
    & (province_staff_of_year | (document_of_own_unit & document_results_public)),
)
# Every unit's documents of the year (object: Period): the year's province staff.
rules.add_perm("reports.view_year_documents", province_staff_of_period_year)
# Numbering documents (object: Period) and the province's details (no object).
rules.add_perm("reports.issue_document", secretariat_of_year)
rules.add_perm("reports.edit_document_settings", is_secretariat)
