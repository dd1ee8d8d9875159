"""An archived page rendered inert: no scripts, nothing fetched from anywhere.

nh3 keeps only harmless markup (no script, style, iframe, object, form, link or meta), and every attribute
that would load something (an image's src, say) is dropped unless it is a data: URL. The view serves the result
under a Content-Security-Policy that allows nothing but inline styles and data: images, in a sandbox: even if a
page got something past the sanitiser, the browser would neither run nor fetch it.
"""

from __future__ import annotations

import base64
import html

import nh3

from claims_tracker.ingest.fetching.limits import parse_content_type

from .warc import Payload

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
_LOADING_ATTRIBUTES = {"src", "srcset", "poster", "background", "data", "action", "formaction"}


_URL_SCHEMES = {"http", "https", "mailto", "data"}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Loading attributes keep data: URLs only; everything else (a link's href) never keeps one."""
    is_data = value.strip().lower().startswith("data:")
    if attribute in _LOADING_ATTRIBUTES:
        return value if is_data else None
    return None if is_data else value


def content_type_of(payload: Payload) -> tuple[str, str | None]:
    value = next((v for k, v in payload.headers if k.lower() == "content-type"), "")
    return parse_content_type(value)


def inert_body(payload: Payload) -> str | None:
    """The page as safe HTML to show, or None when it is not something to show (a PDF, say: download it)."""
    content_type, encoding = content_type_of(payload)
    if content_type.startswith("image/"):
        data = base64.b64encode(payload.body).decode("ascii")
        return f'<img alt="archived image" src="data:{html.escape(content_type)};base64,{data}">'
    if content_type not in ("text/html", "application/xhtml+xml", "text/plain", ""):
        return None
    try:
        text = payload.body.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        text = payload.body.decode("utf-8", errors="replace")
    if content_type == "text/plain":
        return f"<pre>{html.escape(text)}</pre>"
    return nh3.clean(
        text, attribute_filter=_keep_attribute, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer nofollow"
    )
