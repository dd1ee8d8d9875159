"""HTTP caching of the reader pages and feeds: validators from the data's versions, 304s, and a
server-side cache of the rendered anonymous page.

A page's ETag hashes its path, its query and the versions of what it shows; Last-Modified is the
newest of those writes, settled against the sync horizon exactly as the API does it
(`api.conditional.settled_last_modified`). The claim page reads the claim's own fingerprint
(`api.queries.claim_validators`: the claim, its claimant, appearances, stories, relations and
history); every other page reads the newest write over the whole catalogue, one index lookup per
table. Nothing is purged: a write changes the versions, so the next revalidation sees it.

Anonymous readers get `Cache-Control: public` with the READER_CACHE_* settings, and a 200 is
kept in the "default" cache (Redis when configured) under its ETag, so the next reader of the
same version is served the stored bytes. The ETag also carries the deploy's templates and static
files (`CODE_VERSION`) and the READER_CACHE_VERSION setting. A logged-in user, or a request
carrying a flash message, bypasses both: its page is rendered afresh and marked private, no-store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from claims_tracker.api.conditional import conditional_answer, make_etag, settled_last_modified
from claims_tracker.api.queries import claim_validators, latest_and_horizon, sync_horizon
from claims_tracker.lib import cache

from .models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimRelation,
    Evidence,
    Outlet,
    SearchAlias,
    StatusChange,
    Story,
)

Versions = tuple[tuple, datetime | None]  # (what the page shows, in versions; its newest write)


def _code_version() -> str:
    """A digest of the templates and static files: a deploy that changes how pages look changes
    every ETag and page-cache key, so no reader keeps the old look past a revalidation."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in (settings.BASE_DIR / "templates", settings.BASE_DIR / "static"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()

# Tables without `updated_at` are counted by their newest id (an index lookup) in the ETag; search
# aliases (a small table) by count and newest id, since they change what a search finds.
_NEWEST_IDS = [f'SELECT max(id) FROM "{m._meta.db_table}"' for m in (Appearance, Evidence, ClaimRelation)]
_NEWEST_IDS.append(f"SELECT count(*) || ':' || coalesce(max(id), 0) FROM \"{SearchAlias._meta.db_table}\"")


def catalogue_versions(request: HttpRequest, **kwargs: Any) -> Versions | None:
    """The newest write over everything a list, index or feed can show, in one query."""
    models = [Claim, Claimant, Story, Outlet, Article, (StatusChange, "recorded_at")]
    latest, newest_ids, horizon = latest_and_horizon(models, newest=_NEWEST_IDS)
    return (str(latest), *newest_ids), settled_last_modified(latest, horizon)


def claim_versions(request: HttpRequest, pk: int, **kwargs: Any) -> Versions | None:
    found = claim_validators(pk)
    if found is None:
        return None  # no such claim: the view answers its 404
    fingerprint, latest = found
    return fingerprint, settled_last_modified(latest, sync_horizon())


def _is_private(request: HttpRequest) -> bool:
    # A flash message is one reader's: it may ride in its own cookie without any session.
    return request.user.is_authenticated or CookieStorage.cookie_name in request.COOKIES


def _public(response: HttpResponseBase, etag: str, last_modified: datetime | None) -> HttpResponseBase:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(
        response,
        public=True,
        max_age=settings.READER_CACHE_MAX_AGE,
        s_maxage=settings.READER_CACHE_S_MAXAGE,
        stale_while_revalidate=settings.READER_CACHE_STALE_WHILE_REVALIDATE,
    )
    return response


def _stored(page: dict) -> HttpResponse:
    stored = HttpResponse(page["content"], status=page["status"], content_type=page["content_type"])
    stored["X-Reader-Cache"] = "hit"  # for operators (and the tests): served from the page cache
    return stored


# A page read from Redis is also kept in this process's memory for a while (the "local" cache, a
# bounded LRU): a viral page is then served without the round trip. Keys carry the versions, so
# neither copy can be stale.
LOCAL_SECONDS = 60


def _recall_page(key: str) -> dict | None:
    page = cache.recall(key)
    if page is None:
        page = cache.recall(key, alias="default")
        if page is not None:
            cache.remember(key, page, timeout=LOCAL_SECONDS)
    return page


def reader_cached(versions: Callable[..., Versions | None]) -> Callable:
    """Decorate a reader view (GET): validators from `versions(request, **kwargs)`, a 304 on a
    match, the rendered page kept for the next anonymous reader of the same versions."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)  # the view's own 405
            if _is_private(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_store=True)
                return response
            found = versions(request, *args, **kwargs)
            if found is None:
                return view(request, *args, **kwargs)
            fingerprint, last_modified = found
            query = sorted((k, tuple(v)) for k, v in request.GET.lists())
            # READER_CACHE_VERSION: an operator's lever to drop every kept page at once.
            release = (CODE_VERSION, settings.READER_CACHE_VERSION)
            etag = make_etag("reader", release, request.path, query, fingerprint)
            answer = conditional_answer(request, etag, last_modified)  # a 304 (or 412), as the API's
            if answer is not None:
                return _public(answer, etag, last_modified)
            key = f"reader-page:{etag.strip(chr(34))}"
            kept = _recall_page(key) if settings.READER_PAGE_CACHE_SECONDS else None
            if kept is not None:
                return _public(_stored(kept), etag, last_modified)
            response = view(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()  # the sitemaps' TemplateResponse: its bytes are kept below
            if response.status_code != 200 or getattr(response, "streaming", False):
                return response
            if settings.READER_PAGE_CACHE_SECONDS:
                page = {"content": response.content, "status": 200, "content_type": response["Content-Type"]}
                cache.remember(key, page, timeout=settings.READER_PAGE_CACHE_SECONDS, alias="default")
                cache.remember(key, page, timeout=LOCAL_SECONDS)
            return _public(response, etag, last_modified)

        return wrapped

    return decorate
