"""Server-side prepared statements for the API's hot, fixed-shape read (the ETag key query).

Planning that query costs about as much as running it (the claims table has many indexes to
weigh), and a conditional GET does little else. Each connection prepares a statement once per
distinct SQL text and then only EXECUTEs it. The first use sends PREPARE and EXECUTE in one round
trip, so the query count of a request does not change.

Off with `API_PREPARED_STATEMENTS = False` (needed behind a pooler in transaction mode, where a
session's statements do not follow it from one transaction to the next).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import connections

MAX_PER_CONNECTION = 64  # page sizes and filters make many shapes; past this, plain queries
_prepared: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[%s]")


def _numbered(sql: str) -> str:
    """Django's `%s` placeholders as `$1, $2, ...` (`%%` stays escaped for the client merge)."""
    counter = iter(range(1, 1_000_000))
    return _PLACEHOLDER.sub(lambda m: "%%" if m.group() == "%%" else f"${next(counter)}", sql)


def fetch_one(sql: str, params: Sequence[Any], *, using: str = "default") -> tuple:
    """Run `sql` (Django placeholders) and return its one row, prepared when possible."""
    connection = connections[using]
    with connection.cursor() as cursor:
        raw = connection.connection
        wanted = getattr(settings, "API_PREPARED_STATEMENTS", True) and connection.vendor == "postgresql"
        names = _prepared.setdefault(raw, set()) if wanted else None  # PREPARE is PostgreSQL's
        # PREPARE outlives the transaction it ran in (even one rolled back), so the set of
        # names stays true for as long as the session does.
        if names is None:
            cursor.execute(sql, params)
            return cursor.fetchone()
        name = "ct_api_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        execute = f"EXECUTE {name}" + (f"({', '.join(['%s'] * len(params))})" if params else "")
        if name in names:
            cursor.execute(execute, params)
        elif len(names) < MAX_PER_CONNECTION:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; {execute}", params)
            cursor.nextset()
            names.add(name)
        else:
            cursor.execute(sql, params)
        return cursor.fetchone()
