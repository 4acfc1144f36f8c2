"""The project's own pages that compose the apps: each role's home.

The home shows what every app contributes (the year from scoring, the tasks and the unit's
pages from appraisal), so it lives above the apps, where imports may point at all of them.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from appraisal.agency import unit_links
from appraisal.todo import next_actions
from scoring import selectors as scoring_selectors
from scoring.models import Assessment
from units.models import Unit
from units.rules import roles_of, unit_ids_of


@login_required
@require_safe
def home(request):
    """Each role's home: the current period, its phase and deadlines, and the user's tasks."""
    period = scoring_selectors.period_current()
    roles = roles_of(request.user)
    assessments = []
    if period is not None:
        unit_ids = unit_ids_of(request.user, year=period.year)
        assessments = list(
            Assessment.objects.filter(period=period, unit_id__in=unit_ids).select_related(
                "period", "unit"
            )
        )
    published = list(scoring_selectors.period_published_list()[:5])
    return render(
        request,
        "scoring/home.html",
        {
            "period": period,
            "roles": roles,
            "assessments": assessments,
            "published": published,
            "next_actions": next_actions(actor=request.user, period=period),
            "unit_pages": _unit_pages(request.user, period, assessments, published),
        },
    )


def _unit_pages(user, period, assessments, published) -> list[dict]:
    """The unit's pages of the current year and of the published years that the rules let
    the user open now: results, scorecard, improvement plan (appraisal.agency)."""
    unit_ids = unit_ids_of(user)
    if not unit_ids:
        return []
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    current = {a.unit_id: a for a in assessments}
    pages = []
    for year_period in [period, *[p for p in published if p != period]]:
        if year_period is None:
            continue
        dossiers = (
            current
            if year_period == period
            else {
                a.unit_id: a
                for a in Assessment.objects.filter(
                    period=year_period, unit_id__in=unit_ids
                ).select_related("period", "unit", "group")
            }
        )
        for unit_id, unit in units.items():
            links = unit_links(
                actor=user, period=year_period, assessment=dossiers.get(unit_id), unit=unit
            )
            if links:
                pages.append({"period": year_period, "unit": unit, "links": links})
    return pages
