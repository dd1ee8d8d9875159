"""A list page's ETag material: one text per row, built by PostgreSQL, the same on both paths.

Each row carries an `etag_key` annotation: its key fields in one text. A full response joins
the keys of the rows it actually serialised (so the ETag always matches the body it travels
with, same statement, same snapshot). A conditional request asks for the same join in one
aggregate row (`page_key_text`): no row objects, no timestamps parsed in Python. Both cover the
page's rows and the look-ahead row that decides `has_more`, so a page that gains or loses a
successor changes its ETag too. One SQL expression on both paths: they cannot drift apart.

Encoding of one value: NULL is empty; text is `<length>/<text>`, so a value holding the
separators cannot make two pages look alike; anything else (numbers, timestamps) is PostgreSQL's
own text form, which for a timestamp is exact to the microsecond and written in the session's
time zone (Django pins it, UTC by default) without "|" or ",". Values are joined with "|" within a
row and rows with ",", in the keyset's order. PostgreSQL's own output is the cheapest encoding to
build: arithmetic on EXTRACT(EPOCH ...), which is numeric, made the key query a third slower.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import F, Func, QuerySet, TextField
from django.db.models.functions import Length

from .pagination import Keyset

ALIAS = "etag_key"
Build = Callable[[Sequence[Any] | None], QuerySet]  # position -> keyed, filtered rows after it
Newest = tuple[type[models.Model], str]  # (model, timestamp field): see `newest_sql`
_expressions: dict[tuple, Func] = {}


def row_key(qs: QuerySet, fields: Sequence[str]) -> Func:
    """The expression of a row's key text (PostgreSQL's concat() reads NULL as empty).

    Separators are SQL literals, not parameters: the statement's only parameters are the
    filter's, so PostgreSQL can type every one of them (see `page_key_text`).
    """
    key = (qs.model, tuple(fields), tuple(sorted(qs.query.annotations)))
    found = _expressions.get(key)
    if found is None:
        probe = qs.annotate(**{f"etag_probe{i}": F(f) for i, f in enumerate(fields)})
        parts: list[Any] = []
        for i, field in enumerate(fields):
            if isinstance(probe.query.annotations[f"etag_probe{i}"].output_field, models.CharField | models.TextField):
                parts.append(Func(Length(F(field)), F(field), function="concat", arg_joiner=", '/', "))
            else:
                parts.append(F(field))
        # Built once per list: expressions are copied, never changed, when a queryset uses them.
        found = _expressions[key] = Func(*parts, function="concat", arg_joiner=", '|', ", output_field=TextField())
    return found


def with_row_keys(qs: QuerySet, fields: Sequence[str]) -> QuerySet:
    return qs.annotate(**{ALIAS: row_key(qs, fields)})


def key_text(rows: Iterable[Any]) -> str:
    """The page's key text from rows fetched with `with_row_keys` (dicts or instances)."""
    return ",".join(row[ALIAS] if isinstance(row, dict) else getattr(row, ALIAS) for row in rows)


def newest_sql(newest: Newest) -> str:
    """The page-independent part of a list's key: the newest value of a timestamp over a whole
    table (a list showing claimant names: the last claimant change), in whole microseconds since
    the epoch (EXTRACT returns numeric on PostgreSQL 14+: exact), as a scalar subquery. One max()
    over an index instead of a join per row. The full response reads it with its Last-Modified
    (`queries.latest_and_horizon`), the key query inside its own statement."""
    model, field = newest
    quote = connections[router.db_for_read(model)].ops.quote_name
    column, table = quote(model._meta.get_field(field).column), quote(model._meta.db_table)
    return f"SELECT (EXTRACT(EPOCH FROM max({column})) * 1000000)::bigint FROM {table}"


def _wrapped(qs: QuerySet, order_by: Sequence[str], limit: int, extra: str | None = None) -> tuple[str, list[Any]]:
    # The aggregate reads the page in the subquery's order, as PostgreSQL's documentation says a
    # sorted subquery does (an ORDER BY inside string_agg would sort the page a second time, a
    # fifth of the query's cost). Were the order ever to differ, the text would differ from the
    # full response's and the client would get a 200, never a wrong 304; the tests compare both.
    inner = qs.order_by(*order_by).values(ALIAS)[:limit]
    sql, params = inner.query.sql_with_params()
    keys = f"coalesce(string_agg(\"{ALIAS}\", ','), '')"
    if extra:
        keys = f"concat({keys}, ';', ({extra}))"
    return f"SELECT {keys} FROM ({sql}) AS page", list(params)


# Compiled key queries by request shape: building and compiling the queryset costs more than
# running it. Only for lists whose query depends on nothing but the request's parameters (the
# caller says so by passing `shape`); the cursor's values are the only parameters that vary,
# compiled from stand-ins and put in their slots at each request.
_compiled: OrderedDict[tuple, tuple[str, list[Any], list[tuple[int, int]], str]] = OrderedDict()
MAX_COMPILED = 256


def _stand_ins(keyset: Keyset) -> list[Any]:
    values: list[Any] = []
    for i, name in enumerate(keyset.fields):
        field = keyset.model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            values.append(datetime(1971, 2, 3, 4, 5, 6, 654321 - i, tzinfo=UTC))
        elif isinstance(field, models.IntegerField | models.AutoField):
            values.append(-7_654_321_987_654 - i)
        else:
            values.append(f"\x1fetag-stand-in-{i}\x1f")
    return values


def _compile(build: Build, keyset: Keyset, with_position: bool, limit: int, extra: str | None) -> tuple | None:
    stand_ins = _stand_ins(keyset) if with_position else None
    qs = build(stand_ins)
    sql, params = _wrapped(qs, keyset.order_by(), limit, extra)
    slots = [
        (i, j) for i, p in enumerate(params) for j, s in enumerate(stand_ins or ()) if type(p) is type(s) and p == s
    ]
    if stand_ins is not None and {j for _, j in slots} != set(range(len(stand_ins))):
        return None  # a stand-in was transformed on its way into the SQL: do not cache
    return sql, params, slots, qs.db


def _fetch_one(sql: str, params: Sequence[Any], using: str) -> Any:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def page_key_text(
    build: Build,
    *,
    keyset: Keyset,
    position: Sequence[Any] | None,
    limit: int,
    shape: tuple | None = None,
    newest: Newest | None = None,
) -> str:
    """`key_text` of the first `limit` rows (in the keyset's order) of `build(position)`, a
    filtered queryset after `position`, followed by ";" and the `newest_sql` value, in one row.

    With `shape` (everything but the cursor that decides the query), the compiled SQL is reused.
    """
    if shape is not None:
        shape = (*shape, keyset.name, position is not None, limit)
        entry = _compiled.get(shape)
        if entry is None:
            entry = _compile(build, keyset, position is not None, limit, newest_sql(newest) if newest else None)
            if entry is not None:
                _compiled[shape] = entry
                while len(_compiled) > MAX_COMPILED:
                    _compiled.popitem(last=False)
        if entry is not None:
            sql, template, slots, using = entry
            params = list(template)
            for i, j in slots:
                params[i] = position[j]  # type: ignore[index]
            return _fetch_one(sql, params, using)
    qs = build(position)
    extra = newest_sql(newest) if newest else None
    try:
        sql, params = _wrapped(qs, keyset.order_by(), limit, extra)
    except EmptyResultSet:  # a filter that can match nothing (an empty id list): no rows, no keys
        return _fetch_one(f"SELECT concat('', ';', ({extra}))", [], qs.db) if extra else ""
    return _fetch_one(sql, params, qs.db)
