"""What the agency's pages say of its deadlines and results (reads only).

The supplement window of a unit (its own end, an extension included: scoring.rules), in
words and as a countdown; and, on the unit's home, the links to its results, scorecard
and improvement plan that the rules let it open now (each asked of the rules with the
year and the phase).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import calendar, workflow
from scoring import rules as scoring_rules
from scoring.enums import DeadlineKind
from scoring.models import Assessment, Period
from scoring.workflow import UnitYear

BEFORE, OPEN, CLOSED = "before", "open", "closed"


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None  # the unit's own
    general_end: datetime | None  # the year's
    state: str  # BEFORE, OPEN, CLOSED ("" when the dates are not set)
    extension: object  # scoring.DeadlineExtension in force, or None

    @property
    def end_iso(self) -> str:
        return self.end.isoformat() if self.end else ""


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def countdown_text(end, now=None) -> str:
    """ "còn 2 ngày 5 giờ (3 ngày làm việc), đến 23:59 30/12/2025"."""
    now = now or timezone.now()
    left = end - now
    days, hours = left.days, left.seconds // 3600
    minutes = (left.seconds % 3600) // 60
    if days:
        span = _("%(d)s ngày %(h)s giờ") % {"d": days, "h": hours}
    elif hours:
        span = _("%(h)s giờ %(m)s phút") % {"h": hours, "m": minutes}
    else:
        span = _("%(m)s phút") % {"m": minutes}
    working = calendar.working_days_between(
        timezone.localtime(now).date(), calendar.local_date(end), calendar.province_days()
    )
    return _("còn %(span)s (%(n)s ngày làm việc), đến %(when)s") % {
        "span": span,
        "n": working,
        "when": _when(end),
    }


def supplement_window(*, assessment: Assessment, now=None) -> Window:
    period = assessment.period
    now = now or timezone.now()
    start = period.supplement_start
    end = scoring_rules.unit_deadline(assessment, DeadlineKind.SUPPLEMENT)
    extension = scoring_rules.extension_in_force(assessment, DeadlineKind.SUPPLEMENT)
    flagged = workflow.EVIDENCE_FLAGGED
    in_phase = workflow.rules_of(period.phase).agency_evidence == flagged
    if start is None or end is None:
        state = ""
    elif in_phase:
        state = BEFORE if now < start else OPEN if now <= end else CLOSED
    elif workflow.now_or_ahead(period.phase, lambda r: r.agency_evidence == flagged):
        state = BEFORE  # the window's phase is still to come
    else:
        state = CLOSED
    return Window(start, end, period.supplement_end, state, extension)


def supplement_lines(window: Window, now=None) -> str:
    """The line the agency reads about its window."""
    if window.state == BEFORE:
        return _("Thời gian giải trình bổ sung mở từ %(start)s đến %(end)s.") % {
            "start": _when(window.start),
            "end": _when(window.end),
        }
    if window.state == OPEN:
        return _("Đang trong thời gian giải trình bổ sung: %(left)s.") % {
            "left": countdown_text(window.end, now)
        }
    if window.state == CLOSED:
        return _("Đã hết thời gian giải trình bổ sung (%(end)s).") % {"end": _when(window.end)}
    return _("Bộ phận thư ký chưa đặt thời gian giải trình bổ sung.")


@dataclass(frozen=True)
class UnitLink:
    text: str
    url: str
    css: str = ""


def unit_links(*, actor, period: Period, assessment: Assessment | None, unit) -> list[UnitLink]:
    """The unit's pages of a year the actor may open now: its dossier, its round-1 results
    and supplement, its scorecard and improvement plan (each asked of the rules)."""
    out = []
    if assessment is not None:
        if actor.has_perm("scoring.view_own_assessment", assessment):
            out.append(UnitLink(_("Hồ sơ tự đánh giá"), reverse("workspace", args=[assessment.pk])))
        if actor.has_perm("appraisal.view_round1_results", assessment):
            text = (
                _("Kết quả thẩm định và giải trình bổ sung")
                if actor.has_perm("appraisal.supplement_open", assessment)
                else _("Kết quả thẩm định")
            )
            out.append(
                UnitLink(text, reverse("appraisal_agency", args=[assessment.pk]), "results-link")
            )
    target = UnitYear(unit, period)
    if actor.has_perm("reports.view_scorecard", target):
        out.append(
            UnitLink(
                _("Phiếu điểm %(year)s") % {"year": period.year},
                reverse("reports:scorecard", args=[period.year, unit.code]),
                "scorecard-link",
            )
        )
    if actor.has_perm("reports.view_improvement_plan", target):
        out.append(
            UnitLink(
                _("Kế hoạch khắc phục %(year)s") % {"year": period.year},
                reverse("reports:plan", args=[period.year, unit.code]),
                "plan-link",
            )
        )
    return out
