"""The steps one article goes through: fetch -> extract -> dedupe -> attributions -> Candidates -> done.

Each step takes an id, is idempotent, and commits its own writes, so a redelivered task redoes the work
without doubling anything. The fetched page is handed to extraction in memory, and the extracted fields and
the candidates are written in one transaction. Deduplication is decided by the unique constraints on
Article.canonical_url and Article.content_hash (an IntegrityError means "a twin exists": merge into it) and on
Candidate's (article, span) (insert ... on conflict do nothing).

What an article costs beside extraction (bench/bench_ingest.py): three commits (two progress markers editors
watch live, one result). The markers commit without waiting for the WAL flush (`_relaxed_commit`); the
result commits synchronously. In a worker the claim and the result are prepared statements (parsed and planned
once per connection, `_execute`), and the extracting marker is sent without waiting for its answer, which is
read once extraction is done (`_extracting`), so the article waits for one round trip fewer. Candidates go to
the result statement as plain rows, not model instances (`candidate_fields`). The claimant matcher is built once
per worker process and rebuilt only when the claimants change (`_matcher`). Around the task: one deadline thread
per process rather than a timer thread per fetch (fetching._Deadlines); the broker is Celery's own transport.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState, Stance
from claims_tracker.lib.text import content_hash

from . import fetching
from .models import ArticleRedirect, Candidate, FeedEntry, FetchedPage

log = logging.getLogger(__name__)

ARTICLE_MAX_BYTES = 10 * 1024 * 1024
ARTICLE_DEADLINE = 30.0
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MIN_PAGE_TEXT = 40  # fewer characters than this is a menu or an error page, not a report
# The matcher is rebuilt when the claimants' fingerprint changes. The fingerprint is read at most once a
# second per worker (a claimant added now is matched in articles that start a second later), and the matcher
# is rebuilt after five minutes regardless, as a backstop for a write the fingerprint cannot see (a raw UPDATE
# of a name that leaves updated_at alone).
_MATCHER_RECHECK = 1.0
_MATCHER_MAX_AGE = 300.0
_matcher_cache: dict[str, Any] = {"matcher": None, "at": 0.0, "checked": 0.0, "fingerprint": None}


def _relaxed_commit() -> str:
    """A FROM item that makes the statement's own commit asynchronous, for progress markers only ('' if not).

    `synchronous_commit = off` makes the commit visible at once but durable a moment later (PostgreSQL flushes
    the WAL within wal_writer_delay). Losing a marker (fetching, extracting) in a database crash is harmless:
    the task's message is still unacked, so it is redelivered and the idempotent task sets the marker again; and
    the task's result commit, which is synchronous, flushes the WAL up to that point before the message is
    acked. Results (the article's text and candidates, a failure) are never written this way.

    set_config(..., true) is the statement form of SET LOCAL: the marker stays one round trip in autocommit
    (BEGIN / SET LOCAL / UPDATE / COMMIT would be four). Inside a caller's transaction (tests, a management
    command) it would leak into the caller's commit, so there the marker simply joins that transaction.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return ""
    return "FROM (SELECT set_config('synchronous_commit', 'off', true) AS relaxed) AS relaxed_commit"


def _worker_connection():
    """The default connection when it is a worker's (PostgreSQL, autocommit, no caller's transaction), else None.

    Only there does one statement make one transaction of its own, which the prepared and in-flight statements
    below rely on; tests, management commands and the embedded SQLite default take the ORM's paths.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: `connection` is a proxy, looked up on every use
    if db.vendor != "postgresql" or db.in_atomic_block or not db.get_autocommit():
        return None
    return db


_NEVER_BY_COUNT = 2**31 - 1  # psycopg prepares a statement after this many runs: only prepare=True does here


def _execute(db, sql: str, params: list) -> tuple | None:
    """Run one statement as a prepared statement of this connection; its first row, if it returns rows.

    Django's psycopg cursors bind parameters client-side, so PostgreSQL parses and plans every statement anew
    (a third of the result statement's time on the server). A server-side-binding cursor with prepare=True
    makes psycopg prepare it once per connection and then only bind and execute. Django turns psycopg's
    prepared statements off for the connection (prepare_threshold None); a threshold no statement reaches turns
    them on for the statements asked for here alone (Django's own cursors never prepare). Off with
    INGEST_PREPARED_STATEMENTS=0, for a connection pooler that cannot keep them (PgBouncer in transaction mode
    before 1.21). Errors are Django's (IntegrityError for a twin), and the statement is logged where Django logs
    queries (DEBUG, query counts).
    """
    import psycopg

    db.ensure_connection()
    prepare = settings.INGEST_PREPARED_STATEMENTS
    if prepare and db.connection.prepare_threshold is None:
        db.connection.prepare_threshold = _NEVER_BY_COUNT
    started = time.monotonic()
    with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params, prepare=prepare or None)
        row = cursor.fetchone() if cursor.description else None
    if db.queries_logged:
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return row


def article_resolve(article_id: int) -> Article | None:
    """The article with this id, following a merge into its duplicate."""
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        return article
    redirect = ArticleRedirect.objects.filter(from_article_id=article_id).select_related("article").first()
    return redirect.article if redirect else None


def article_fail(article_id: int, message: str) -> None:
    log.info("article %s failed: %s", article_id, message)
    Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(
        ingest_state=IngestState.FAILED, last_error=message[:2000]
    )


def article_note_retry(article_id: int, message: str, attempt: int, delay: float) -> None:
    note = f"{message} Retrying in {delay:.0f} s (attempt {attempt + 1})."
    Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(last_error=note)


def article_fetch(article_id: int) -> fetching.FetchResult | None:
    """Mark the article fetching and fetch its page; None when it is gone or done. Raises FetchError."""
    # One statement claims the state and reads the URL; its commit is a progress marker.
    sql = (
        f"UPDATE {Article._meta.db_table} SET ingest_state = %s, last_error = '' {_relaxed_commit()} "
        "WHERE id = %s AND ingest_state <> %s RETURNING url"
    )
    params = [IngestState.FETCHING.value, article_id, IngestState.DONE.value]
    db = _worker_connection()
    if db is not None:
        row = _execute(db, sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    if row is None:
        return None
    if not row[0]:
        article_fail(article_id, "The article has no URL to fetch.")
        return None
    return fetching.safe_fetch(
        row[0], max_bytes=ARTICLE_MAX_BYTES, deadline=ARTICLE_DEADLINE, allowed_content_types=ARTICLE_TYPES
    )


def article_extract(article_id: int) -> int | None:
    """Process a page stored with the article (a saved .html file). Returns the article's id, or None."""
    page = FetchedPage.objects.filter(article_id=article_id).first()
    if page is None:
        article_fail(article_id, "The page to read is missing; add the report again.")
        return None
    result = article_process_page(
        article_id, body=bytes(page.body), content_type=page.content_type, encoding=page.encoding, url=page.final_url
    )
    FetchedPage.objects.filter(article_id=article_id).delete()
    return result


def article_process_page(
    article_id: int, *, body: bytes, content_type: str, encoding: str | None, url: str
) -> int | None:
    """Extract, dedupe and find candidates in a fetched page. Returns the id kept (None if merged or failed)."""
    from .extraction import extract

    if content_type == "text/plain":
        _mark_extracting(article_id)
        fields: dict[str, Any] = {"text": _decode(body, encoding)}
    else:
        try:
            with _extracting(article_id):  # nothing in here may use the database: the marker is in flight
                extracted = extract(body, url=url)
            fields = _fields_from_extraction(extracted, url)
        except ValueError as exc:
            article_fail(article_id, f"Could not read the page: {exc}")
            return None
    if len(fields["text"].strip()) < MIN_PAGE_TEXT:
        article_fail(article_id, "No article text was found on the page.")
        return None
    fields["content_hash"] = content_hash(fields["text"])
    fields["fetched_at"] = timezone.now()
    rows, error = _candidates(article_id, fields["text"])
    # A broken finder still keeps the text: the article is stored, failed with the reason.
    fields.update(ingest_state=IngestState.FAILED if error else IngestState.DONE, last_error=error[:2000])
    return _store(article_id, fields, rows)


def _mark_extracting_sql() -> str:
    return (
        f"UPDATE {Article._meta.db_table} SET ingest_state = %s {_relaxed_commit()} WHERE id = %s AND ingest_state = %s"
    )


def _mark_extracting(article_id: int) -> None:
    """Progress marker: fetched, now extracting (committed asynchronously, see _relaxed_commit)."""
    with connection.cursor() as cursor:
        cursor.execute(_mark_extracting_sql(), [IngestState.EXTRACTING, article_id, IngestState.FETCHING])


@contextlib.contextmanager
def _extracting(article_id: int) -> Iterator[None]:
    """Mark the article extracting while the block runs, without waiting for the marker's round trip.

    In a worker the marker, with its values merged in by Django's compose_sql (psycopg's client-side binding, as
    every ORM statement), is sent through libpq's asynchronous interface (PQsendQuery: PostgreSQL runs and commits
    it at once, as any autocommit statement) and its answer is read when the block ends, by which time it has long
    arrived. Until then the connection is busy,
    so the block must not use the database: it is only ever extraction. The statement's WHERE makes a marker
    that lands late harmless (it only turns fetching into extracting). Elsewhere the marker is an ordinary
    statement before the block.
    """
    db = _worker_connection()
    if db is None:
        _mark_extracting(article_id)
        yield
        return
    sql = db.ops.compose_sql(_mark_extracting_sql(), [IngestState.EXTRACTING, article_id, IngestState.FETCHING])
    try:
        pgconn = db.connection.pgconn
        pgconn.send_query(sql.encode())
        while pgconn.flush():  # the connection is non-blocking; a marker this small is written at once
            pass
    except Exception:
        log.warning("could not send the extracting marker of article %s", article_id, exc_info=True)
        db.close()  # the next statement opens a fresh connection
        yield
        return
    if db.queries_logged:
        db.queries_log.append({"sql": sql, "time": "0.000"})
    try:
        yield
    finally:
        _read_in_flight(db, article_id)


def _read_in_flight(db, article_id: int) -> None:
    """Read the answer of the marker in flight, leaving the connection idle for the next statement."""
    import psycopg

    try:
        while (result := db.connection.pgconn.get_result()) is not None:
            if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
                message = (result.error_message or b"").decode(errors="replace").strip()
                log.warning("the extracting marker of article %s failed: %s", article_id, message)
    except Exception:
        log.warning("lost the connection with the extracting marker of article %s", article_id, exc_info=True)
        db.close()


def _decode(body: bytes, encoding: str | None) -> str:
    try:
        return body.decode(encoding or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


def _fields_from_extraction(extracted, final_url: str) -> dict:
    fields: dict[str, Any] = {"text": extracted.text or ""}
    canonical = _usable_canonical(extracted.canonical_url, final_url)
    if canonical:
        fields["canonical_url"] = canonical
    for name, value, limit in (("title", extracted.title, 500), ("byline", extracted.byline, 500)):
        if value:
            fields[name] = value[:limit]
    if extracted.language:
        fields["language"] = extracted.language[:20]
    if extracted.published:
        fields["published_at"] = extracted.published  # unless the article has one (_KEEP_EXISTING)
    if extracted.claimreview:
        fields["claimreview"] = extracted.claimreview
    return fields


def _usable_canonical(candidate: str, final_url: str) -> str:
    """A page's canonical link, unless it is useless for dedupe (not http(s), or a bare home page)."""
    if not candidate:
        return ""
    try:
        url = fetching.validate_url(urljoin(final_url, candidate))
    except fetching.FetchError:
        return ""
    normalized = fetching.normalize_url(url)
    return "" if urlsplit(normalized).path in ("", "/") else normalized


def _store(article_id: int, fields: dict, rows: list[dict]) -> int | None:
    """Write the extracted fields and the candidates together; a unique-constraint violation means a twin.

    This is the result of the task, so it commits synchronously (the database default): the message is acked
    only after this commit is on disk, which is what makes a SIGKILL at any point safe.
    """
    for _attempt in range(3):
        try:
            db = _worker_connection()
            if db is not None:
                # A worker: one prepared statement is one transaction, one round trip, one commit.
                _execute(db, *_store_statement(article_id, fields, rows))
            else:
                # Inside a caller's transaction (tests, commands) or on SQLite: the savepoint keeps a twin's
                # IntegrityError from breaking the caller's transaction.
                updates = {name: value for name, value in fields.items() if value is not None}
                for name in _KEEP_EXISTING:
                    if name in updates:
                        updates[name] = Coalesce(F(name), Value(updates[name], Article._meta.get_field(name)))
                with transaction.atomic():
                    updated = Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE)
                    if updated.update(**updates):
                        Candidate.objects.bulk_create([Candidate(**row) for row in rows], ignore_conflicts=True)
            return article_id
        except IntegrityError:
            twin = _find_duplicate(article_id, fields.get("canonical_url"), fields["content_hash"])
            if twin is not None:
                return _merge_into(article_id, twin)
    article_fail(article_id, "Could not store the article: it keeps colliding with another one.")
    return None


# What the result may set on the article. A name missing from `fields` (or None) leaves the column as it is;
# a name in _KEEP_EXISTING is only filled when empty (a feed's own date wins: the page's is often the last update).
_STORED_FIELDS = (
    "text", "content_hash", "fetched_at", "ingest_state", "last_error",
    "canonical_url", "title", "byline", "language", "published_at", "claimreview",
)  # fmt: skip
_KEEP_EXISTING = ("published_at",)
_store_sql: dict[str, str] = {}  # by database alias: the statement's text, the same for every article


def _store_statement(article_id: int, fields: dict, rows: list[dict]) -> tuple[str, list]:
    """UPDATE the article unless done, and INSERT its candidates only if it was: one PostgreSQL statement.

    The text is the same for every article: the candidates (candidate_fields rows) travel as one JSON array,
    unpacked by jsonb_to_recordset into the model's columns and types, with the columns the finder does not set
    bound once to their model defaults, and every article column is set with COALESCE, so a field not given is
    left alone. So nothing is compiled per article, and psycopg reuses its parse of the
    statement. A span already stored is skipped (ON CONFLICT DO NOTHING on the (article, span) constraint), as with
    bulk_create. Data-modifying WITH runs once whatever the INSERT reads, so with no candidates it still updates.
    """
    unknown = fields.keys() - set(_STORED_FIELDS)
    if unknown:
        raise ValueError(f"Not a stored article field: {', '.join(sorted(unknown))}")
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: `connection` is a proxy, looked up on every use
    sql = _store_sql.get(db.alias)
    if sql is None:
        sql = _store_sql[db.alias] = _store_sql_text(db)
    params: list[Any] = []
    for name in _STORED_FIELDS:
        value = fields.get(name)
        if value is not None:
            value = Article._meta.get_field(name).get_db_prep_save(value, db)
        params.append(value)
    params.append(article_id)
    params.extend(f.get_db_prep_save(f.get_default(), db) for f in _CANDIDATE_DEFAULTED)
    params.append(json.dumps(rows))
    return sql, params


# What the finder gives each candidate travels as JSON; every other column is its model default, bound once.
_CANDIDATE_FOUND = (
    "article_id", "sentence", "statement", "quote", "speaker_text", "claimant_id", "verb", "stance", "confidence",
    "start_offset", "end_offset",
)  # fmt: skip
_CANDIDATE_FOUND_FIELDS = [Candidate._meta.get_field(name) for name in _CANDIDATE_FOUND]
_CANDIDATE_DEFAULTED = [
    f for f in Candidate._meta.concrete_fields if not f.primary_key and f.attname not in _CANDIDATE_FOUND
]


def _store_sql_text(db) -> str:
    quote = db.ops.quote_name
    sets = []
    for name in _STORED_FIELDS:
        field = Article._meta.get_field(name)
        column, given = quote(field.column), f"%s::{field.db_type(db)}"
        first, second = (column, given) if name in _KEEP_EXISTING else (given, column)
        sets.append(f"{column} = COALESCE({first}, {second})")
    found = ", ".join(quote(f.column) for f in _CANDIDATE_FOUND_FIELDS)
    names = ", ".join([found] + [quote(f.column) for f in _CANDIDATE_DEFAULTED])
    values = ", ".join([found] + [f"%s::{f.db_type(db)}" for f in _CANDIDATE_DEFAULTED])
    types = ", ".join(f"{quote(f.column)} {f.db_type(db)}" for f in _CANDIDATE_FOUND_FIELDS)
    state = quote(Article._meta.get_field("ingest_state").column)
    return (
        f"WITH article AS (UPDATE {quote(Article._meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {quote(Article._meta.pk.column)} = %s AND {state} <> '{IngestState.DONE.value}' RETURNING 1) "
        f"INSERT INTO {quote(Candidate._meta.db_table)} ({names}) "
        f"SELECT {values} FROM jsonb_to_recordset(%s::jsonb) AS candidate ({types}) "
        "WHERE EXISTS (SELECT 1 FROM article) ON CONFLICT DO NOTHING"
    )


def _find_duplicate(article_id: int, canonical: str | None, digest: str) -> Article | None:
    condition = Q(content_hash=digest)
    if canonical:
        condition |= Q(canonical_url=canonical)
    return Article.objects.filter(condition).exclude(pk=article_id).order_by("pk").first()


@transaction.atomic
def _merge_into(article_id: int, keep: Article) -> None:
    """The same report arrived twice: its feed entries become sources of the kept article; this one goes."""
    gone = Article.objects.select_for_update().filter(pk=article_id).first()
    if gone is None:
        return None
    FeedEntry.objects.filter(article_id=article_id).update(article=keep)
    updates = {}
    if keep.requested_by_id is None and gone.requested_by_id is not None:
        updates["requested_by_id"] = gone.requested_by_id
    if keep.source_feed_id is None and gone.source_feed_id is not None:
        updates["source_feed_id"] = gone.source_feed_id
    if updates:
        Article.objects.filter(pk=keep.pk).update(**updates)
    ArticleRedirect.objects.filter(article_id=article_id).update(article=keep)
    ArticleRedirect.objects.get_or_create(from_article_id=article_id, defaults={"article": keep})
    gone.delete()
    log.info("article %s merged into duplicate %s", article_id, keep.pk)
    return None  # the kept article runs (or ran) its own pipeline


def _claimants_fingerprint() -> tuple:
    """Changes whenever a claimant or alias is added, removed or renamed; one cheap query on indexed columns.

    Claimants: count and latest updated_at (auto_now, so every save counts; the admin's alias inline saves
    the claimant too). Aliases have no timestamp: count and highest id change on every insert or delete,
    and the services replace aliases rather than edit them.
    """
    from claims_tracker.claims.models import Claimant, ClaimantAlias

    claimants, aliases = Claimant._meta.db_table, ClaimantAlias._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {claimants}), (SELECT max(updated_at) FROM {claimants}), "
            f"(SELECT count(*) FROM {aliases}), (SELECT max(id) FROM {aliases})"
        )
        return tuple(cursor.fetchone())


def _matcher():
    """This worker's ClaimantMatcher, rebuilt only when the claimants changed (building it reads every alias)."""
    from .matching import ClaimantMatcher

    cache, now = _matcher_cache, time.monotonic()
    if cache["matcher"] is not None and now - cache["checked"] < _MATCHER_RECHECK:
        return cache["matcher"]
    fingerprint = _claimants_fingerprint()
    cache["checked"] = now
    if cache["matcher"] is None or cache["fingerprint"] != fingerprint or now - cache["at"] > _MATCHER_MAX_AGE:
        # Read before building: a change made meanwhile is seen at the next check and rebuilds again.
        cache.update(matcher=ClaimantMatcher.from_db(), fingerprint=fingerprint, at=now)
    return cache["matcher"]


def reset_matcher_cache() -> None:
    _matcher_cache.update(matcher=None, fingerprint=None)


def _candidates(article_id: int, text: str) -> tuple[list[dict], str]:
    """Candidates from the attribution finder as candidate_fields rows, or ([], reason) when the finder broke."""
    from . import attribution

    try:
        found = attribution.find_attributions(text, matcher=_matcher())
    except Exception as exc:  # a bug in the finder must fail this article visibly, not the worker
        log.exception("attribution finding failed for article %s", article_id)
        return [], f"Finding attributions failed: {exc.__class__.__name__}: {exc}"
    return [candidate_fields(article_id, a) for a in found], ""


def article_find_candidates(article_id: int) -> int:
    """Attributions in the article's stored text -> Candidates, then done (pasted text). Returns the count."""
    article = Article.objects.filter(pk=article_id).only("text", "ingest_state").first()
    if article is None:
        return 0
    if article.ingest_state == IngestState.DONE:
        return Candidate.objects.filter(article_id=article_id).count()
    rows, error = _candidates(article_id, article.text)
    if error:
        article_fail(article_id, error)
        return 0
    with transaction.atomic():
        Candidate.objects.bulk_create([Candidate(**row) for row in rows], ignore_conflicts=True)
        Article.objects.filter(pk=article_id).update(ingest_state=IngestState.DONE, last_error="")
    return len({(r["start_offset"], r["end_offset"]) for r in rows})


_STANCES = frozenset(Stance.values)


def candidate_fields(article_id: int, a) -> dict:
    """A found attribution as the Candidate fields it sets (_CANDIDATE_FOUND), cut to the columns' limits."""
    return {
        "article_id": article_id,
        "sentence": a.sentence or a.statement or a.quote,
        "statement": a.statement or "",
        "quote": a.quote or "",
        "speaker_text": (a.speaker_text or "")[:300],
        "claimant_id": a.claimant_id,
        "verb": (a.verb or "")[:50],
        "stance": a.stance if a.stance in _STANCES else Stance.ASSERTS.value,
        "confidence": min(1.0, max(0.0, float(a.confidence))),
        "start_offset": a.start,
        "end_offset": a.end,
    }


def article_run_inline(article_id: int, *, progress: Callable[[str], None] | None = None) -> Article | None:
    """Run the remaining steps in this process (management commands): no queue, no retries."""
    say = progress or (lambda _step: None)
    article = Article.objects.filter(pk=article_id).only("url", "ingest_state").first()
    if article is None or article.ingest_state == IngestState.DONE:
        return article_resolve(article_id)
    if FetchedPage.objects.filter(article_id=article_id).exists():
        say("extracting")
        article_extract(article_id)
    elif article.url:
        say("fetching")
        try:
            page = article_fetch(article_id)
        except fetching.FetchError as exc:
            article_fail(article_id, exc.message)
            return article_resolve(article_id)
        if page is not None:
            say("extracting and finding attributions")
            article_process_page(
                article_id, body=page.body, content_type=page.content_type, encoding=page.encoding, url=page.url
            )
    else:
        say("finding attributions")
        article_find_candidates(article_id)
    return article_resolve(article_id)
