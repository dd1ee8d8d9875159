"""Keyset (cursor) pagination on a unique, indexed ordering. No COUNT(*), no OFFSET.

A cursor is the position of the last row served: the values of the ordering columns, ending
with `id` so that the ordering is unique. The next page is `WHERE (a, id) > (x, y)` (or `<` for a
descending keyset), which PostgreSQL answers from the matching composite index at any depth.
The opaque string is base64url JSON `{"k": keyset name, "p": [values]}`; the name stops a
cursor from one list being replayed against another.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Keyset:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]  # ends with "id"
    descending: bool = False

    def order_by(self) -> list[str]:
        return [f"-{f}" if self.descending else f for f in self.fields]

    def after(self, qs: QuerySet, position: Sequence[Any]) -> QuerySet:
        """Rows strictly after `position` in this keyset's order."""
        lookup = TupleLessThan if self.descending else TupleGreaterThan
        return qs.filter(lookup(Tuple(*(F(f) for f in self.fields)), tuple(position)))

    def position_of(self, row: Any) -> list[Any]:
        get = row.get if isinstance(row, dict) else lambda f: getattr(row, f)
        return [get(f) for f in self.fields]

    # Cursor encoding -------------------------------------------------------------------
    def encode(self, position: Sequence[Any]) -> str:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in position]
        raw = json.dumps({"k": self.name, "p": values}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("k") != self.name:
                raise ValueError("cursor belongs to another list")
            values = data["p"]
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError("wrong length")
            return [self._parse(field, value) for field, value in zip(self.fields, values, strict=True)]
        except (ValueError, KeyError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
            raise ValidationError(
                {"cursor": [f"Not a cursor of this list ({exc}). Use `next_cursor` from a previous page."]}
            )

    def _parse(self, field: str, value: Any) -> Any:
        model_field = self.model._meta.get_field(field)
        if isinstance(model_field, models.DateTimeField):
            if not isinstance(value, str):
                raise ValueError(f"{field} must be a timestamp")
            parsed = datetime.fromisoformat(value)
            if timezone.is_naive(parsed):
                raise ValueError(f"{field} needs a time zone")
            return parsed.astimezone(UTC)
        if isinstance(model_field, models.AutoField | models.BigAutoField | models.IntegerField):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{field} must be an integer")
            return value
        if not isinstance(value, str):
            raise ValueError(f"{field} must be text")
        return value


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


@dataclass
class Page:
    rows: list[Any]
    has_more: bool
    next_cursor: str | None
    lookahead: Any = None  # the first row of the next page (fetched only to know it exists)


def paginate(qs: QuerySet, keyset: Keyset, *, position: Sequence[Any] | None, size: int) -> Page:
    """One page after `position`: fetch size + 1 rows, the extra one only says "there is more"."""
    if position is not None:
        qs = keyset.after(qs, position)
    rows = list(qs.order_by(*keyset.order_by())[: size + 1])
    has_more = len(rows) > size
    lookahead = rows[size] if has_more else None
    rows = rows[:size]
    next_cursor = keyset.encode(keyset.position_of(rows[-1])) if has_more and rows else None
    return Page(rows=rows, has_more=has_more, next_cursor=next_cursor, lookahead=lookahead)


def next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(sorted(params.lists()), doseq=True)


def envelope(request: Request, page: Page, results: list[dict], **extra: Any) -> dict:
    return {
        "results": results,
        "has_more": page.has_more,
        "next_cursor": page.next_cursor,
        "next": next_link(request, page.next_cursor) if page.has_more else None,
        **extra,
    }
