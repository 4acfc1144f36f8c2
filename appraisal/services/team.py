"""The year's working group and its assignments (field × unit): giving them one, by group,
from a CSV, and marking them done for the open round.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.enums import AuditAction
from scoring.models import Assessment, Criterion, Period
from scoring.services import audit_record
from scoring.tabular import CSV, TableError, line_error, table_read
from units.enums import RoleKind
from units.models import Group, Role, Unit, User
from units.rules import home_unit_ids

from .. import progress
from ..models import Assignment
from .crosschecks import home_unit_values_queue
from .guards import is_team_member, permission_require, refuse_frozen
from .notifications import assignments_notify


def _field_nodes(period: Period) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(period=period, parent__isnull=True)}


@transaction.atomic
def team_member_set(*, actor, period: Period, user, home_unit: Unit, expertise: list[str]) -> Role:
    """Put a member in the year's working group (home unit, fields of expertise)."""
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    fields = _field_nodes(period)
    expertise = [code.strip() for code in expertise if code.strip()]
    unknown = [code for code in expertise if code not in fields]
    if unknown:
        raise ValidationError(
            _("Lĩnh vực không có trong bộ tiêu chí năm %(year)s: %(codes)s")
            % {"year": period.year, "codes": ", ".join(unknown)},
            code="unknown_field",
        )
    role, created = Role.objects.get_or_create(
        user=user,
        kind=RoleKind.APPRAISER,
        unit=home_unit,
        year=period.year,
        defaults={"expertise": expertise},
    )
    old = None if created else {"expertise": role.expertise}
    if not created and role.expertise != expertise:
        role.expertise = expertise
        role.save(update_fields=["expertise"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.TEAM,
        old=old,
        new={"user": user.username, "home_unit": home_unit.code, "expertise": expertise},
    )
    return role


def _check_assignable(period: Period, field: Criterion, unit: Unit, appraiser) -> None:
    if field.period_id != period.pk or field.parent_id is not None:
        raise ValidationError(
            _("“%(code)s” không phải là một lĩnh vực của năm %(year)s.")
            % {"code": field.code, "year": period.year},
            code="field",
        )
    if not Assessment.objects.filter(period=period, unit=unit).exists():
        raise ValidationError(
            _("Đơn vị %(unit)s không có hồ sơ trong năm %(year)s.")
            % {"unit": unit.code, "year": period.year},
            code="unit",
        )
    if not is_team_member(appraiser, period):
        raise ValidationError(
            _("%(user)s không phải thành viên Tổ giúp việc năm %(year)s.")
            % {"user": appraiser.username, "year": period.year},
            code="not_member",
        )


def assignment_give(*, actor, period, field, unit, appraiser) -> tuple[Assignment, bool]:
    _check_assignable(period, field, unit, appraiser)
    assignment = Assignment.objects.filter(period=period, field=field, unit=unit).first()
    if assignment is not None and assignment.appraiser_id == appraiser.pk:
        return assignment, False
    old = None if assignment is None else {"appraiser": assignment.appraiser.username}
    if assignment is None:
        assignment = Assignment.objects.create(
            period=period, field=field, unit=unit, appraiser=appraiser
        )
    else:
        assignment.appraiser = appraiser
        assignment.save(update_fields=["appraiser"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.ASSIGNMENT,
        criterion=field,
        assessment=Assessment.objects.filter(period=period, unit=unit).first(),
        old=old,
        new={"field": field.code, "unit": unit.code, "appraiser": appraiser.username},
    )
    return assignment, True


@transaction.atomic
def assignment_set(*, actor, period: Period, field: Criterion, unit: Unit, appraiser) -> Assignment:
    """Give a (field × unit) to a member of the team (replacing the previous one)."""
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    assignment, changed = assignment_give(
        actor=actor, period=period, field=field, unit=unit, appraiser=appraiser
    )
    if changed:
        assignments_notify(period, [assignment])
    return assignment


@transaction.atomic
def assignment_bulk_set(
    *, actor, period: Period, field: Criterion, group: Group, appraiser
) -> list[Assignment]:
    """A field for every unit of a group that has a dossier this year."""
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    units = Unit.objects.filter(group=group, assessments__period=period).order_by("code")
    results = [
        assignment_give(actor=actor, period=period, field=field, unit=u, appraiser=appraiser)
        for u in units
    ]
    assignments_notify(period, [a for a, changed in results if changed])
    return [a for a, _changed in results]


CSV_HEADER = ["field_code", "unit_code", "appraiser_username"]


@transaction.atomic
def assignments_import(*, actor, period: Period, text: str) -> int:
    """Assignments from CSV `field_code,unit_code,appraiser_username`: all rows or none.

    Every bad row is reported with its line number; returns the number of rows applied.
    """
    permission_require(actor, "appraisal.manage_cycle", period)
    refuse_frozen(period)
    fields = _field_nodes(period)
    try:
        rows = table_read(
            text.encode("utf-8"), header=CSV_HEADER, formats=(CSV,), positional=True, unescape=True
        )
    except TableError as error:
        raise ValidationError(error.errors, code="csv") from None
    errors, parsed = [], []
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.filter(roles__kind=RoleKind.APPRAISER)}
    for row in rows:
        line = row["line"]
        field_code, unit_code, username = (row[column] for column in CSV_HEADER)
        problems = []
        if field_code not in fields:
            problems.append(_("lĩnh vực “%(c)s” không có") % {"c": field_code})
        if unit_code not in units:
            problems.append(_("đơn vị “%(c)s” không có") % {"c": unit_code})
        if username not in users:
            problems.append(_("“%(u)s” không phải thành viên Tổ giúp việc") % {"u": username})
        if not problems:
            try:
                _check_assignable(period, fields[field_code], units[unit_code], users[username])
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            errors.append(line_error(line, "; ".join(problems) + "."))
        else:
            parsed.append((fields[field_code], units[unit_code], users[username]))
    if errors:
        raise ValidationError(errors, code="csv")
    if not parsed:
        raise ValidationError(_("Tệp không có dòng phân công nào."), code="empty")
    results = [
        assignment_give(actor=actor, period=period, field=f, unit=u, appraiser=a)
        for f, u, a in parsed
    ]
    assignments_notify(period, [a for a, changed in results if changed])
    return len(parsed)


def assignment_complete(*, actor, assignment: Assignment, reason: str = "") -> Assignment:
    """The appraiser declares the (field × unit) done for the open round (no-op if done);
    one item of items_complete (unscored leaves refused without a reason)."""
    (done,) = items_complete(
        actor=actor, period=assignment.period, assignment_ids=[assignment.pk], reason=reason
    )
    return done


class UnscoredItemsError(ValidationError):
    """Marking done refused: `items` are the (assignment, leaf codes) still unscored. Taken
    only with a reason (the confirmation)."""

    def __init__(self, items: list[tuple[Assignment, list[str]]]):
        self.items = items
        listed = "; ".join(
            f"{a.unit.code} × {a.field.code}: {', '.join(codes)}" for a, codes in items
        )
        super().__init__(
            _(
                "Còn tiêu chí chưa chấm, chưa thể đánh dấu hoàn thành: %(items)s. Hãy chấm "
                "tiếp, hoặc xác nhận hoàn thành kèm lý do."
            )
            % {"items": listed},
            code="unscored",
        )


@transaction.atomic
def items_complete(*, actor, period: Period, assignment_ids, reason: str = "") -> list[Assignment]:
    """The appraiser declares items done for the open round, all or none (no-op for those
    already done). An item with unscored leaves is refused with the list (UnscoredItemsError)
    unless `reason` is given: then it is taken, and the audit row keeps the reason and the
    leaves. Completing a field of one's own home unit queues its values for cross-checks."""
    ids = sorted({int(pk) for pk in assignment_ids})
    if not ids:
        raise ValidationError(_("Hãy chọn ít nhất một mục để đánh dấu hoàn thành."))
    assignments = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, period=period)
        .select_related("period", "field", "unit")
    )
    if len(assignments) != len(ids) or not actor.has_perm("appraisal.view_queue", period):
        raise PermissionDenied
    if any(a.appraiser_id != actor.pk for a in assignments):
        raise PermissionDenied
    if not all(actor.has_perm("appraisal.complete_assignment", a) for a in assignments):
        raise ValidationError(
            _("Giai đoạn hiện tại không có vòng thẩm định đang mở."), code="phase"
        )
    stage = progress.open_stage(period)
    name = progress.done_field(stage)
    rows = progress.item_progress(
        period=period,
        assignments=Assignment.objects.filter(pk__in=ids),
        viewer=actor,
        warnings=False,
    ).rows
    unscored = {row.assignment.pk: row.unscored for row in rows}
    reason = (reason or "").strip()
    missing = [
        (a, unscored[a.pk]) for a in assignments if unscored[a.pk] and getattr(a, name) is None
    ]
    if missing and not reason:
        raise UnscoredItemsError(missing)
    homes = home_unit_ids(actor, period.year)
    dossiers = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            period=period, unit_id__in={x.unit_id for x in assignments}
        ).select_related("period", "unit", "group")
    }
    now = timezone.now()
    for assignment in assignments:
        if getattr(assignment, name) is not None:
            continue
        assessment = dossiers.get(assignment.unit_id)
        if assessment is not None and assignment.unit_id in homes:
            home_unit_values_queue(
                actor=actor, assessment=assessment, assignment=assignment, stage=stage
            )
        setattr(assignment, name, now)
        assignment.save(update_fields=[name])
        new = {"unit": assignment.unit.code, "done": True}
        forced = unscored[assignment.pk]
        if forced:
            new["unscored"] = forced
        audit_record(
            period=period,
            actor=actor,
            action=AuditAction.ASSIGNMENT,
            criterion=assignment.field,
            stage=stage,
            new=new,
            reason=reason if forced else "",
        )
    return sorted(assignments, key=lambda a: ids.index(a.pk))
