"""The API's error answers, one shape for every app: `{"error": "<Vietnamese message>"}`.

`api_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) maps the domain's errors, so
that no API view repeats the mapping:

- a stale write (scoring.services.StaleVersionError) → 409 with the stored value;
- input a service refused (Django's ValidationError, the engine's ScoringInputError), and a
  draft its own unit may no longer change (DraftClosedError: the reason is theirs to read)
  → 400 with the messages;
- any other refusal (PermissionDenied) and a row that is not there → 404, the same answer
  as "not found" (the access model: "not yours" looks like "not found");
- everything else (authentication, throttling, DRF's own errors) → DRF's answer.

A serializer's refusal of the request body is `bad_input` (400 with its first message).
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .engine import ScoringInputError
from .serializers import LeafScoreSerializer
from .services import DraftClosedError, StaleVersionError


def first_error(errors, *, with_field: bool = True) -> str:
    """The first message of a serializer's errors, with its field (unless the serializer's
    messages are whole sentences that name it, `with_field=False`)."""
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, dict):
            return first_error(message, with_field=with_field)
        return f"{field}: {message}" if with_field else str(message)
    return ""


def bad_input(serializer, *, with_field: bool = True) -> Response:
    """A serializer's refusal of the request as a 400 with its first message."""
    return Response(
        {"error": first_error(serializer.errors, with_field=with_field)},
        status=status.HTTP_400_BAD_REQUEST,
    )


def refused(exc: Exception) -> Response:
    """A service's refusal (ValidationError, ScoringInputError) as a 400."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return Response({"error": text}, status=status.HTTP_400_BAD_REQUEST)


def stale(exc: StaleVersionError) -> Response:
    """A StaleVersionError as a 409 with the score as it is now."""
    current = LeafScoreSerializer(exc.current).data if exc.current else None
    return Response({"error": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)


def api_exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER: the domain's errors as the API answers them."""
    if isinstance(exc, StaleVersionError):
        return stale(exc)
    if isinstance(exc, ValidationError | ScoringInputError | DraftClosedError):
        return refused(exc)
    if isinstance(exc, PermissionDenied | ObjectDoesNotExist):
        exc = Http404()
    return exception_handler(exc, context)
