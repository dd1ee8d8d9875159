"""What every API view shares: the error handler, JSON-only errors, throttles, the schema class,
and the keyset list with conditional requests.

A conditional read (GET/HEAD with If-None-Match or If-Modified-Since on a `conditional` view) is
answered before throttling and content negotiation: authentication and permissions run first, as
always, but a 304 does not count against the rate limit (as on GitHub's API: polling with the
validator is what we want clients to do) and has no body to negotiate. When the client's copy is
stale, `not_modified()` runs the deferred checks before anything is serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseNotModified
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import errors
from ..conditional import Validators, make_etag, rows_etag, settled_last_modified
from ..etag_keys import Newest, key_text, newest_key, page_key_text, with_row_keys
from ..pagination import Keyset, Page, envelope, page_size_from, paginate
from ..queries import latest_and_horizon
from ..schema import ApiAutoSchema
from ..throttling import AnonThrottle, UserThrottle

CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


class ApiView(APIView):
    throttle_classes = [AnonThrottle, UserThrottle]
    schema = ApiAutoSchema()
    conditional = False
    _deferred_checks = False

    def get_exception_handler(self):
        return errors.exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._deferred_checks = (
            self.conditional
            and request.method in ("GET", "HEAD")
            and any(h in request.headers for h in CONDITIONAL_HEADERS)
        )
        if not self._deferred_checks:
            super().initial(request, *args, **kwargs)
            return
        # DRF's initial() without its throttles and content negotiation (see the module docstring).
        self.format_kwarg = self.get_format_suffix(**kwargs)
        request.version, request.versioning_scheme = self.determine_version(request, *args, **kwargs)
        self.perform_authentication(request)
        self.check_permissions(request)

    def not_modified(self, validators: Validators) -> HttpResponseNotModified | None:
        """The 304 when the client's copy is current; otherwise None, after the checks a
        conditional request deferred (throttles, content negotiation) have run."""
        request = self.request
        if self._deferred_checks and validators.not_modified(request):
            return validators.respond_not_modified()
        self.run_deferred_checks()
        return None

    def run_deferred_checks(self) -> None:
        if not self._deferred_checks:
            return
        self._deferred_checks = False
        negotiated = self.perform_content_negotiation(self.request)
        self.request.accepted_renderer, self.request.accepted_media_type = negotiated
        self.check_throttles(self.request)

    def handle_exception(self, exc: Exception) -> Any:
        # An error raised before the deferred checks ran (a 404, a bad filter) is still throttled.
        if self._deferred_checks and not isinstance(exc, Throttled):
            try:
                self.run_deferred_checks()
            except Throttled as throttled:
                exc = throttled
            except Exception:  # noqa: BLE001 - the original error is the one to report
                self._deferred_checks = False
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON whatever the client accepts: never the browsable API's HTML page. (A 304
        # is a plain HttpResponseNotModified: nothing to render, see `initial`.)
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def filter_with(self, filterset_class: Any, qs: QuerySet) -> QuerySet:
        filterset = filterset_class(self.request.query_params, queryset=qs, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


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
    output_serializer: Any

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def decorate(self, qs: QuerySet) -> QuerySet:
        """Joins and prefetches for full rows (not needed for the ETag's key query)."""
        return qs

    def get_keyset(self) -> Keyset:
        return self.keyset

    def last_modified_models(self) -> list[type]:
        """Tables whose newest `updated_at` is this list's Last-Modified (none: ETag only)."""
        return []

    def shape(self, row: Any) -> dict:
        return self.output_serializer(row, context={"request": self.request}).data

    def start_position(self, keyset: Keyset) -> list[Any] | None:
        cursor = self.request.query_params.get("cursor")
        return keyset.decode(cursor) if cursor else None

    def restrict(self, qs: QuerySet) -> QuerySet:
        return qs

    # A table whose newest timestamp is part of every page's key (etag_keys.newest_key): what
    # rows show of a related row (a claimant's name) without a join per row in the key query.
    etag_newest: Newest | None = None

    def page_keys(self, page: Page, newest: str = "") -> str:
        """The ETag key text of a fetched page: its rows and the look-ahead row (`has_more`),
        then `newest` (read before the rows: the ETag may be older than the body, never newer)."""
        return key_text([*page.rows, *([page.lookahead] if page.has_more else [])]) + newest

    def last_modified(self) -> datetime | None:
        models = self.last_modified_models()
        return settled_last_modified(*latest_and_horizon(models)) if models else None

    def etag(self, key_text: str) -> str:
        return rows_etag(type(self).__name__, self.request, key_text)

    def extra(self, page: Page) -> dict:
        return {}

    # True when the list's query depends on nothing but the request's parameters (no user, no
    # clock): its compiled key query can then be reused (see etag_keys.page_key_text).
    key_query_static = False

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
            qs = keyset.after(qs, position)
        return with_row_keys(qs, self.etag_fields)

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
        return self.etag(key)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        keyset = self.get_keyset()
        size = page_size_from(request)
        position = self.start_position(keyset)
        # Last-Modified is read before the rows: then every write at or before it (it is settled)
        # is in the rows read next, and the body can only be newer than it says, never older.
        last_modified = None
        if "If-None-Match" in request.headers:
            # The ETag alone decides (RFC 9110 13.2.2): one aggregate query over the page's keys.
            validators = Validators(self.stored_etag(keyset, position, size))
            if (not_modified := self.not_modified(validators)) is not None:
                return not_modified
            last_modified = self.last_modified()
        elif "If-Modified-Since" in request.headers:
            last_modified = self.last_modified()
            validators = Validators(self.stored_etag(keyset, position, size), last_modified)
            if (not_modified := self.not_modified(validators)) is not None:
                return not_modified
        else:
            last_modified = self.last_modified()
        newest = newest_key(self.etag_newest)
        page = paginate(self.decorate(self.keyed_rows(keyset, position)), keyset, position=None, size=size)
        results = [self.shape(row) for row in page.rows]
        response = Response(envelope(request, page, results, **self.extra(page)))
        return Validators(self.etag(self.page_keys(page, newest)), last_modified).apply(response)


__all__ = ["ApiView", "KeysetListApi", "make_etag"]
