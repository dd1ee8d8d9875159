"""Feed writes: adding, pausing, the beat fan-out, and one poll of one feed.

Two beat processes (or a beat and `poll_feeds`) may fan out at the same moment; `feeds_claim_due` takes due
feeds with SELECT ... FOR UPDATE SKIP LOCKED and moves their `next_poll_at` forward in the same transaction, so
each due feed is handed to exactly one fetch_feed. The poll then sets the real next time (schedule.py): the
adapted interval on success, a doubling backoff with jitter (capped) on failure, no sooner than a 429 or 503's
Retry-After. Each poll first takes one of its host's request slots (politeness.py); a host too busy to answer
within INGEST_HOST_MAX_WAIT_MS puts the poll back on the schedule for that long, counted as neither poll nor failure.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims_tracker.claims.models import Outlet

from . import claimreview, fetching, politeness, schedule, websub
from .entries import PollResult, entries_record
from .feeds import ParsedFeed, parse_feed
from .models import Feed, FeedStatus
from .services import IngestError

log = logging.getLogger(__name__)

FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_DEADLINE = 30.0
FEED_TYPES = (
    "*+xml",
    "text/*",
    "application/xml",
    "application/json",
    "application/ld+json",  # a ClaimReview DataFeed (schema.org), as Google Fact Check Tools reads it
    "application/octet-stream",
    "",
)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/ld+json, application/xml;q=0.9"
)
# Answers that ask us to come back later; read (with their Retry-After) rather than raised as errors.
SLOW_DOWN = (429, 503)
DEFERRED = "deferred"


def feed_create(
    *,
    url: str,
    title: str = "",
    outlet: Outlet | None = None,
    poll_interval: int = 900,
    poll_interval_min: int | None = None,
    poll_interval_max: int | None = None,
    added_by=None,
) -> Feed:
    """A feed to follow, polled from `poll_interval` seconds on, adapting within the bounds (None: the defaults)."""
    try:
        url = fetching.validate_url(url)
    except fetching.FetchError as exc:
        raise IngestError(exc.message, "url") from None
    if poll_interval < 60:
        raise IngestError("Poll at most once a minute (60 seconds or more).", "poll_interval")
    schedule.check_bounds(low=poll_interval_min, high=poll_interval_max, interval=poll_interval)
    if Feed.objects.filter(url=url).exists():
        raise IngestError("This feed is already followed.", "url")
    try:
        with transaction.atomic():
            feed = Feed.objects.create(
                url=url,
                title=title.strip()[:300],
                outlet=outlet,
                poll_interval=poll_interval,
                poll_interval_min=poll_interval_min,
                poll_interval_max=poll_interval_max,
                added_by=added_by,
            )
    except IntegrityError:
        raise IngestError("This feed is already followed.", "url") from None
    return feed


def feed_set_active(*, feed: Feed, active: bool) -> Feed:
    feed.active = active
    fields = ["active"]
    if active:
        # Resuming polls soon; a failing feed starts its backoff over.
        feed.next_poll_at, feed.consecutive_failures = timezone.now(), 0
        fields += ["next_poll_at", "consecutive_failures"]
    feed.save(update_fields=fields)
    return feed


def feed_poll_now(*, feed: Feed) -> bool:
    """Queue one poll of this feed now (an editor's button, a new feed). False if it is paused or already claimed."""
    from .tasks import enqueue_after_commit, fetch_feed

    ids = feeds_claim_due(feed_ids=[feed.pk])
    for feed_id in ids:
        enqueue_after_commit(fetch_feed, feed_id)
    return bool(ids)


def claim_lease() -> timedelta:
    """How long a claimed feed is not handed out again (INGEST_FEED_LEASE): a poll lost without a trace, its
    poller killed mid-fetch, is retried by the first fan-out after it."""
    return timedelta(seconds=settings.INGEST_FEED_LEASE)


def feeds_claim_due(
    *, now: datetime | None = None, limit: int | None = None, feed_ids: list[int] | None = None
) -> list[int]:
    """Claim due feeds (or the given ones, due or not) for one poll each, the most overdue first, at most `limit`
    (INGEST_POLL_BATCH: per beat tick, so above the feeds falling due per INGEST_POLL_EVERY); returns their ids."""
    now = now or timezone.now()
    limit = settings.INGEST_POLL_BATCH if limit is None else limit
    with transaction.atomic():
        qs = Feed.objects.select_for_update(skip_locked=True).filter(active=True)
        qs = qs.filter(pk__in=feed_ids) if feed_ids is not None else qs.filter(next_poll_at__lte=now)
        ids = list(qs.order_by("next_poll_at").values_list("pk", flat=True)[:limit])
        if ids:
            Feed.objects.filter(pk__in=ids).update(next_poll_at=now + claim_lease())
    return ids


def feeds_enqueue_due(*, now: datetime | None = None) -> list[int]:
    """The beat's fan-out: one fetch_feed per due feed, enqueued after the claim commits."""
    from .tasks import enqueue_after_commit, fetch_feed

    ids = feeds_claim_due(now=now)
    for feed_id in ids:
        enqueue_after_commit(fetch_feed, feed_id)
    return ids


def feed_poll(feed_id: int) -> PollResult:
    """Fetch (conditional GET) and parse one feed, record its new entries and queue their articles.

    Whatever happens, the poll ends recorded: an unexpected error (a parser bug, a broker refusing the queued
    articles) is a failed poll with the reason and the usual backoff, not a feed left claimed for the lease's
    INGEST_FEED_LEASE (15 minutes), nor an exception that stops `poll_feeds` before the feeds after it.
    """
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return PollResult(feed_id, "gone")
    try:
        return _poll(feed)
    except Exception as exc:
        log.exception("feed %s: the poll stopped on an unexpected error", feed_id)
        message = f"The poll stopped on an unexpected error: {exc.__class__.__name__}: {exc}"
        return _record_failure(feed, message, FeedStatus.FAILED)


def _poll(feed: Feed) -> PollResult:
    feed_id = feed.pk
    headers = {"Accept": FEED_ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        with politeness.host_slot(feed.url):
            result = fetching.safe_fetch(
                feed.url,
                headers=headers,
                max_bytes=FEED_MAX_BYTES,
                deadline=FEED_DEADLINE,
                allowed_content_types=FEED_TYPES,
                accept_statuses=SLOW_DOWN,
            )
    except politeness.HostBusy as busy:
        return _record_deferred(feed, busy)
    except fetching.FetchError as exc:
        return _record_failure(feed, exc.message, FeedStatus.FAILED)
    if result.status in SLOW_DOWN:
        return _record_slow_down(feed, result)
    if result.not_modified:
        return _record_success(feed, PollResult(feed_id, FeedStatus.NOT_MODIFIED), etag=None, modified=None)
    if claimreview.is_datafeed(result.body):
        return _record_reviews(feed, result)
    parsed = parse_feed(result.body, content_type=result.headers.get("content-type", ""), url=result.url)
    if parsed.broken:
        return _record_failure(feed, f"Broken feed: {parsed.error}", FeedStatus.BROKEN)
    outcome = PollResult(feed_id, FeedStatus.OK, notes=list(parsed.warnings))
    with transaction.atomic():
        entries_record(feed, parsed, outcome)
        _websub_follow(feed, result, parsed)
        _record_success(
            feed,
            outcome,
            etag=result.headers.get("etag", ""),
            modified=result.headers.get("last-modified", ""),
            title=parsed.title,
        )
    return outcome


def _websub_follow(feed: Feed, result: fetching.FetchResult, parsed: ParsedFeed) -> None:
    """A feed that names a WebSub hub: subscribe (once the poll commits) unless already subscribed there."""
    found = websub.discover(headers=result.headers, url=result.url, parsed=parsed)
    if found and websub.websub_wanted(feed=feed, hub=found[0], topic=found[1]):
        from .tasks import enqueue_after_commit, subscribe_websub

        enqueue_after_commit(subscribe_websub, feed.pk, *found)


def _record_reviews(feed: Feed, result: fetching.FetchResult) -> PollResult:
    """A ClaimReview DataFeed, polled like RSS: each review not seen before becomes a fact-check suggestion."""
    from claims_tracker.factchecks.services import factchecks_store  # factchecks imports this app

    reviews = claimreview.reviews_in_datafeed(result.body)
    if reviews is None:
        return _record_failure(feed, "Broken feed: JSON that is not a schema.org DataFeed", FeedStatus.BROKEN)
    outcome = PollResult(feed.pk, FeedStatus.OK)
    with transaction.atomic():
        created = factchecks_store(reviews, feed_id=feed.pk)
        outcome.new_entries = created
        outcome.notes.append(f"{len(reviews)} ClaimReview{'' if len(reviews) == 1 else 's'}, {created} new fact-checks")
        etag, modified = result.headers.get("etag", ""), result.headers.get("last-modified", "")
        _record_success(feed, outcome, etag=etag, modified=modified)
    return outcome


def _record_success(
    feed: Feed, outcome: PollResult, *, etag: str | None, modified: str | None, title: str = ""
) -> PollResult:
    now = timezone.now()
    interval = schedule.next_interval(feed, new_entries=outcome.new_entries, first_success=not feed.last_success_at)
    updates = {
        "last_polled_at": now,
        "last_success_at": now,
        "consecutive_failures": 0,
        "last_error": "",
        "last_status": outcome.status,
        "poll_interval": interval,
        "next_poll_at": now + timedelta(seconds=interval),
        "poll_count": F("poll_count") + 1,
    }
    if outcome.status == FeedStatus.NOT_MODIFIED:
        updates["not_modified_count"] = F("not_modified_count") + 1
    else:
        updates["last_poll_note"] = _note(outcome)
    if etag is not None:
        updates["etag"] = etag[:500]
    if modified is not None:
        updates["last_modified"] = modified[:100]
    if title and not feed.title:
        updates["title"] = title[:300]
    Feed.objects.filter(pk=feed.pk).update(**updates)
    log.info("feed %s polled: %s", feed.pk, updates.get("last_poll_note", outcome.status))
    return outcome


def _note(outcome: PollResult) -> str:
    parts = [f"{outcome.new_entries} new entr{'y' if outcome.new_entries == 1 else 'ies'}"]
    parts.append(f"{outcome.new_articles} new article{'' if outcome.new_articles == 1 else 's'}")
    return "; ".join(parts + outcome.notes)[:2000]


def _record_failure(feed: Feed, message: str, status: str, *, retry_after: float | None = None) -> PollResult:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    delay = schedule.failure_delay(interval=feed.poll_interval, failures=failures, retry_after=retry_after)
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now,
        consecutive_failures=failures,
        last_error=message[:2000],
        last_status=status,
        next_poll_at=now + delay,
        poll_count=F("poll_count") + 1,
    )
    log.info("feed %s failed (%s in a row): %s", feed.pk, failures, message)
    return PollResult(feed.pk, status, error=message)


def _record_slow_down(feed: Feed, result: fetching.FetchResult) -> PollResult:
    """A 429 or 503: a failed poll, and neither this feed nor its host is asked again before Retry-After."""
    wait = politeness.retry_after_seconds(result.headers.get("retry-after"))
    message = f"The server answered HTTP {result.status} for {result.url}"
    if wait is None:
        return _record_failure(feed, message + ".", FeedStatus.FAILED)
    wait = min(wait, settings.INGEST_FEED_BACKOFF_MAX)
    politeness.host_pause(feed.url, wait)
    return _record_failure(feed, f"{message}, asking to wait {wait:.0f} s.", FeedStatus.FAILED, retry_after=wait)


def _record_deferred(feed: Feed, busy: politeness.HostBusy) -> PollResult:
    """The host is busy for longer than a poll waits in place: back on the schedule once it is free, at most a
    little later (the beat's next fan-out). Not a poll and not a failure: the server was never asked."""
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + timedelta(seconds=busy.seconds))
    log.info("feed %s deferred %.1f s: %s", feed.pk, busy.seconds, busy)
    return PollResult(feed.pk, DEFERRED, notes=[str(busy)])
