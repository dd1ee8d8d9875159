"""A fetched page -> the article fields it gives: text, and what extraction found beside it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from .. import fetching

MIN_PAGE_TEXT = 40  # fewer characters than this is a menu or an error page, not a report


def page_fields(*, body: bytes, content_type: str, encoding: str | None, url: str) -> dict[str, Any]:
    """The article's fields from a page. Raises ValueError when extraction cannot read it.

    Plain text is the report as it is; anything else goes through extraction. Nothing here touches the
    database. Extraction is imported when first needed, not by the web processes that import the services.
    """
    if content_type == "text/plain":
        return {"text": _decode(body, encoding)}
    from .. import extraction

    return _fields_from_extraction(extraction.extract(body, url=url), url)


def has_report_text(fields: dict[str, Any]) -> bool:
    return len(fields["text"].strip()) >= MIN_PAGE_TEXT


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def _fields_from_extraction(extracted, final_url: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"text": extracted.text or ""}
    canonical = _usable_canonical(extracted.canonical_url, final_url)
    if canonical:
        fields["canonical_url"] = canonical
    for name, value, limit in (("title", extracted.title, 500), ("byline", extracted.byline, 500)):
        if value:
            fields[name] = value[:limit]
    if extracted.language:
        fields["language"] = extracted.language[:20]
    if extracted.published:
        fields["published_at"] = extracted.published  # unless the article has one (store.KEEP_EXISTING)
    if extracted.claimreview:
        fields["claimreview"] = extracted.claimreview
    return fields


def _usable_canonical(candidate: str, final_url: str) -> str:
    """A page's canonical link, unless it is useless for dedupe (not http(s), or a bare home page)."""
    if not candidate:
        return ""
    try:
        url = fetching.validate_url(urljoin(final_url, candidate))
    except fetching.FetchError:
        return ""
    normalized = fetching.normalize_url(url)
    return "" if urlsplit(normalized).path in ("", "/") else normalized
