"""Read queries that only the API needs: lean list querysets, validators for conditional
requests, and the sync horizon. Pages and the API share `claims.selectors` for everything else.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Func, IntegerField, JSONField, OuterRef, Prefetch, QuerySet, Subquery, TextField
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from claims_tracker.claims.models import (
    FINAL_STATUSES,
    Claim,
    Claimant,
    Evidence,
    StatusChange,
    Story,
)


def claim_feed_list() -> QuerySet[Claim]:
    """Claims for API lists and the sync feed: flat rows, in one query (story slugs as an array).

    Not `selectors.claim_list`: its per-row COUNT(DISTINCT outlet) needs a GROUP BY over the
    appearances join, which turns a keyset page deep in a million claims into a full aggregate.
    """
    return claim_list_rows(Claim.objects.all())


def is_postgresql() -> bool:
    """Whether the default database is PostgreSQL; else (the embedded SQLite default) the API
    takes portable paths. Read at call time: tests and tools may switch databases."""
    return connection.vendor == "postgresql"


class _JsonSlugs(Func):
    # SQLite's stand-in for ARRAY(subquery): a JSON array, parsed back to a list by JSONField.
    template = "(SELECT coalesce(json_group_array(slug), '[]') FROM (%(expressions)s))"
    output_field = JSONField()


def story_slugs_of_claim() -> Func:
    """The claim's story slugs, in slug order, as one list per row."""
    slugs = Story.objects.filter(claims=OuterRef("pk")).order_by("slug").values("slug")
    return ArraySubquery(slugs) if is_postgresql() else _JsonSlugs(Subquery(slugs))


def claim_list_rows(qs: QuerySet[Claim]) -> QuerySet[Claim]:
    """Add what a list row shows to an already filtered queryset."""
    return (
        qs.select_related("claimant", "status_changed_by")
        .only(*CLAIM_LIST_FIELDS)
        .annotate(story_slugs=story_slugs_of_claim())
    )


class IsoUtc(Func):
    """`shapes._dt` done by PostgreSQL: ISO 8601 in UTC with "Z", microseconds only when not zero.

    A list page shows hundreds of timestamps; text straight from the database skips parsing
    each into a datetime and formatting it back. For plain columns only (the column appears
    three times in the template, its parameters would not).
    """

    template = (
        "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
        "date_trunc('second', %(expressions)s) = %(expressions)s THEN '' ELSE "
        "to_char(%(expressions)s AT TIME ZONE 'UTC', '.US') END || 'Z'"
    )
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]" (isoformat: microseconds only
        # when not zero), so the same text is a swap of the separator and a "Z".
        return self.as_sql(compiler, connection, template="(replace(%(expressions)s, ' ', 'T') || 'Z')", **extra)


def claim_list_values(qs: QuerySet[Claim], *, keyset_fields: tuple[str, ...] = ()) -> QuerySet:
    """The rows of `claim_list_rows` as plain dicts for `shapes.claim_values`: no model instance
    and no datetime object per row, which were most of a list page's Python time.

    `keyset_fields` are also fetched as they are (the cursor is made from the last row's);
    an `etag_key` annotation already on `qs` (or the fallback's `etag_f*`, see `etag_keys`) is kept.
    """
    kept = [name for name in qs.query.annotations if name == "etag_key" or name.startswith("etag_f")]
    return qs.values(
        *CLAIM_LIST_VALUES,
        *keyset_fields,
        *kept,
        story_slugs=story_slugs_of_claim(),
        **{f"{name}_iso": IsoUtc(name) for name in CLAIM_LIST_TIMES},
    )


CLAIM_LIST_VALUES = (
    "id", "text", "status", "status_changed_by__username", "claimant_id", "claimant__slug", "claimant__name",
    "version", "merged_into_id",
)  # fmt: skip
CLAIM_LIST_TIMES = ("status_changed_at", "claimed_at", "created_at", "updated_at")

CLAIM_LIST_FIELDS = (
    "id", "text", "status", "status_changed_at", "status_changed_by", "status_changed_by__username", "claimant",
    "claimant__slug", "claimant__name",
    "claimed_at", "version", "merged_into", "created_at", "updated_at", "claimant__updated_at",
)  # fmt: skip


def status_change_feed() -> QuerySet[StatusChange]:
    return StatusChange.objects.select_related("changed_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.only("id"))
    )


def _claim_count(**filters: Any) -> Coalesce:
    # A correlated count per row (index claim_claimant_claimed), not a join + GROUP BY over all
    # claims: a page of claimants stays a page of work however many claims there are.
    counted = (
        Claim.objects.filter(claimant=OuterRef("pk"), merged_into__isnull=True, **filters)
        .order_by()
        .values("claimant")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def claimant_list_with_record() -> QuerySet[Claimant]:
    """Claimants with their track record: counts of claims in final states only."""
    counts = {f"record_{status}": _claim_count(status=status) for status in FINAL_STATUSES}
    return Claimant.objects.annotate(claims_total=_claim_count(), **counts)


def claims_changed_at(relation: str) -> Subquery:
    """The newest `updated_at` among the claims linked through `relation` (for Last-Modified)."""
    newest = Claim.objects.filter(**{relation: OuterRef("pk")}).order_by("-updated_at").values("updated_at")[:1]
    return Subquery(newest)


RECORD_FIELDS = tuple(f"record_{status}" for status in FINAL_STATUSES)


def track_record(claimant: Any) -> dict[str, int]:
    return {str(status): getattr(claimant, f"record_{status}", 0) for status in FINAL_STATUSES}


def story_list() -> QuerySet[Story]:
    linked = Claim.stories.through.objects.filter(story=OuterRef("pk"), claim__merged_into__isnull=True)
    counted = linked.order_by().values("story").annotate(n=Count("*")).values("n")
    return Story.objects.annotate(claims_total=Coalesce(Subquery(counted, output_field=IntegerField()), 0))


# The sync horizon -------------------------------------------------------------------------

_HORIZON_SQL = """
SELECT LEAST(
    clock_timestamp(),
    (SELECT min(xact_start) FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' AND state <> 'idle' AND xact_start IS NOT NULL)
)
"""


def sync_horizon() -> datetime:
    """The latest `updated_at`/`recorded_at` below which no row can still appear or change.

    Timestamps are taken by the app when it writes, so a transaction that commits late carries
    a time older than rows already committed. Any such transaction is open now, and started
    before it took its timestamp; so nothing not yet visible can carry a time earlier than the
    start of the oldest open transaction. `API_SYNC_SETTLE_SECONDS` more covers clock skew
    between app servers and the database and the instant between taking the time and sending
    the first statement. Rows at or before the horizon are final for the feed.
    """
    if not is_postgresql():
        # SQLite runs one writer at a time and a write commits within its request: the settle
        # lag alone covers a write whose time was taken just before now.
        return timezone.now() - _settle()
    cached = _cached_horizon()
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_HORIZON_SQL)
            (cached,) = cursor.fetchone()
        _remember_horizon(cached)
    return cached - _settle()


# The horizon query reads pg_stat_activity (a scan of every backend's state): worth reusing for
# a moment. An older horizon is still a safe one: whatever was final then is final now (a write
# not visible now is in a transaction that is open now, so it was open then or began later, and
# either way took a time after that horizon). A reused value only delays rows by its age.
_horizon_cache = threading.local()


def _horizon_key() -> tuple:
    db = connection.settings_dict
    return (connection.alias, db.get("NAME"), db.get("HOST"), db.get("PORT"))


def _cached_horizon() -> datetime | None:
    ttl = float(getattr(settings, "API_SYNC_HORIZON_CACHE_SECONDS", 0.5))
    entry = getattr(_horizon_cache, "entry", None)
    if ttl <= 0 or entry is None or entry[0] != _horizon_key() or time.monotonic() - entry[1] > ttl:
        return None
    return entry[2]


def _remember_horizon(now_or_oldest: datetime) -> None:
    # Stamped when the answer arrived: the value may be a few ms older than its stamp, which
    # only makes it more conservative.
    _horizon_cache.entry = (_horizon_key(), time.monotonic(), now_or_oldest)


def _settle() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "API_SYNC_SETTLE_SECONDS", 2.0)))


# Validators for conditional requests ------------------------------------------------------

_CLAIM_VALIDATORS_SQL = """
SELECT c.version, c.updated_at, cl.updated_at, af.updated_at,
  (SELECT coalesce(max(a.updated_at), 'epoch') || ':' || count(*) || ':' || coalesce(max(o.updated_at), 'epoch')
     FROM claims_appearance ap JOIN claims_article a ON a.id = ap.article_id
     LEFT JOIN claims_outlet o ON o.id = a.outlet_id WHERE ap.claim_id = c.id),
  (SELECT count(*) || ':' || coalesce(max(s.updated_at), 'epoch')
     FROM claims_claim_stories cs JOIN claims_story s ON s.id = cs.story_id WHERE cs.claim_id = c.id),
  (SELECT coalesce(string_agg(r.id || '-' || o.id || '-' || o.version, ',' ORDER BY r.id), '')
     FROM claims_claimrelation r
     JOIN claims_claim o ON o.id = CASE WHEN r.from_claim_id = c.id THEN r.to_claim_id ELSE r.from_claim_id END
    WHERE r.from_claim_id = c.id OR r.to_claim_id = c.id),
  (SELECT max(r.created_at) FROM claims_claimrelation r WHERE r.from_claim_id = c.id OR r.to_claim_id = c.id),
  (SELECT count(*) FROM claims_statuschange sc WHERE sc.claim_id = c.id)
FROM claims_claim c JOIN claims_claimant cl ON cl.id = c.claimant_id
LEFT JOIN claims_claimant af ON af.id = cl.affiliation_id
WHERE c.id = %s
"""


# The same for SQLite (3.40 has no ordered aggregate: the order comes from a subquery).
_CLAIM_VALIDATORS_SQL_PORTABLE = _CLAIM_VALIDATORS_SQL.replace(
    """(SELECT coalesce(string_agg(r.id || '-' || o.id || '-' || o.version, ',' ORDER BY r.id), '')
     FROM claims_claimrelation r""",
    """(SELECT coalesce(group_concat(k, ','), '') FROM (SELECT r.id || '-' || o.id || '-' || o.version AS k
     FROM claims_claimrelation r""",
).replace(
    "WHERE r.from_claim_id = c.id OR r.to_claim_id = c.id),\n",
    "WHERE r.from_claim_id = c.id OR r.to_claim_id = c.id ORDER BY r.id)),\n",
    1,
)
assert "string_agg" not in _CLAIM_VALIDATORS_SQL_PORTABLE and "ORDER BY r.id))" in _CLAIM_VALIDATORS_SQL_PORTABLE


def _aware(value: Any) -> datetime | None:
    """A timestamp from raw SQL as an aware datetime: SQLite hands back naive values for
    columns and text for aggregates (both UTC); PostgreSQL's are already aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value if isinstance(value, datetime) else None


def claim_validators(pk: int) -> tuple[tuple, datetime] | None:
    """Everything the claim detail shows that can change, in one query: (fingerprint, last change).

    None when there is no such claim.
    """
    postgresql = is_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_VALIDATORS_SQL if postgresql else _CLAIM_VALIDATORS_SQL_PORTABLE, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    candidates = (row[1], row[2], row[3], row[7])
    times = [t for t in (candidates if postgresql else map(_aware, candidates)) if isinstance(t, datetime)]
    return tuple(str(v) for v in row), max(times)


def latest_and_horizon(models: list[Any]) -> tuple[datetime | None, datetime]:
    """The newest write across whole tables (an index lookup each) and the sync horizon, in one query.

    `models` holds model classes (their `updated_at`) or (model, field) pairs. The horizon comes
    from the short-lived cache when it can (see `_cached_horizon`).
    """
    pairs = [m if isinstance(m, tuple) else (m, "updated_at") for m in models]
    columns = [f'(SELECT max("{field}") FROM "{m._meta.db_table}")' for m, field in pairs]
    if not is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns))
            found = [_aware(t) for t in cursor.fetchone()]
        times = [t for t in found if t is not None]
        return (max(times) if times else None), sync_horizon()
    cached = _cached_horizon()
    sql = "SELECT " + ", ".join(columns if cached is not None else [*columns, f"({_HORIZON_SQL})"])
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if cached is None:
        cached = row[-1]
        _remember_horizon(cached)
    times = [t for t in row[: len(columns)] if t is not None]
    return (max(times) if times else None), cached - _settle()
