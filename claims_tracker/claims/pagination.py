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

from django.db import connections
from django.db.models import Q, QuerySet


class CursorError(ValueError):
    """A `before`/`after` value that is not one we issued."""


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    field: str
    tiered: bool = False  # paged over a list of querysets shown one after another (`tiered_page`)


SORTS: dict[str, Sort] = {
    "claimed": Sort("claimed", "Newest claim", "claimed_at"),
    "changed": Sort("changed", "Latest change of state", "status_changed_at"),
    # Tiers of relevance (see selectors.claim_search_tiers), newest first within each.
    "relevance": Sort("relevance", "Best match", "claimed_at", tiered=True),
}


@dataclass
class Page:
    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None  # older rows: pass as ?after=
    prev_cursor: str | None = None  # newer rows: pass as ?before=

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def encode_cursor(sort: Sort, item: Any, tier: int | None = None) -> str:
    value = getattr(item, sort.field)
    raw = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps([raw, item.pk] if tier is None else [raw, item.pk, tier], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def decode_cursor(sort: Sort, cursor: str, tiers: int | None = None) -> tuple[Any, ...]:
    """(value, pk) of a cursor; (value, pk, tier) when `tiers` (how many there are) is given."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(decoded, list) or len(decoded) != (2 if tiers is None else 3):
            raise TypeError("shape")
        if not all(_is_int(n) for n in decoded[1:]):
            raise TypeError("id or tier")
        value = datetime.fromisoformat(decoded[0])
        if value.tzinfo is None:
            raise TypeError("naive datetime")
        if tiers is None:
            return value, decoded[1]
        if not 0 <= decoded[2] < tiers:
            raise TypeError("tier")
        return value, decoded[1], decoded[2]
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise CursorError(
            "That page link is not valid (it may be from a different sort). Start again from the first page."
        ) from exc


def _older(f: str, value: Any, pk: int) -> Q:
    return Q(**{f"{f}__lte": value}) & (Q(**{f"{f}__lt": value}) | Q(pk__lt=pk))


def _newer(f: str, value: Any, pk: int) -> Q:
    return Q(**{f"{f}__gte": value}) & (Q(**{f"{f}__gt": value}) | Q(pk__gt=pk))


def _read(qs: QuerySet, f: str, *, newest_first: bool, limit: int, fenced: bool) -> list[Any]:
    """The first `limit` rows of `qs` by (f, id), as instances carrying at least pk and `f`.

    `fenced` (PostgreSQL): pick them from all the rows `qs` matches rather than along an index on
    `f`. Walking the index until `limit` rows pass the filter is the planner's choice whenever it
    believes many rows match; for a search word it has no statistics for, it guesses so, and then
    reads every claim to find none. A MATERIALIZED CTE is PostgreSQL's documented fence: the
    matches come from the search index, then only they are sorted.
    """
    order = (f"-{f}", "-pk") if newest_first else (f, "pk")
    if not fenced:
        return list(qs.order_by(*order)[:limit])
    sql, params = qs.order_by().values_list("pk", f).query.sql_with_params()
    direction = "DESC" if newest_first else "ASC"
    with connections[qs.db].cursor() as cursor:
        cursor.execute(
            f"WITH matches AS MATERIALIZED ({sql}) "
            f"SELECT * FROM matches ORDER BY 2 {direction}, 1 {direction} LIMIT %s",
            [*params, limit],
        )
        return [qs.model(pk=pk, **{f: value}) for pk, value in cursor.fetchall()]


def keyset_page(
    qs: QuerySet,
    *,
    sort: Sort,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
    fenced: bool = False,
) -> Page:
    """One page of `qs` ordered by (sort.field, id) descending, after or before a cursor."""
    return _page([(qs, fenced)], sort=sort, after=after, before=before, size=size, tiered=False)


def tiered_page(
    tiers: list[tuple[QuerySet, bool]],
    *,
    sort: Sort,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> Page:
    """keyset_page over querysets shown one after another (the best tier first), each ordered by
    (sort.field, id) descending; each comes with its `fenced` flag (see `_read`). The cursor also
    names its tier.

    Each tier is read by its own query and only when the tiers before it ran out, so a page costs
    one query (two where it straddles a boundary) and no ranking of every match. Tiers must not
    share rows.
    """
    return _page(tiers, sort=sort, after=after, before=before, size=size, tiered=True)


def _page(
    tiers: list[tuple[QuerySet, bool]], *, sort: Sort, after: str | None, before: str | None, size: int, tiered: bool
) -> Page:
    """Both of the above: a plain keyset list is one tier whose cursors do not name it."""
    f = sort.field

    def decode(cursor: str) -> tuple[Any, int, int]:
        if tiered:
            return decode_cursor(sort, cursor, tiers=len(tiers))
        return (*decode_cursor(sort, cursor), 0)

    def encode(tier: int, item: Any) -> str:
        return encode_cursor(sort, item, tier if tiered else None)

    rows: list[tuple[int, Any]] = []
    if before:
        value, pk, start = decode(before)
        for tier in range(start, -1, -1):  # newer rows: up this tier, then up the better ones
            qs, fenced = tiers[tier]
            qs = qs.filter(_newer(f, value, pk)) if tier == start else qs
            found = _read(qs, f, newest_first=False, limit=size + 1 - len(rows), fenced=fenced)
            rows += [(tier, item) for item in found]
            if len(rows) > size:
                break
        shown = list(reversed(rows[:size]))
        if not shown:
            return Page()
        return Page(
            items=[item for _, item in shown],
            next_cursor=encode(*shown[-1]),
            prev_cursor=encode(*shown[0]) if len(rows) > size else None,
        )
    start, position = 0, None
    if after:
        value, pk, start = decode(after)
        position = (value, pk)
    for tier in range(start, len(tiers)):
        qs, fenced = tiers[tier]
        qs = qs.filter(_older(f, *position)) if position and tier == start else qs
        found = _read(qs, f, newest_first=True, limit=size + 1 - len(rows), fenced=fenced)
        rows += [(tier, item) for item in found]
        if len(rows) > size:
            break
    shown = rows[:size]
    return Page(
        items=[item for _, item in shown],
        next_cursor=encode(*shown[-1]) if len(rows) > size else None,
        # Coming from a newer page means there is one to go back to.
        prev_cursor=encode(*shown[0]) if after and shown else None,
    )
