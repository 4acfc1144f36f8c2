"""Who is told what: the people of a year by role, and the messages of the workflow (phase
moves, results published, supplement requests, assignments, cross-checks).

Every message goes through appraisal.notifications.notify: a row in the portal for each
recipient, its e-mail sent by a task after the commit.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import workflow
from scoring.enums import Stage
from scoring.models import Assessment, LeafScore, Period
from units.enums import RoleKind
from units.models import Role

from ..enums import NotificationKind
from ..models import Assignment, CrossCheck
from ..notifications import notify
from .guards import phase_label, when_text


def link(name: str, *args) -> str:
    return reverse(name, args=args)


def agency_user_ids(period: Period, unit_ids=None) -> set[int]:
    roles = Role.objects.filter(
        kind__in=[RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD],
        unit__assessments__period=period,
    )
    if unit_ids is not None:
        roles = roles.filter(unit_id__in=unit_ids)
    return set(roles.values_list("user_id", flat=True))


def role_user_ids(period: Period, *kinds: str) -> set[int]:
    """The people holding one of `kinds` in the year (roles with no year serve every year)."""
    return set(
        Role.objects.for_year(period.year).filter(kind__in=kinds).values_list("user_id", flat=True)
    )


def team_user_ids(period: Period) -> set[int]:
    return role_user_ids(period, RoleKind.APPRAISER)


def notify_groups(*, groups, **message) -> int:
    """The same message to groups of people with a link each; a person in several groups
    gets it once, with the first group's link."""
    told, count = set(), 0
    for user_ids, link in groups:
        ids = set(user_ids) - told
        told |= ids
        count += notify(user_ids=ids, link=link, **message)
    return count


def agency_groups(assessments, link_of) -> list[tuple[set[int], str]]:
    """The people of each dossier's unit, with the link `link_of(assessment id, unit code)`."""
    dossiers = {
        unit_id: (pk, code)
        for pk, unit_id, code in assessments.values_list("pk", "unit_id", "unit__code")
    }
    people: dict[int, set[int]] = {}
    for user_id, unit_id in Role.objects.filter(
        kind__in=[RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD], unit_id__in=dossiers
    ).values_list("user_id", "unit_id"):
        people.setdefault(unit_id, set()).add(user_id)
    return [(ids, link_of(*dossiers[unit_id])) for unit_id, ids in people.items()]


def phase_notify(*, period: Period, old_phase: str, reason: str, key: str) -> None:
    if workflow.rules_of(period.phase).results_public:
        results_published_notify(period=period, key=key)
        return
    text = _("Kỳ đánh giá năm %(year)s chuyển từ “%(old)s” sang “%(new)s”.") % {
        "year": period.year,
        "old": phase_label(old_phase),
        "new": phase_label(period.phase),
    }
    if reason:
        text += "\n" + _("Lý do: %(reason)s") % {"reason": reason}
    notify_groups(
        groups=[
            (
                role_user_ids(period, RoleKind.SECRETARIAT, RoleKind.COUNCIL),
                link("appraisal_cycle", period.year),
            ),
            (team_user_ids(period), link("appraisal_queue", period.year)),
            (agency_user_ids(period), link("home")),
        ],
        kind=NotificationKind.PHASE,
        key=key,
        period=period,
        title=_("Chuyển giai đoạn: %(phase)s") % {"phase": phase_label(period.phase)},
        text=text,
    )


def results_published_notify(*, period: Period, key: str) -> None:
    """Everyone concerned: each unit's people to their scorecard, the others to the ranking."""
    text = _("Kết quả Chỉ số CCHC năm %(year)s đã được công bố.") % {"year": period.year}
    if period.decision_number:
        text += " " + _("Quyết định số %(number)s ngày %(date)s.") % {
            "number": period.decision_number,
            "date": period.decision_date.strftime("%d/%m/%Y") if period.decision_date else "",
        }
    units = agency_groups(
        Assessment.objects.filter(period=period),
        lambda _pk, code: link("reports:scorecard", period.year, code),
    )
    everyone_else = (
        team_user_ids(period)
        | role_user_ids(period, RoleKind.SECRETARIAT, RoleKind.COUNCIL)
        | role_user_ids(period, RoleKind.LEADERSHIP)
    )
    notify_groups(
        groups=[*units, (everyone_else, link("ranking_year", period.year))],
        kind=NotificationKind.RESULTS,
        key=key,
        period=period,
        title=_("Công bố kết quả Chỉ số CCHC năm %(year)s") % {"year": period.year},
        text=text,
    )


def supplement_requests_notify(period: Period) -> None:
    """Each unit with flagged items: which ones, and the window (from when, until when)."""
    flagged: dict[int, list[str]] = {}
    for assessment_id, code in LeafScore.objects.filter(
        assessment__period=period, stage=Stage.ROUND1, supplement_requested=True
    ).values_list("assessment_id", "criterion__code"):
        flagged.setdefault(assessment_id, []).append(code)
    units = dict(Assessment.objects.filter(pk__in=flagged).values_list("pk", "unit_id"))
    for assessment_id, codes in flagged.items():
        unit_id = units[assessment_id]
        notify(
            kind=NotificationKind.SUPPLEMENT,
            key=f"supplement:{period.year}:{unit_id}",
            user_ids=agency_user_ids(period, [unit_id]),
            period=period,
            link=link("appraisal_agency", assessment_id),
            title=_("Yêu cầu giải trình bổ sung"),
            text=_(
                "Tổ giúp việc đề nghị đơn vị giải trình, bổ sung tài liệu cho %(n)s tiêu chí: "
                "%(codes)s. Thời gian giải trình bổ sung: từ %(start)s đến %(end)s."
            )
            % {
                "n": len(codes),
                "codes": ", ".join(sorted(codes)),
                "start": when_text(period.supplement_start),
                "end": when_text(period.supplement_end),
            },
        )


def assignments_notify(period: Period, changed: list[Assignment]) -> None:
    by_user: dict[int, list[str]] = {}
    for a in changed:
        by_user.setdefault(a.appraiser_id, []).append(f"{a.unit.code} × {a.field.code}")
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    for user_id, items in by_user.items():
        notify(
            kind=NotificationKind.ASSIGNMENT,
            key=f"assignment:{period.year}:{stamp}",
            user_ids=[user_id],
            period=period,
            link=link("appraisal_queue", period.year),
            title=_("Phân công thẩm định"),
            text=_("Bạn được phân công thẩm định %(n)s mục (đơn vị × lĩnh vực): %(items)s.")
            % {"n": len(items), "items": ", ".join(items)},
        )


def cross_check_notify(check: CrossCheck) -> None:
    """The checker given a cross-check: which unit and leaf, and where to conclude it."""
    if check.checker_id is None:
        return  # none available: the secretariat assigns one (cross_check_assign)
    assessment = check.assessment
    notify(
        kind=NotificationKind.CROSS_CHECK,
        key=f"cross_check:{check.pk}:{check.checker_id}:{check.requested_at.isoformat()}",
        user_ids=[check.checker_id],
        period=assessment.period,
        link=link("appraisal_cross_check", check.pk),
        title=_("Thẩm định chéo: %(unit)s — %(code)s")
        % {"unit": assessment.unit.name, "code": check.criterion.code},
        text=_(
            "Bạn được giao thẩm định chéo điểm tiêu chí %(code)s của %(unit)s (%(stage)s), "
            "do thành viên cùng đơn vị công tác với đơn vị được thẩm định chấm."
        )
        % {
            "code": check.criterion.code,
            "unit": assessment.unit.name,
            "stage": Stage(check.stage).label,
        },
    )
