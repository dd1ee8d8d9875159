"""What a fetch answers: a FetchResult, or a FetchError subclass saying why not and whether trying later may help."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    """A 4xx (permanent, except 408/425/429) or 5xx (transient) answer."""

    code = "bad_status"


def status_error(status: int, url: str) -> BadStatus:
    transient = status >= 500 or status in (408, 425, 429)
    return BadStatus(f"The server answered HTTP {status} for {url}.", url=url, status=status, transient=transient)


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
