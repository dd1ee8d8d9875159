"""Read queries that only the API needs: lean list querysets, validators for conditional
requests, and the sync horizon. Pages and the API share `claims.selectors` for everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Func, IntegerField, OuterRef, QuerySet, Subquery, TextField
from django.db.models.functions import Coalesce

from claims_tracker.claims.models import FINAL_STATUSES, Claim, Claimant, Story
from claims_tracker.lib import cache, prepared


def story_slugs_of_claim() -> ArraySubquery:
    """The claim's story slugs, in slug order, as one list per row."""
    return ArraySubquery(Story.objects.filter(claims=OuterRef("pk")).order_by("slug").values("slug"))


class IsoUtc(Func):
    """`shapes.iso` done by PostgreSQL: ISO 8601 in UTC with "Z", microseconds only when not zero.

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


def claim_rows(qs: QuerySet[Claim], *, keyset_fields: Sequence[str] = ()) -> QuerySet:
    """What `shapes.claim` shows of each claim of `qs`, as plain dicts from one query (story slugs
    as an array, timestamps as text): no model instance and no datetime object per row, which
    were most of a list page's Python time.

    `keyset_fields` are also fetched as they are (the cursor is made from the last row's); an
    `etag_key` annotation already on `qs` (see `etag_keys`) is kept.
    """
    kept = [name for name in qs.query.annotations if name == "etag_key"]
    return qs.values(
        *CLAIM_VALUES,
        *keyset_fields,
        *kept,
        story_slugs=story_slugs_of_claim(),
        **{f"{name}_iso": IsoUtc(name) for name in CLAIM_TIMES},
    )


def claim_row(pk: int) -> dict:
    """One claim as `claim_rows` reads it; Claim.DoesNotExist when there is none."""
    row = claim_rows(Claim.objects.filter(pk=pk)).first()
    if row is None:
        raise Claim.DoesNotExist(f"No claim {pk}.")
    return row


CLAIM_VALUES = (
    "id", "text", "status", "status_changed_by__username", "claimant_id", "claimant__slug", "claimant__name",
    "version", "merged_into_id",
)  # fmt: skip
CLAIM_TIMES = ("status_changed_at", "claimed_at", "created_at", "updated_at")


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
def _cached_horizon() -> datetime | None:
    return cache.recall("api:sync-horizon")


def _remember_horizon(now_or_oldest: datetime) -> None:
    # Stamped when the answer arrived: the value may be a few ms older than its stamp, which
    # only makes it more conservative.
    ttl = float(getattr(settings, "API_SYNC_HORIZON_CACHE_SECONDS", 0.5))
    if ttl > 0:
        cache.remember("api:sync-horizon", now_or_oldest, timeout=ttl)


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


def claim_validators(pk: int) -> tuple[tuple, datetime] | None:
    """Everything the claim detail shows that can change, in one query: (fingerprint, last change).

    None when there is no such claim.
    """
    row = prepared.fetch_one(_CLAIM_VALIDATORS_SQL, [pk])
    if row is None:
        return None
    times = [t for t in (row[1], row[2], row[3], row[7]) if t is not None]
    return tuple(str(v) for v in row), max(times)


def latest_and_horizon(
    models: Sequence[Any], *, newest: Sequence[str] = ()
) -> tuple[datetime | None, list[str], datetime]:
    """The newest write across whole tables (an index lookup each), the values of the scalar
    subqueries `newest` (as text, "" for NULL: see `etag_keys.newest_sql`) and the sync horizon,
    in one query.

    `models` holds model classes (their `updated_at`) or (model, field) pairs. The horizon comes
    from the short-lived cache when it can (see `_cached_horizon`).
    """
    pairs = [m if isinstance(m, tuple) else (m, "updated_at") for m in models]
    columns = [f'(SELECT max("{field}") FROM "{m._meta.db_table}")' for m, field in pairs]
    columns += [f"({sql})" for sql in newest]
    cached = _cached_horizon()
    if cached is None:
        columns.append(f"({_HORIZON_SQL})")
    row = prepared.fetch_one("SELECT " + ", ".join(columns))
    if cached is None:
        cached = row[-1]
        _remember_horizon(cached)
    times = [t for t in row[: len(pairs)] if t is not None]
    extra = ["" if v is None else str(v) for v in row[len(pairs) : len(pairs) + len(newest)]]
    return (max(times) if times else None), extra, cached - _settle()
