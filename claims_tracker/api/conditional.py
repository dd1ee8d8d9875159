"""ETag / Last-Modified and the 304 answer, decided before anything is serialised.

ETag is the exact validator: a hash of what the response shows (ids, versions, timestamps).
Last-Modified has HTTP's one-second resolution and the app stamps rows when it writes, so a
late commit can carry an older time. We only emit it when the newest time lies in a whole
second before the sync horizon (see queries.sync_horizon): then every write the client's copy
lacks has a later second than the one we sent, and If-Modified-Since can be trusted.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypeVar

from django.http import HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from rest_framework.request import Request

from .queries import sync_horizon

_Response = TypeVar("_Response", bound=HttpResponseBase)


def make_etag(*parts: object) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f'"{digest}"'


def _etag_matches(header: str, etag: str) -> bool:
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" are the same for GET.
    tokens = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tokens or etag in tokens


def settled_last_modified(latest: datetime | None, horizon: datetime | None = None) -> datetime | None:
    """`latest` rounded down to the second, or None when it is too recent to be trusted."""
    if latest is None:
        return None
    horizon = horizon if horizon is not None else sync_horizon()
    second = latest.replace(microsecond=0)
    return second if second < horizon.replace(microsecond=0) else None


class Validators:
    def __init__(self, etag: str, last_modified: datetime | None = None):
        self.etag = etag
        self.last_modified = last_modified

    def not_modified(self, request: Request) -> bool:
        """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match:
            return _etag_matches(if_none_match, self.etag)
        if_modified_since = request.headers.get("If-Modified-Since")
        if not if_modified_since or self.last_modified is None:
            return False
        since = parse_http_date_safe(if_modified_since)
        if since is None or since > timezone.now().timestamp():
            return False  # unparseable or in the future: ignore it, as the RFC says
        return self.last_modified.timestamp() <= since

    def apply(self, response: _Response) -> _Response:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.last_modified.timestamp())
        # Caches may keep it but must ask again each time: the data changes under them.
        response["Cache-Control"] = "no-cache"
        return response

    def respond_not_modified(self) -> HttpResponseNotModified:
        # A plain 304: nothing to render or negotiate (DRF still adds its Allow and Vary headers).
        return self.apply(HttpResponseNotModified())


def rows_etag(prefix: str, request: Request, key_text: str) -> str:
    """A page's ETag: the exact query (path + parameters) and the keys of the rows on it
    (`etag_keys`: the same text whether taken from fetched rows or from the database)."""
    params = sorted((k, tuple(v)) for k, v in request.query_params.lists())
    return make_etag(prefix, request.path, params, key_text)
