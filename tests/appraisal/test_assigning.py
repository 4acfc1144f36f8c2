"""Assignments: the suggestion by expertise never gives a member their own home unit and is
balanced; applied, reassigned in bulk, warned of when done by hand; the progress view.

"Balanced", precisely (appraisal.assigning): for every item given to a member a and every
member b eligible for that item (expert in its field — or, for a field no one is expert in,
anyone — and not of its unit), load(a) ≤ load(b) + 1, where a member's load counts every
item they hold for the round (the fixed ones too). Hence, among members eligible for the
same items, max − min ≤ 1; and no single move of an item narrows any gap.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import assigning
from appraisal.assigning import Item, Member, suggest
from appraisal.enums import NotificationKind
from appraisal.models import Assignment, Notification
from scoring.enums import AuditAction, Phase
from scoring.models import AuditEntry, Period
from tests.factories import (
    RoleKind,
    make_assessment,
    make_assignment,
    make_group,
    make_period,
    make_small_tree,
    make_unit,
    make_user,
)

FIELDS = ["1", "2", "3", "4"]


@st.composite
def worlds(draw):
    """Units, members with home units (some several, some none of these) and expertise
    (some none), the items (unit × field), and loads already held."""
    unit_ids = list(range(1, draw(st.integers(1, 12)) + 1))
    members = []
    for n in range(draw(st.integers(1, 7))):
        homes = draw(st.frozensets(st.sampled_from(unit_ids), max_size=2))
        expertise = draw(st.frozensets(st.sampled_from(FIELDS), max_size=4))
        members.append(Member(100 + n, f"m{n:02d}", homes, expertise))
    items = sorted(
        draw(st.sets(st.tuples(st.sampled_from(unit_ids), st.sampled_from(FIELDS)), min_size=1))
    )
    fixed = {m.user_id: draw(st.integers(0, 3)) for m in members if draw(st.booleans())}
    return [Item(u, f) for u, f in items], members, fixed


def _eligible(item, members):
    return assigning.eligible_members(item, members)


@settings(max_examples=400, deadline=None)
@given(worlds())
def test_suggestion_never_home_unit_and_balanced(world):
    items, members, fixed = world
    result = suggest(items, members, fixed)
    by_id = {m.user_id: m for m in members}
    load = {m.user_id: fixed.get(m.user_id, 0) for m in members}
    for item in items:
        chosen = result.chosen[item]
        eligible, expert = _eligible(item, members)
        if chosen is None:
            # Nobody may take it: every member works at the unit.
            assert not eligible and all(item.unit_id in m.homes for m in members)
            continue
        load[chosen] += 1
        member = by_id[chosen]
        assert item.unit_id not in member.homes, "a member's own home unit"
        assert chosen in eligible
        # An expert whenever one is free of the unit.
        assert expert == (item.field_code in member.expertise)
        assert result.expert[item] == expert
    assert load == result.load
    for item in items:
        chosen = result.chosen[item]
        if chosen is None:
            continue
        for other in _eligible(item, members)[0]:
            assert load[chosen] <= load[other] + 1, (item, chosen, other, load)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_members_eligible_for_the_same_items_differ_by_at_most_one(world):
    items, members, _fixed = world
    result = suggest(items, members)
    groups: dict[frozenset, list[int]] = {}
    for member in members:
        eligible_for = frozenset(i for i in items if member.user_id in result.eligible[i])
        if eligible_for:
            groups.setdefault(eligible_for, []).append(member.user_id)
    for ids in groups.values():
        loads = [result.load[uid] for uid in ids]
        assert max(loads) - min(loads) <= 1, (ids, loads)


def test_suggestion_spreads_evenly_and_is_deterministic():
    members = [
        Member(1, "a", frozenset({1}), frozenset("12")),
        Member(2, "b", frozenset({2}), frozenset("12")),
        Member(3, "c", frozenset({3}), frozenset("12")),
    ]
    items = [Item(u, f) for u in (1, 2, 3, 4) for f in "12"]
    first = suggest(items, members)
    assert sorted(first.load.values()) == [2, 3, 3]
    assert first.chosen == suggest(items, members).chosen
    assert all(first.chosen[Item(u, f)] != u for u in (1, 2, 3) for f in "12")


# --- the year: the plan, applied; by hand; in bulk ------------------------------------------


@pytest.fixture
def team_year(db):
    group = make_group("so")
    period = make_period(2024, Phase.SELF_ASSESSMENT, [group])
    make_small_tree(period, [group])
    units = [make_unit(group, code, f"Sở {code}") for code in ("NV", "TP", "TC", "XD")]
    for unit in units:
        make_assessment(period, unit)
    members = {
        "nv": make_user(RoleKind.APPRAISER, units[0], 2024, "tv_noivu", ["1", "2"]),
        "tp": make_user(RoleKind.APPRAISER, units[1], 2024, "tv_tuphap", ["1"]),
        "tc": make_user(RoleKind.APPRAISER, units[2], 2024, "tv_taichinh", ["2"]),
    }
    secretariat = make_user(RoleKind.SECRETARIAT, year=2024, username="thu_ky")
    return period, units, members, secretariat


def test_plan_applied_audited_and_told(team_year):
    period, units, members, secretariat = team_year
    plan = assigning.assignment_plan(period=period)
    assert len(plan.items) == 8 and len(plan.changes) == 8  # 4 units × fields 1, 2
    homes = {m.pk: unit for m, unit in zip(members.values(), units, strict=False)}
    for item in plan.items:
        assert homes.get(item.proposed.pk) != item.unit
        assert item.expert
    count = assigning.assignment_plan_apply(actor=secretariat, period=period)
    assert count == 8 == Assignment.objects.filter(period=period).count()
    assert AuditEntry.objects.filter(action=AuditAction.ASSIGNMENT).count() == 8
    told = Notification.objects.filter(kind=NotificationKind.ASSIGNMENT)
    assert {n.recipient for n in told} <= set(members.values()) and told.exists()
    # Applied again: nothing changes (the plan of the unassigned is empty now).
    assert assigning.assignment_plan_apply(actor=secretariat, period=period) == 0
    assert assigning.assignment_plan(period=period, mode=assigning.MODE_ALL).changes == []


def test_plan_unassigned_only_keeps_what_is_there(team_year):
    period, units, members, secretariat = team_year
    make_assignment(period, "1", units[3], members["tp"])
    plan = assigning.assignment_plan(period=period)
    assert (units[3], "1") not in {(i.unit, i.field.code) for i in plan.items}
    by_user = dict((u.username, n) for u, n in plan.load)
    assert sum(by_user.values()) == 8  # the kept item counts in the load


def test_plan_refused_for_others_and_when_no_round_is_ahead(team_year):
    from django.core.exceptions import PermissionDenied, ValidationError

    period, _units, members, secretariat = team_year
    with pytest.raises(PermissionDenied):
        assigning.assignment_plan_apply(actor=members["nv"], period=period)
    Period.objects.filter(pk=period.pk).update(phase=Phase.COUNCIL)
    period.refresh_from_db()
    with pytest.raises(ValidationError):
        assigning.assignment_plan_apply(actor=secretariat, period=period)
    assert not Assignment.objects.exists()


def test_by_hand_on_a_home_unit_is_taken_with_a_warning(team_year, client):
    period, units, members, secretariat = team_year
    client.force_login(secretariat)
    url = reverse("appraisal_assignments", args=[period.year])
    answer = client.post(url, {"field": "1", "group": "so", "appraiser": "tv_noivu"}, follow=True)
    text = answer.content.decode()
    assert "Lưu ý: NV × 1 giao cho" in text and "đơn vị công tác của thành viên" in text
    assert Assignment.objects.filter(appraiser=members["nv"]).count() == 4
    assert "4 mục cần lưu ý" not in text  # one home unit: NV
    assert "1 mục cần lưu ý" in text


def test_bulk_reassign(team_year, client):
    period, units, members, secretariat = team_year
    for unit in units:
        make_assignment(period, "2", unit, members["nv"])
    ids = [str(a.pk) for a in Assignment.objects.filter(field__code="2", unit__in=units[1:3])]
    client.force_login(secretariat)
    url = reverse("appraisal_assignments", args=[period.year])
    answer = client.post(
        url, {"action": "reassign", "assignment": ids, "appraiser": "tv_taichinh"}, follow=True
    )
    text = answer.content.decode()
    assert "Đã giao lại 2 mục" in text
    assert "Lưu ý: TC × 2" in text  # tv_taichinh works at TC
    assert set(
        Assignment.objects.filter(appraiser=members["tc"]).values_list("unit__code", flat=True)
    ) == {"TP", "TC"}
    assert AuditEntry.objects.filter(action=AuditAction.ASSIGNMENT).count() == 2
    client.force_login(members["nv"])
    assert client.post(url, {"action": "reassign", "assignment": ids}).status_code == 404


def test_suggestion_page_and_progress_page(team_year, client):
    period, units, members, secretariat = team_year
    client.force_login(secretariat)
    page = client.get(reverse("appraisal_assignments_suggest", args=[period.year]))
    text = page.content.decode()
    assert page.status_code == 200 and "8 mục thay đổi trên 8 mục" in text
    answer = client.post(reverse("appraisal_assignments_suggest", args=[period.year]))
    assert answer.status_code == 302
    progress = client.get(reverse("appraisal_progress", args=[period.year])).content.decode()
    assert "0/8 mục đã hoàn thành" in progress
    for member in members.values():
        assert f'data-user="{member.username}"' in progress
    for unit in units:
        assert f'data-unit="{unit.code}"' in progress
