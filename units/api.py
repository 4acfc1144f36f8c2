"""API v1 of units: groups and units, filtered by what the actor may see."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from .models import Group, Unit
from .selectors import unit_list
from .serializers import GroupSerializer, UnitSerializer

CODE_PARAM = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)


@extend_schema_view(retrieve=extend_schema(parameters=[CODE_PARAM]))
class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Groups (khối) of ranked units; any signed-in user."""

    serializer_class = GroupSerializer
    queryset = Group.objects.order_by("order", "code")
    filterset_fields = ["active"]
    lookup_field = "code"


class UnitFilter(django_filters.FilterSet):
    group = django_filters.CharFilter(field_name="group__code", label="Mã khối")
    active_in_year = django_filters.NumberFilter(
        method="filter_active_in_year", label="Tham gia trong năm"
    )

    class Meta:
        model = Unit
        fields = ["group", "active_in_year"]

    def filter_active_in_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(active_from_year__lte=year).exclude(active_to_year__lt=year)


@extend_schema_view(retrieve=extend_schema(parameters=[CODE_PARAM]))
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Ranked units: agency users see their own, province staff and appraisers all."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return unit_list(actor=self.request.user)
