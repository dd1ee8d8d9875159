"""`safe_fetch`: one request (and its redirects) under every check of this package, answered or refused."""

from __future__ import annotations

import ssl
from http.client import HTTPException
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection
from urllib3.exceptions import HTTPError as Urllib3HTTPError
from urllib3.util.ssl_match_hostname import CertificateError

from . import connection, deadlines
from .addresses import resolve, validate_url
from .errors import ConnectionFailed, FetchError, FetchResult, InvalidURL, Timeout, TooManyRedirects
from .limits import DEFAULT_MAX_BYTES, read_result

DEFAULT_DEADLINE = 30.0
MAX_REDIRECTS = 5
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ADDRESS_UNANSWERED = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)


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
    """Fetch `url` under every check in this package's docstring. Raises a FetchError subclass on any refusal.

    2xx and 304 return a FetchResult; other statuses raise BadStatus unless listed in `accept_statuses`
    (webhook delivery wants to see a 410, say). Redirects are followed for GET and HEAD only, each hop checked
    as the first was.
    """
    method = method.upper()
    redirects: list[str] = []
    current = validate_url(url)
    with deadlines.deadline(deadline) as watchdog:
        for _hop in range(max_redirects + 1):
            conn, response = _request_once(current, method=method, headers=headers, body=body, watchdog=watchdog)
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
                return read_result(
                    response,
                    url=current,
                    watchdog=watchdog,
                    deadline=deadline,
                    max_bytes=max_bytes,
                    allowed_content_types=allowed_content_types,
                    accept_statuses=accept_statuses,
                    redirects=redirects,
                )
            finally:
                response.close()
                conn.close()
        raise TooManyRedirects(f"More than {max_redirects} redirects, starting at {url}.", url=url)


def _wire_name(host: str, url: str) -> str:
    """The name as it goes on the wire (Host, SNI, certificate check): IDNA A-labels, no trailing dot."""
    host = host.rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidURL(f"{host!r} is not a valid host name.", url=url) from None


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port == _DEFAULT_PORTS[scheme] else f"{name}:{port}"


def _request_once(
    url: str,
    *,
    method: str,
    headers: dict[str, str] | None,
    body: bytes | None,
    watchdog: deadlines.Watchdog,
) -> tuple[HTTPConnection, urllib3.BaseHTTPResponse]:
    """Send one request to the first checked address of the host that answers; its response, headers read."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    name = parts.hostname or ""
    host = _wire_name(name, url)
    port = parts.port or _DEFAULT_PORTS[scheme]
    addresses = resolve(f"{host}." if name.endswith(".") else host, port)  # a final dot: no search domains
    send_headers = {
        "Host": _host_header(host, port, scheme),
        "User-Agent": settings.INGEST_USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        "Accept": "*/*",
        "Connection": "close",  # every fetch opens its own connection (connection.py says why)
    }
    send_headers.update(headers or {})
    path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    error: Exception | None = None
    for ip in addresses:
        if watchdog.remaining() <= 0:
            break
        try:
            conn = connection.connect(scheme, host, port, ip, timeout=max(0.01, min(10.0, watchdog.remaining())))
        except (Urllib3HTTPError, OSError, CertificateError) as exc:
            error = exc
            if isinstance(exc, _ADDRESS_UNANSWERED) and not watchdog.fired:
                continue  # try the next checked address
            break
        try:
            conn.timeout = max(0.01, min(20.0, watchdog.remaining()))  # each read; the watchdog bounds the total
            conn.request(method, path, body=body, headers=send_headers, preload_content=False, decode_content=False)
            return conn, conn.getresponse()
        except (Urllib3HTTPError, HTTPException, OSError) as exc:
            conn.close()
            error = exc
            break
    raise _request_error(url, error, watchdog)


def _request_error(url: str, error: Exception | None, watchdog: deadlines.Watchdog) -> FetchError:
    if watchdog.fired or watchdog.remaining() <= 0:
        return Timeout(f"{url} did not answer within {watchdog.seconds:g} s.", url=url)
    if isinstance(error, ssl.SSLError | urllib3.exceptions.SSLError | CertificateError):
        return ConnectionFailed(f"TLS failed for {url}: {error}.", url=url, transient=False)
    if isinstance(error, _ADDRESS_UNANSWERED):
        return ConnectionFailed(f"Could not connect to {url}: {error}.", url=url)
    if isinstance(error, TimeoutError):
        return Timeout(f"{url} stopped answering: {error}.", url=url)
    return ConnectionFailed(f"The connection to {url} failed: {error}.", url=url)
