"""Permission rules of reports: who sees which report, on the access model of scoring.rules.

The province's staff of a year (secretariat, council, leadership) see every report of that
year; the published report and open data are public once the year's results are public;
appraisers of the year see the criterion analysis. A unit's scorecard and improvement plan
show final figures and comments, so the unit's own people see them only once the year is
published (scoring.workflow: results_public). Everything else is answered as "not found"
by reports.selectors' access helpers.

Objects: a Period for the year's reports, a scoring.workflow.UnitYear for a unit's
scorecard and plan, a ReportFile for a built file.
"""

import rules

from scoring.rules import results_public, year_not_frozen
from units.rules import is_appraiser, is_province_staff, is_secretariat, works_in_unit

from .enums import ReportKind


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
    report_file_is_public | is_province_staff | (report_file_is_criteria & is_appraiser),
)
