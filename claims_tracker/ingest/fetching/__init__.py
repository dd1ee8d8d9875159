"""The one safe HTTP client: everything the system fetches (feeds, articles, webhooks) goes through `safe_fetch`.

Server-side request forgery is the risk: a feed entry, a pasted URL or a webhook target can name an address
inside our network. So the host is resolved once, every address it resolves to is checked, and the connection
goes to the checked address (the name is kept for the Host header, SNI and the certificate check, never resolved
again, so DNS rebinding between check and connect gains nothing). Each redirect hop is checked the same way.
A total deadline bounds every fetch, even against a server dripping one byte a second; the body cap counts
decompressed bytes, so a gzip bomb stops at the cap.

    addresses.py   which URLs and addresses may be fetched from (SSRF checks), URL normalisation
    connection.py  a connection to the checked address on urllib3's public API (TLS included)
    deadlines.py   the total deadline: a watchdog shuts a fetch's sockets down when it passes
    limits.py      reading a response within limits: status, content type, size, time
    client.py      safe_fetch: request, redirects, errors
    errors.py      FetchResult and the FetchError family
"""

from .addresses import MAX_URL_LENGTH, IPAddress, address_problem, normalize_url, resolve, validate_url
from .client import DEFAULT_DEADLINE, MAX_REDIRECTS, safe_fetch
from .errors import (
    BadContentType,
    BadStatus,
    BlockedAddress,
    ConnectionFailed,
    FetchError,
    FetchResult,
    InvalidURL,
    Timeout,
    TooLarge,
    TooManyRedirects,
)
from .limits import DEFAULT_MAX_BYTES

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "MAX_REDIRECTS",
    "MAX_URL_LENGTH",
    "BadContentType",
    "BadStatus",
    "BlockedAddress",
    "ConnectionFailed",
    "FetchError",
    "FetchResult",
    "IPAddress",
    "InvalidURL",
    "Timeout",
    "TooLarge",
    "TooManyRedirects",
    "address_problem",
    "normalize_url",
    "resolve",
    "safe_fetch",
    "validate_url",
]
