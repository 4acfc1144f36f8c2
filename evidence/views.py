"""Evidence views: parse, check (404 for "not yours"), call one service/selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from parindex.downloads import file_response

from . import selectors, services
from .enums import ReadingField

PARTIAL = "evidence/_leaf_evidence.html"
MULTIPART_OVERHEAD = 256 * 1024


def max_files_per_request() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILES_PER_UPLOAD", 10))


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the chain: stops reading a file as soon as it passes the size limit, before
    any later handler writes the bytes to memory or a temporary file."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _partial(request, *, assessment, criterion, error: str = "", notice: str = ""):
    context = selectors.evidence_leaf_context(
        actor=request.user, assessment=assessment, criterion=criterion, error=error
    )
    context["notice"] = notice
    return render(request, PARTIAL, context)


def _error(request, message: str, *, assessment, criterion):
    if _is_htmx(request):
        # 200 so that htmx swaps the block; the message is shown inside it.
        return _partial(request, assessment=assessment, criterion=criterion, error=message)
    return JsonResponse({"error": message}, status=400)


def _message(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else str(exc)


@csrf_exempt  # CSRF is checked by the inner view, after the size-limit handler is installed
@login_required
@require_POST
def evidence_upload(request, assessment_id: int, criterion_id: int):
    assessment = selectors.evidence_assessment_get(
        actor=request.user, assessment_id=assessment_id, perm="evidence.upload_file"
    )
    criterion = selectors.evidence_leaf_get(assessment=assessment, criterion_id=criterion_id)
    limit = services.max_upload_bytes()
    try:
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        content_length = 0
    if content_length > limit * max_files_per_request() + MULTIPART_OVERHEAD:
        # Refused before a byte of the body is read.
        return _error(
            request, _message(services.oversize_error()), assessment=assessment, criterion=criterion
        )
    handler = SizeLimitUploadHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return _evidence_upload_checked(request, assessment, criterion, handler)


@csrf_protect
def _evidence_upload_checked(request, assessment, criterion, handler):
    uploaded_files = request.FILES.getlist("file")
    if handler.exceeded:
        return _error(
            request, _message(services.oversize_error()), assessment=assessment, criterion=criterion
        )
    try:
        outcomes = services.evidence_upload_many(
            actor=request.user,
            assessment=assessment,
            criterion=criterion,
            uploaded_files=uploaded_files,
        )
    except ValidationError as exc:
        return _error(request, _message(exc), assessment=assessment, criterion=criterion)
    except PermissionDenied:
        raise Http404 from None
    duplicate = any(o.duplicate for o in outcomes)
    notice = str(services.DUPLICATE_MESSAGE) if duplicate else ""
    if _is_htmx(request):
        return _partial(request, assessment=assessment, criterion=criterion, notice=notice)
    payload = {
        "files": [
            {
                "id": o.file.pk,
                "name": o.file.original_name,
                "size": o.file.size,
                "sha256": o.file.sha256,
                "content_type": o.file.content_type,
                "duplicate": o.duplicate,
            }
            for o in outcomes
        ]
    }
    if notice:
        payload["message"] = notice
    return JsonResponse(payload, status=201)


def _finish(request, *, assessment, criterion, payload: dict):
    """HX → the leaf's block; a plain form post → back where it came from; else JSON."""
    if _is_htmx(request) and criterion is not None:
        return _partial(request, assessment=assessment, criterion=criterion)
    target = request.POST.get("next") or request.headers.get("Referer", "")
    if "application/json" not in request.headers.get("Accept", "") and (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
    return JsonResponse(payload)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_POST
def evidence_link(request, assessment_id: int, criterion_id: int):
    evidence_file = selectors.evidence_file_get(
        actor=request.user,
        file_id=_int_or_404(request.POST.get("file_id")),
        perm="evidence.edit_file",
    )
    if evidence_file.assessment_id != assessment_id:
        raise Http404
    assessment = evidence_file.assessment
    criterion = selectors.evidence_leaf_get(assessment=assessment, criterion_id=criterion_id)
    services.evidence_link(actor=request.user, evidence_file=evidence_file, criterion=criterion)
    return _finish(
        request,
        assessment=assessment,
        criterion=criterion,
        payload={"linked": evidence_file.pk, "criterion": criterion.pk},
    )


@login_required
@require_POST
def evidence_unlink(request, assessment_id: int, criterion_id: int, file_id: int):
    evidence_file = selectors.evidence_file_get(
        actor=request.user, file_id=file_id, perm="evidence.edit_file"
    )
    if evidence_file.assessment_id != assessment_id:
        raise Http404
    assessment = evidence_file.assessment
    criterion = selectors.evidence_leaf_get(assessment=assessment, criterion_id=criterion_id)
    services.evidence_unlink(actor=request.user, evidence_file=evidence_file, criterion=criterion)
    return _finish(
        request,
        assessment=assessment,
        criterion=criterion,
        payload={"unlinked": evidence_file.pk, "criterion": criterion.pk},
    )


@login_required
@require_POST
def evidence_remove(request, file_id: int):
    evidence_file = selectors.evidence_file_get(
        actor=request.user, file_id=file_id, perm="evidence.edit_file"
    )
    assessment = evidence_file.assessment
    criterion = None
    if request.POST.get("criterion_id"):
        criterion = selectors.evidence_leaf_get(
            assessment=assessment, criterion_id=_int_or_404(request.POST["criterion_id"])
        )
    services.evidence_remove(actor=request.user, evidence_file=evidence_file)
    return _finish(
        request, assessment=assessment, criterion=criterion, payload={"removed": evidence_file.pk}
    )


@login_required
@require_GET
def evidence_download(request, file_id: int):
    evidence_file = selectors.evidence_file_get(actor=request.user, file_id=file_id)
    return file_response(evidence_file, inline=False)


@login_required
@require_GET
@xframe_options_sameorigin  # shown in place on the appraiser's page; never framed elsewhere
def evidence_preview(request, file_id: int):
    """Inline only for PDF and images, in a sandbox; any other type is downloaded."""
    evidence_file = selectors.evidence_file_get(actor=request.user, file_id=file_id)
    response = file_response(evidence_file, inline=evidence_file.previewable)
    response["Content-Security-Policy"] = "sandbox; frame-ancestors 'self'"
    return response


# --- the card of a file: what was read, and corrections -----------------------------------


def _card_criterion(request, evidence_file):
    """The leaf the card is shown on (?tieu-chi= / criterion_id), when the file backs it."""
    raw = request.GET.get("tieu-chi") or request.POST.get("criterion_id")
    if not raw:
        return None
    try:
        criterion_id = int(raw)
    except ValueError:
        return None
    return next(
        (
            link.criterion
            for link in evidence_file.links.filter(
                criterion_id=criterion_id, removed_at__isnull=True
            ).select_related("criterion")
        ),
        None,
    )


def _card(request, evidence_file, *, status: int = 200, error: str = "", notice: str = ""):
    criterion = _card_criterion(request, evidence_file)
    cards = selectors.evidence_cards(actor=request.user, assessment=evidence_file.assessment)
    card = cards.get(evidence_file.pk, getattr(criterion, "pk", None))
    return render(
        request,
        "evidence/_card.html",
        {
            "card": card,
            "criterion": criterion if card is not None and card.criterion is not None else None,
            "error": error,
            "notice": notice,
        },
        status=status,
    )


@login_required
@require_GET
def evidence_card(request, file_id: int):
    """The card of a file (polled while the file is being read)."""
    evidence_file = selectors.evidence_file_get(actor=request.user, file_id=file_id)
    return _card(request, evidence_file)


@login_required
@require_POST
def evidence_reading_correct(request, file_id: int):
    """Correct fields read wrongly (the agency while it may edit, an assigned appraiser)."""
    evidence_file = selectors.evidence_file_get(
        actor=request.user, file_id=file_id, perm="evidence.correct_reading"
    )
    changes = {name: request.POST[name] for name in ReadingField.values if name in request.POST}
    try:
        made = services.evidence_reading_correct(
            actor=request.user, evidence_file=evidence_file, changes=changes
        )
    except ValidationError as exc:
        if _is_htmx(request):
            return _card(request, evidence_file, status=400, error=_message(exc))
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": _message(exc)}, status=400)
        messages.error(request, _message(exc))
        return _back(request)
    except PermissionDenied:
        raise Http404 from None
    notice = (
        gettext("Đã lưu thông tin đã sửa.") if made else gettext("Không có thông tin nào thay đổi.")
    )
    if _is_htmx(request):
        return _card(request, evidence_file, notice=notice)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"corrected": [c.field for c in made]})
    messages.success(request, notice)
    return _back(request)


def _back(request):
    target = request.POST.get("next") or request.headers.get("Referer", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect("/")
