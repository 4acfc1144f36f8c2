"""The submission tracker of the cycle page: who has submitted, who is late, who has not.

Per unit: its status (đang soạn, đã nộp, nộp muộn, đã rút, chưa nộp), when and by whom,
its own deadline and extension (scoring.rules.unit_deadline), completeness (the submit
page's check, scoring.selectors), files whose reading found warnings, and the last
reminder it got; counts at the top ("43/44 đã nộp, 1 nộp muộn"); filter, search, sort;
CSV export (parindex.tabular_safe); one action reminds every unit not yet submitted
(appraisal.notifications). Reads run a fixed number of queries whatever the number of
units.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.reading.header import fold
from evidence.selectors import files_with_warnings_by_assessment
from parindex.tabular_safe import csv_writer
from scoring import calendar, workflow
from scoring import rules as scoring_rules
from scoring import selectors as scoring_selectors
from scoring.enums import AssessmentStatus, AuditAction, DeadlineKind, Stage
from scoring.models import Assessment, AuditEntry, Period
from scoring.services import audit_record
from units.enums import RoleKind

from .enums import NotificationKind
from .models import Notification
from .notifications import notify
from .services import agency_groups

DRAFTING, SUBMITTED, LATE, WITHDRAWN, MISSING = (
    "drafting",
    "submitted",
    "late",
    "withdrawn",
    "missing",
)
STATUS_LABELS = {
    DRAFTING: gettext_lazy("Đang soạn"),
    SUBMITTED: gettext_lazy("Đã nộp"),
    LATE: gettext_lazy("Nộp muộn"),
    WITHDRAWN: gettext_lazy("Đã rút"),
    MISSING: gettext_lazy("Chưa nộp"),
}
SORTS = {
    "unit": gettext_lazy("Đơn vị (theo khối)"),
    "status": gettext_lazy("Trạng thái"),
    "submitted_at": gettext_lazy("Thời điểm nộp"),
    "missing": gettext_lazy("Còn thiếu nhiều nhất"),
    "warnings": gettext_lazy("Cảnh báo tài liệu nhiều nhất"),
}
STATUS_ORDER = [MISSING, WITHDRAWN, DRAFTING, LATE, SUBMITTED]


@dataclass
class TrackerRow:
    assessment: Assessment
    status: str
    deadline: datetime | None  # the unit's own (its extension included)
    extension: object  # scoring.DeadlineExtension of the self-assessment in force, or None
    supplement_extension: object
    unscored: int
    unexplained: int
    warnings: int
    last_reminder: datetime | None
    order: int

    @property
    def unit(self):
        return self.assessment.unit

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def missing(self) -> int:
        return self.unscored + self.unexplained

    @property
    def submitted_by(self) -> str:
        user = self.assessment.submitted_by
        return (user.full_name or user.username) if user is not None else ""


@dataclass
class Tracker:
    rows: list[TrackerRow]  # filtered, searched and sorted
    counts: dict[str, int]  # over every unit of the year
    total: int
    status: str = ""
    query: str = ""
    sort: str = "unit"
    all_rows: list[TrackerRow] = field(default_factory=list)  # every unit, in unit order

    @property
    def summary(self) -> str:
        """ "43/44 đã nộp, 1 nộp muộn" (and how many have not)."""
        text = _("%(on_time)s/%(total)s đã nộp, %(late)s nộp muộn") % {
            "on_time": self.counts[SUBMITTED],
            "total": self.total,
            "late": self.counts[LATE],
        }
        not_yet = self.counts[DRAFTING] + self.counts[WITHDRAWN] + self.counts[MISSING]
        if not_yet:
            text += ", " + _("%(n)s chưa nộp") % {"n": not_yet}
        return text

    @property
    def count_list(self) -> list[tuple[str, str, int]]:
        """(status, label, how many) in the order of STATUS_LABELS."""
        return [(key, str(label), self.counts[key]) for key, label in STATUS_LABELS.items()]

    @property
    def not_submitted(self) -> int:
        return self.total - self.counts[SUBMITTED] - self.counts[LATE]


def _status(assessment: Assessment, deadline, withdrawn: bool, open_: bool, now) -> str:
    if assessment.status == AssessmentStatus.SUBMITTED:
        return LATE if assessment.is_late else SUBMITTED
    still_open = open_ and (deadline is None or now <= deadline)
    if not still_open:
        return MISSING
    return WITHDRAWN if withdrawn else DRAFTING


def _last_submission_actions(period: Period) -> dict[int, str]:
    last: dict[int, str] = {}
    for assessment_id, action in (
        AuditEntry.objects.filter(
            period=period, action__in=[AuditAction.SUBMIT, AuditAction.WITHDRAW]
        )
        .order_by("at", "id")
        .values_list("assessment_id", "action")
    ):
        last[assessment_id] = action
    return last


def _last_reminders(period: Period) -> dict[int, datetime]:
    """The latest reminder to submit each unit's people got: the tracker's, or a deadline
    reminder of the self-assessment (by unit id)."""
    rows = (
        Notification.objects.filter(period=period)
        .filter(
            Q(kind=NotificationKind.REMINDER)
            | Q(
                kind=NotificationKind.DEADLINE,
                key__startswith=f"reminder:{period.year}:{DeadlineKind.SELF_ASSESSMENT}:",
            )
        )
        .filter(recipient__roles__kind__in=[RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD])
        .values("recipient__roles__unit_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    return {row["recipient__roles__unit_id"]: row["last"] for row in rows}


def _matches(row: TrackerRow, query: str) -> bool:
    folded = fold(query.strip())
    return not folded or any(
        folded in fold(text) for text in (row.unit.code, row.unit.name, row.unit.short_name or "")
    )


def _sort_key(sort: str):
    if sort == "status":
        return lambda r: (STATUS_ORDER.index(r.status), r.order)
    if sort == "submitted_at":
        return lambda r: (
            r.assessment.submitted_at is None,
            r.assessment.submitted_at or timezone.now(),
            r.order,
        )
    if sort == "missing":
        return lambda r: (-r.missing, r.order)
    if sort == "warnings":
        return lambda r: (-r.warnings, r.order)
    return lambda r: r.order


def tracker(*, period: Period, status: str = "", query: str = "", sort: str = "", now=None):
    """Every unit of the year with its submission, filtered by `status`, searched by code or
    name (without tone marks), sorted by `sort` (SORTS). A fixed number of queries."""
    now = now or timezone.now()
    assessments = list(
        Assessment.objects.filter(period=period)
        .select_related("unit", "group", "submitted_by")
        .prefetch_related("extensions")
        .order_by("group__order", "group__code", "unit__order", "unit__code")
    )
    completeness = scoring_selectors.completeness_by_assessment(
        period=period, assessments=assessments
    )
    warnings = files_with_warnings_by_assessment(period=period)
    last_actions = _last_submission_actions(period)
    reminders = _last_reminders(period)
    # A draft is still being written while self-assessment is open or still to come.
    open_ = not period.self_assessment_closed and workflow.now_or_ahead(
        period.phase, lambda r: r.agency_scores == Stage.SELF
    )
    rows = []
    for order, assessment in enumerate(assessments):
        assessment.period = period
        deadline = scoring_rules.self_assessment_deadline(assessment)
        check = completeness[assessment.id]
        rows.append(
            TrackerRow(
                assessment=assessment,
                status=_status(
                    assessment,
                    deadline,
                    last_actions.get(assessment.id) == AuditAction.WITHDRAW,
                    open_,
                    now,
                ),
                deadline=deadline,
                extension=scoring_rules.extension_in_force(
                    assessment, DeadlineKind.SELF_ASSESSMENT
                ),
                supplement_extension=scoring_rules.extension_in_force(
                    assessment, DeadlineKind.SUPPLEMENT
                ),
                unscored=len(check.unscored),
                unexplained=len(check.unexplained),
                warnings=warnings.get(assessment.id, 0),
                last_reminder=reminders.get(assessment.unit_id),
                order=order,
            )
        )
    counts = {key: 0 for key in STATUS_LABELS}
    for row in rows:
        counts[row.status] += 1
    status = status if status in STATUS_LABELS else ""
    sort = sort if sort in SORTS else "unit"
    shown = [r for r in rows if (not status or r.status == status) and _matches(r, query)]
    shown.sort(key=_sort_key(sort))
    return Tracker(
        rows=shown,
        counts=counts,
        total=len(rows),
        status=status,
        query=query,
        sort=sort,
        all_rows=rows,
    )


CSV_HEADER = [
    "unit_code",
    "unit_name",
    "group",
    "status",
    "submitted_at",
    "submitted_by",
    "deadline",
    "extension_until",
    "extension_reason",
    "leaves_unscored",
    "leaves_unexplained",
    "files_with_warnings",
    "last_reminder",
]


def _iso(value) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def tracker_csv(board: Tracker) -> str:
    """The tracker's rows as CSV (the filter, search and sort shown), CSV_HEADER."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in board.rows:
        writer.writerow(
            [
                row.unit.code,
                row.unit.name,
                row.assessment.group.name,
                row.status_label,
                _iso(row.assessment.submitted_at),
                row.submitted_by,
                _iso(row.deadline),
                _iso(row.extension.until) if row.extension else "",
                row.extension.reason if row.extension else "",
                row.unscored,
                row.unexplained,
                row.warnings,
                _iso(row.last_reminder),
            ]
        )
    return out.getvalue()


# --- the reminder ----------------------------------------------------------------------------


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@transaction.atomic
def units_remind(*, actor, period: Period, now=None) -> int:
    """Remind every unit that has not submitted (its staff and head), in one action: each
    is told its own deadline and the working days left. Audited; returns how many units."""
    if not actor.has_perm("appraisal.manage_cycle", period):
        raise PermissionDenied
    if not actor.has_perm("appraisal.remind_units", period):
        raise ValidationError(_("Chỉ nhắc nộp hồ sơ trong giai đoạn tự đánh giá."), code="phase")
    now = now or timezone.now()
    drafts = list(
        Assessment.objects.filter(period=period, status=AssessmentStatus.DRAFT)
        .select_related("unit")
        .prefetch_related("extensions")
    )
    if not drafts:
        raise ValidationError(_("Mọi đơn vị đã nộp hồ sơ."), code="nobody")
    config = calendar.province_days()
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    people = dict(
        (link, ids)
        for ids, link in agency_groups(
            Assessment.objects.filter(pk__in=[a.pk for a in drafts]),
            lambda pk, _code: reverse("workspace", args=[pk]),
        )
    )
    reminded = []
    for assessment in drafts:
        assessment.period = period
        deadline = scoring_rules.self_assessment_deadline(assessment)
        link = reverse("workspace", args=[assessment.pk])
        if deadline is None:
            until = ""
        elif now > deadline:
            until = " " + _("Hạn nộp %(when)s đã qua.") % {"when": _when(deadline)}
        else:
            left = calendar.working_days_between(
                timezone.localtime(now).date(), calendar.local_date(deadline), config
            )
            until = " " + _("Hạn nộp: %(when)s (còn %(n)s ngày làm việc).") % {
                "when": _when(deadline),
                "n": left,
            }
        told = notify(
            kind=NotificationKind.REMINDER,
            key=f"tracker_reminder:{period.year}:{assessment.unit_id}:{stamp}",
            user_ids=people.get(link, set()),
            period=period,
            link=link,
            title=_("Nhắc nộp hồ sơ tự đánh giá năm %(year)s") % {"year": period.year},
            text=_("Bộ phận thư ký nhắc %(unit)s hoàn thành và nộp hồ sơ tự đánh giá.")
            % {"unit": assessment.unit.name}
            + until,
        )
        if told:
            reminded.append(assessment.unit.code)
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.REMINDER,
        new={"units": sorted(a.unit.code for a in drafts), "reached": sorted(reminded)},
    )
    return len(reminded)
