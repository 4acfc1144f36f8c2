"""Writes of the appraisal, one module per concept. Keyword-only, atomic; every change writes
an AuditEntry.

    guards         the permission, the locked row, the frozen year, a changed score's comment
    phases         phase moves by the workflow's table; the year's choice for unsubmitted units
    team           the working group, its assignments (one, by group, from CSV), items done
    scores         the appraisers' scores and exemptions at the open round
    crosschecks    a home unit's values checked by a member of another unit
    supplements    the agency's explanations and evidence for the flagged leaves
    council        the council's opinions and the publishing decision
    notifications  who is told what (through appraisal.notifications.notify)
    reminders      deadline reminders before each deadline of the phase in progress

Who may do what is asked of appraisal.rules (which reads scoring.workflow); a refusal of
something that is not the actor's is PermissionDenied (a 404 in the views), a refusal the
actor can understand is a ValidationError with a Vietnamese message. Callers use the names
below (`from appraisal import services; services.phase_move(...)`).
"""

from scoring.services import StaleVersionError, audit_record, score_json

from .council import council_approve, decision_record
from .crosschecks import (
    cross_check_assign,
    cross_check_decide,
    cross_check_request,
    home_unit_values_queue,
)
from .guards import (
    assessment_lock,
    comment_required_if_changed,
    is_team_member,
    period_lock,
    permission_require,
    phase_label,
    refuse_frozen,
    when_text,
)
from .notifications import (
    agency_groups,
    agency_user_ids,
    assignments_notify,
    role_user_ids,
    supplement_requests_notify,
    team_user_ids,
)
from .phases import MoveNotConfirmed, phase_move, phase_move_problems, unsubmitted_policy_set
from .reminders import deadline_reminders_send
from .scores import (
    appraisal_exemption_set,
    appraisal_exemption_withdraw,
    appraisal_score_set,
    item_check,
)
from .supplements import supplement_evidence_upload, supplement_explanation_set
from .team import (
    CSV_HEADER,
    UnscoredItemsError,
    assignment_bulk_set,
    assignment_complete,
    assignment_give,
    assignment_set,
    assignments_import,
    items_complete,
    team_member_set,
)

__all__ = [
    "CSV_HEADER",
    "MoveNotConfirmed",
    "StaleVersionError",
    "UnscoredItemsError",
    "agency_groups",
    "agency_user_ids",
    "appraisal_exemption_set",
    "appraisal_exemption_withdraw",
    "appraisal_score_set",
    "assessment_lock",
    "assignment_bulk_set",
    "assignment_complete",
    "assignment_give",
    "assignment_set",
    "assignments_import",
    "assignments_notify",
    "audit_record",
    "comment_required_if_changed",
    "council_approve",
    "cross_check_assign",
    "cross_check_decide",
    "cross_check_request",
    "deadline_reminders_send",
    "decision_record",
    "home_unit_values_queue",
    "is_team_member",
    "item_check",
    "items_complete",
    "period_lock",
    "permission_require",
    "phase_label",
    "phase_move",
    "phase_move_problems",
    "refuse_frozen",
    "role_user_ids",
    "score_json",
    "supplement_evidence_upload",
    "supplement_explanation_set",
    "supplement_requests_notify",
    "team_member_set",
    "team_user_ids",
    "unsubmitted_policy_set",
    "when_text",
]
