"""Server-side prepared statements (PostgreSQL PREPARE / EXECUTE) for the small queries that every
cached page and 304 runs: their plans cost several times their execution (many subqueries, each
an index lookup), and a prepared statement is planned once per connection, not once per request.

Through Django's cursor, so the statements are logged and counted like any other. The first use
on a connection sends PREPARE and EXECUTE in one round trip (Django's psycopg cursor binds
parameters client-side, which allows two statements in one call); a statement whose PREPARE
failed on a connection, or a database set to bind server-side, runs unprepared. Prepared
statements belong to the session: behind a pooler that resets sessions between transactions
(PgBouncer in transaction mode), set DB_PREPARED_STATEMENTS=0.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DatabaseError, connections

# Per raw connection: names prepared on it, and names whose PREPARE failed there.
_ready: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()
_broken: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


def fetch_one(sql: str, params: Sequence[Any] = (), *, using: str = "default") -> tuple | None:
    """The first row of `sql` (with `%s` placeholders), run as a prepared statement."""
    conn = connections[using]
    params = list(params)
    with conn.cursor() as cursor:
        raw = conn.connection
        if not settings.DB_PREPARED_STATEMENTS or conn.settings_dict["OPTIONS"].get("server_side_binding"):
            cursor.execute(sql, params)
            return cursor.fetchone()
        name = "ct_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
        ready, broken = _ready.setdefault(raw, set()), _broken.setdefault(raw, set())
        execute = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        if name in broken:
            cursor.execute(sql, params)
        elif name in ready:
            cursor.execute(execute, params)
        else:
            numbered = iter(range(1, len(params) + 1))
            body = re.sub(r"%s", lambda _: f"${next(numbered)}", sql)
            try:
                cursor.execute(f"PREPARE {name} AS {body}; {execute}", params)
                cursor.nextset()  # past PREPARE's empty result, to EXECUTE's row
            except DatabaseError:
                broken.add(name)  # prepared or not, this connection will not be sure: plain from now
                raise
            ready.add(name)
        return cursor.fetchone()
