"""Addresses that are safe to put in a link, and the one check of an address a client or an editor gives us.

`web_url_validator` is that check for forms and serializers; `host_problem` is its host-name part, which the
fetcher's `validate_url` (pasted URLs, the command line, feeds, webhook targets) applies as well, so every
entry refuses the same over-long names with the same words.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# RFC 1035: a DNS name holds at most 253 characters (without the root's dot), each label at most 63.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63


def host_problem(hostname: str) -> str | None:
    """Why `hostname` cannot be looked up in DNS (too long, or a label too long), or None when it can."""
    name = hostname.rstrip(".")
    if len(name) > MAX_HOST_LENGTH:
        return f"The host name is {len(name)} characters long; at most {MAX_HOST_LENGTH} are allowed."
    label = next((part for part in name.split(".") if len(part) > MAX_LABEL_LENGTH), None)
    if label is not None:
        return (
            f"A part of the host name ({label[:20]}…) is {len(label)} characters long; "
            f"at most {MAX_LABEL_LENGTH} are allowed between dots."
        )
    return None


class WebURLValidator(URLValidator):
    """Django's URLValidator, saying why a host name is refused (its own word is only "Enter a valid URL")."""

    def __call__(self, value: str) -> None:
        try:
            hostname = urlsplit(value).hostname if isinstance(value, str) else None
        except ValueError:
            hostname = None  # Django's check below refuses it
        if hostname and (problem := host_problem(hostname)):
            # Not code "invalid": a form field puts its own "Enter a valid URL." in place of an error of that code.
            raise ValidationError(problem, code="host_name", params={"value": value})
        super().__call__(value)


# For forms and serializers that take an address (Django's own URLValidator also allows ftp and ftps).
web_url_validator = WebURLValidator(schemes=["http", "https"], message="Enter an http or https address.")


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
