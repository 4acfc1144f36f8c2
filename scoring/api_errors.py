"""The API's error answers, one shape for every app: `{"error": "<Vietnamese message>"}`.

400 for input a serializer or a service refused, 409 with the stored value for a stale write.
"""

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response

from .serializers import LeafScoreSerializer


def first_error(errors) -> str:
    """The first message of a serializer's errors, with its field."""
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) and messages else messages
        if isinstance(message, dict):
            return first_error(message)
        return f"{field}: {message}"
    return ""


def bad_input(serializer) -> Response:
    return Response({"error": first_error(serializer.errors)}, status=status.HTTP_400_BAD_REQUEST)


def refused(exc: Exception) -> Response:
    """A service's refusal (ValidationError, ScoringInputError) as a 400."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return Response({"error": text}, status=status.HTTP_400_BAD_REQUEST)


def stale(exc) -> Response:
    """A StaleVersionError as a 409 with the score as it is now."""
    current = LeafScoreSerializer(exc.current).data if exc.current else None
    return Response({"error": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)
