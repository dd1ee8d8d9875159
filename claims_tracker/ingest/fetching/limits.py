"""Reading a response within limits: status, content type, size after decompression, and the deadline."""

from __future__ import annotations

from http.client import HTTPException

import urllib3
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from .deadlines import Watchdog
from .errors import BadContentType, ConnectionFailed, FetchError, FetchResult, Timeout, TooLarge, status_error

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024


def content_type_allowed(content_type: str, allowed: tuple[str, ...] | list[str] | None) -> bool:
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


def parse_content_type(value: str) -> tuple[str, str | None]:
    main, _, params = (value or "").partition(";")
    encoding = None
    for param in params.split(";"):
        key, _, val = param.strip().partition("=")
        if key.lower() == "charset" and val:
            encoding = val.strip().strip("\"'") or None
    return main.strip().lower(), encoding


def read_result(
    response: urllib3.BaseHTTPResponse,
    *,
    url: str,
    watchdog: Watchdog,
    deadline: float,
    max_bytes: int,
    allowed_content_types,
    accept_statuses: tuple[int, ...],
    redirects: list[str],
) -> FetchResult:
    """The response as a FetchResult, or the FetchError saying which limit it broke."""
    if watchdog.fired:
        # The deadline cut the headers short (a server dripping them): what arrived is no answer to judge,
        # and a missing Content-Type must not read as a page of the wrong type (a permanent failure).
        raise Timeout(f"{url} did not send its headers within {deadline:g} s.", url=url)
    status = response.status
    headers = {k.lower(): v for k, v in response.headers.items()}
    content_type, encoding = parse_content_type(headers.get("content-type", ""))
    if status == 304:
        return FetchResult(status, headers, b"", url, content_type, encoding, redirects)
    if not (200 <= status < 300) and status not in accept_statuses:
        raise status_error(status, url)
    if 200 <= status < 300 and not content_type_allowed(content_type, allowed_content_types):
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
    except (Urllib3HTTPError, HTTPException, OSError) as exc:
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
