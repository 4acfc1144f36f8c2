"""Extensions: the secretariat gives one unit more time, for its self-assessment or for its
supplement items, with a reason.

The extension is a scoring.DeadlineExtension row; scoring.rules.unit_deadline reads it, so
it counts wherever the unit's deadline does: the late flag of a submission, the trust rules
(the draft stays open, a withdrawal, the supplement window), the evidence checks, reminders
and "what to do now". Granting, changing and withdrawing are audited, and the unit's people
are told (appraisal.notifications).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring import calendar
from scoring import rules as scoring_rules
from scoring.enums import AuditAction, DeadlineKind
from scoring.models import Assessment, DeadlineExtension
from scoring.services import audit_record

from .enums import NotificationKind
from .notifications import notify
from .services import agency_user_ids, assessment_lock, refuse_frozen

PERMS = {
    DeadlineKind.SELF_ASSESSMENT: "appraisal.extend_self_assessment",
    DeadlineKind.SUPPLEMENT: "appraisal.extend_supplement",
}


@dataclass(frozen=True)
class Granted:
    extension: DeadlineExtension
    moved_from: date | None  # the day entered, when it was not a working day
    moved_reason: str = ""


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def _check(actor, assessment: Assessment, deadline: str) -> None:
    if not actor.has_perm("appraisal.manage_cycle", assessment.period):
        raise PermissionDenied
    refuse_frozen(assessment.period)
    if deadline not in DeadlineKind.values:
        raise ValidationError({"deadline": [_("Hãy chọn hạn cần gia hạn.")]}, code="deadline")
    if not actor.has_perm(PERMS[deadline], assessment):
        raise ValidationError(
            {
                "deadline": [
                    _("Giai đoạn hiện tại không còn gia hạn được “%(what)s”.")
                    % {"what": DeadlineKind(deadline).label}
                ]
            },
            code="phase",
        )


@transaction.atomic
def extension_grant(
    *, actor, assessment: Assessment, deadline: str, until: date | None, reason: str
) -> Granted:
    """Give the unit until the end of `until` (moved to a working day) for its
    self-assessment or its supplement items; a later grant replaces the earlier one."""
    assessment = assessment_lock(assessment)
    _check(actor, assessment, deadline)
    reason = (reason or "").strip()
    errors = {}
    if until is None:
        errors["until"] = [_("Hãy nhập ngày gia hạn (dd/mm/yyyy).")]
    if not reason:
        errors["reason"] = [_("Hãy ghi lý do gia hạn.")]
    if errors:
        raise ValidationError(errors)
    general = getattr(assessment.period, deadline)
    if general is None:
        raise ValidationError(
            {"until": [_("Chưa đặt hạn chung của năm; hãy đặt lịch năm trước.")]}, code="no_date"
        )
    config = calendar.province_days()
    moved_from, moved_reason = None, calendar.non_working_reason(until, config)
    if moved_reason:
        moved_from, until = until, calendar.next_working_day(until, config)
    if until <= calendar.local_date(general):
        raise ValidationError(
            {
                "until": [
                    _("Ngày gia hạn (%(day)s) phải sau hạn chung (%(general)s).")
                    % {"day": until.strftime("%d/%m/%Y"), "general": _when(general)}
                ]
            },
            code="not_later",
        )
    if until.year > assessment.period.year + 2:
        raise ValidationError({"until": [_("Ngày gia hạn không hợp lệ.")]}, code="range")
    moment = calendar.day_end(until)
    extension = DeadlineExtension.objects.filter(assessment=assessment, deadline=deadline).first()
    old = (
        None
        if extension is None
        else {"until": extension.until.isoformat(), "reason": extension.reason}
    )
    if extension is not None and (extension.until, extension.reason) == (moment, reason):
        return Granted(extension, moved_from, moved_reason or "")
    if extension is None:
        extension = DeadlineExtension(assessment=assessment, deadline=deadline)
    extension.until, extension.reason = moment, reason
    extension.granted_by, extension.granted_at = actor, timezone.now()
    extension.save()
    scoring_rules.unit_extension_forget(assessment)
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.EXTENSION,
        assessment=assessment,
        old=old,
        new={"deadline": deadline, "until": moment.isoformat(), "reason": reason},
        reason=reason,
    )
    _notify(assessment, extension)
    return Granted(extension, moved_from, moved_reason or "")


@transaction.atomic
def extension_withdraw(*, actor, assessment: Assessment, deadline: str, reason: str) -> None:
    """Take an extension back (the year's deadline applies again), with a reason."""
    assessment = assessment_lock(assessment)
    _check(actor, assessment, deadline)
    extension = DeadlineExtension.objects.filter(assessment=assessment, deadline=deadline).first()
    if extension is None:
        return
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do thu hồi gia hạn.")]})
    audit_record(
        period=assessment.period,
        actor=actor,
        action=AuditAction.EXTENSION,
        assessment=assessment,
        old={
            "deadline": deadline,
            "until": extension.until.isoformat(),
            "reason": extension.reason,
        },
        new=None,
        reason=reason,
    )
    extension.delete()
    scoring_rules.unit_extension_forget(assessment)


def _notify(assessment: Assessment, extension: DeadlineExtension) -> None:
    period, unit = assessment.period, assessment.unit
    if extension.deadline == DeadlineKind.SELF_ASSESSMENT:
        link = reverse("workspace", args=[assessment.pk])
        what = _("nộp hồ sơ tự đánh giá")
    else:
        link = reverse("appraisal_agency", args=[assessment.pk])
        what = _("giải trình bổ sung")
    notify(
        kind=NotificationKind.EXTENSION,
        key=f"extension:{period.year}:{unit.pk}:{extension.deadline}:{extension.until.isoformat()}",
        user_ids=agency_user_ids(period, [unit.pk]),
        period=period,
        link=link,
        title=_("Gia hạn %(what)s") % {"what": what},
        text=_(
            "Bộ phận thư ký gia hạn %(what)s cho %(unit)s đến %(until)s (hạn chung: %(general)s). "
            "Lý do: %(reason)s"
        )
        % {
            "what": what,
            "unit": unit.name,
            "until": _when(extension.until),
            "general": _when(getattr(period, extension.deadline)),
            "reason": extension.reason,
        },
    )
