"""What every API view shares: the error handler, JSON-only errors, throttles, the schema class,
and the keyset list with conditional requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import errors
from ..conditional import Validators, make_etag, rows_etag, settled_last_modified
from ..pagination import Keyset, Page, envelope, page_size_from, paginate
from ..queries import latest_and_horizon
from ..schema import ApiAutoSchema
from ..throttling import AnonThrottle, UserThrottle


class ApiView(APIView):
    throttle_classes = [AnonThrottle, UserThrottle]
    schema = ApiAutoSchema()
    conditional = False

    def get_exception_handler(self):
        return errors.exception_handler

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON whatever the client accepts: never the browsable API's HTML page.
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

    def validators(self, page: Page, *, with_last_modified: bool = True) -> Validators:
        keys = [tuple(field_value(row, f) for f in self.etag_fields) for row in page.rows]
        last_modified = None
        if with_last_modified and self.last_modified_models():
            last_modified = settled_last_modified(*latest_and_horizon(self.last_modified_models()))
        return Validators(rows_etag(type(self).__name__, self.request, keys), last_modified)

    def extra(self, page: Page) -> dict:
        return {}

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        keyset = self.get_keyset()
        size = page_size_from(request)
        position = self.start_position(keyset)
        qs = self.restrict(self.base_queryset())
        if self.filterset_class is not None:
            qs = self.filter_with(self.filterset_class, qs)
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            keys_page = paginate(qs.values(*self.etag_fields), keyset, position=position, size=size)
            # With If-None-Match the ETag alone decides (RFC 9110): skip the Last-Modified query.
            validators = self.validators(keys_page, with_last_modified="If-None-Match" not in request.headers)
            if validators.not_modified(request):
                return validators.respond_not_modified()
        page = paginate(self.decorate(qs), keyset, position=position, size=size)
        results = [self.shape(row) for row in page.rows]
        response = Response(envelope(request, page, results, **self.extra(page)))
        return self.validators(page).apply(response)


__all__ = ["ApiView", "KeysetListApi", "make_etag"]
