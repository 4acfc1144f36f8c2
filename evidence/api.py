"""API v1 of evidence: a dossier's files, upload, metadata and download.

Permissions are the web views': evidence.rules through evidence.selectors' access helpers,
so "not yours" is the same 404 as "does not exist". The upload runs the same service
(streamed, sniffed, scanned, hashed) and the download the same streamed attachment.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from parindex.downloads import file_response
from scoring import api_errors
from scoring.serializers import ErrorSerializer

from . import selectors, services
from .serializers import (
    EvidenceFileSerializer,
    EvidenceUploadedSerializer,
    EvidenceUploadInputSerializer,
)
from .views import MULTIPART_OVERHEAD, SizeLimitUploadHandler

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
FILE_ID_PARAM = OpenApiParameter("file_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class AssessmentEvidenceView(APIView):
    """The dossier's files (GET: whoever may view the dossier) and the upload of one more
    (POST: whoever may add evidence to it now, as on the dossier's page)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[ID_PARAM],
        responses={200: EvidenceFileSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request, id: int):
        assessment = selectors.evidence_assessment_get(
            actor=request.user, assessment_id=int(id), perm="scoring.view_assessment"
        )
        files = selectors.evidence_files(assessment=assessment)
        codes = selectors.evidence_criterion_codes(files=files)
        cards = selectors.evidence_cards(actor=request.user, assessment=assessment)
        return Response(
            EvidenceFileSerializer(files, many=True, context={"codes": codes, "cards": cards}).data
        )

    @extend_schema(
        parameters=[ID_PARAM],
        request={"multipart/form-data": EvidenceUploadInputSerializer},
        responses={
            201: EvidenceUploadedSerializer,
            200: OpenApiResponse(
                EvidenceUploadedSerializer, description="Cùng nội dung đã có: chỉ liên kết"
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def post(self, request, id: int):
        assessment = selectors.evidence_assessment_get(
            actor=request.user, assessment_id=int(id), perm="evidence.upload_file"
        )
        limit = services.max_upload_bytes()
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            content_length = 0
        if content_length > limit + MULTIPART_OVERHEAD:
            raise services.oversize_error()  # refused before the body is read
        # Before the body is parsed (a session's CSRF check may have parsed it already: the
        # service still refuses an oversized file).
        handler = SizeLimitUploadHandler(request, limit=limit)
        request.upload_handlers.insert(0, handler)
        body = EvidenceUploadInputSerializer(data=request.data)
        if handler.exceeded:
            raise services.oversize_error()
        if not body.is_valid():  # the upload form's messages are whole sentences
            return api_errors.bad_input(body, with_field=False)
        criterion = selectors.evidence_leaf_by_code(
            assessment=assessment, code=body.validated_data["criterion"]
        )
        if criterion is None:
            raise ValidationError(_("Tiêu chí không thuộc bộ tiêu chí của hồ sơ này."))
        outcome = services.evidence_upload(  # refusals answered by scoring.api_errors
            actor=request.user,
            assessment=assessment,
            criterion=criterion,
            uploaded_file=body.validated_data["file"],
        )
        codes = selectors.evidence_criterion_codes(files=[outcome.file])
        cards = selectors.evidence_cards(actor=request.user, assessment=assessment)
        data = EvidenceUploadedSerializer(
            outcome.file, context={"codes": codes, "duplicate": outcome.duplicate, "cards": cards}
        ).data
        return Response(
            data, status=status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED
        )


class EvidenceFileView(APIView):
    """One file's metadata (whoever may view its dossier), with what was read from it:
    the document's fields in force and as read, corrections, signatures, warnings."""

    @extend_schema(
        parameters=[FILE_ID_PARAM],
        responses={200: EvidenceFileSerializer, 404: ErrorSerializer},
    )
    def get(self, request, file_id: int):
        evidence_file = selectors.evidence_file_get(actor=request.user, file_id=int(file_id))
        codes = selectors.evidence_criterion_codes(files=[evidence_file])
        cards = selectors.evidence_cards(actor=request.user, assessment=evidence_file.assessment)
        return Response(
            EvidenceFileSerializer(evidence_file, context={"codes": codes, "cards": cards}).data
        )


class EvidenceDownloadView(APIView):
    """The file itself, streamed as an attachment (nosniff), like the portal's download."""

    @extend_schema(
        parameters=[FILE_ID_PARAM],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Tệp (Content-Disposition: attachment)"
            ),
            404: ErrorSerializer,
        },
    )
    def get(self, request, file_id: int):
        evidence_file = selectors.evidence_file_get(actor=request.user, file_id=int(file_id))
        return file_response(evidence_file, inline=False)
