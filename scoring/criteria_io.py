"""The criteria set (bộ tiêu chí) as a spreadsheet: parse, preview, import, export, copy.

One row per node; header exactly `code, name, parent_code, level, kind, method, params,
evidence_required, guidance, notes, max_<group_code>…` (one `max_` column per group; an empty
cell: the node does not apply to that group; params as JSON text, with the evidence a leaf
expects under "evidence", see evidence.criterion_rules). A parent's `max_` cell is optional
and, when given, must equal the sum of its leaves (the export writes it).

Rows travel as plain JSON-ready dicts (they sit in the session between upload and confirm)
and are validated again at import: nothing is trusted, nothing is saved on any error.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from parindex.spreadsheets import workbook_print_setup
from parindex.tabular_safe import xlsx_append
from units.models import Group

from . import engine, hooks
from .enums import AuditAction, Method, NodeKind, NodeLevel, Phase
from .models import Criterion, CriterionMax, LeafScore, Period, PeriodGroup
from .services import audit_record
from .tabular import XLSX, Header, TableError, line_error, table_read

FIXED_COLUMNS = [
    "code",
    "name",
    "parent_code",
    "level",
    "kind",
    "method",
    "params",
    "evidence_required",
    "guidance",
    "notes",
]
MAX_PREFIX = "max_"
SCORED_TOTAL = Decimal("100")
YES = {"có", "co", "x", "true", "1", "yes", "y"}
NO = {"không", "khong", "false", "0", "no", "n"}


# The set cannot be saved: the one error of the table imports (`errors`, with row numbers).
CriteriaError = TableError
HEADER = Header(
    required=tuple(FIXED_COLUMNS),
    family=MAX_PREFIX,
    family_text=gettext_lazy("một cột max_<mã khối> cho mỗi khối"),
)


# --- parse -------------------------------------------------------------------------------


def _choice(value: str, choices) -> str | None:
    """A TextChoices value given as its value or its Vietnamese label, case-insensitive."""
    wanted = value.strip().lower()
    for key, label in choices.choices:
        if wanted in (key.lower(), str(label).lower()):
            return key
    return None


def criteria_parse(file) -> tuple[list[dict], list[str]]:
    """Read an uploaded XLSX (path, bytes or file object) into rows and per-cell errors."""
    try:
        table = table_read(file, header=HEADER, formats=(XLSX,))
    except TableError as error:
        return [], error.errors
    group_codes = [c[len(MAX_PREFIX) :] for c in table.columns if c.startswith(MAX_PREFIX)]
    rows, errors = [], []
    for cells in table:
        row, row_errors = _parse_line(cells["line"], cells, group_codes)
        rows.append(row)
        errors.extend(row_errors)
    if not rows and not errors:
        errors.append(_("Tệp không có dòng tiêu chí nào."))
    return rows, errors


def _parse_line(number: int, cells: dict, group_codes: list[str]) -> tuple[dict, list[str]]:
    errors = []
    code = cells["code"]
    row = {
        "row": number,
        "code": code,
        "name": cells["name"],
        "parent_code": cells["parent_code"],
        "guidance": cells["guidance"],
        "notes": cells["notes"],
        "maxima": {},
    }
    if not code:
        errors.append(line_error(number, _("thiếu mã tiêu chí.")))
    if not row["name"]:
        errors.append(line_error(number, _("thiếu nội dung tiêu chí %(code)s.") % {"code": code}))

    level = cells["level"]
    if not level:
        row["level"] = [NodeLevel.FIELD, NodeLevel.CRITERION, NodeLevel.SUB][
            min(code.count("."), 2)
        ]
    else:
        row["level"] = _choice(level, NodeLevel) or ""
        if not row["level"]:
            errors.append(
                line_error(
                    number,
                    _("cấp “%(v)s” không hợp lệ (dùng: %(ok)s).")
                    % {"v": level, "ok": ", ".join(NodeLevel.values)},
                )
            )
    kind = cells["kind"]
    row["kind"] = _choice(kind, NodeKind) if kind else NodeKind.SCORED
    if not row["kind"]:
        row["kind"] = ""
        errors.append(
            line_error(
                number,
                _("loại “%(v)s” không hợp lệ (dùng: %(ok)s).")
                % {"v": kind, "ok": ", ".join(NodeKind.values)},
            )
        )
    method = cells["method"]
    row["method"] = _choice(method, Method) if method else ""
    if row["method"] is None:
        row["method"] = method
        errors.append(
            line_error(
                number,
                _("phương pháp chấm “%(v)s” không hợp lệ (dùng: %(ok)s).")
                % {"v": method, "ok": ", ".join(Method.values)},
            )
        )
    params_text = cells["params"]
    row["params"] = {}
    if params_text:
        try:
            params = json.loads(params_text)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            errors.append(
                line_error(
                    number,
                    _('tham số không phải JSON hợp lệ (cần dạng {"khóa": giá trị}): %(v)s')
                    % {"v": params_text},
                )
            )
        else:
            row["params"] = params
            for check in hooks.criterion_params_checks:  # e.g. evidence's rules
                errors.extend(line_error(number, message) for message in check(params))
    evidence = cells["evidence_required"].lower()
    if evidence in YES or evidence == "":
        row["evidence_required"] = True
    elif evidence in NO:
        row["evidence_required"] = False
    else:
        row["evidence_required"] = True
        errors.append(line_error(number, _("cột evidence_required chỉ nhận “có” hoặc “không”.")))
    for group_code in group_codes:
        raw = cells[MAX_PREFIX + group_code]
        if raw == "":
            continue
        try:
            value = engine.to_decimal(raw, label=_("Điểm tối đa"))
        except engine.ScoringInputError:
            errors.append(
                line_error(
                    number,
                    _("điểm tối đa khối %(g)s “%(v)s” không phải là số.")
                    % {"g": group_code, "v": raw},
                )
            )
            continue
        if value < 0:
            errors.append(
                line_error(number, _("điểm tối đa khối %(g)s không được âm.") % {"g": group_code})
            )
            continue
        row["maxima"][group_code] = str(engine.q2(value))
    row["group_codes"] = group_codes
    return row, errors


# --- validate ----------------------------------------------------------------------------


def _group_codes(rows: list[dict]) -> list[str]:
    codes: list[str] = []
    for row in rows:
        for code in row.get("group_codes") or row["maxima"]:
            if code not in codes:
                codes.append(code)
    return codes


def _leaf_codes_under(rows: list[dict]) -> dict[str, list[str]]:
    """For each code, the codes of the leaves at or below it."""
    children = defaultdict(list)
    for row in rows:
        children[row["parent_code"]].append(row["code"])
    out: dict[str, list[str]] = {}

    def leaves(code: str, seen: frozenset) -> list[str]:
        if code in seen:
            return []
        kids = children.get(code, [])
        if not kids:
            return [code]
        found = []
        for kid in kids:
            found.extend(leaves(kid, seen | {code}))
        return found

    for row in rows:
        out[row["code"]] = leaves(row["code"], frozenset())
    return out


def _tree_errors(rows: list[dict]) -> list[str]:
    errors = []
    seen: dict[str, int] = {}
    for row in rows:
        if row["code"] in seen:
            errors.append(
                line_error(
                    row["row"],
                    _("mã %(code)s trùng với dòng %(first)s.")
                    % {"code": row["code"], "first": seen[row["code"]]},
                )
            )
        else:
            seen[row["code"]] = row["row"]
    by_code = {row["code"]: row for row in rows}
    parents = {row["parent_code"] for row in rows if row["parent_code"]}
    for row in rows:
        parent = row["parent_code"]
        if parent and parent not in by_code:
            errors.append(
                line_error(
                    row["row"], _("tiêu chí cha “%(p)s” không có trong tệp.") % {"p": parent}
                )
            )
        if parent and parent in by_code:
            chain, node = {row["code"]}, by_code[parent]
            while node is not None:
                if node["code"] in chain:
                    errors.append(line_error(row["row"], _("quan hệ cha–con tạo thành vòng lặp.")))
                    break
                chain.add(node["code"])
                node = by_code.get(node["parent_code"])
        is_leaf = row["code"] not in parents
        if is_leaf and not row["method"]:
            errors.append(
                line_error(
                    row["row"],
                    _("tiêu chí %(code)s không có tiêu chí con nên phải có phương pháp chấm.")
                    % {"code": row["code"]},
                )
            )
        if not is_leaf and row["method"]:
            errors.append(
                line_error(
                    row["row"],
                    _("tiêu chí %(code)s có tiêu chí con nên không được có phương pháp chấm.")
                    % {"code": row["code"]},
                )
            )
    if errors:
        return errors
    leaves_under = _leaf_codes_under(rows)
    for row in rows:
        if row["code"] not in parents:
            continue
        for group_code, given in row["maxima"].items():
            total = sum(
                (
                    Decimal(by_code[c]["maxima"][group_code])
                    for c in leaves_under[row["code"]]
                    if group_code in by_code[c]["maxima"]
                ),
                Decimal("0"),
            )
            if Decimal(given) != total:
                errors.append(
                    line_error(
                        row["row"],
                        _(
                            "điểm tối đa khối %(g)s của %(code)s là %(given)s nhưng tổng các tiêu chí "
                            "con là %(total)s (để trống hoặc sửa cho khớp)."
                        )
                        % {
                            "g": group_code,
                            "code": row["code"],
                            "given": engine.vn_number(given),
                            "total": engine.vn_number(total),
                        },
                    )
                )
    return errors


def _group_totals(rows: list[dict]) -> dict[str, Decimal]:
    parents = {row["parent_code"] for row in rows if row["parent_code"]}
    totals = {code: Decimal("0") for code in _group_codes(rows)}
    for row in rows:
        if row["code"] in parents or row["kind"] != NodeKind.SCORED:
            continue
        for group_code, value in row["maxima"].items():
            totals[group_code] += Decimal(value)
    return {code: engine.q2(total) for code, total in totals.items()}


def _validate(*, year: int, rows: list[dict]) -> tuple[list[str], dict[str, Group]]:
    errors = _tree_errors(rows)
    known = {g.code: g for g in Group.objects.filter(code__in=_group_codes(rows))}
    for code in _group_codes(rows):
        if code not in known:
            errors.append(
                _("Cột %(col)s: không có khối mã “%(code)s”.")
                % {"col": MAX_PREFIX + code, "code": code}
            )
    for code, total in _group_totals(rows).items():
        if total != SCORED_TOTAL:
            errors.append(
                _(
                    "Khối %(code)s: tổng điểm tối đa các tiêu chí tính điểm là %(total)s,"
                    " phải bằng 100."
                )
                % {"code": code, "total": engine.vn_number(total)}
            )
    if _period_has_scores(year):
        errors.append(_period_has_scores_message(year))
    return errors, known


def _period_has_scores(year: int) -> bool:
    return LeafScore.objects.filter(assessment__period__year=year).exists()


def criteria_year(year: int):
    """What the rules are asked about for a year's criteria: its Period, or the year itself
    when it is not created yet."""
    return Period.objects.filter(year=year).first() or year


def require_criteria_manager(actor, year: int) -> None:
    """The secretariat of that year (a role with no year: any year); `actor` None is a
    management command run by an operator."""
    if actor is not None and not actor.has_perm("scoring.manage_period", criteria_year(year)):
        raise PermissionDenied


def _refuse_frozen(year: int) -> None:
    period = Period.objects.filter(year=year).first()
    if period is not None and period.is_frozen:
        raise CriteriaError(
            [_("Kết quả năm %(year)s đã công bố; không thể thay đổi bộ tiêu chí.") % {"year": year}]
        )


def _period_has_scores_message(year: int) -> str:
    return _("Năm %(year)s đã có điểm chấm; không thể thay đổi bộ tiêu chí của năm này.") % {
        "year": year
    }


# --- preview, import ---------------------------------------------------------------------


def criteria_preview(*, period_year: int, rows: list[dict]) -> dict:
    """The tree as it would be saved, the scored total per group, and every error."""
    errors, groups = _validate(year=period_year, rows=rows)
    totals = _group_totals(rows)
    depth_of: dict[str, int] = {}
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        depth, node, hops = 0, row, 0
        while node["parent_code"] in by_code and hops < len(rows):
            depth, node, hops = depth + 1, by_code[node["parent_code"]], hops + 1
        depth_of[row["code"]] = depth
    group_codes = _group_codes(rows)
    parents = {row["parent_code"] for row in rows if row["parent_code"]}
    return {
        "year": period_year,
        "group_codes": group_codes,
        "groups": [
            {
                "code": code,
                "name": groups[code].name if code in groups else code,
                "total": totals.get(code),
                "ok": totals.get(code) == SCORED_TOTAL,
            }
            for code in group_codes
        ],
        "nodes": [
            {
                **row,
                "depth": depth_of[row["code"]],
                "is_leaf": row["code"] not in parents,
                "max_cells": [row["maxima"].get(code) for code in group_codes],
            }
            for row in rows
        ],
        "existing": Criterion.objects.filter(period__year=period_year).count(),
        "errors": errors,
    }


@transaction.atomic
def criteria_import(*, actor, year: int, rows: list[dict]) -> Period:
    """Create or replace the year's criteria set from parsed rows (all or nothing).

    Nodes keep their ids by code; codes missing from the file are removed. Refused when the
    year already has scores or is published. `actor` is the user (None from the command
    line); the secretariat of that year only. The audit trail records it.
    """
    require_criteria_manager(actor, year)
    _refuse_frozen(year)
    errors, groups = _validate(year=year, rows=rows)
    if errors:
        raise CriteriaError(errors)
    period, _created = Period.objects.get_or_create(
        year=year, defaults={"name": f"Năm {year}", "phase": Phase.SETUP}
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    if _period_has_scores(year):  # re-checked under the lock
        raise CriteriaError([_period_has_scores_message(year)])
    old_count = Criterion.objects.filter(period=period).count()
    for code in _group_codes(rows):
        PeriodGroup.objects.get_or_create(period=period, group=groups[code])
    codes = [row["code"] for row in rows]
    Criterion.objects.filter(period=period).exclude(code__in=codes).delete()
    existing = {c.code: c for c in Criterion.objects.filter(period=period)}
    parents = {row["parent_code"] for row in rows if row["parent_code"]}
    nodes: dict[str, Criterion] = {}
    for position, row in enumerate(rows, start=1):
        node = existing.get(row["code"]) or Criterion(period=period, code=row["code"])
        node.name = row["name"]
        node.level = row["level"]
        node.kind = row["kind"]
        node.method = row["method"]
        node.params = row["params"]
        node.evidence_required = row["evidence_required"]
        node.guidance = row["guidance"]
        node.notes = row["notes"]
        node.is_leaf = row["code"] not in parents
        node.order = position * 10
        node.parent = None
        node.save()
        nodes[row["code"]] = node
    for row in rows:
        if row["parent_code"]:
            nodes[row["code"]].parent = nodes[row["parent_code"]]
            nodes[row["code"]].save(update_fields=["parent"])
    CriterionMax.objects.filter(criterion__period=period).delete()
    CriterionMax.objects.bulk_create(
        [
            CriterionMax(criterion=nodes[row["code"]], group=groups[code], max_score=Decimal(value))
            for row in rows
            if row["code"] not in parents
            for code, value in row["maxima"].items()
        ]
    )
    audit_record(
        period=period,
        actor=actor,
        action=AuditAction.CRITERIA,
        old={"nodes": old_count},
        new={"nodes": len(rows), "groups": _group_codes(rows)},
        reason=_("Nhập bộ tiêu chí từ tệp Excel"),
    )
    return period


# --- export ------------------------------------------------------------------------------


def _period_group_codes(period: Period) -> list[Group]:
    groups = {
        pg.group.code: pg.group
        for pg in PeriodGroup.objects.filter(period=period).select_related("group")
    }
    for m in CriterionMax.objects.filter(criterion__period=period).select_related("group"):
        groups.setdefault(m.group.code, m.group)
    return sorted(groups.values(), key=lambda g: (g.order, g.code))


def _cell_number(value: Decimal):
    value = engine.q2(value)
    return int(value) if value == value.to_integral_value() else float(value)


def criteria_export(*, period: Period) -> bytes:
    """The period's criteria set as XLSX bytes (a second sheet explains the columns)."""
    groups = _period_group_codes(period)
    nodes = list(
        Criterion.objects.filter(period=period).select_related("parent").order_by("order", "code")
    )
    maxima: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for m in CriterionMax.objects.filter(criterion__period=period).select_related("group"):
        maxima[m.criterion_id][m.group.code] = m.max_score
    children = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)

    def leaf_total(node, group_code):
        if not children.get(node.id):
            return maxima[node.id].get(group_code)
        values = [leaf_total(kid, group_code) for kid in children[node.id]]
        values = [v for v in values if v is not None]
        return sum(values, Decimal("0")) if values else None

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "tieu_chi"
    xlsx_append(sheet, FIXED_COLUMNS + [MAX_PREFIX + g.code for g in groups])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for node in nodes:
        line = [
            node.code,
            node.name,
            node.parent.code if node.parent else "",
            node.level,
            node.kind,
            node.method,
            json.dumps(node.params, ensure_ascii=False, sort_keys=True) if node.params else "",
            "có" if node.evidence_required else "không",
            node.guidance,
            node.notes,
        ]
        for group in groups:
            value = leaf_total(node, group.code)
            line.append(None if value is None else _cell_number(value))
        xlsx_append(sheet, line)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["B"].width = 60
    guide = workbook.create_sheet("huong_dan")
    xlsx_append(guide, [_("Cột"), _("Giá trị")])
    xlsx_append(guide, ["level", ", ".join(f"{v} ({label})" for v, label in NodeLevel.choices)])
    xlsx_append(guide, ["kind", ", ".join(f"{v} ({label})" for v, label in NodeKind.choices)])
    xlsx_append(guide, ["method", ", ".join(f"{v} ({label})" for v, label in Method.choices)])
    xlsx_append(guide, ["params", _('JSON, ví dụ {"step": "0.25"} hoặc {"threshold": "95"}')])
    xlsx_append(guide, ["evidence_required", _("có / không")])
    xlsx_append(
        guide,
        [
            "max_<mã khối>",
            _(
                "Điểm tối đa cho khối; để trống: không áp dụng. "
                "Tổng các tiêu chí tính điểm của mỗi khối phải bằng 100."
            ),
        ],
    )
    workbook_print_setup(workbook, title=_("Bộ tiêu chí năm %(y)s") % {"y": period.year})
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- copy --------------------------------------------------------------------------------


@transaction.atomic
def criteria_copy(*, from_year: int, to_year: int, actor=None) -> Period:
    """Copy a year's criteria set and its groups' bonus caps into another (new) year.

    The secretariat of the target year (`actor` None: a management command); audited."""
    require_criteria_manager(actor, to_year)
    _refuse_frozen(to_year)
    source = Period.objects.filter(year=from_year).first()
    if source is None or not Criterion.objects.filter(period=source).exists():
        raise CriteriaError(
            [_("Năm %(year)s chưa có bộ tiêu chí để sao chép.") % {"year": from_year}]
        )
    if from_year == to_year:
        raise CriteriaError([_("Năm nguồn và năm đích phải khác nhau.")])
    if _period_has_scores(to_year):
        raise CriteriaError([_period_has_scores_message(to_year)])
    if Criterion.objects.filter(period__year=to_year).exists():
        raise CriteriaError(
            [
                _("Năm %(year)s đã có bộ tiêu chí; hãy dùng nhập từ Excel để cập nhật.")
                % {"year": to_year}
            ]
        )
    target, _created = Period.objects.get_or_create(
        year=to_year,
        defaults={
            "name": f"Năm {to_year}",
            "phase": Phase.SETUP,
            "band_tot_min": source.band_tot_min,
            "band_kha_min": source.band_kha_min,
            "band_trung_binh_min": source.band_trung_binh_min,
            "downgrade_late_percent": source.downgrade_late_percent,
            "cap_index_at_100": source.cap_index_at_100,
        },
    )
    for pg in PeriodGroup.objects.filter(period=source):
        PeriodGroup.objects.update_or_create(
            period=target, group_id=pg.group_id, defaults={"bonus_cap": pg.bonus_cap}
        )
    old_nodes = list(Criterion.objects.filter(period=source).order_by("order", "code"))
    new_by_old: dict[int, Criterion] = {}
    for old in old_nodes:
        new_by_old[old.id] = Criterion.objects.create(
            period=target,
            code=old.code,
            level=old.level,
            kind=old.kind,
            is_leaf=old.is_leaf,
            name=old.name,
            guidance=old.guidance,
            method=old.method,
            params=old.params,
            evidence_required=old.evidence_required,
            notes=old.notes,
            order=old.order,
        )
    for old in old_nodes:
        if old.parent_id:
            new = new_by_old[old.id]
            new.parent = new_by_old[old.parent_id]
            new.save(update_fields=["parent"])
    CriterionMax.objects.bulk_create(
        [
            CriterionMax(
                criterion=new_by_old[m.criterion_id], group_id=m.group_id, max_score=m.max_score
            )
            for m in CriterionMax.objects.filter(criterion__period=source)
        ]
    )
    audit_record(
        period=target,
        actor=actor,
        action=AuditAction.CRITERIA,
        new={"copied_from": from_year, "nodes": len(old_nodes)},
        reason=_("Sao chép bộ tiêu chí năm %(year)s") % {"year": from_year},
    )
    return target
