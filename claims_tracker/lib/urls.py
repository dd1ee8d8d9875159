"""Addresses that are safe to put in a link."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import URLValidator

# For forms and serializers that take an address (Django's own URLValidator also allows ftp and ftps).
web_url_validator = URLValidator(schemes=["http", "https"], message="Enter an http or https address.")


def web_url(value: str | None) -> str:
    """`value` when it is an http(s) address with a host, else "": what a page may link to.

    Stored addresses came from outside (a feed, a page's canonical link, a command line); a `javascript:` or
    `data:` one must never become a link, whatever checks it passed when it was stored.
    """
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return ""
    return value
