"""API v1 routes, gathered from each app's api module."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from appraisal import api as appraisal_api
from evidence import api as evidence_api
from parindex.accounts import ThrottledObtainAuthToken
from scoring import api as scoring_api
from scoring import api_views as scoring_api_views
from units import api as units_api

router = SimpleRouter()
router.register("periods", scoring_api_views.PeriodViewSet, basename="api_period")
router.register("groups", units_api.GroupViewSet, basename="api_group")
router.register("units", units_api.UnitViewSet, basename="api_unit")
router.register("assessments", scoring_api_views.AssessmentViewSet, basename="api_assessment")

urlpatterns = [
    path(
        "periods/<int:year>/results/",
        scoring_api.PeriodResultsView.as_view(),
        name="api_period_results",
    ),
    path(
        "periods/<int:year>/criteria/",
        scoring_api_views.PeriodCriteriaView.as_view(),
        name="api_period_criteria",
    ),
    path(
        "assessments/<int:id>/scores/",
        scoring_api_views.AssessmentScoresView.as_view(),
        name="api_assessment_scores",
    ),
    path(
        "assessments/<int:id>/scores/<str:criterion_code>/self/",
        scoring_api_views.SelfScoreView.as_view(),
        name="api_self_score",
    ),
    path("results/", scoring_api_views.ResultListView.as_view(), name="api_results"),
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api_token"),
    *router.urls,
    path(
        "assessments/<int:id>/evidence/",
        evidence_api.AssessmentEvidenceView.as_view(),
        name="api_assessment_evidence",
    ),
    path(
        "evidence/<int:file_id>/",
        evidence_api.EvidenceFileView.as_view(),
        name="api_evidence_file",
    ),
    path(
        "evidence/<int:file_id>/download/",
        evidence_api.EvidenceDownloadView.as_view(),
        name="api_evidence_download",
    ),
    path(
        "assessments/<int:id>/scores/<str:criterion_code>/<str:stage>/",
        appraisal_api.AppraisalScoreView.as_view(),
        name="api_appraisal_score",
    ),
    path(
        "cross-checks/<int:id>/decision/",
        appraisal_api.CrossCheckDecisionView.as_view(),
        name="api_cross_check_decision",
    ),
    path("periods/<int:year>/queue/", appraisal_api.QueueView.as_view(), name="api_queue"),
    path("periods/<int:year>/phase/", appraisal_api.PhaseView.as_view(), name="api_period_phase"),
]
