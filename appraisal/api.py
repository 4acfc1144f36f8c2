"""API v1 of the appraisal: appraisers' scores and cross-checks, their queue, phase moves.

Views parse, check through appraisal.rules (the selectors' 404 helpers), call one service
and serialize. A refusal of something that is not the caller's is a 404; a refusal the
caller can act on is a 400 (409 for a stale version, a refused phase move, or a move with
consequences sent without `"confirm": true`) with the service's Vietnamese message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from scoring import api_errors, workflow
from scoring.enums import Phase
from scoring.serializers import ErrorSerializer, LeafScoreSerializer, StaleVersionSerializer

from . import moves as phase_moves
from . import selectors, services
from .serializers import (
    AppraisalScoreInputSerializer,
    CrossCheckDecisionInputSerializer,
    ExemptionDecisionSerializer,
    PhaseMoveInputSerializer,
    PhaseRefusedSerializer,
    PhaseStateSerializer,
    QueueSerializer,
)

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


# --- appraisers ---------------------------------------------------------------------------


class AppraisalScoreView(APIView):
    """Set an assigned appraiser's score of one leaf at round 1 or the final round."""

    @extend_schema(
        parameters=[
            ID_PARAM,
            OpenApiParameter("criterion_code", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter(
                "stage", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["round1", "final"]
            ),
        ],
        request=AppraisalScoreInputSerializer,
        responses={
            200: LeafScoreSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: StaleVersionSerializer,
        },
    )
    def put(self, request, id: int, criterion_code: str, stage: str):
        item = selectors.item_by_code_get(
            actor=request.user,
            assessment_id=int(id),
            criterion_code=criterion_code,
            stage=stage,
        )
        body = AppraisalScoreInputSerializer(data=request.data)
        if not body.is_valid():
            return api_errors.bad_input(body)
        score = services.appraisal_score_set(  # refusals answered by api_errors' handler
            actor=request.user,
            assessment=item.assessment,
            criterion=item.criterion,
            stage=item.stage,
            inputs=body.validated_data["inputs"],
            comment=body.validated_data["comment"],
            supplement_requested=body.validated_data["supplement_requested"],
            expected_version=body.validated_data["version"],
        )
        return Response(LeafScoreSerializer(score).data)


class CrossCheckDecisionView(APIView):
    """The checker confirms or changes a provisional score asked of them (for an exemption's
    cross-check: accepts or rejects the exemption; the answer is then the exemption)."""

    @extend_schema(
        parameters=[ID_PARAM],
        request=CrossCheckDecisionInputSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="CrossCheckDecided",
                serializers=[LeafScoreSerializer, ExemptionDecisionSerializer],
                resource_type_field_name=None,
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: StaleVersionSerializer,
        },
    )
    def post(self, request, id: int):
        check = selectors.cross_check_get(actor=request.user, cross_check_id=int(id))
        body = CrossCheckDecisionInputSerializer(data=request.data)
        if not body.is_valid():
            return api_errors.bad_input(body)
        # Refusals, a stale version and a score gone are answered by api_errors' handler.
        score = services.cross_check_decide(
            actor=request.user,
            cross_check=check,
            decision=body.validated_data["decision"],
            inputs=body.validated_data["inputs"],
            comment=body.validated_data["comment"],
            expected_version=body.validated_data["version"],
        )
        if check.is_exemption:
            data = {
                "criterion_code": check.criterion.code,
                "stage": check.stage,
                "decision": body.validated_data["decision"],
                "exemption": score,
            }
            return Response(ExemptionDecisionSerializer(data).data)
        return Response(LeafScoreSerializer(score).data)


class QueueView(APIView):
    """The appraiser's own queue, as the queue page shows it."""

    @extend_schema(parameters=[YEAR_PARAM], responses={200: QueueSerializer, 404: ErrorSerializer})
    def get(self, request, year: int):
        period = selectors.period_get(
            actor=request.user, year=int(year), perm="appraisal.view_queue"
        )
        data = {
            "year": period.year,
            "phase": period.phase,
            "stage": workflow.rules_of(period.phase).appraiser_scores,
            "items": selectors.queue_rows(actor=request.user, period=period),
            "cross_checks": selectors.cross_checks_open(actor=request.user, period=period),
        }
        return Response(QueueSerializer(data).data)


# --- the secretariat: phases --------------------------------------------------------------


def _phase_state(period) -> dict:
    """The phase and every move the workflow allows from it, with what blocks each (a reason
    is asked for on the move itself, so it is not counted here, as on the cycle page)."""
    moves = []
    for to in workflow.next_phases(period.phase):
        consequences = phase_moves.phase_move_consequences(period=period, to_phase=to)
        problems = services.phase_move_problems(
            period=period, to_phase=to, reason="x", consequences=consequences
        )
        moves.append(
            {
                "to_phase": to,
                "label": str(Phase(to).label),
                "reason_required": workflow.transition(period.phase, to).reason_required
                or phase_moves.move_is_unusual(consequences),
                "allowed": not problems,
                "problems": problems,
                "consequences": [c.as_json() for c in consequences],
            }
        )
    return {
        "year": period.year,
        "phase": period.phase,
        "label": str(Phase(period.phase).label),
        "moves": moves,
    }


class PhaseView(APIView):
    """The year's phase and allowed moves (province staff); a move (the secretariat)."""

    @extend_schema(
        parameters=[YEAR_PARAM], responses={200: PhaseStateSerializer, 404: ErrorSerializer}
    )
    def get(self, request, year: int):
        period = selectors.period_get(
            actor=request.user, year=int(year), perm="appraisal.view_cycle"
        )
        return Response(PhaseStateSerializer(_phase_state(period)).data)

    @extend_schema(
        parameters=[YEAR_PARAM],
        request=PhaseMoveInputSerializer,
        responses={
            200: PhaseStateSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: PhaseRefusedSerializer,
        },
    )
    def post(self, request, year: int):
        period = selectors.period_get(
            actor=request.user, year=int(year), perm="appraisal.manage_cycle"
        )
        body = PhaseMoveInputSerializer(data=request.data)
        if not body.is_valid():
            return api_errors.bad_input(body)
        try:
            period = services.phase_move(
                actor=request.user,
                period=period,
                to_phase=body.validated_data["to_phase"],
                reason=body.validated_data["reason"],
                confirm=body.validated_data["confirm"],
            )
        except services.MoveNotConfirmed as exc:
            return Response(
                {
                    "error": " ".join(exc.messages),
                    "problems": [],
                    "consequences": [c.as_json() for c in exc.consequences],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:  # a refused move: 409 with its list of problems
            return Response(
                {"error": " ".join(exc.messages), "problems": exc.messages, "consequences": []},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PhaseStateSerializer(_phase_state(period)).data)
