"""Reads of units. Every list that serves a user takes the actor and filters by rules."""

from __future__ import annotations

from .models import Unit
from .rules import is_appraiser, is_province_staff, unit_ids_of


def unit_list(*, actor):
    """The units `actor` may see (units.view_unit: their own units; province staff and
    appraisers of any year all), with their group and parent."""
    queryset = Unit.objects.select_related("group", "parent")
    if is_province_staff(actor) or is_appraiser(actor):
        return queryset
    return queryset.filter(pk__in=unit_ids_of(actor))
