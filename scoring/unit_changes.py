"""A year's units: its lineage (`import_unit_changes`) and its set-up from the year before.

Lineage file (CSV or XLSX, read by the one table reader, `scoring.tabular`): a header row
`successor_code,successor_name,group_code,predecessor_codes,basis`, then one row per unit of
the year that does not simply continue: `predecessor_codes` separated by `;` (empty for a new
unit), `basis` is `mean`, one of the predecessor codes, or `none`. A successor that does not
exist yet is created in the group given; an existing one gets that group for the year (and
the name given). A predecessor that goes on existing is listed as its own predecessor (A
absorbs B: `A,…,A;B,A`); every other predecessor ends with the year before. Every bad row is
reported with its line number and nothing is saved; a new file replaces the year's lineage.
Examples:

    SO-NNMT,Sở Nông nghiệp và Môi trường,so,SO-NNPTNT;SO-TNMT,mean      (merger)
    XA-015,UBND xã Tân Hòa,xa,XA-006;XA-007,XA-006                      (merger, one basis)
    SO-DTTG,Sở Dân tộc và Tôn giáo,so,SO-BDT,SO-BDT                     (rename)
    SO-VH,Sở Văn hóa và Thể thao,so,SO-VHTTDL,SO-VHTTDL                 (split…
    SO-DL,Sở Du lịch,so,SO-VHTTDL,none                                  (…one part new)
    SN-TTHCC,Trung tâm Phục vụ hành chính công tỉnh,su_nghiep,,none     (new unit)
    SN-VPDK,Văn phòng Đăng ký đất đai tỉnh,so,SN-VPDK,SN-VPDK            (group change)

The set-up of a year (`year_setup_plan` to review, `year_setup_apply` to confirm) makes the
year's dossiers: the units of the year before (their dossiers, else their published results,
else the active units) minus those that end in a change, plus the successors, each in its
group of the year; the criteria are copied separately (criteria_io), untouched here.
Both writes are audited (scoring's AuditEntry, action "units").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from units.enums import LineageBasis
from units.models import Group, Unit, UnitChange

from . import engine, lineage
from .enums import AuditAction, Stage
from .models import Assessment, LeafScore, Period, PeriodGroup, Result
from .rules import period_before_round1
from .services import audit_record
from .tabular import TableError, line_error, table_read

HEADER = ("successor_code", "successor_name", "group_code", "predecessor_codes", "basis")
CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX = Unit._meta.get_field("name").max_length


# Unit changes or a set-up that cannot be saved: the one error of the table imports, whose
# `errors` are Vietnamese messages (a row's with its line).
UnitChangesError = TableError


def change_description(
    successor_code: str, predecessors: list[tuple[str, str]], *, split: bool
) -> str:
    """What a change is, in words: new unit, merger, split, rename, continuing.

    `predecessors` are (code, name); `split` says whether a predecessor also goes elsewhere.
    """
    codes = [code for code, _name in predecessors]
    names = ", ".join(name for _code, name in predecessors)
    if not predecessors:
        return _("Đơn vị mới")
    if codes == [successor_code]:
        return _("Tiếp tục (đổi khối hoặc tên)")
    if split:
        return _("Chia tách từ %(units)s") % {"units": names}
    if len(predecessors) > 1:
        return _("Hợp nhất %(units)s") % {"units": names}
    return _("Đổi tên, thay thế %(units)s") % {"units": names}


# --- the lineage file ------------------------------------------------------------------------


def unit_changes_file_read(source: str | Path | bytes) -> list[dict]:
    """The rows of a lineage file (path or bytes), each with its `line` number."""
    return table_read(source, header=HEADER)


@dataclass(frozen=True)
class ChangeRow:
    """One valid row of a lineage file, as it will be saved."""

    line: int
    successor_code: str
    successor_name: str
    group_code: str
    predecessor_codes: tuple[str, ...]
    basis: str  # a LineageBasis value
    basis_code: str | None  # the predecessor compared with (basis "predecessor")
    creates_unit: bool
    renamed_from: str = ""  # an existing successor's former name
    group_from: str = ""  # an existing successor's group code before this year
    description: str = ""
    basis_label: str = ""


@dataclass
class UnitChangesCheck:
    year: int
    rows: list[ChangeRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    replaced: int = 0  # changes of the year the file replaces

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _cell(raw: Mapping, key: str) -> str:
    value = raw.get(key)
    return str(value if value is not None else "").strip()


def unit_changes_check(*, year: int, rows: Iterable[Mapping]) -> UnitChangesCheck:
    """Validate a lineage file's rows for `year` (no writes): every error, with its line."""
    check = UnitChangesCheck(year=year)
    errors: list[tuple[int, str]] = []
    if Period.objects.filter(year=year).first() is None:
        check.errors.append(
            _(
                "Chưa có kỳ đánh giá năm %(year)s: hãy tạo năm (sao chép bộ tiêu chí, hoặc nhập "
                "kết quả đã công bố) trước khi nhập thay đổi đơn vị."
            )
            % {"year": year}
        )
        return check
    rows = list(rows)
    codes = set()
    for raw in rows:
        codes.add(_cell(raw, "successor_code"))
        codes.update(c.strip() for c in _cell(raw, "predecessor_codes").split(";"))
    codes = {c for c in codes if "\x00" not in c}  # such rows are refused below, unsearched
    units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("group")}
    groups = {g.code: g for g in Group.objects.all()}
    first_line: dict[str, int] = {}
    parsed: list[dict] = []
    for position, raw in enumerate(rows):
        line = int(raw.get("line") or position + 2)
        count = len(errors)

        def error(message: str, line=line) -> None:
            errors.append((line, line_error(line, message)))

        if any("\x00" in str(value) for value in raw.values() if value is not None):
            error(_("có ký tự không hợp lệ (NUL)."))
            continue
        code, name = _cell(raw, "successor_code"), _cell(raw, "successor_name")
        group_code, basis_text = _cell(raw, "group_code"), _cell(raw, "basis")
        predecessors = [c.strip() for c in _cell(raw, "predecessor_codes").split(";") if c.strip()]
        if not code:
            error(_("thiếu mã đơn vị (successor_code)."))
        elif len(code) > CODE_MAX:
            error(_("mã đơn vị “%(code)s” quá dài.") % {"code": code})
        elif code in first_line:
            error(
                _("đơn vị “%(code)s” trùng với dòng %(first)d.")
                % {"code": code, "first": first_line[code]}
            )
        else:
            first_line[code] = line
        if len(name) > NAME_MAX:
            error(_("tên đơn vị quá dài."))
        if code and code not in units and not name:
            error(_("đơn vị mới “%(code)s” cần có tên (successor_name).") % {"code": code})
        if not group_code:
            error(_("thiếu mã khối (group_code)."))
        elif group_code not in groups:
            error(_("không có khối “%(code)s”.") % {"code": group_code})
        repeated = sorted({c for c in predecessors if predecessors.count(c) > 1})
        if repeated:
            error(_("đơn vị cũ lặp lại: %(codes)s.") % {"codes": ", ".join(repeated)})
        for predecessor in dict.fromkeys(predecessors):
            unit = units.get(predecessor)
            if unit is None:
                error(_("không có đơn vị cũ “%(code)s”.") % {"code": predecessor})
            elif not unit.is_active_in(year - 1):
                error(
                    _("đơn vị cũ “%(code)s” không hoạt động năm %(year)s.")
                    % {"code": predecessor, "year": year - 1}
                )
        basis, basis_code = None, None
        if basis_text.lower() == LineageBasis.MEAN:
            basis = LineageBasis.MEAN
            if not predecessors:
                error(_("cơ sở so sánh mean cần có đơn vị cũ (predecessor_codes)."))
        elif basis_text.lower() == LineageBasis.NONE:
            basis = LineageBasis.NONE
        elif basis_text in predecessors:
            basis, basis_code = LineageBasis.PREDECESSOR, basis_text
        elif not basis_text:
            error(_("thiếu cơ sở so sánh (basis): mean, none hoặc một mã đơn vị cũ."))
        else:
            error(
                _(
                    "cơ sở so sánh “%(basis)s” phải là mean, none hoặc một mã trong "
                    "predecessor_codes."
                )
                % {"basis": basis_text}
            )
        if len(errors) == count:
            parsed.append(
                {
                    "line": line,
                    "code": code,
                    "name": name,
                    "group_code": group_code,
                    "predecessors": tuple(predecessors),
                    "basis": basis,
                    "basis_code": basis_code,
                }
            )
    if not rows:
        errors.append((0, _("Tệp không có dòng dữ liệu nào.")))
    if errors:
        errors.sort(key=lambda item: item[0])
        check.errors = [message for _line, message in errors]
        return check

    sources = defaultdict(int)
    for row in parsed:
        for predecessor in row["predecessors"]:
            if predecessor != row["code"]:
                sources[predecessor] += 1
    names = {code: unit.name for code, unit in units.items()}
    for row in parsed:
        existing = units.get(row["code"])
        names.setdefault(row["code"], row["name"])
        predecessors = [(c, names[c]) for c in row["predecessors"]]
        kind, compared = engine.comparison_basis(
            row["code"],
            year,
            {
                (year, row["code"]): engine.Lineage(
                    row["basis"], row["predecessors"], row["basis_code"]
                )
            },
        )
        check.rows.append(
            ChangeRow(
                line=row["line"],
                successor_code=row["code"],
                successor_name=row["name"] or existing.name,
                group_code=row["group_code"],
                predecessor_codes=row["predecessors"],
                basis=row["basis"],
                basis_code=row["basis_code"],
                creates_unit=existing is None,
                renamed_from=existing.name
                if existing is not None and row["name"] and row["name"] != existing.name
                else "",
                group_from=existing.group.code
                if existing is not None and existing.group.code != row["group_code"]
                else "",
                description=change_description(
                    row["code"],
                    predecessors,
                    split=any(sources[c] > 1 for c in row["predecessors"]),
                ),
                basis_label=lineage.basis_label(kind, [names[c] for c in compared]),
            )
        )
    check.replaced = UnitChange.objects.filter(year=year).count()
    return check


def _change_record(change: UnitChange) -> dict:
    return {
        "successor": change.successor.code,
        "group": change.group.code,
        "predecessors": sorted(p.code for p in change.predecessors.all()),
        "basis": change.basis_unit.code if change.basis_unit_id else change.basis,
    }


@dataclass(frozen=True)
class UnitChangesSummary:
    year: int
    changes: int
    units_created: int
    replaced: int

    def message(self) -> str:
        return _(
            "Đã lưu %(n)d thay đổi đơn vị năm %(year)d (tạo mới %(created)d đơn vị; thay thế "
            "%(replaced)d thay đổi đã có)."
        ) % {
            "n": self.changes,
            "year": self.year,
            "created": self.units_created,
            "replaced": self.replaced,
        }


@transaction.atomic
def unit_changes_import(
    *, actor, year: int, rows: Iterable[Mapping], source: str = ""
) -> UnitChangesSummary:
    """Replace the year's lineage with the rows (all or nothing), creating new successors."""
    period = Period.objects.select_for_update().filter(year=year).first()
    check = unit_changes_check(year=year, rows=rows)
    if check.errors or period is None:
        raise UnitChangesError(check.errors)
    groups = {g.code: g for g in Group.objects.all()}
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={r.successor_code for r in check.rows}
            | {c for r in check.rows for c in r.predecessor_codes}
        )
    }
    next_order = defaultdict(int)
    for group_id, top in Unit.objects.values_list("group_id").annotate(top=Max("order")):
        next_order[group_id] = top or 0
    created = 0
    for row in check.rows:
        if row.creates_unit:
            group = groups[row.group_code]
            next_order[group.id] += 1
            units[row.successor_code] = Unit.objects.create(
                code=row.successor_code,
                name=row.successor_name,
                group=group,
                order=next_order[group.id],
                active_from_year=year,
            )
            created += 1
        elif row.renamed_from:
            unit = units[row.successor_code]
            unit.name = row.successor_name
            unit.save(update_fields=["name"])
    existing = list(
        UnitChange.objects.filter(year=year).select_related("successor", "group", "basis_unit")
    )
    old = [_change_record(change) for change in existing]
    UnitChange.objects.filter(year=year).delete()
    new = []
    for row in check.rows:
        change = UnitChange.objects.create(
            year=year,
            successor=units[row.successor_code],
            group=groups[row.group_code],
            basis=row.basis,
            basis_unit=units[row.basis_code] if row.basis_code else None,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        change.predecessors.set([units[c] for c in row.predecessor_codes])
        new.append(_change_record(change))
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.UNITS,
        old={"unit_changes": old},
        new={"unit_changes": new, "units_created": created},
        reason=_("Nhập thay đổi đơn vị năm %(year)s%(source)s")
        % {"year": year, "source": f" ({source})" if source else ""},
    )
    return UnitChangesSummary(
        year=year, changes=len(new), units_created=created, replaced=len(existing)
    )


def unit_change_counts() -> dict[int, int]:
    """Number of lineage rows per year."""
    return dict(UnitChange.objects.values("year").annotate(n=Count("id")).values_list("year", "n"))


def unit_change_list(*, year: int) -> list[dict]:
    """The year's lineage for pages: successor, group, predecessors, description, basis."""
    changes = list(
        UnitChange.objects.filter(year=year)
        .select_related("successor", "group", "basis_unit")
        .prefetch_related("predecessors")
    )
    sources = defaultdict(int)
    for change in changes:
        for predecessor in change.predecessors.all():
            if predecessor.id != change.successor_id:
                sources[predecessor.id] += 1
    out = []
    for change in changes:
        predecessors = sorted(change.predecessors.all(), key=lambda u: u.code)
        kind, compared = engine.comparison_basis(
            change.successor_id,
            year,
            {
                (year, change.successor_id): engine.Lineage(
                    change.basis, tuple(p.id for p in predecessors), change.basis_unit_id
                )
            },
        )
        by_id = {p.id: p for p in predecessors}
        out.append(
            {
                "change": change,
                "predecessors": predecessors,
                "description": change_description(
                    change.successor.code,
                    [(p.code, p.name) for p in predecessors],
                    split=any(sources[p.id] > 1 for p in predecessors),
                ),
                "basis_label": lineage.basis_label(
                    kind, [by_id[u].name for u in compared if u in by_id]
                ),
            }
        )
    return out


# --- setting up a year ----------------------------------------------------------------------


@dataclass
class SetupUnit:
    """One unit of the year being set up."""

    unit: Unit
    group: Group
    previous_group: Group | None  # None: not in the year before
    description: str
    basis_label: str = ""
    has_dossier: bool = False

    @property
    def group_changed(self) -> bool:
        return self.previous_group is not None and self.previous_group.id != self.group.id


@dataclass
class YearSetupPlan:
    period: Period
    previous_year: int
    source: str  # where the year before's units come from: "dossiers", "results", "units"
    units: list[SetupUnit] = field(default_factory=list)
    ended: list[Unit] = field(default_factory=list)
    to_create: list[SetupUnit] = field(default_factory=list)
    to_regroup: list[tuple[Assessment, Group]] = field(default_factory=list)
    to_remove: list[Assessment] = field(default_factory=list)
    groups_to_add: list[tuple[Group, Decimal]] = field(default_factory=list)
    changes: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        return bool(self.to_create or self.to_regroup or self.to_remove or self.groups_to_add)

    def by_group(self) -> list[tuple[Group, list[SetupUnit]]]:
        grouped: dict[int, list[SetupUnit]] = defaultdict(list)
        groups = {}
        for entry in self.units:
            grouped[entry.group.id].append(entry)
            groups[entry.group.id] = entry.group
        order = sorted(groups.values(), key=lambda g: (g.order, g.code))
        return [(g, grouped[g.id]) for g in order]


def _previous_units(year: int) -> tuple[str, dict[int, int]]:
    """The units of `year` and their groups: {unit id: group id}, and where they come from."""
    dossiers = dict(Assessment.objects.filter(period__year=year).values_list("unit_id", "group_id"))
    if dossiers:
        return "dossiers", dossiers
    results = dict(
        Result.objects.filter(period__year=year, stage=Stage.FINAL).values_list(
            "unit_id", "group_id"
        )
    )
    if results:
        return "results", results
    active = [u for u in Unit.objects.all() if u.is_active_in(year)]
    return "units", {u.id: u.group_id for u in active}


def year_setup_plan(*, period: Period) -> YearSetupPlan:
    """The units and groups of `period`'s year: the year before's plus the year's changes,
    compared with the dossiers the year already has (no writes)."""
    year = period.year
    source, previous = _previous_units(year - 1)
    plan = YearSetupPlan(period=period, previous_year=year - 1, source=source)
    changes = unit_change_list(year=year)
    plan.changes = len(changes)
    successors = {entry["change"].successor_id: entry for entry in changes}
    ending = {p.id for entry in changes for p in entry["predecessors"]} - set(successors)
    current: dict[int, int] = {}  # unit id → group id of the new year
    for unit_id, group_id in previous.items():
        if unit_id not in ending:
            current[unit_id] = group_id
    for unit_id, entry in successors.items():
        current[unit_id] = entry["change"].group_id
    units = {
        u.id: u
        for u in Unit.objects.filter(id__in=set(current) | set(previous)).select_related("group")
    }
    # A unit ended by hand (active_to_year) does not continue either.
    for unit_id in list(current):
        if unit_id not in successors and not units[unit_id].is_active_in(year):
            del current[unit_id]
    groups = {g.id: g for g in Group.objects.all()}
    dossiers = {
        a.unit_id: a for a in Assessment.objects.filter(period=period).select_related("unit")
    }
    for unit_id, group_id in current.items():
        entry = successors.get(unit_id)
        previous_group = groups.get(previous.get(unit_id)) if unit_id in previous else None
        setup = SetupUnit(
            unit=units[unit_id],
            group=groups[group_id],
            previous_group=previous_group,
            description=entry["description"] if entry else _("Tiếp tục"),
            basis_label=entry["basis_label"] if entry else "",
            has_dossier=unit_id in dossiers,
        )
        plan.units.append(setup)
        dossier = dossiers.get(unit_id)
        if dossier is None:
            plan.to_create.append(setup)
        elif dossier.group_id != group_id:
            plan.to_regroup.append((dossier, groups[group_id]))
    plan.units.sort(key=lambda s: (s.group.order, s.group.code, s.unit.order, s.unit.code))
    plan.ended = sorted(
        (units[u] for u in previous if u not in current),
        key=lambda u: (u.group.order, u.order, u.code),
    )
    plan.to_remove = [a for unit_id, a in dossiers.items() if unit_id not in current]
    scored = set(
        LeafScore.objects.filter(
            assessment__in=[a for a, _g in plan.to_regroup] + plan.to_remove
        ).values_list("assessment_id", flat=True)
    )
    for dossier, group in plan.to_regroup:
        if dossier.id in scored:
            plan.errors.append(
                _("Hồ sơ của %(unit)s đã có điểm chấm: không thể chuyển sang %(group)s.")
                % {"unit": dossier.unit.name, "group": group.name}
            )
    for dossier in plan.to_remove:
        if dossier.id in scored:
            plan.errors.append(
                _("Hồ sơ của %(unit)s đã có điểm chấm: không thể bỏ đơn vị này khỏi năm %(y)s.")
                % {"unit": dossier.unit.name, "y": year}
            )
    linked = set(PeriodGroup.objects.filter(period=period).values_list("group_id", flat=True))
    caps = dict(
        PeriodGroup.objects.filter(period__year=year - 1).values_list("group_id", "bonus_cap")
    )
    needed = sorted({s.group.id for s in plan.units} - linked, key=lambda g: groups[g].order)
    plan.groups_to_add = [(groups[g], caps.get(g, Decimal("0"))) for g in needed]
    if not period_before_round1(None, period):
        plan.errors.append(
            _("Năm %(y)s đã qua giai đoạn tự đánh giá: không thể thiết lập lại đơn vị.")
            % {"y": year}
        )
    if not plan.units:
        plan.errors.append(
            _("Năm %(y)s chưa có đơn vị nào: năm trước không có đơn vị, và chưa nhập thay đổi.")
            % {"y": year}
        )
    return plan


@transaction.atomic
def year_setup_apply(*, actor, period: Period) -> YearSetupPlan:
    """Make the year's dossiers and groups as `year_setup_plan` shows them; audited."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    plan = year_setup_plan(period=period)
    if plan.errors:
        raise UnitChangesError(plan.errors)
    PeriodGroup.objects.bulk_create(
        [PeriodGroup(period=period, group=g, bonus_cap=cap) for g, cap in plan.groups_to_add]
    )
    Assessment.objects.bulk_create(
        [Assessment(period=period, unit=s.unit, group=s.group) for s in plan.to_create]
    )
    for dossier, group in plan.to_regroup:
        dossier.group = group
        dossier.save(update_fields=["group"])
    Assessment.objects.filter(pk__in=[a.pk for a in plan.to_remove]).delete()
    # Units that end: their last year is the year before.
    Unit.objects.filter(pk__in=[u.pk for u in plan.ended]).exclude(
        active_to_year__lt=period.year
    ).update(active_to_year=period.year - 1)
    # The latest year sets each unit's current group.
    if not Period.objects.filter(year__gt=period.year).exists():
        for entry in plan.units:
            if entry.unit.group_id != entry.group.id:
                entry.unit.group = entry.group
                entry.unit.save(update_fields=["group"])
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.UNITS,
        new={
            "dossiers_created": sorted(s.unit.code for s in plan.to_create),
            "dossiers_regrouped": sorted([a.unit.code, g.code] for a, g in plan.to_regroup),
            "dossiers_removed": sorted(a.unit.code for a in plan.to_remove),
            "units_ended": sorted(u.code for u in plan.ended),
            "groups_added": sorted(g.code for g, _cap in plan.groups_to_add),
        },
        reason=_("Thiết lập đơn vị và khối năm %(year)s từ năm %(prev)s và %(n)s thay đổi")
        % {"year": period.year, "prev": plan.previous_year, "n": plan.changes},
    )
    return plan
