"""Keyset ("before/after") pagination for lists ordered newest first.

Offsets get slower the deeper a reader goes (the database still walks every skipped row);
a keyset page starts from the last row seen, so page 20,000 costs what page 1 costs as long
as an index covers (sort field, id): see Claim.Meta.indexes (claim_claimed_keyset, ...).

The condition is written as `f <= v AND (f < v OR id < k)` rather than `(f, id) < (v, k)`:
the first half is a plain range an index scan can start from, and it works on SQLite too.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet


class CursorError(ValueError):
    """A `before`/`after` value that is not one we issued."""


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    field: str
    kind: str = "datetime"  # how the cursor's value is read back: datetime or float


SORTS: dict[str, Sort] = {
    "claimed": Sort("claimed", "Newest claim", "claimed_at"),
    "changed": Sort("changed", "Latest change of state", "status_changed_at"),
    "relevance": Sort("relevance", "Best match", "rank", kind="float"),
}


@dataclass
class Page:
    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None  # older rows: pass as ?after=
    prev_cursor: str | None = None  # newer rows: pass as ?before=

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def encode_cursor(sort: Sort, item: Any) -> str:
    value = getattr(item, sort.field)
    raw = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps([raw, item.pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise TypeError("id")
        if sort.kind == "float":
            if not isinstance(raw, int | float) or isinstance(raw, bool):
                raise TypeError("value")
            return float(raw), pk
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise TypeError("naive datetime")
        return value, pk
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise CursorError(
            "That page link is not valid (it may be from a different sort). Start again from the first page."
        ) from exc


def keyset_page(
    qs: QuerySet, *, sort: Sort, after: str | None = None, before: str | None = None, size: int = 50
) -> Page:
    """One page of `qs` ordered by (sort.field, id) descending, after or before a cursor."""
    f = sort.field
    if before:
        value, pk = decode_cursor(sort, before)
        newer = Q(**{f"{f}__gte": value}) & (Q(**{f"{f}__gt": value}) | Q(pk__gt=pk))
        rows = list(qs.filter(newer).order_by(f, "pk")[: size + 1])
        more_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        if not items:
            return Page()
        return Page(
            items=items,
            next_cursor=encode_cursor(sort, items[-1]),
            prev_cursor=encode_cursor(sort, items[0]) if more_newer else None,
        )
    if after:
        value, pk = decode_cursor(sort, after)
        older = Q(**{f"{f}__lte": value}) & (Q(**{f"{f}__lt": value}) | Q(pk__lt=pk))
        qs = qs.filter(older)
    rows = list(qs.order_by(f"-{f}", "-pk")[: size + 1])
    items = rows[:size]
    return Page(
        items=items,
        next_cursor=encode_cursor(sort, items[-1]) if len(rows) > size else None,
        # Coming from a newer page means there is one to go back to.
        prev_cursor=encode_cursor(sort, items[0]) if after and items else None,
    )
