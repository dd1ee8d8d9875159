"""One JSON error shape for the whole API: `{"error": {"code", "message", "fields"}}`.

Every failure under /api/ goes through `exception_handler`: DRF's own exceptions, the services'
ServiceError family (same rules and messages as the pages), Django's Http404/PermissionDenied,
and anything unexpected (logged with its traceback, answered as a plain 500 without one).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import BadRequest, ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response

from claims_tracker.claims.services import NotAllowed, ServiceError, StaleVersion, StateConflict

from .conditional import PreconditionFailed

logger = logging.getLogger("claims_tracker.api")


class LockedOut(exceptions.Throttled):
    """Too many failed logins for one username from one address (django-axes): 429 until the cool-off ends."""

    default_detail = "Too many failed logins for this username from this address."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."


class JSONParser(parsers.JSONParser):
    """DRF's parser, with JSON nested too deep for Python's parser (a RecursionError) refused as malformed."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deep.") from None


# DRF exception class -> stable code for clients to branch on (the first match wins: subclasses first).
_CODES: dict[type[exceptions.APIException], str] = {
    LockedOut: "locked_out",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
    PreconditionFailed: "precondition_failed",
    PayloadTooLarge: "payload_too_large",
}


class ReferenceNotFound(exceptions.NotFound):
    """A row the body names (a claimant's slug, an article's id) does not exist: 404, as for a row the path
    names (JSON:API answers the same), with `fields` naming the input. The request is well formed; it may
    succeed once the row exists."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.fields = {field: [message]}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested ValidationError detail as {"field.sub": ["message", ...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub_key, messages in _flatten(value, name).items():
                out.setdefault(sub_key, []).extend(messages)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.setdefault(prefix or "non_field_errors", []).append(str(item))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _service_error(exc: ServiceError) -> Response:
    fields = {exc.field: [exc.message]} if exc.field else {}
    if isinstance(exc, StaleVersion):
        body = error_body(exc.code, exc.message, fields, current_version=exc.current_version)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, StateConflict):
        code = status.HTTP_409_CONFLICT  # valid input that the row's current state refuses
    else:
        code = status.HTTP_400_BAD_REQUEST
    return Response(error_body(exc.code, exc.message, fields), status=code)


def exception_handler(exc: Exception, context: dict) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: never None, so nothing falls through to an HTML page."""
    if isinstance(exc, ServiceError):
        return _service_error(exc)
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields while DRF reads it.
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation | BadRequest):
        exc = exceptions.ParseError(str(exc))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.exception("Unhandled error in %s", type(view).__name__ if view else "API view", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side; it has been logged. Try again later."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(code, "The request has invalid or missing values; see `fields`.", _flatten(exc.detail))
    else:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            lead = LockedOut.default_detail if isinstance(exc, LockedOut) else "Too many requests."
            message = f"{lead} Try again in {headers['Retry-After']} seconds."
        body = error_body(code, str(message), getattr(exc, "fields", None))
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt  # a POST to an unknown path is a 404, not a CSRF failure page
def not_found(request, *args: Any, **kwargs: Any) -> JsonResponse:
    """Catch-all for unknown paths under /api/: the same JSON shape, never the HTML 404 page."""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)
