"""Who is who: the role predicates every app's rules are built from (django-rules).

A role is held for one year (secretariat, council, leadership and appraisers serve a year)
or, with no year, for every year. Every predicate is asked about an object and answers for
the object's year (`year_of`): a secretariat member of 2023 counts for nothing in 2025.
Asked without an object (a menu deciding which links to show), a role of any year counts;
every page, export and endpoint asks with its object.

Roles are read once per request and cached on the user object.
"""

from __future__ import annotations

import rules

from .enums import UNIT_ROLES, RoleKind
from .models import Unit

PROVINCE_ROLES = (RoleKind.SECRETARIAT, RoleKind.COUNCIL, RoleKind.LEADERSHIP)


def year_of(obj) -> int | None:
    """The year an object belongs to: a year itself, a period, or anything that holds one
    (an assessment, an item, a cross-check, a report file, a plan, a unit in a year…)."""
    if obj is None or isinstance(obj, bool):
        return None
    if isinstance(obj, int):
        return obj
    year = getattr(obj, "year", None)
    if isinstance(year, int):
        return year
    for name in ("period", "assessment"):
        inner = getattr(obj, name, None)
        if inner is not None and inner is not obj:
            return year_of(inner)
    return None


def unit_id_of(obj) -> int | None:
    """The unit an object is about (a unit, an assessment, a unit in a year, an item…)."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj.pk
    unit_id = getattr(obj, "unit_id", None)
    if unit_id is not None:
        return unit_id
    unit = getattr(obj, "unit", None)
    if isinstance(unit, Unit):
        return unit.pk
    assessment = getattr(obj, "assessment", None)
    return None if assessment is None else getattr(assessment, "unit_id", None)


def roles_of(user) -> list:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_par_roles", None)
    if cached is None:
        cached = list(user.roles.select_related("unit"))
        user._par_roles = cached
    return cached


def counts_for(role, year: int | None) -> bool:
    """A role counts for a year when it has no year or that year; asked about no particular
    year (year None), any role counts."""
    return role.year is None or year is None or role.year == year


def roles_for(user, year: int | None, *kinds: str) -> list:
    return [r for r in roles_of(user) if r.kind in kinds and counts_for(r, year)]


def has_role(user, kind: str, *, year: int | None = None) -> bool:
    return bool(roles_for(user, year, kind))


def unit_ids_of(user, *kinds: str, year: int | None = None) -> set[int]:
    """Units the user works in as agency staff or head (or the given role kinds) that year."""
    wanted = kinds or tuple(UNIT_ROLES)
    return {role.unit_id for role in roles_for(user, year, *wanted) if role.unit_id}


def home_unit_ids(user, year: int | None) -> set[int]:
    """An appraiser's home units for the year."""
    return {role.unit_id for role in roles_for(user, year, RoleKind.APPRAISER) if role.unit_id}


@rules.predicate
def is_secretariat(user, obj=None) -> bool:
    return has_role(user, RoleKind.SECRETARIAT, year=year_of(obj))


@rules.predicate
def is_leadership(user, obj=None) -> bool:
    return has_role(user, RoleKind.LEADERSHIP, year=year_of(obj))


@rules.predicate
def is_council(user, obj=None) -> bool:
    return has_role(user, RoleKind.COUNCIL, year=year_of(obj))


@rules.predicate
def is_appraiser(user, obj=None) -> bool:
    """A member of the year's working group (Tổ giúp việc)."""
    return has_role(user, RoleKind.APPRAISER, year=year_of(obj))


@rules.predicate
def works_in_unit(user, obj) -> bool:
    """Staff or head of the object's unit, for the object's year."""
    unit_id = unit_id_of(obj)
    return unit_id is not None and unit_id in unit_ids_of(user, year=year_of(obj))


@rules.predicate
def heads_unit(user, obj) -> bool:
    unit_id = unit_id_of(obj)
    return unit_id is not None and unit_id in unit_ids_of(
        user, RoleKind.AGENCY_HEAD, year=year_of(obj)
    )


is_province_staff = is_secretariat | is_leadership | is_council

# Units are not confidential (names and codes): any province or team role of any year sees
# them all, agency users their own.
rules.add_perm("units.view_unit", works_in_unit | is_province_staff | is_appraiser)
