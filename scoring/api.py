from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import ResultsReportSerializer


class PeriodResultsView(APIView):
    """A year's results in the export_results JSON shape; public once the year is published."""

    permission_classes = [AllowAny]

    @extend_schema(responses=ResultsReportSerializer)
    def get(self, request, year: int):
        period = selectors.period_get(actor=request.user, year=year)
        return Response(selectors.results_report(period=period))
