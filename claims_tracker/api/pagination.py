"""The API's side of the one paginator (`claims.pagination`): its query parameters (`cursor`,
`page_size`, dates) as 400s in the API's error shape, and the list envelope. No COUNT(*), no OFFSET.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from claims_tracker.claims.pagination import CursorError, Keyset, Page, page_after

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

__all__ = ["Keyset", "Page", "envelope", "page_after", "page_size_from", "parse_aware", "position_from"]


def position_from(keyset: Keyset, cursor: str) -> list[Any]:
    """The position a `cursor` parameter names, or a 400."""
    try:
        return keyset.decode(cursor)[0]
    except CursorError as exc:
        raise ValidationError(
            {"cursor": [f"Not a cursor of this list ({exc}). Use `next_cursor` from a previous page."]}
        )


def parse_aware(raw: str, field: str) -> datetime:
    """An ISO 8601 date-time with a zone, or a 400 naming the parameter."""
    try:
        parsed = parse_datetime(raw.strip())
    except ValueError:
        parsed = None
    if parsed is None or timezone.is_naive(parsed):
        raise ValidationError({field: ["An ISO 8601 date-time with a time zone, e.g. 2023-01-13T09:40:00Z."]})
    return to_utc(parsed, field)


def to_utc(value: datetime, field: str) -> datetime:
    """In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({field: ["This date-time is out of range."]})


def page_size_from(request: Request) -> int:
    raw = request.query_params.get("page_size")
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


def with_next_cursor(page: Page, keyset: Keyset) -> Page:
    if page.has_more and page.items:
        page.next_cursor = keyset.encode(keyset.position_of(page.items[-1]))
    return page


def next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(sorted(params.lists()), doseq=True)


def envelope(request: Request, page: Page, results: Sequence[dict], **extra: Any) -> dict:
    return {
        "results": results,
        "has_more": page.has_more,
        "next_cursor": page.next_cursor,
        "next": next_link(request, page.next_cursor) if page.has_more else None,
        **extra,
    }
