from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from units.enums import RoleKind
from units.rules import roles_of

from . import selectors
from .models import Assessment


@login_required
def home(request):
    """Each role's home: the current period, its phase and deadlines, and the user's tasks."""
    period = selectors.period_current()
    roles = roles_of(request.user)
    unit_ids = [r.unit_id for r in roles if r.kind in (RoleKind.AGENCY_STAFF, RoleKind.AGENCY_HEAD)]
    assessments = []
    if period is not None and unit_ids:
        assessments = list(
            Assessment.objects.filter(period=period, unit_id__in=unit_ids).select_related("unit")
        )
    return render(
        request,
        "scoring/home.html",
        {"period": period, "roles": roles, "assessments": assessments,
         "published": selectors.period_published_list()[:5]},
    )


def ranking_index(request):
    latest = selectors.period_published_list().first()
    if latest is None:
        return render(request, "scoring/ranking.html", {"period": None, "report": None,
                                                         "published": []})
    return redirect("ranking_year", year=latest.year)


def ranking_year(request, year: int):
    """The public ranking of a published year: tables per group, band counts, overall mean."""
    period = selectors.period_get(actor=request.user, year=year)
    report = selectors.results_report(period=period)
    if not report["units"]:
        raise Http404
    groups = [
        {**group, "units": [u for u in report["units"] if u["group_code"] == group["group_code"]]}
        for group in report["groups"]
    ]
    return render(
        request,
        "scoring/ranking.html",
        {"period": period, "report": report, "groups": groups,
         "published": selectors.period_published_list()},
    )
