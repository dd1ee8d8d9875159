"""The one safe HTTP client: everything the system fetches (feeds, articles, webhooks) goes through `safe_fetch`.

Server-side request forgery is the risk: a feed entry, a pasted URL or a webhook target can name an address
inside our network (the cloud metadata service at 169.254.169.254, a database on 10.0.0.5, Redis on 127.0.0.1).
So the host is resolved once, every address it resolves to is checked, and the connection goes to the checked
address (urllib3 keeps the hostname for the Host header, SNI and certificate checks, but never resolves it
again, so DNS rebinding between check and connect gains nothing). Each redirect hop is checked the same way.

A page read to its end leaves its connection open for the next GET from the same site and checked address
(_KeptAlive): the host is still resolved and checked on every fetch, and anything short of a complete response
closes the connection.

A total deadline is enforced by a watchdog that shuts the socket down, so a server dripping one byte a second
(even in its headers) cannot hold a worker. The body cap counts decompressed bytes, so a gzip bomb stops at the
cap. `settings.INGEST_ALLOW_PRIVATE_NETWORKS` lets tests and closed newsrooms fetch from loopback and private
ranges; link-local (metadata), unspecified, multicast and reserved addresses stay blocked whatever it says.
"""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import os
import re
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3HTTPError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_DEADLINE = 30.0
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2000
_CHUNK = 64 * 1024
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_KEPT_ALIVE_METHODS = ("GET", "HEAD")  # whose connection may serve the next fetch (_KeptAlive)
# Hostnames written as numbers: 2130706433, 0x7f000001, 0177.0.0.1, 127.1. inet_aton reads them the way the
# C library (and so the connection) would, so we check the address they really mean.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch refused or failed. `transient` says whether trying again later may succeed."""

    transient = False
    code = "fetch_failed"

    def __init__(self, message: str, *, url: str = "", transient: bool | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status
        if transient is not None:
            self.transient = transient


class InvalidURL(FetchError):
    code = "invalid_url"


class BlockedAddress(FetchError):
    code = "blocked_address"


class TooLarge(FetchError):
    code = "too_large"


class Timeout(FetchError):
    code = "timeout"
    transient = True


class BadContentType(FetchError):
    code = "bad_content_type"


class TooManyRedirects(FetchError):
    code = "too_many_redirects"


class ConnectionFailed(FetchError):
    code = "connection_failed"
    transient = True


class BadStatus(FetchError):
    """A 4xx (permanent, except 408/429) or 5xx (transient) answer."""

    code = "bad_status"


@dataclass
class FetchResult:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str  # the final URL, after redirects
    content_type: str = ""
    encoding: str | None = None
    redirects: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# Address checks ----------------------------------------------------------------------------------------------


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    packed = ip.packed
    if packed[:12] == bytes(12) and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_problem(ip: IPAddress, *, allow_private: bool | None = None) -> str | None:
    """Why this address may not be fetched from, or None when it may."""
    if allow_private is None:
        allow_private = settings.INGEST_ALLOW_PRIVATE_NETWORKS
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner, allow_private=allow_private)
            return f"{problem} (embedded in IPv6 {ip})" if problem else None
    # Never allowed, whatever the setting: these are never a news site.
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives here)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_loopback:
        return None if allow_private else "a loopback address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return None if allow_private else "a carrier-grade NAT address"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.ip_network("fc00::/7"):
        return None if allow_private else "an IPv6 unique-local address"
    if ip.is_private:
        if allow_private and not ip.is_reserved:
            return None
        return "a private or reserved address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise InvalidURL(f"{host!r} is not a valid address", url=host) from None
    return None


def validate_url(url: str) -> str:
    """Syntax and scheme checks that need no network; returns the URL stripped. Raises InvalidURL."""
    url = (url or "").strip()
    if not url:
        raise InvalidURL("Enter a URL.", url=url)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.", url=url[:100])
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidURL("The URL contains spaces or control characters.", url=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"The URL is malformed: {exc}.", url=url) from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "none"
        raise InvalidURL(f"Only http and https addresses can be fetched (scheme: {shown}).", url=url)
    if not parts.hostname:
        raise InvalidURL("The URL has no host name.", url=url)
    if parts.username or parts.password:
        raise InvalidURL("URLs with a user name or password are not fetched.", url=url)
    if port == 0:
        raise InvalidURL("Port 0 is not a valid port.", url=url)
    ip = _literal_ip(parts.hostname)
    if ip is not None:
        problem = address_problem(ip)
        if problem:
            shown = parts.hostname if str(ip) == parts.hostname else f"{parts.hostname} (that is {ip})"
            raise BlockedAddress(f"Refused to fetch {url}: {shown} is {problem}.", url=url)
    return url


def normalize_url(url: str) -> str:
    """The form we store and dedupe on: lower-case scheme and host, no default port, no fragment, no utm_*."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith(("utm_", "fbclid=", "gclid=")))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def resolve(host: str, port: int) -> list[IPAddress]:
    """Resolve once and check every address; any bad one refuses the host (no picking the good one)."""
    literal = _literal_ip(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise ConnectionFailed(f"Could not resolve {host}: {exc}.", url=host, transient=True) from None
        addresses = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if ip not in addresses:
                addresses.append(ip)
    if not addresses:
        raise ConnectionFailed(f"{host} resolved to no address.", url=host, transient=True)
    for ip in addresses:
        problem = address_problem(ip)
        if problem:
            shown = host if str(ip) == host else f"{host} resolves to {ip}, which"
            raise BlockedAddress(f"Refused: {shown} is {problem}.", url=host)
    return addresses


# The connection ----------------------------------------------------------------------------------------------


class _Deadlines:
    """One thread per process fires every fetch's watchdog when its deadline passes.

    A threading.Timer per fetch started a thread per fetch, and Thread.start() waits until the new thread runs:
    on a busy two-core worker that cost about as much as fetching a local page. Forked children (prefork
    workers) start with an empty heap and start their own thread on their first fetch.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watchdog: _Watchdog) -> None:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (watchdog.deadline, next(self._order), watchdog))
            if self._heap[0][2] is watchdog:
                self._cond.notify()  # the new deadline is the earliest: wake the thread to wait less

    def _run(self) -> None:
        while True:
            due = []
            with self._cond:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now or self._heap[0][2].cancelled):
                    watchdog = heapq.heappop(self._heap)[2]
                    if not watchdog.cancelled:
                        due.append(watchdog)
                if not due:
                    self._cond.wait(self._heap[0][0] - now if self._heap else None)
            for watchdog in due:
                watchdog.fire()


_deadlines = _Deadlines()


def _reset_deadlines_after_fork() -> None:
    global _deadlines
    _deadlines = _Deadlines()  # the parent's thread did not survive the fork, and its lock may be held


os.register_at_fork(after_in_child=_reset_deadlines_after_fork)


class _Watchdog:
    """Shuts every socket of one fetch down when the total deadline passes."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self.cancelled = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        _deadlines.add(self)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                self._shutdown(sock)

    def fire(self) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.fired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._sockets.clear()  # the entry waits in the heap until its deadline; keep it small


_current = threading.local()  # .watchdog: the deadline of the fetch this thread is running


class _PinnedMixin:
    """Connect to the address we checked; `host` stays the name for Host, SNI and certificate checks."""

    def __init__(self, *args, pinned_ip: IPAddress, **kwargs):
        self._pinned_ip = pinned_ip
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        watchdog: _Watchdog = _current.watchdog
        family = socket.AF_INET6 if self._pinned_ip.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        watchdog.add(sock)
        sock.settimeout(max(0.01, min(self.timeout or 10.0, watchdog.remaining())))
        try:
            sock.connect((str(self._pinned_ip), self.port))
        except OSError as exc:
            sock.close()
            raise urllib3.exceptions.NewConnectionError(self, f"connect to {self._pinned_ip}: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class _PinnedHTTPConnection(_PinnedMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedMixin, HTTPSConnection):
    pass


class _PinnedPoolMixin:
    """A pool of connections to one checked address. A connection kept alive from an earlier fetch comes under
    the deadline of the fetch that takes it (a new one is put under it as it connects)."""

    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        _current.reused = conn.sock is not None
        if conn.sock is not None:
            _current.watchdog.add(conn.sock)
        return conn


class _PinnedHTTPPool(_PinnedPoolMixin, urllib3.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(_PinnedPoolMixin, urllib3.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _KeptAlive:
    """This process's connection pools for GET and HEAD, one per (scheme, host, port, checked address).

    A page fetched to its end leaves its connection open for the next fetch from the same site (an outlet's
    feed and its articles): no new TCP and TLS handshake. The host is still resolved and every address checked
    on every fetch, and a pool only ever connects to the address in its key, so reuse never reaches an address
    the check would now refuse. Anything but a complete response closes the connection. Other methods
    (webhook POSTs) never reuse one: a request sent on a connection the server had just closed could not be
    told apart from one it received. Bounded: the least recently used pool is closed past MAX_POOLS.
    """

    MAX_POOLS = 32
    CONNECTIONS_PER_POOL = 4  # threads fetching from one site at once; more are opened and closed

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: OrderedDict[tuple, urllib3.HTTPConnectionPool] = OrderedDict()

    def pool(self, scheme: str, host: str, port: int, ip: IPAddress, *, keep: bool) -> urllib3.HTTPConnectionPool:
        if not keep:
            return self._new(scheme, host, port, ip, maxsize=1)
        key = (scheme, host.lower(), port, ip)
        with self._lock:
            pool = self._pools.pop(key, None) or self._new(scheme, host, port, ip, maxsize=self.CONNECTIONS_PER_POOL)
            self._pools[key] = pool  # the most recently used last
            while len(self._pools) > self.MAX_POOLS:
                self._pools.popitem(last=False)[1].close()
        return pool

    @staticmethod
    def _new(scheme: str, host: str, port: int, ip: IPAddress, *, maxsize: int) -> urllib3.HTTPConnectionPool:
        pool_cls = _PinnedHTTPSPool if scheme == "https" else _PinnedHTTPPool
        return pool_cls(host, port, retries=False, maxsize=maxsize, pinned_ip=ip)

    def clear(self) -> None:
        with self._lock:
            pools, self._pools = self._pools, OrderedDict()
        for pool in pools.values():
            pool.close()


_kept_alive = _KeptAlive()


def _forget_connections_after_fork() -> None:
    global _kept_alive
    _kept_alive = _KeptAlive()  # the parent's sockets are the parent's; its lock may be held


os.register_at_fork(after_in_child=_forget_connections_after_fork)


def _user_agent() -> str:
    return settings.INGEST_USER_AGENT


def _content_type_allowed(content_type: str, allowed: tuple[str, ...] | list[str] | None) -> bool:
    if allowed is None:
        return True
    for pattern in allowed:
        if pattern.endswith("/*") and content_type.startswith(pattern[:-1]):
            return True
        if pattern.startswith("*+") and content_type.endswith(pattern[1:]):
            return True
        if content_type == pattern:
            return True
    return False


def _parse_content_type(value: str) -> tuple[str, str | None]:
    main, _, params = (value or "").partition(";")
    encoding = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            encoding = val.strip().strip("\"'") or None
    return main.strip().lower(), encoding


def _status_error(status: int, url: str) -> FetchError:
    transient = status >= 500 or status in (408, 425, 429)
    return BadStatus(f"The server answered HTTP {status} for {url}.", url=url, status=status, transient=transient)


def safe_fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
    allowed_content_types: tuple[str, ...] | list[str] | None = None,
    max_redirects: int = MAX_REDIRECTS,
    accept_statuses: tuple[int, ...] = (),
) -> FetchResult:
    """Fetch `url` under every check in this module's docstring. Raises a FetchError subclass on any refusal.

    2xx and 304 return a FetchResult; other statuses raise BadStatus unless listed in `accept_statuses`
    (webhook delivery wants to see a 410, say). Redirects are followed for GET and HEAD only.
    """
    method = method.upper()
    watchdog = _current.watchdog = _Watchdog(deadline)
    redirects: list[str] = []
    current = validate_url(url)
    try:
        for _hop in range(max_redirects + 1):
            response = _request_once(
                current, method=method, headers=headers, body=body, watchdog=watchdog, deadline=deadline
            )
            complete = False
            try:
                location = response.headers.get("location")
                if response.status in _REDIRECT_CODES and location and method in ("GET", "HEAD"):
                    target = urljoin(current, location.strip())
                    redirects.append(current)
                    try:
                        current = validate_url(target)
                    except FetchError as exc:
                        raise type(exc)(f"Redirect from {redirects[-1]} refused: {exc.message}", url=target) from None
                    continue
                result = _read_result(
                    response,
                    url=current,
                    watchdog=watchdog,
                    deadline=deadline,
                    max_bytes=max_bytes,
                    allowed_content_types=allowed_content_types,
                    accept_statuses=accept_statuses,
                    redirects=redirects,
                )
                complete = not watchdog.fired
                return result
            finally:
                if not (complete and method in _KEPT_ALIVE_METHODS):
                    response.close()  # closes the connection too: the next fetch opens a fresh one
                response.release_conn()
        raise TooManyRedirects(f"More than {max_redirects} redirects, starting at {url}.", url=url)
    finally:
        watchdog.cancel()
        _current.watchdog = None


def _request_once(
    url: str,
    *,
    method: str,
    headers: dict[str, str] | None,
    body: bytes | None,
    watchdog: _Watchdog,
    deadline: float,
) -> urllib3.BaseHTTPResponse:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    send_headers = {"User-Agent": _user_agent(), "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}
    send_headers.update(headers or {})
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    last_error: Exception | None = None
    for ip in addresses:
        if watchdog.remaining() <= 0:
            break
        pool = _kept_alive.pool(scheme, host, port, ip, keep=method in _KEPT_ALIVE_METHODS)
        for _attempt in range(2):
            timeout = urllib3.Timeout(connect=min(10.0, watchdog.remaining()), read=min(20.0, deadline))
            _current.reused = False
            try:
                return pool.urlopen(
                    method,
                    path,
                    body=body,
                    headers=send_headers,
                    timeout=timeout,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    decode_content=False,
                    assert_same_host=False,
                )
            except Urllib3HTTPError as exc:
                last_error = exc
                # A kept-alive connection the server closed as we sent: once more on a fresh one (GET/HEAD only).
                if _current.reused and not watchdog.fired and isinstance(exc, urllib3.exceptions.ProtocolError):
                    continue
                break
        if watchdog.fired:
            break
        if isinstance(last_error, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError):
            continue  # try the next checked address
        break
    if watchdog.fired or watchdog.remaining() <= 0:
        raise Timeout(f"{url} did not answer within {deadline:g} s.", url=url)
    if isinstance(last_error, urllib3.exceptions.SSLError):
        raise ConnectionFailed(f"TLS failed for {url}: {last_error}.", url=url, transient=False)
    if isinstance(last_error, urllib3.exceptions.ReadTimeoutError):
        raise Timeout(f"{url} stopped answering: {last_error}.", url=url)
    raise ConnectionFailed(f"Could not connect to {url}: {last_error}.", url=url)


def _read_result(
    response: urllib3.BaseHTTPResponse,
    *,
    url: str,
    watchdog: _Watchdog,
    deadline: float,
    max_bytes: int,
    allowed_content_types,
    accept_statuses: tuple[int, ...],
    redirects: list[str],
) -> FetchResult:
    status = response.status
    headers = {k.lower(): v for k, v in response.headers.items()}
    content_type, encoding = _parse_content_type(headers.get("content-type", ""))
    if status == 304:
        return FetchResult(status, headers, b"", url, content_type, encoding, redirects)
    if not (200 <= status < 300) and status not in accept_statuses:
        raise _status_error(status, url)
    if 200 <= status < 300 and not _content_type_allowed(content_type, allowed_content_types):
        shown = content_type or "none given"
        raise BadContentType(f"{url} is not a page we can read (content type: {shown}).", url=url)
    declared = headers.get("content-length", "")
    if declared.isdigit() and "content-encoding" not in headers and int(declared) > max_bytes:
        raise TooLarge(f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,}.", url=url)
    chunks: list[bytes] = []
    size = 0
    try:
        # decode_content=True with an amount: urllib3 decompresses at most that much per call, so a bomb
        # never inflates more than one chunk past the cap.
        while True:
            chunk = response.read(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"{url} is larger than the {max_bytes:,}-byte limit (after decompression).", url=url)
            chunks.append(chunk)
            if watchdog.fired:
                break
    except (Urllib3HTTPError, OSError) as exc:
        if watchdog.fired or watchdog.remaining() <= 0:
            raise Timeout(f"{url} did not finish within {deadline:g} s.", url=url) from None
        if isinstance(exc, urllib3.exceptions.DecodeError):
            raise FetchError(f"{url} sent a body that does not decompress: {exc}.", url=url) from None
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            raise Timeout(f"{url} stopped sending: {exc}.", url=url) from None
        raise ConnectionFailed(f"The connection to {url} broke: {exc}.", url=url) from None
    if watchdog.fired:
        raise Timeout(f"{url} did not finish within {deadline:g} s.", url=url)
    return FetchResult(status, headers, b"".join(chunks), url, content_type, encoding, redirects)
