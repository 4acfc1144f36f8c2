"""API v1 of scoring: periods, criteria, assessments, leaf scores, results, self-scoring.

Every list is filtered by what the actor may see (the same predicates as scoring.rules);
every object goes through scoring.selectors' access helpers, so "not yours" is the same 404
as "does not exist".
"""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import api_errors, rules, selectors, services
from .enums import AssessmentStatus, Phase, Stage
from .models import Assessment, Criterion, LeafScore, Period, Result
from .serializers import (
    AssessmentSerializer,
    CriterionSerializer,
    ErrorSerializer,
    LeafScoreSerializer,
    PeriodSerializer,
    ResultSerializer,
    SelfScoreInputSerializer,
    StaleVersionSerializer,
)

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class TreePagination(PageNumberPagination):
    """A criteria set (a few hundred nodes) fits in one page."""

    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 1000


# --- periods -----------------------------------------------------------------------------


class PeriodFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices)

    class Meta:
        model = Period
        fields = ["phase"]


@extend_schema_view(retrieve=extend_schema(parameters=[YEAR_PARAM]))
class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Years of the index with phase and deadlines (any signed-in user)."""

    serializer_class = PeriodSerializer
    queryset = Period.objects.prefetch_related("groups__group").order_by("-year")
    filterset_class = PeriodFilter
    lookup_field = "year"
    lookup_value_regex = r"\d+"


class CriterionFilter(django_filters.FilterSet):
    level = django_filters.CharFilter()
    kind = django_filters.CharFilter()
    is_leaf = django_filters.BooleanFilter()
    group = django_filters.CharFilter(
        field_name="maxima__group__code", distinct=True, label="Áp dụng cho khối (mã khối)"
    )

    class Meta:
        model = Criterion
        fields = ["level", "kind", "is_leaf", "group"]


@extend_schema(parameters=[YEAR_PARAM])
class PeriodCriteriaView(generics.ListAPIView):
    """The period's criteria tree as a flat list in order, parent by code, maxima per group."""

    serializer_class = CriterionSerializer
    filterset_class = CriterionFilter
    pagination_class = TreePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Criterion.objects.none()
        period = get_object_or_404(Period, year=self.kwargs["year"])
        return (
            Criterion.objects.filter(period=period)
            .select_related("parent")
            .prefetch_related("maxima__group")
            .order_by("order", "code")
        )


# --- assessments and scores --------------------------------------------------------------


class AssessmentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="period__year")
    unit = django_filters.CharFilter(field_name="unit__code", label="Mã đơn vị")
    group = django_filters.CharFilter(field_name="group__code", label="Mã khối")
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = ["year", "unit", "group", "status"]


@extend_schema_view(retrieve=extend_schema(parameters=[ID_PARAM]))
class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Units' dossiers: agency users see their own units', province staff and appraisers all."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.assessment_list(actor=self.request.user)

    def get_object(self):
        return selectors.assessment_get(
            actor=self.request.user, assessment_id=int(self.kwargs["pk"])
        )


class LeafScoreFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    criterion = django_filters.CharFilter(field_name="criterion__code", label="Mã tiêu chí")

    class Meta:
        model = LeafScore
        fields = ["stage", "criterion"]


@extend_schema(parameters=[ID_PARAM])
class AssessmentScoresView(generics.ListAPIView):
    """Leaf scores of one assessment, every stage side by side (filter by `stage`)."""

    serializer_class = LeafScoreSerializer
    filterset_class = LeafScoreFilter
    pagination_class = TreePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return LeafScore.objects.none()
        assessment = selectors.assessment_get(
            actor=self.request.user, assessment_id=int(self.kwargs["id"])
        )
        stages = rules.visible_stages(self.request.user, assessment)
        return (
            LeafScore.objects.filter(assessment=assessment, stage__in=stages)
            .select_related("criterion")
            .order_by("criterion__order", "stage")
        )


# --- results -----------------------------------------------------------------------------


class ResultFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="period__year")
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    group = django_filters.CharFilter(field_name="group__code", label="Mã khối")
    unit = django_filters.CharFilter(field_name="unit__code", label="Mã đơn vị")

    class Meta:
        model = Result
        fields = ["year", "stage", "group", "unit"]


class ResultListView(generics.ListAPIView):
    """Results per period and stage: everyone once published, the province's staff before."""

    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.result_list(actor=self.request.user).order_by(
            "-period__year",
            "stage",
            "group__order",
            "rank_in_group",
            "unit__order",
            "unit__code",
        )


# --- self-assessment write ---------------------------------------------------------------


class SelfScoreView(APIView):
    """Set the self-assessed score of one leaf (agency staff, self-assessment phase)."""

    @extend_schema(
        parameters=[
            ID_PARAM,
            OpenApiParameter("criterion_code", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        request=SelfScoreInputSerializer,
        responses={
            200: LeafScoreSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: StaleVersionSerializer,
        },
    )
    def put(self, request, id: int, criterion_code: str):
        body = SelfScoreInputSerializer(data=request.data)
        if not body.is_valid():
            return api_errors.bad_input(body)
        assessment = selectors.assessment_get(actor=request.user, assessment_id=int(id))
        criterion = Criterion.objects.filter(
            period_id=assessment.period_id, code=criterion_code, is_leaf=True
        ).first()
        if criterion is None:
            raise Http404
        score = services.self_score_set(  # refusals answered by api_errors' handler
            actor=request.user,
            assessment=assessment,
            criterion=criterion,
            inputs=body.validated_data["inputs"],
            explanation=body.validated_data["explanation"],
            expected_version=body.validated_data["version"],
        )
        return Response(LeafScoreSerializer(score).data)
