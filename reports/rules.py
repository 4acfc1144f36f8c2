"""Permission rules of reports: who sees which report.

Province staff (secretariat, council, leadership) see everything; an agency user sees only
its own unit's scorecard and improvement plan; appraisers see the criterion analysis; the
published report and open data are public once the year is published. Everything else is
answered as "not found" by reports.selectors access helpers.
"""

import rules

from scoring.rules import period_is_published
from units.rules import is_appraiser, is_province_staff, is_secretariat, works_in_unit

from .enums import ReportKind


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
    report_file_is_public | is_province_staff | (report_file_is_criteria & is_appraiser),
)
