"""OpenAPI additions every operation shares: the error responses it can give (all in the one
error shape), conditional-request headers on reads, and their 304. Added to what drf-spectacular
builds, through its public AutoSchema methods.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from claims_tracker.lib.urls import MAX_HOST_LENGTH, MAX_LABEL_LENGTH

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a filter, cursor, page size or body field; see `error.fields`.",
    "401": "No credentials or a bad token (send `Authorization: Token <key>`).",
    "403": "Authenticated, but not allowed (editors only, a reviewer's verdict, someone else's object).",
    "404": "No such object or endpoint, or a row the body names does not exist (`error.fields` says which).",
    "405": "Method not allowed on this endpoint.",
    "406": "The Accept header asks for a format we do not serve.",
    "409": "The object's current state refuses it: a stale `expected_version` (someone changed it first; "
    "`error.current_version` says to what), a claim already in that state or merged, a candidate already triaged.",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests; wait `Retry-After` seconds.",
    "500": "Our fault; logged. The body never carries a traceback.",
}

CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="An ETag from an earlier response: 304 when unchanged.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="An HTTP date (Last-Modified from an earlier response): 304 when unchanged.",
    ),
]


class ApiAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        # Our lists are plain APIViews (keyset pages), which spectacular takes for "retrieve".
        if getattr(self.view, "paginated", False) and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "GET" and getattr(self.view, "conditional", False):
            params += CONDITIONAL_HEADERS
        return params

    def error_codes(self) -> list[str]:
        # 404 everywhere: an unknown `?format=` is one, whatever the path. 400 everywhere too: a request
        # Django refuses before any view (a NUL in the address, too many parameters) is one.
        codes = ["400", "401", "404", "405", "406", "429", "500"]
        if self.method != "GET":
            codes += ["403", "415"]
        codes += list(getattr(self.view, "extra_error_codes", ()))
        return codes

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        from .serializers import ErrorOutput

        responses = operation["responses"]
        error = {"application/json": {"schema": self.resolve_serializer(ErrorOutput, "response").ref}}
        for code in self.error_codes():
            if code not in responses:
                responses[code] = {"content": error, "description": ERROR_DESCRIPTIONS[code]}
                if code == "429":
                    responses[code]["headers"] = {
                        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                    }
        if self.method == "GET" and getattr(self.view, "conditional", False):
            responses["304"] = {"description": "Not modified: your copy (ETag / Last-Modified) is current."}
            ok = responses.get("200")
            if ok is not None:
                ok["headers"] = {
                    "ETag": {"schema": {"type": "string"}, "description": "Validator for If-None-Match."},
                    "Last-Modified": {
                        "schema": {"type": "string"},
                        "description": "Validator for If-Modified-Since (absent for the last seconds' changes).",
                    },
                }
        return operation


# `format: uri` allows any host name; DNS (`lib.urls.host_problem`) and Django's URLValidator do not. Lookaheads,
# read alike by Python and ECMAScript: no host of more than MAX_HOST_LENGTH characters (a last dot aside), no label
# of more than MAX_LABEL_LENGTH, and no one-letter top-level label (URLValidator wants two or more letters).
_AUTHORITY = r"^(?![^:/?#]*://(?:[^/?#@]*@|(?![^/?#]*@))"  # past the user info, if any
HOST_PATTERN = (
    f"{_AUTHORITY}[^/?#:@]{{{MAX_HOST_LENGTH}}}[^/?#:@.])"
    f"{_AUTHORITY}(?:[^./?#:@]*\\.)*[^./?#:@]{{{MAX_LABEL_LENGTH + 1}}})"
    f"{_AUTHORITY}(?:[^/?#:@]*\\.)?[^./?#:@\\[0-9]\\.?(?:[:/?#]|$))"
)


def cross_field_rules(result: dict, generator, request, public) -> dict:
    """SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]: rules a serializer field cannot state. No text holds a
    NUL; no address has a host name DNS cannot hold. Evidence needs a source: a URL or an article
    (`evidence_add` refuses neither with a 400)."""
    schemas = result.get("components", {}).get("schemas", {})
    # DRF refuses a NUL in any text, and the NUL guard any NUL in an address: every free text says so.
    for name, component in schemas.items():
        if name.endswith("Input"):
            for prop in component.get("properties", {}).values():
                _forbid_nul(prop)
                _bound_host(prop)
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    _forbid_nul(parameter.get("schema", {}))
    evidence = schemas.get("EvidenceAddInput")
    if evidence is not None:
        evidence["anyOf"] = [
            {"required": ["url"], "properties": {"url": {"minLength": 1}}},
            {"required": ["article"], "properties": {"article": {"type": "integer"}}},
        ]
    return result


def _bound_host(schema: dict) -> None:
    for option in schema.get("oneOf", []):
        _bound_host(option)
    if schema.get("type") == "string" and schema.get("format") == "uri":
        schema["pattern"] = HOST_PATTERN


def _forbid_nul(schema: dict) -> None:
    if schema.get("type") == "array":
        _forbid_nul(schema.get("items", {}))
    elif schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = "^[^\\x00]*$"
