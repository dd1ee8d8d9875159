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

On other databases (the embedded SQLite default) the key fields are fetched as they are, one
annotation each (`etag_f0`, `etag_f1`, ...), and encoded in Python on both paths (`_encoded`, a
timestamp as epoch microseconds): `etag_fallback` decides, by the connection's vendor at call time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import F, Func, Max, QuerySet, TextField
from django.db.models.functions import Length

from . import prepared
from .pagination import Keyset

ALIAS = "etag_key"
Build = Callable[[Sequence[Any] | None], QuerySet]  # position -> keyed, filtered rows after it
_types: dict[tuple, list[models.Field]] = {}
_expressions: dict[tuple, Func] = {}


# A timestamp as whole microseconds since the epoch, in SQL, the same text `_encoded` makes in
# Python (EXTRACT returns numeric on PostgreSQL 14+: exact). For `newest_key`, which one path
# reads in Python and the other in SQL; row keys never cross over (see the module docstring).
_EPOCH_MICROS_SQL = "(EXTRACT(EPOCH FROM {}) * 1000000)::bigint"


def _field_types(qs: QuerySet, fields: Sequence[str]) -> list[models.Field]:
    key = (qs.model, tuple(fields), tuple(sorted(qs.query.annotations)))
    found = _types.get(key)
    if found is None:
        probe = qs.annotate(**{f"etag_probe{i}": F(f) for i, f in enumerate(fields)})
        found = [probe.query.annotations[f"etag_probe{i}"].output_field for i in range(len(fields))]
        _types[key] = found
    return found


def row_key(qs: QuerySet, fields: Sequence[str]) -> Func:
    """The expression of a row's key text (PostgreSQL's concat() reads NULL as empty).

    Separators are SQL literals, not parameters: the statement's only parameters are the
    filter's, so PostgreSQL can type every one of them (see `page_key_text`).
    """
    key = (qs.model, tuple(fields), tuple(sorted(qs.query.annotations)))
    found = _expressions.get(key)
    if found is None:
        parts: list[Any] = []
        for field, output in zip(fields, _field_types(qs, fields), strict=True):
            if isinstance(output, models.CharField | models.TextField):
                parts.append(Func(Length(F(field)), F(field), function="concat", arg_joiner=", '/', "))
            else:
                parts.append(F(field))
        # Built once per list: expressions are copied, never changed, when a queryset uses them.
        found = _expressions[key] = Func(*parts, function="concat", arg_joiner=", '|', ", output_field=TextField())
    return found


FIELD_PREFIX = "etag_f"  # the fallback's per-field annotations
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def etag_fallback(qs: QuerySet) -> bool:
    """True when `qs`'s database is not PostgreSQL: keys are then encoded in Python."""
    return connections[qs.db].vendor != "postgresql"


def with_row_keys(qs: QuerySet, fields: Sequence[str]) -> QuerySet:
    if etag_fallback(qs):
        return qs.annotate(**{f"{FIELD_PREFIX}{i}": F(f) for i, f in enumerate(fields)})
    return qs.annotate(**{ALIAS: row_key(qs, fields)})


def _encoded(value: Any) -> str:
    """One value as the fallback encodes it (a timestamp as `_EPOCH_MICROS_SQL` does)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return str((aware - _EPOCH) // timedelta(microseconds=1))
    if isinstance(value, str):
        return f"{len(value)}/{value}"
    return str(value)


def _field_values(row: Any) -> list[Any]:
    """The fallback's `etag_f0`, `etag_f1`, ... of one row (a values() dict or an instance)."""
    values: list[Any] = []
    while True:
        name = f"{FIELD_PREFIX}{len(values)}"
        if isinstance(row, dict):
            if name not in row:
                return values
            values.append(row[name])
        else:
            if not hasattr(row, name):
                return values
            values.append(getattr(row, name))


def _row_text(row: Any) -> str:
    if isinstance(row, dict):
        if ALIAS in row:
            return row[ALIAS]
    elif hasattr(row, ALIAS):
        return getattr(row, ALIAS)
    return "|".join(_encoded(v) for v in _field_values(row))


def key_text(rows: Iterable[Any]) -> str:
    """The page's key text from rows fetched with `with_row_keys` (dicts or instances)."""
    return ",".join(_row_text(row) for row in rows)


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


Newest = tuple[type[models.Model], str]  # (model, timestamp field): see `newest_key`


def newest_key(newest: Newest | None) -> str:
    """The page-independent part of a list's key text: ";" and the newest value of a timestamp
    over a whole table (a list showing claimant names: the last claimant change), in epoch
    microseconds as `_newest_sql` writes it. One max() over an index instead of a join per row."""
    if newest is None:
        return ""
    model, field = newest
    return ";" + _encoded(model.objects.aggregate(newest=Max(field))["newest"])


def _newest_sql(newest: Newest | None) -> str | None:
    """`newest_key`'s value as a scalar subquery, for the key query's own statement."""
    if newest is None:
        return None
    model, field = newest
    quote = connections[router.db_for_read(model)].ops.quote_name
    column, table = quote(model._meta.get_field(field).column), quote(model._meta.db_table)
    return f"SELECT {_EPOCH_MICROS_SQL.format(f'max({column})')} FROM {table}"


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
    filtered queryset after `position`, followed by `newest_key(newest)`, in one aggregate row.

    With `shape` (everything but the cursor that decides the query), the compiled SQL is reused.
    """
    if connections[router.db_for_read(keyset.model)].vendor != "postgresql":
        # No ordered text aggregate to rely on: the same rows' key fields, encoded in Python.
        qs = build(position)
        fields = [n for n in qs.query.annotations if n.startswith(FIELD_PREFIX)]
        fields.sort(key=lambda n: int(n.removeprefix(FIELD_PREFIX)))
        return key_text(qs.order_by(*keyset.order_by()).values(*fields)[:limit]) + newest_key(newest)
    if shape is not None:
        shape = (*shape, keyset.name, position is not None, limit)
        entry = _compiled.get(shape)
        if entry is None:
            entry = _compile(build, keyset, position is not None, limit, _newest_sql(newest))
            if entry is not None:
                _compiled[shape] = entry
                while len(_compiled) > MAX_COMPILED:
                    _compiled.popitem(last=False)
        if entry is not None:
            sql, template, slots, using = entry
            params = list(template)
            for i, j in slots:
                params[i] = position[j]  # type: ignore[index]
            return prepared.fetch_one(sql, params, using=using)[0]
    qs = build(position)
    try:
        sql, params = _wrapped(qs, keyset.order_by(), limit, _newest_sql(newest))
    except EmptyResultSet:  # a filter that can match nothing (an empty id list): no rows, no keys
        return newest_key(newest)
    return prepared.fetch_one(sql, params, using=qs.db)[0]
