"""Assignments by the secretariat: a suggested assignment by expertise that balances the
load and never gives a member their own home unit; reassigning in bulk; the warnings of an
assignment made by hand (a member's home unit, a field outside their expertise).

The suggestion (`suggest`, pure: no database) works on items — (unit, field) pairs — and the
year's members with their home units and fields of expertise:

- a member is *eligible* for an item when the unit is not one of their home units and the
  field is one of their expertise; an item no member is expert in may go to any member not
  of its unit (marked "not their field"); an item nobody may take stays unassigned;
- every item goes to the least loaded eligible member (items with the fewest eligible
  members first, ties by username), then single moves are made while one improves the
  balance: an item moves from a to an eligible b when load(a) ≥ load(b) + 2.

**Balanced** means what the last step guarantees when it stops: for every item given to a
member a, and every member b eligible for it, load(a) ≤ load(b) + 1 — no single move of an
item can narrow the gap. Among members eligible for the same items (same expertise, none
of those units their home), max − min ≤ 1. The load is the number of items a member holds
for the round, the items the suggestion does not move (done, or kept) included. Each move
lowers the sum of squared loads, so the search ends.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring import workflow
from scoring.enums import NodeKind, Stage
from scoring.models import Assessment, Criterion, Period
from units.enums import RoleKind
from units.models import Role

from . import progress, services
from .models import Assignment

# What a suggestion covers.
MODE_UNASSIGNED = "unassigned"  # items no one holds yet; existing assignments stay
MODE_ALL = "all"  # every item not done for the round (done items stay)
MODES = (MODE_UNASSIGNED, MODE_ALL)


@dataclass(frozen=True)
class Member:
    user_id: int
    username: str
    homes: frozenset  # unit ids
    expertise: frozenset  # field codes


@dataclass(frozen=True)
class Item:
    unit_id: int
    field_code: str


@dataclass
class Suggestion:
    """`chosen`: item → member id (None: no member may take it); `expert`: whether the chosen
    member is expert in the item's field; `load`: items per member id, fixed ones included."""

    chosen: dict = field(default_factory=dict)
    expert: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    eligible: dict = field(default_factory=dict)  # item → member ids it was balanced over


def eligible_members(item: Item, members: list[Member]) -> tuple[list[int], bool]:
    """The members who may take the item, and whether they are experts in its field."""
    experts = [
        m.user_id for m in members if item.unit_id not in m.homes and item.field_code in m.expertise
    ]
    if experts:
        return experts, True
    return [m.user_id for m in members if item.unit_id not in m.homes], False


def suggest(items: list[Item], members: list[Member], fixed_load: dict | None = None) -> Suggestion:
    """Assign `items` to `members` (see the module's docstring); `fixed_load` counts the
    items each member already holds that are not moved. Deterministic."""
    names = {m.user_id: m.username for m in members}
    load = {m.user_id: 0 for m in members}
    for user_id, count in (fixed_load or {}).items():
        if user_id in load:
            load[user_id] += count
    result = Suggestion(load=load)
    for item in items:
        result.eligible[item], result.expert[item] = eligible_members(item, members)
    order = sorted(items, key=lambda i: (len(result.eligible[i]), i.field_code, i.unit_id))
    for item in order:
        candidates = result.eligible[item]
        if not candidates:
            result.chosen[item] = None
            continue
        best = min(candidates, key=lambda uid: (load[uid], names[uid]))
        result.chosen[item] = best
        load[best] += 1
    moved = True
    while moved:
        moved = False
        for item in order:
            holder = result.chosen[item]
            if holder is None:
                continue
            target = min(result.eligible[item], key=lambda uid: (load[uid], names[uid]))
            if load[holder] >= load[target] + 2:
                result.chosen[item] = target
                load[holder] -= 1
                load[target] += 1
                moved = True
    return result


# --- the year's data ------------------------------------------------------------------------


def members_of(period: Period) -> list[Member]:
    """The year's working group: home units and expertise (several roles merged)."""
    homes: dict[int, set] = defaultdict(set)
    expertise: dict[int, set] = defaultdict(set)
    names = {}
    for role in (
        Role.objects.for_year(period.year).filter(kind=RoleKind.APPRAISER).select_related("user")
    ):
        names[role.user_id] = role.user.username
        if role.unit_id:
            homes[role.user_id].add(role.unit_id)
        expertise[role.user_id].update(str(code) for code in role.expertise or [])
    return sorted(
        (
            Member(uid, names[uid], frozenset(homes[uid]), frozenset(expertise[uid]))
            for uid in names
        ),
        key=lambda m: m.username,
    )


def planning_stage(period: Period) -> str | None:
    """The round the assignments are for: the open one, else the next one ahead (None when
    no round is ahead: nothing is left to assign)."""
    open_round = workflow.rules_of(period.phase).appraiser_scores
    if open_round:
        return open_round
    ahead = workflow.next_round(period.phase)
    return workflow.rules_of(ahead).appraiser_scores if ahead else None


@dataclass(frozen=True)
class ProposedItem:
    unit: object
    field: Criterion
    current: object  # the user holding it now, or None
    proposed: object  # the suggested user, or None
    expert: bool

    @property
    def changes(self) -> bool:
        return self.proposed is not None and getattr(self.current, "pk", None) != self.proposed.pk


@dataclass
class Plan:
    mode: str
    stage: str | None
    items: list[ProposedItem]
    load: list[tuple]  # (user, fixed and proposed items)

    @property
    def changes(self) -> list[ProposedItem]:
        return [i for i in self.items if i.changes]

    @property
    def unassignable(self) -> list[ProposedItem]:
        return [i for i in self.items if i.proposed is None]

    @property
    def not_expert(self) -> list[ProposedItem]:
        return [i for i in self.items if i.proposed is not None and not i.expert]


def assignment_plan(*, period: Period, mode: str = MODE_UNASSIGNED) -> Plan:
    """The suggestion for the year (no writes): every scored field of every unit with a
    dossier; `mode` says which items it may (re)assign. Fixed queries."""
    if mode not in MODES:
        mode = MODE_UNASSIGNED
    stage = planning_stage(period)
    members = members_of(period)
    users = {
        r.user_id: r.user
        for r in Role.objects.for_year(period.year)
        .filter(kind=RoleKind.APPRAISER)
        .select_related("user")
    }
    fields = {
        c.code: c
        for c in Criterion.objects.filter(period=period, parent__isnull=True, kind=NodeKind.SCORED)
    }
    units = {
        a.unit_id: a.unit
        for a in Assessment.objects.filter(period=period).select_related("unit", "group")
    }
    existing = {
        (a.unit_id, a.field.code): a
        for a in Assignment.objects.filter(period=period).select_related("field", "appraiser")
    }
    done_name = progress.done_field(stage or Stage.FINAL)
    movable, fixed = [], defaultdict(int)
    for unit_id in units:
        for code in fields:
            held = existing.get((unit_id, code))
            if held is not None and (
                stage is None or getattr(held, done_name) is not None or mode == MODE_UNASSIGNED
            ):
                fixed[held.appraiser_id] += 1
                continue
            if stage is None:
                continue
            movable.append(Item(unit_id, code))
    suggestion = suggest(movable, members, fixed)
    items = []
    for item in movable:
        held = existing.get((item.unit_id, item.field_code))
        chosen = suggestion.chosen[item]
        items.append(
            ProposedItem(
                unit=units[item.unit_id],
                field=fields[item.field_code],
                current=held.appraiser if held is not None else None,
                proposed=users.get(chosen) if chosen is not None else None,
                expert=suggestion.expert[item],
            )
        )
    items.sort(
        key=lambda i: (i.unit.group.order, i.unit.order, i.unit.code, i.field.order, i.field.code)
    )
    load = [(users[m.user_id], suggestion.load.get(m.user_id, 0)) for m in members]
    return Plan(mode=mode, stage=stage, items=items, load=load)


@transaction.atomic
def assignment_plan_apply(*, actor, period: Period, mode: str = MODE_UNASSIGNED) -> int:
    """Apply the suggestion (computed again here, the same as the page showed unless the
    year changed meanwhile): every item it gives to someone other than its holder, each
    audited; members hear of their new items. Returns how many changed."""
    services.permission_require(actor, "appraisal.manage_cycle", period)
    services.refuse_frozen(period)
    period = services.period_lock(period)
    plan = assignment_plan(period=period, mode=mode)
    if plan.stage is None:
        raise ValidationError(
            _("Không còn vòng thẩm định nào phía trước để phân công."), code="no_round"
        )
    changed = []
    for item in plan.changes:
        assignment, did = services.assignment_give(
            actor=actor, period=period, field=item.field, unit=item.unit, appraiser=item.proposed
        )
        if did:
            changed.append(assignment)
    services.assignments_notify(period, changed)
    return len(changed)


@transaction.atomic
def assignments_reassign(*, actor, period: Period, assignment_ids, appraiser) -> list:
    """Give several items of the year to one member at once (each audited; the member is
    told once). Items of the member's own home unit are taken, with a warning (see
    assignment_warnings): their scores are then cross-checked."""
    services.permission_require(actor, "appraisal.manage_cycle", period)
    services.refuse_frozen(period)
    ids = {int(pk) for pk in assignment_ids}
    if not ids:
        raise ValidationError(_("Hãy chọn ít nhất một mục phân công."), code="required")
    assignments = list(
        Assignment.objects.filter(period=period, pk__in=ids).select_related("field", "unit")
    )
    if len(assignments) != len(ids):
        raise ValidationError(_("Có mục phân công không thuộc năm này."), code="unknown")
    results = [
        services.assignment_give(
            actor=actor, period=period, field=a.field, unit=a.unit, appraiser=appraiser
        )
        for a in assignments
    ]
    services.assignments_notify(period, [a for a, did in results if did])
    return [a for a, _did in results]


def assignment_warnings(*, period: Period, assignments) -> dict[int, list[str]]:
    """Per assignment id, what the secretariat should know of a choice made by hand: the
    member works at the unit (their scores will be cross-checked), or the field is not one
    of their expertise. Two queries."""
    members = {m.user_id: m for m in members_of(period)}
    out: dict[int, list[str]] = {}
    for a in assignments:
        member = members.get(a.appraiser_id)
        notes = []
        if member is not None and a.unit_id in member.homes:
            notes.append(_("đơn vị công tác của thành viên (điểm sẽ được thẩm định chéo)"))
        if member is not None and member.expertise and a.field.code not in member.expertise:
            notes.append(_("ngoài lĩnh vực chuyên môn"))
        if notes:
            out[a.pk] = notes
    return out
