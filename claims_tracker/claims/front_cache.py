"""Micro-caching in front of Django: a WSGI middleware (claims_tracker/wsgi.py wraps Django's
application in it) that keeps, in this process's memory, a copy of each public reader page Django
produced in the last READER_FRONT_CACHE_SECONDS (default 1; 0 turns it off), and serves that copy,
or a 304 derived from it, without entering Django at all: no middleware chain, no versions query,
no page cache lookup. It is what nginx's "microcaching" does, inside the web process.

Deliberate trade: a write shows to anonymous readers up to READER_FRONT_CACHE_SECONDS late on the
server (browsers may already keep a page READER_CACHE_MAX_AGE seconds, 60 by default). Editors are
never served from it: their requests carry the session cookie.

What it keeps and serves, and nothing else:
- requests: GET and HEAD (a HEAD is answered from a GET's copy, without the body; one that finds
  no copy is passed to Django as a GET, whose answer is kept and sent without its body), with no
  Authorization header, no session cookie (SESSION_COOKIE_NAME) and no flash-message cookie:
  exactly the requests `caching.reader_cached` treats as public. A request with If-Match,
  If-Unmodified-Since or If-Range goes to Django (which answers a 412 if it must).
- responses: status 200, with an ETag and `Cache-Control: public` (what `caching._public` sets; so
  never private, no-store or no-cache), a whole body (an HttpResponse, never a streaming one) of
  the Content-Length it declares, no Set-Cookie, and a Vary other than `*`. The copy lives
  READER_FRONT_CACHE_SECONDS, or less if the response's s-maxage (else max-age) says so.
- the key: the scheme (wsgi.url_scheme and the SECURE_PROXY_SSL_HEADER a proxy sends), the Host
  (and X-Forwarded-Host/-Port), the path and the raw query string, and the values of the request
  headers the stored response's Vary names. Reader pages vary on Cookie: a request carrying any
  Cookie header is neither served from a copy that varies on Cookie nor stores one (the safe
  choice: such a copy is only ever taken from, and given to, a request without cookies).
- a 304 is derived here from the copy's ETag and the request's If-None-Match (weak comparison, as
  Django's `get_conditional_response` does), or, without If-None-Match, from its Last-Modified and
  If-Modified-Since; it carries the copy's headers less those describing the body, as Django's own.

Headers are replayed as Django sent them (the Content-Security-Policy too, with the body it was
sent with, as the page cache does), with `X-Reader-Cache: front` and an `Age`. The copies sit in a
bounded LRU (READER_FRONT_CACHE_ENTRIES URLs, a few variants each, MAX_BYTES of bodies) under a lock, since gunicorn's
gthread workers serve several requests at once; expiry reads a monotonic clock (injectable, so the
tests can advance it).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, parse_cookie
from django.utils.http import parse_etags, parse_http_date_safe

Headers = list[tuple[str, str]]

MARK = "X-Reader-Cache"
# A page larger than this is not kept (a reader page is some tens of kilobytes).
MAX_BODY_BYTES = 4 * 1024 * 1024
# Copies of one URL kept for different values of the headers its Vary names.
MAX_VARIANTS = 4
# The bodies one process keeps, at most: the least recently used URLs go first beyond it.
MAX_BYTES = 64 * 1024 * 1024
# Headers that describe the body: a 304 leaves them out (Django's own 304 has no Content-Type, and
# Content-Length 0 is what CommonMiddleware gives it).
_BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-language", "content-disposition"}
# Preconditions the front cache does not decide: Django answers them.
_PRECONDITIONS_FOR_DJANGO = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE")


@dataclass(frozen=True)
class Copy:
    status: str
    headers: Headers  # as Django sent them, less X-Reader-Cache
    body: bytes
    etag: str
    last_modified: int | None  # seconds since the epoch, from Last-Modified
    stored_at: float  # the cache's clock
    lifetime: float  # seconds, at most (the window may shrink later: settings are read per request)


@dataclass
class _Slot:
    vary: tuple[str, ...]  # WSGI environ names of the request headers the response varies on
    variants: OrderedDict[tuple, Copy]


def _environ_name(header: str) -> str:
    name = header.strip().upper().replace("-", "_")
    return name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"


def _directives(cache_control: str) -> dict[str, str]:
    found = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.strip().lower()] = value.strip().strip('"')
    return found


class _Headless:
    """The answer to a HEAD: no body; the GET's result is closed (Django's request_finished)."""

    def __init__(self, result: Iterable[bytes]):
        self.result = result

    def __iter__(self):
        return iter(())

    def close(self) -> None:
        close = getattr(self.result, "close", None)
        if close is not None:
            close()


class FrontCache:
    """WSGI middleware: `FrontCache(get_wsgi_application())`. `clock` is the monotonic clock."""

    def __init__(self, app: Callable, *, clock: Callable[[], float] = time.monotonic, max_bytes: int = MAX_BYTES):
        self.app = app
        self.clock = clock
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._slots: OrderedDict[tuple, _Slot] = OrderedDict()
        self._bytes = 0  # of the bodies kept

    # -- the request -----------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        window = settings.READER_FRONT_CACHE_SECONDS
        method = environ.get("REQUEST_METHOD")
        if not window or method not in ("GET", "HEAD") or not self._public_request(environ):
            return self.app(environ, start_response)
        base = self._base_key(environ)
        now = self.clock()
        copy, vary = self._recall(base, environ, now, window)
        if copy is not None:
            return self._replay(copy, environ, start_response, method, now)
        if vary is not None and "HTTP_COOKIE" in vary and environ.get("HTTP_COOKIE"):
            return self.app(environ, start_response)
        if method == "HEAD":
            # As nginx's proxy_cache_convert_head (on by default): Django renders the GET, which is
            # kept, and the HEAD gets its headers without the body. (The reader views, require_GET,
            # would answer a HEAD of their own with a 405; a kept copy answers it with a 200 anyway.)
            return _Headless(self._fill(base, {**environ, "REQUEST_METHOD": "GET"}, start_response, window))
        return self._fill(base, environ, start_response, window)

    @staticmethod
    def _public_request(environ: dict) -> bool:
        if environ.get("HTTP_AUTHORIZATION") or any(environ.get(name) for name in _PRECONDITIONS_FOR_DJANGO):
            return False
        cookie = environ.get("HTTP_COOKIE")
        if cookie:
            cookies = parse_cookie(cookie)
            if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
                return False
        return True

    @staticmethod
    def _base_key(environ: dict) -> tuple:
        proxy_ssl = settings.SECURE_PROXY_SSL_HEADER
        return (
            environ.get("wsgi.url_scheme"),
            environ.get(proxy_ssl[0]) if proxy_ssl else None,
            environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
            environ.get("HTTP_X_FORWARDED_HOST"),
            environ.get("HTTP_X_FORWARDED_PORT"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )

    # -- the store -------------------------------------------------------------------------------

    def _recall(self, base: tuple, environ: dict, now: float, window: float) -> tuple[Copy | None, tuple | None]:
        """The live copy for this request (or None), and the Vary of what is kept for its URL."""
        with self._lock:
            slot = self._slots.get(base)
            if slot is None:
                return None, None
            if "HTTP_COOKIE" in slot.vary and environ.get("HTTP_COOKIE"):
                return None, slot.vary
            variant = tuple(environ.get(name) for name in slot.vary)
            copy = slot.variants.get(variant)
            if copy is None:
                return None, slot.vary
            if now - copy.stored_at >= min(window, copy.lifetime) or now < copy.stored_at:
                self._bytes -= len(slot.variants.pop(variant).body)
                if not slot.variants:
                    del self._slots[base]
                return None, slot.vary
            self._slots.move_to_end(base)
            return copy, slot.vary

    def _store(self, base: tuple, vary: tuple[str, ...], variant: tuple, copy: Copy) -> None:
        limit = max(1, settings.READER_FRONT_CACHE_ENTRIES)
        with self._lock:
            slot = self._slots.get(base)
            if slot is not None and slot.vary != vary:
                self._drop(base)
                slot = None
            if slot is None:
                slot = self._slots[base] = _Slot(vary, OrderedDict())
            replaced = slot.variants.pop(variant, None)
            if replaced is not None:
                self._bytes -= len(replaced.body)
            slot.variants[variant] = copy
            self._bytes += len(copy.body)
            while len(slot.variants) > MAX_VARIANTS:
                self._bytes -= len(slot.variants.popitem(last=False)[1].body)
            self._slots.move_to_end(base)
            while len(self._slots) > 1 and (len(self._slots) > limit or self._bytes > self.max_bytes):
                self._drop(next(iter(self._slots)))  # the least recently used URL

    def _drop(self, base: tuple) -> None:
        slot = self._slots.pop(base)
        self._bytes -= sum(len(copy.body) for copy in slot.variants.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._slots)

    @property
    def size_in_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()
            self._bytes = 0

    # -- serving a copy --------------------------------------------------------------------------

    def _replay(self, copy: Copy, environ: dict, start_response: Callable, method: str, now: float):
        age = ("Age", str(int(now - copy.stored_at)))
        if self._not_modified(copy, environ):
            headers = [(k, v) for k, v in copy.headers if k.lower() not in _BODY_HEADERS]
            start_response("304 Not Modified", [*headers, ("Content-Length", "0"), (MARK, "front"), age])
            return [b""]
        start_response(copy.status, [*copy.headers, (MARK, "front"), age])
        return [b""] if method == "HEAD" else [copy.body]

    @staticmethod
    def _not_modified(copy: Copy, environ: dict) -> bool:
        """Django's rule for GET/HEAD: If-None-Match decides when present (weak comparison: the
        W/ prefix is ignored; `*` matches), else If-Modified-Since against Last-Modified (a date
        in the future is not trusted, as claims_tracker.api.conditional has it)."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            etags = parse_etags(if_none_match)
            if etags == ["*"]:
                return True
            target = copy.etag.removeprefix("W/")
            return any(etag.removeprefix("W/") == target for etag in etags)
        since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE") or "")
        if since is None or copy.last_modified is None or since > time.time():
            return False
        return copy.last_modified <= since

    # -- filling it ------------------------------------------------------------------------------

    def _fill(self, base: tuple, environ: dict, start_response: Callable, window: float) -> Iterable[bytes]:
        sent: dict = {}

        def remember_start(status: str, headers: Headers, exc_info=None):
            sent.update(status=status, headers=list(headers), failed=exc_info is not None)
            return start_response(status, headers, exc_info)

        started = self.clock()  # the copy's age counts from before Django read the data
        result = self.app(environ, remember_start)
        # Django hands its response object to the server; a StreamingHttpResponse (FileResponse
        # included) is no HttpResponse, and neither is a file wrapper: only whole bodies are kept.
        plan = self._storable(sent, environ) if isinstance(result, HttpResponse) else None
        if plan is None:
            return result
        length, etag, last_modified, vary, lifetime = plan
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished (database connections go back) fires here
        if len(body) == length and not sent.get("failed"):
            headers = [(k, v) for k, v in sent["headers"] if k.lower() != MARK.lower()]
            copy = Copy(sent["status"], headers, body, etag, last_modified, started, min(window, lifetime))
            self._store(base, vary, tuple(environ.get(name) for name in vary), copy)
        return [body]

    @staticmethod
    def _storable(sent: dict, environ: dict) -> tuple | None:
        """(content length, ETag, Last-Modified, Vary as environ names, lifetime) when the response
        is a public reader page that may be kept, else None."""
        if not sent or sent["failed"] or not sent["status"].startswith("200 "):
            return None
        headers: dict[str, str] = {}
        for name, value in sent["headers"]:
            name = name.lower()
            if name == "set-cookie":
                return None
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        etag = headers.get("etag")
        control = _directives(headers.get("cache-control", ""))
        if not etag or "public" not in control or {"private", "no-store", "no-cache"} & control.keys():
            return None
        try:
            length = int(headers["content-length"])
        except (KeyError, ValueError):
            return None  # streaming, or a length we cannot check the body against
        if not 0 <= length <= MAX_BODY_BYTES:
            return None
        lifetime: float = float("inf")
        for directive in ("s-maxage", "max-age"):
            if directive in control:
                try:
                    lifetime = int(control[directive])
                except ValueError:
                    return None
                break
        if lifetime <= 0:
            return None
        names = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
        if "*" in names:
            return None
        vary = tuple(sorted({_environ_name(n) for n in names}))
        if "HTTP_COOKIE" in vary and environ.get("HTTP_COOKIE"):
            return None  # a page that varies on cookies is kept only from a request without any
        return length, etag, parse_http_date_safe(headers.get("last-modified") or ""), vary, lifetime
