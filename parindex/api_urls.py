"""API v1 routes, gathered from each app's api module."""

from django.urls import path

from scoring import api as scoring_api

urlpatterns = [
    path("periods/<int:year>/results/", scoring_api.PeriodResultsView.as_view(),
         name="api_period_results"),
]
