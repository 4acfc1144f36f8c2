"""Deadline reminders, 3 working days and 1 working day before each deadline of the phase
in progress.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import calendar, workflow
from scoring import rules as scoring_rules
from scoring.enums import AssessmentStatus, Stage
from scoring.models import Assessment, Period

from ..enums import NotificationKind
from ..models import Assignment, CrossCheck
from .guards import when_text
from .notifications import agency_groups, link, notify_groups

AGENCY_AUDIENCES = {
    # the units that have not submitted yet, to their dossier
    "agency": ("workspace", lambda period: {"status": AssessmentStatus.DRAFT}),
    # the units asked to supplement, to their results page
    "agency_flagged": (
        "appraisal_agency",
        lambda period: {"scores__stage": Stage.ROUND1, "scores__supplement_requested": True},
    ),
}


def _reminder_batches(period: Period, field_name: str, audience: str):
    """[(deadline, groups of people sharing a link)] for a deadline of the year: the units
    reminded each at their own deadline (scoring.rules.unit_deadline: an extension moves
    it), the appraisers at the year's."""
    if audience not in AGENCY_AUDIENCES:
        return [(getattr(period, field_name), _audience(period, audience))]
    link_name, filters = AGENCY_AUDIENCES[audience]
    concerned = (
        Assessment.objects.filter(period=period, **filters(period))
        .distinct()
        .prefetch_related("extensions")
    )
    by_deadline: dict = {}
    for assessment in concerned:
        assessment.period = period
        deadline = scoring_rules.unit_deadline(assessment, field_name)
        if deadline is not None:
            by_deadline.setdefault(deadline, []).append(assessment.pk)
    return [
        (
            deadline,
            agency_groups(
                Assessment.objects.filter(pk__in=ids), lambda pk, _code: link(link_name, pk)
            ),
        )
        for deadline, ids in sorted(by_deadline.items())
    ]


def _audience(period: Period, audience: str) -> list[tuple[set[int], str]]:
    """The appraisers reminded of a round's deadline (one group, one link)."""
    appraisers = set(
        Assignment.objects.filter(period=period).values_list("appraiser_id", flat=True)
    ) | set(
        CrossCheck.objects.filter(assessment__period=period, checker__isnull=False).values_list(
            "checker_id", flat=True
        )
    )
    return [(appraisers, link("appraisal_queue", period.year))]


def _reminder_bucket(working_days_left: int) -> int | None:
    """The reminder due with that many working days left (3: the "3 days" one …), or None."""
    return next(
        (days for days in sorted(workflow.REMINDER_DAYS) if working_days_left <= days), None
    )


def deadline_reminders_send(*, now=None) -> int:
    """Reminders 3 working days and 1 working day before each deadline of the phase in
    progress (weekends, holidays and the province's days do not count: scoring.calendar);
    a unit with an extension is reminded before its own deadline.

    Each reminder reaches each person once (per deadline date: a moved deadline is reminded
    again); running it twice tells no one anything new. Returns how many were new.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    config = calendar.province_days()
    told = 0
    for period in Period.objects.filter(phase__in=workflow.phases_where(lambda r: not r.frozen)):
        for field_name, (phase, audience) in workflow.DEADLINES.items():
            if getattr(period, field_name) is None or period.phase != phase:
                continue
            for deadline, groups in _reminder_batches(period, field_name, audience):
                if deadline is None or now >= deadline:
                    continue
                due_day = calendar.local_date(deadline)
                left = calendar.working_days_between(today, due_day, config)
                bucket = _reminder_bucket(left)
                if bucket is None:
                    continue
                label = str(Period._meta.get_field(field_name).verbose_name)
                if left == 0:
                    text = _("Hôm nay là hạn cuối: %(what)s, %(when)s.")
                else:
                    text = _("Còn %(days)s ngày làm việc đến %(what)s: %(when)s.")
                told += notify_groups(
                    groups=groups,
                    kind=NotificationKind.DEADLINE,
                    key=f"reminder:{period.year}:{field_name}:{due_day.isoformat()}:{bucket}",
                    period=period,
                    title=_("Nhắc hạn: %(what)s") % {"what": label},
                    text=text % {"days": left, "what": label, "when": when_text(deadline)},
                )
    return told
