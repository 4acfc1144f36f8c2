"""Who is who: role predicates shared by every app's rules (django-rules).

Roles are read once per request and cached on the user object.
"""

from __future__ import annotations

import rules

from .enums import RoleKind


def roles_of(user) -> list:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_par_roles", None)
    if cached is None:
        cached = list(user.roles.select_related("unit"))
        user._par_roles = cached
    return cached


def has_role(user, kind: str, *, year: int | None = None) -> bool:
    return any(
        role.kind == kind and (year is None or role.year in (None, year)) for role in roles_of(user)
    )


def unit_ids_of(user, *kinds: str) -> set[int]:
    """Units the user works in as agency staff or head (or the given role kinds)."""
    wanted = set(kinds or (RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD))
    return {role.unit_id for role in roles_of(user) if role.kind in wanted and role.unit_id}


def home_unit_ids(user, year: int) -> set[int]:
    """An appraiser's home units for the year."""
    return {
        role.unit_id
        for role in roles_of(user)
        if role.kind == RoleKind.APPRAISER and role.year in (None, year)
    }


@rules.predicate
def is_secretariat(user) -> bool:
    return has_role(user, RoleKind.SECRETARIAT)


@rules.predicate
def is_leadership(user) -> bool:
    return has_role(user, RoleKind.LEADERSHIP)


@rules.predicate
def is_council(user) -> bool:
    return has_role(user, RoleKind.COUNCIL)


@rules.predicate
def is_appraiser(user) -> bool:
    return has_role(user, RoleKind.APPRAISER)


@rules.predicate
def is_agency_user(user) -> bool:
    return bool(unit_ids_of(user))


@rules.predicate
def works_in_unit(user, unit) -> bool:
    return unit is not None and unit.pk in unit_ids_of(user)


@rules.predicate
def heads_unit(user, unit) -> bool:
    return unit is not None and unit.pk in unit_ids_of(user, RoleKind.AGENCY_HEAD)


is_province_staff = is_secretariat | is_leadership | is_council

rules.add_perm("units.view_unit", works_in_unit | is_province_staff | is_appraiser)
rules.add_perm("units.manage_units", is_secretariat)
