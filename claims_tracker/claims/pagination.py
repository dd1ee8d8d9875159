"""Keyset pagination: the one paginator, for the reader's pages and the API's lists.

Offsets get slower the deeper a reader goes (the database still walks every skipped row); a keyset
page starts from the last row seen, so page 20,000 costs what page 1 costs as long as an index
covers the ordering (see Claim.Meta.indexes: claim_claimed_keyset, claim_updated_keyset, ...).

A `Keyset` is an ordering that ends with the unique `id`, all ascending or all descending. "After
(a, id) = (x, k)" is the row comparison `ROW(a, id) > ROW(x, k)`, made of Django's public
expressions (a `Func` per row, the `GreaterThan` lookup) and used as a Q: an index on (a, id)
answers it as one range scan, also where thousands of rows tie on `a` (a bulk update stamps them
all with one `updated_at`), which `a >= x AND (a > x OR id > k)` would read through one by one.

A cursor is the position of a row, base64url JSON `{"k": keyset name, "p": [values]}` (plus
`"t": tier` on a tiered list, see `tiered_page`); the name stops a cursor of one list from being
replayed against another. API clients keep these (the sync feeds' `next_cursor`), so the format is
part of the API.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connections, models
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

from .models import Claim

Position = Sequence[Any]


class Row(Func):
    """A row value, `ROW(a, b, ...)`, for comparing (sort key, id) pairs in one lookup."""

    function = "ROW"
    output_field = models.Field()  # a composite: compared as a whole, never read


class CursorError(ValueError):
    """A cursor that is not one this list issued."""


@dataclass(frozen=True)
class Keyset:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]  # ends with "id"
    descending: bool = False

    def order_by(self, *, reverse: bool = False) -> list[str]:
        down = self.descending != reverse
        return [f"-{f}" if down else f for f in self.fields]

    def after(self, position: Position) -> Q:
        """Rows strictly after `position` in this order."""
        return self._beyond(position, forward=True)

    def before(self, position: Position) -> Q:
        """Rows strictly before `position` in this order."""
        return self._beyond(position, forward=False)

    def _beyond(self, position: Position, *, forward: bool) -> Q:
        # (a, id) > (x, k) as PostgreSQL's row comparison, which an index on (a, id) answers as a
        # range: however many rows tie on `a`, the scan starts at the position, not before it.
        lookup = LessThan if self.descending == forward else GreaterThan
        return Q(lookup(Row(*(F(f) for f in self.fields)), Row(*(Value(v) for v in position))))

    def position_of(self, row: Any) -> list[Any]:
        get = row.get if isinstance(row, dict) else lambda f: getattr(row, f)
        return [get(f) for f in self.fields]

    # Cursors ---------------------------------------------------------------------------------
    def encode(self, position: Position, tier: int | None = None) -> str:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in position]
        data: dict[str, Any] = {"k": self.name, "p": values, **({"t": tier} if tier is not None else {})}
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str, *, tiers: int | None = None) -> tuple[list[Any], int]:
        """(position, tier) of a cursor; the tier is 0 on a list that is not tiered (`tiers` None)."""
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(data, dict) or data.get("k") != self.name:
                raise ValueError("cursor belongs to another list")
            values = data["p"]
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError("wrong length")
            tier = data.get("t")
            if (tier is None) != (tiers is None) or (tiers is not None and not (_is_int(tier) and 0 <= tier < tiers)):
                raise ValueError("wrong tier")
            position = [self._parse(name, value) for name, value in zip(self.fields, values, strict=True)]
        except (ValueError, KeyError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
            raise CursorError(str(exc)) from exc
        return position, tier or 0

    def _parse(self, name: str, value: Any) -> Any:
        model_field = self.model._meta.get_field(name)
        if isinstance(model_field, models.DateTimeField):
            if not isinstance(value, str):
                raise ValueError(f"{name} must be a timestamp")
            parsed = datetime.fromisoformat(value)
            if timezone.is_naive(parsed):
                raise ValueError(f"{name} needs a time zone")
            return parsed.astimezone(UTC)
        if isinstance(model_field, models.AutoField | models.BigAutoField | models.IntegerField):
            if not _is_int(value):
                raise ValueError(f"{name} must be an integer")
            return value
        if not isinstance(value, str):
            raise ValueError(f"{name} must be text")
        return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class Page:
    items: list[Any] = field(default_factory=list)
    has_more: bool = False  # rows follow the last one
    lookahead: Any = None  # the first of them, read only to know it exists
    next_cursor: str | None = None  # the rows after these
    prev_cursor: str | None = None  # the rows before these (reader pages)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


Tiers = Sequence[tuple[QuerySet, bool]]  # querysets shown one after another, each with its `fenced` flag


# Loads the rows a page picked, given the picking query (sql, params; its columns are the keyset's
# fields, its rows in page order) and that order's direction ("ASC" or "DESC"): one round trip for
# the page's ids and its rows (the reader's list: selectors.claim_rows_picked).
Loader = Callable[[str, Sequence[Any], str], list[Any]]


def read(
    qs: QuerySet,
    keyset: Keyset,
    *,
    limit: int,
    reverse: bool = False,
    fenced: bool = False,
    load: Loader | None = None,
) -> list[Any]:
    """The first `limit` rows of `qs` in the keyset's order (or the reverse order).

    `fenced`: pick them from all the rows `qs` matches rather than along an index on the
    ordering. Walking the index until `limit` rows pass the filter is the planner's choice whenever
    it believes many rows match; for a search word it has no statistics for, it guesses so, and
    then reads every claim to find none. A MATERIALIZED CTE is PostgreSQL's documented fence: the
    matches come from the search index, then only they are sorted. Fenced rows are instances
    carrying only the keyset's fields.

    `load`: the rows are what `load` makes of the picking query, in the same round trip.
    """
    if not fenced and load is None:
        return list(qs.order_by(*keyset.order_by(reverse=reverse))[:limit])
    direction = "DESC" if keyset.descending != reverse else "ASC"
    order = ", ".join(f"{i} {direction}" for i in range(1, len(keyset.fields) + 1))
    if fenced:
        matches, params = qs.order_by().values_list(*keyset.fields).query.sql_with_params()
        sql = f"WITH matches AS MATERIALIZED ({matches}) SELECT * FROM matches ORDER BY {order} LIMIT %s"
        params = [*params, limit]
    else:
        picked = qs.order_by(*keyset.order_by(reverse=reverse)).values_list(*keyset.fields)[:limit]
        sql, params = picked.query.sql_with_params()
    if load is not None:
        return load(sql, params, direction)
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [qs.model(**dict(zip(keyset.fields, row, strict=True))) for row in cursor.fetchall()]


def walk(
    tiers: Tiers,
    keyset: Keyset,
    *,
    limit: int,
    start: tuple[int, Position] | None = None,
    backwards: bool = False,
    load: Loader | None = None,
) -> list[tuple[int, Any]]:
    """Up to `limit` (tier, row) pairs after `start` (tier, position), continuing into the next tiers;
    `backwards`: before it, nearest first, continuing into the tiers before. Each tier is read by its
    own query and only when the ones before it ran out."""
    first = start[0] if start else (len(tiers) - 1 if backwards else 0)
    rows: list[tuple[int, Any]] = []
    for tier in range(first, -1, -1) if backwards else range(first, len(tiers)):
        qs, fenced = tiers[tier]
        if start is not None and tier == first:
            qs = qs.filter(keyset.before(start[1]) if backwards else keyset.after(start[1]))
        found = read(qs, keyset, limit=limit - len(rows), reverse=backwards, fenced=fenced, load=load)
        rows += [(tier, row) for row in found]
        if len(rows) >= limit:
            break
    return rows


def page_after(qs: QuerySet, keyset: Keyset, *, position: Position | None, size: int) -> Page:
    """One page after `position` (from the start when None): size + 1 rows are read, the extra one
    only says there is more. The caller makes the cursor (`keyset.encode`)."""
    start = None if position is None else (0, position)
    rows = [row for _, row in walk([(qs, False)], keyset, limit=size + 1, start=start)]
    has_more = len(rows) > size
    return Page(items=rows[:size], has_more=has_more, lookahead=rows[size] if has_more else None)


# The reader's claim list ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    field: str
    tiered: bool = False  # paged over a list of querysets shown one after another (`tiered_page`)

    @property
    def keyset(self) -> Keyset:
        return Keyset(self.key, Claim, (self.field, "id"), descending=True)


SORTS: dict[str, Sort] = {
    "claimed": Sort("claimed", "Newest claim", "claimed_at"),
    "changed": Sort("changed", "Latest change of state", "status_changed_at"),
    # Tiers of relevance (see selectors.claim_search_tiers), newest first within each.
    "relevance": Sort("relevance", "Best match", "claimed_at", tiered=True),
}
INVALID_LINK = "That page link is not valid (it may be from a different sort). Start again from the first page."


def encode_cursor(sort: Sort, item: Any, tier: int | None = None) -> str:
    return sort.keyset.encode(sort.keyset.position_of(item), tier)


def decode_cursor(sort: Sort, cursor: str, tiers: int | None = None) -> tuple[Any, ...]:
    """(value, id) of a cursor; (value, id, tier) when `tiers` (how many there are) is given."""
    try:
        position, tier = sort.keyset.decode(cursor, tiers=tiers)
    except CursorError as exc:
        raise CursorError(INVALID_LINK) from exc
    return (*position, tier) if tiers is not None else tuple(position)


def keyset_page(
    qs: QuerySet,
    *,
    sort: Sort,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
    fenced: bool = False,
    load: Loader | None = None,
) -> Page:
    """One page of `qs`, newest first by (sort.field, id), after or before a cursor; `load`: see `read`."""
    return _page([(qs, fenced)], sort=sort, after=after, before=before, size=size, tiered=False, load=load)


def tiered_page(
    tiers: Tiers,
    *,
    sort: Sort,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
    load: Loader | None = None,
) -> Page:
    """keyset_page over querysets shown one after another (the best tier first), each newest first,
    each with its `fenced` flag (see `read`). The cursor also names its tier. A page costs one query
    (two where it straddles a boundary) and no ranking of every match. Tiers must not share rows."""
    return _page(tiers, sort=sort, after=after, before=before, size=size, tiered=True, load=load)


def _page(
    tiers: Tiers,
    *,
    sort: Sort,
    after: str | None,
    before: str | None,
    size: int,
    tiered: bool,
    load: Loader | None = None,
) -> Page:
    keyset = sort.keyset

    def decode(cursor: str) -> tuple[int, Position]:
        try:
            position, tier = keyset.decode(cursor, tiers=len(tiers) if tiered else None)
        except CursorError as exc:
            raise CursorError(INVALID_LINK) from exc
        return tier, position

    def encode(tier: int, item: Any) -> str:
        return keyset.encode(keyset.position_of(item), tier if tiered else None)

    if before:
        rows = walk(tiers, keyset, limit=size + 1, start=decode(before), backwards=True, load=load)
        shown = list(reversed(rows[:size]))
        if not shown:
            return Page()
        return Page(
            items=[item for _, item in shown],
            has_more=True,
            next_cursor=encode(*shown[-1]),
            prev_cursor=encode(*shown[0]) if len(rows) > size else None,
        )
    rows = walk(tiers, keyset, limit=size + 1, start=decode(after) if after else None, load=load)
    shown = rows[:size]
    return Page(
        items=[item for _, item in shown],
        has_more=len(rows) > size,
        next_cursor=encode(*shown[-1]) if len(rows) > size else None,
        # Coming from a newer page means there is one to go back to.
        prev_cursor=encode(*shown[0]) if after and shown else None,
    )
