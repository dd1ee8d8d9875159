"""Address checks: which URLs and addresses may be fetched from at all (server-side request forgery).

A feed entry, a pasted URL or a webhook target can name an address inside our network (the cloud metadata
service at 169.254.169.254, a database on 10.0.0.5, Redis on 127.0.0.1). `validate_url` refuses what the URL
alone shows (scheme, credentials, a literal or numeric address); `resolve` resolves a host once and refuses it if
any address it resolves to is blocked, and the client connects to one of the addresses it returned, never
resolving the name again (so DNS rebinding between check and connect gains nothing).
`settings.INGEST_ALLOW_PRIVATE_NETWORKS` lets tests and closed newsrooms fetch from loopback and private ranges;
link-local (metadata), unspecified, multicast and reserved addresses stay blocked whatever it says.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from claims_tracker.lib.urls import host_problem

from .errors import BlockedAddress, ConnectionFailed, InvalidURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
# Hostnames written as numbers: 2130706433, 0x7f000001, 0177.0.0.1, 127.1. inet_aton reads them the way the
# C library (and so the connection) would, so we check the address they really mean.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.I)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


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
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return None if allow_private else "an IPv6 unique-local address"
    if ip.is_private:
        if allow_private and not ip.is_reserved:
            return None
        return "a private or reserved address"
    if ip.is_reserved or not ip.is_global:
        return "a reserved address"
    return None


def literal_ip(host: str) -> IPAddress | None:
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
    if problem := host_problem(parts.hostname):
        raise InvalidURL(problem, url=url[:300])
    if parts.username or parts.password:
        raise InvalidURL("URLs with a user name or password are not fetched.", url=url)
    if port == 0:
        raise InvalidURL("Port 0 is not a valid port.", url=url)
    ip = literal_ip(parts.hostname)
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
    literal = literal_ip(host)
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
