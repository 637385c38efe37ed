"""Domain errors and Django validation errors turned into JSON responses, in one place: a step the
record's state does not allow is a 409, missing or wrong input a 400; the body is `{"detail": …}`
or DRF's `{field: [messages]}`."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from comms.autopilot import DraftSuperseded, NoRecipients, StaleDraft
from comms.lifecycle import AlreadyLogged, PhaseUnchanged
from escalations.services import (
    AlreadyAcknowledged,
    AlreadyAtTopTier,
    EscalationAlreadyClosed,
    EscalationError,
    NotWaiting,
)

STATE_CONFLICTS = (
    StaleDraft,
    DraftSuperseded,
    NoRecipients,
    PhaseUnchanged,
    AlreadyLogged,
    EscalationAlreadyClosed,
    AlreadyAcknowledged,
    AlreadyAtTopTier,
    NotWaiting,
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record's state does not allow this."
    default_code = "conflict"


class Refused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is missing what this step needs."
    default_code = "refused"


def handle_exception(exc, context):
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean inside a service: same field names as the serializer's own errors.
        errors = as_serializer_error(exc)
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, STATE_CONFLICTS):
        exc = Conflict(str(exc))
    elif isinstance(exc, EscalationError):
        exc = Refused(str(exc))
    return exception_handler(exc, context)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request):
    raise exceptions.NotFound()


# --- The same shapes, for the OpenAPI schema -----------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
    "required": ["detail"],
}
INVALID_SCHEMA = {
    "type": "object",
    "description": "`{field: [messages]}` (`non_field_errors` for the request as a whole), or "
    "`{detail: message}` when the body could not be read or a step needs more.",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {
        "anyOf": [{"type": "array", "items": {}}, {"type": "object"}],
    },
}
ERROR = {"$ref": "#/components/schemas/Error"}
INVALID = {"$ref": "#/components/schemas/ValidationError"}


def conflict(description):
    return OpenApiResponse(response=ERROR, description=description)


def invalid(description):
    return OpenApiResponse(response=INVALID, description=description)
