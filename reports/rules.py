"""Permission rules of reports: who sees which report, on the access model of scoring.rules.

The province's staff of a year (secretariat, council, leadership) see every report of that
year; the published report and open data are public once the year's results are public;
appraisers of the year see the criterion analysis. A unit's scorecard and improvement plan
show final figures and comments, so the unit's own people see them only once the year is
published (scoring.workflow: results_public). Everything else is answered as "not found"
by reports.selectors' access helpers.

Official documents (object: reports.enums.DocumentTarget — the year, the kind, the unit):
the province's staff of that year see every document in every phase (they draft them); once
the year's results are public, anyone signed in gets the year's report and the decision, and
a unit its own notice of results and dossier bundle; a unit gets its own supplement letter
once the supplement requests have gone out (scoring.workflow: supplement_requests_sent).

Objects: a Period for the year's reports, a scoring.workflow.UnitYear for a unit's
scorecard and plan, a ReportFile for a built file, a DocumentTarget for a document.
"""

import rules

from scoring.rules import phase_rules, results_public, year_not_frozen
from units.models import Unit
from units.rules import is_appraiser, is_province_staff, is_secretariat, works_in_unit

from .enums import DOCUMENT_KINDS, PROVINCE_DOCUMENT_KINDS, DocumentTarget, ReportKind

BUNDLE = "bundle"  # DocumentTarget.kind of a unit's dossier bundle (ZIP)


@rules.predicate
def report_file_is_public(user, report_file) -> bool:
    return (
        report_file is not None
        and report_file.kind == ReportKind.PUBLISHED
        and results_public(user, report_file)
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

    code = (report_file.params or {}).get("unit")
    unit = Unit.objects.filter(code=code).first() if code else None
    target = DocumentTarget(report_file.period, report_file.kind, unit)
    return user.has_perm("reports.view_document", target)


# --- official documents (object: DocumentTarget) ---------------------------------------------


@rules.predicate
def supplement_requests_sent(user, target) -> bool:
    """The year's supplement requests have gone out to the agencies (the letter with them)."""
    found = phase_rules(target)
    return found is not None and found.supplement_requests_sent


@rules.predicate
def document_of_own_unit(user, target) -> bool:
    return target is not None and target.unit is not None and works_in_unit(user, target)


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
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# Period-level reports (object: Period).
rules.add_perm("reports.view_published_report", results_public | is_province_staff)
rules.add_perm("reports.view_province_reports", is_province_staff)
rules.add_perm("reports.view_criterion_analysis", is_province_staff | is_appraiser)
rules.add_perm("reports.view_dashboard", is_province_staff)
rules.add_perm("reports.run_index", is_secretariat & year_not_frozen)
rules.add_perm("reports.import_inputs", is_secretariat & year_not_frozen)
rules.add_perm("reports.view_open_data", results_public)

# A unit's scorecard and improvement plan (object: UnitYear).
own_and_public = works_in_unit & results_public
rules.add_perm("reports.view_scorecard", own_and_public | is_province_staff)
rules.add_perm("reports.view_improvement_plan", own_and_public | is_province_staff)
rules.add_perm("reports.edit_improvement_plan", (works_in_unit | is_secretariat) & results_public)

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
    is_province_staff
    | (document_is_province_wide & results_public & is_signed_in)
    | (document_is_unit_notice & document_of_own_unit & results_public)
    | (document_is_supplement_request & document_of_own_unit & supplement_requests_sent),
)
rules.add_perm(
    "reports.download_bundle",
    document_is_bundle & (is_province_staff | (document_of_own_unit & results_public)),
)
# Every unit's documents of the year (object: Period): the year's province staff.
rules.add_perm("reports.view_year_documents", is_province_staff)
# Numbering documents (object: Period) and the province's details (no object).
rules.add_perm("reports.issue_document", is_secretariat)  # outgoing numbers, also once published
rules.add_perm("reports.edit_document_settings", is_secretariat)
