"""What every API view shares: the error handler, JSON-only errors, throttles, the schema class,
and the keyset list with conditional requests.

A conditional read (GET/HEAD with If-None-Match or If-Modified-Since on a `conditional` view) is
answered before throttling and content negotiation take effect: DRF's `initial()` runs as always
(authentication and permissions decide first), but through its two policy methods the throttles
are not yet counted and a failed negotiation is kept. A 304 then costs no request against the
rate limit (as on GitHub's API: polling with the validator is what we want clients to do) and has
no body to negotiate. When the client's copy is stale, `conditional_response()` applies both
before anything is serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import errors, shapes
from ..conditional import Validators, rows_etag, settled_last_modified
from ..etag_keys import Newest, key_text, newest_sql, page_key_text, with_row_keys
from ..pagination import Keyset, Page, envelope, page_after, page_size_from, position_from, with_next_cursor
from ..queries import latest_and_horizon
from ..schema import ApiAutoSchema
from ..throttling import AnonThrottle, UserThrottle

CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


class ApiView(APIView):
    throttle_classes = [AnonThrottle, UserThrottle]
    # JSON only, as the docs say (415 otherwise): form encoding has no null and no nesting, so it could not
    # carry what the schema allows.
    parser_classes = [errors.JSONParser]
    schema = ApiAutoSchema()
    conditional = False
    deferring = False  # a conditional read whose throttles wait for its validators
    negotiation_error: Exception | None = None

    def get_exception_handler(self):
        return errors.exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "":
            # DRF reads `?format=` as no format; the schema lists the formats, so an empty one is unknown (404).
            raise NotFound("`format` is empty: name a format, or leave the parameter out.")
        self.deferring = (
            self.conditional
            and request.method in ("GET", "HEAD")
            and any(h in request.headers for h in CONDITIONAL_HEADERS)
        )
        super().initial(request, *args, **kwargs)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        if not self.deferring or force:
            return super().perform_content_negotiation(request, force)
        try:
            return super().perform_content_negotiation(request)
        except Http404:
            raise  # an unknown ?format= names no resource: 404, conditional or not
        except Exception as exc:  # noqa: BLE001 - NotAcceptable, or a 404 for an unknown ?format=
            self.negotiation_error = exc  # raised if the answer is not a 304, which has no body
            return super().perform_content_negotiation(request, force=True)

    def check_throttles(self, request: Request) -> None:
        if not self.deferring:
            super().check_throttles(request)

    def conditional_response(self, validators: Validators) -> HttpResponseBase | None:
        """The 304 when the client's copy is current; otherwise None, after the checks a
        conditional request deferred (content negotiation's outcome, throttles) have run."""
        if not self.deferring:
            return None
        if (answer := validators.not_modified(self.request)) is not None:
            return answer
        self.deferring = False
        if self.negotiation_error is not None:
            raise self.negotiation_error
        self.check_throttles(self.request)
        return None

    def handle_exception(self, exc: Exception) -> Any:
        # An error raised before the deferred checks ran (a 404, a bad filter) is still throttled.
        if self.deferring and not isinstance(exc, Throttled):
            self.deferring = False
            try:
                self.check_throttles(self.request)
            except Throttled as throttled:
                exc = throttled
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON whatever the client accepts: never the browsable API's HTML page. (A 304
        # is a plain HttpResponseNotModified: nothing to render.)
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def filter_with(self, filterset_class: Any, qs: QuerySet) -> QuerySet:
        filterset = filterset_class(self.request.query_params, queryset=qs, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    @cached_property
    def links(self) -> shapes.Links:
        """Where this request's objects live (scheme and host as the client asked)."""
        return shapes.Links.at(self.request.build_absolute_uri("/"))


def field_value(row: Any, path: str) -> Any:
    """`a__b` of a values() dict or a model instance (None-safe along the way)."""
    if isinstance(row, dict):
        return row[path]
    for part in path.split("__"):
        row = getattr(row, part) if row is not None else None
    return row


class KeysetListApi(ApiView):
    """GET a list: filter, one keyset page, ETag over the page's keys, 304 before serialising."""

    conditional = True
    paginated = True
    filterset_class: Any = None
    keyset: Keyset
    etag_fields: Sequence[str] = ("id",)
    # A table whose newest timestamp is part of every page's key (etag_keys.newest_key): what
    # rows show of a related row (a claimant's name) without a join per row in the key query.
    etag_newest: Newest | None = None
    # True when the list's query depends on nothing but the request's parameters (no user, no
    # clock): its compiled key query can then be reused (see etag_keys.page_key_text).
    key_query_static = False

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def decorate(self, qs: QuerySet) -> QuerySet:
        """Joins and prefetches for full rows (not needed for the ETag's key query)."""
        return qs

    def shape(self, row: Any) -> dict:
        raise NotImplementedError

    def get_keyset(self) -> Keyset:
        return self.keyset

    def last_modified_models(self) -> list[Any]:
        """Tables whose newest `updated_at` is this list's Last-Modified (none: ETag only)."""
        return []

    def start_position(self, keyset: Keyset) -> list[Any] | None:
        cursor = self.request.query_params.get("cursor")
        return position_from(keyset, cursor) if cursor else None

    def restrict(self, qs: QuerySet) -> QuerySet:
        return qs

    def extra(self, page: Page) -> dict:
        return {}

    def filtered(self) -> QuerySet:
        qs = self.restrict(self.base_queryset())
        if self.filterset_class is not None and not self.filterset_class.base_filters.keys().isdisjoint(
            self.request.query_params
        ):
            # Without any of its parameters a filterset filters nothing; building its form is
            # the costliest Python step of a small request, so it is only built when used.
            qs = self.filter_with(self.filterset_class, qs)
        return qs

    def keyed_rows(self, keyset: Keyset, position: Sequence[Any] | None) -> QuerySet:
        qs = self.filtered()
        if position is not None:
            qs = qs.filter(keyset.after(position))
        return with_row_keys(qs, self.etag_fields)

    def validators_now(self) -> tuple[datetime | None, str]:
        """Last-Modified and the page-independent part of the key text, as stored now: in one
        query (both are maxima over whole tables, see `queries.latest_and_horizon`)."""
        models = self.last_modified_models()
        newest = [newest_sql(self.etag_newest)] if self.etag_newest else []
        if not models and not newest:
            return None, ""
        latest, newest_values, horizon = latest_and_horizon(models, newest=newest)
        last_modified = settled_last_modified(latest, horizon) if models else None
        return last_modified, "".join(f";{value}" for value in newest_values)

    def stored_etag(self, keyset: Keyset, position: Sequence[Any] | None, size: int) -> str:
        """The ETag of the page as stored now, from one aggregate query over its keys."""
        shape = None
        if self.key_query_static:
            params = tuple(sorted((k, tuple(v)) for k, v in self.request.query_params.lists() if k != "cursor"))
            shape = (type(self).__qualname__, params)
        build = lambda at: self.keyed_rows(keyset, at)  # noqa: E731
        key = page_key_text(
            build, keyset=keyset, position=position, limit=size + 1, shape=shape, newest=self.etag_newest
        )
        return rows_etag(type(self).__name__, self.request, key)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        keyset = self.get_keyset()
        size = page_size_from(request)
        position = self.start_position(keyset)
        # The validators are read before the rows: every write at or before Last-Modified (it is
        # settled) is in the rows read next, and the body can only be newer than the ETag says.
        if self.deferring and "If-None-Match" in request.headers:
            # The ETag alone decides (RFC 9110 13.2.2): one aggregate query over the page's keys.
            if (answer := self.conditional_response(Validators(self.stored_etag(keyset, position, size)))) is not None:
                return answer
        last_modified, newest = self.validators_now()
        if self.deferring:  # If-Modified-Since alone
            validators = Validators(self.stored_etag(keyset, position, size), last_modified)
            if (answer := self.conditional_response(validators)) is not None:
                return answer
        page = with_next_cursor(page_after(self.decorate(self.keyed_rows(keyset, position)), keyset,
                                           position=None, size=size), keyset)  # fmt: skip
        results = [self.shape(row) for row in page.items]
        response = Response(envelope(request, page, results, **self.extra(page)))
        keys = key_text([*page.items, *([page.lookahead] if page.has_more else [])]) + newest
        return Validators(rows_etag(type(self).__name__, request, keys), last_modified).apply(response)


__all__ = ["ApiView", "KeysetListApi"]
