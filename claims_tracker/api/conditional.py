"""ETag / Last-Modified and the 304 answer, decided before anything is serialised, by Django's own
`get_conditional_response` (RFC 9110 13.2.2: If-None-Match decides when present, weak comparison).

ETag is the exact validator: a hash of what the response shows (ids, versions, timestamps).
Last-Modified has HTTP's one-second resolution and the app stamps rows when it writes, so a
late commit can carry an older time. We only emit it when the newest time lies in a whole
second before the sync horizon (see queries.sync_horizon): then every write the client's copy
lacks has a later second than the one we sent, and If-Modified-Since can be trusted.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from .queries import sync_horizon

_Response = TypeVar("_Response", bound=HttpResponseBase)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match or If-Unmodified-Since does not hold for the current version."
    default_code = "precondition_failed"


def make_etag(*parts: object) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def settled_last_modified(latest: datetime | None, horizon: datetime | None = None) -> datetime | None:
    """`latest` rounded down to the second, or None when it is too recent to be trusted."""
    if latest is None:
        return None
    horizon = horizon if horizon is not None else sync_horizon()
    second = latest.replace(microsecond=0)
    return second if second < horizon.replace(microsecond=0) else None


def conditional_answer(request: HttpRequest, etag: str, last_modified: datetime | None) -> HttpResponseBase | None:
    """Django's answer to the request's preconditions (a 304 or 412), or None to send the page."""
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    if since is not None and since > time.time():
        timestamp = None  # a date in the future cannot be trusted: every later write would match it
    return get_conditional_response(request, etag=etag, last_modified=timestamp)


@dataclass
class Validators:
    etag: str
    last_modified: datetime | None = None

    def not_modified(self, request: Request) -> HttpResponseBase | None:
        """The 304 (with the validators' headers) when the client's copy is current, else None."""
        answer = conditional_answer(request, self.etag, self.last_modified)
        if answer is None:
            return None
        if answer.status_code == status.HTTP_412_PRECONDITION_FAILED:
            raise PreconditionFailed()  # in the API's error shape, not Django's empty 412
        return self.apply(answer)

    def apply(self, response: _Response) -> _Response:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified.timestamp())
        # Caches may keep it but must ask again each time: the data changes under them.
        patch_cache_control(response, no_cache=True)
        return response


def rows_etag(prefix: str, request: Request, key_text: str) -> str:
    """A page's ETag: the exact query (path + parameters) and the keys of the rows on it
    (`etag_keys`: the same text whether taken from fetched rows or from the database)."""
    params = sorted((k, tuple(v)) for k, v in request.query_params.lists())
    return make_etag(prefix, request.path, params, key_text)
