"""Celery tasks of the ingestion flow: ids in, a service call, the next step enqueued after commit.

Feed polling (`poll_due_feeds`, `fetch_feed`) runs on the `feeds` queue, served by I/O workers (a thread pool),
and the article work on the `ingest` queue, served by the CPU-bound extraction workers (settings.CELERY_TASK_ROUTES):
a burst of polls never waits behind extraction, nor extraction behind polls. All of them ack late and are
re-delivered if a worker dies (task_reject_on_worker_lost). Each is idempotent, so a redelivery or a duplicate
message changes nothing twice. Only transient fetch errors (timeouts, 5xx, 429, connection failures) are
retried, with exponential backoff and full jitter; a 4xx or a bad page fails the article at once with the reason.

On the embedded default (no broker: tasks always eager) the same tasks run in the process that enqueues them,
through `enqueue_after_commit`, and end as they would on a worker: see `dispatch` and `fetch_article`.

With the broker down, sending fails without failing the request or poll that sent: the article is committed,
queued, and `requeue_stalled_articles` (beat, every INGEST_SWEEP_EVERY s) sends it once the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task, signals
from celery.exceptions import Retry
from django.conf import settings
from django.db import close_old_connections, transaction
from kombu.exceptions import OperationalError

from claims_tracker.archive import services as archive_services
from claims_tracker.lib.backoff import backoff_seconds

from . import bearing, polling, services, websub
from .fetching import FetchError

log = logging.getLogger(__name__)


@signals.task_prerun.connect
@signals.task_postrun.connect
def _recycle_db_connections(sender=None, **_kwargs) -> None:
    """Around each task, Django's own connection rule, as around a request: keep a healthy connection for
    CONN_MAX_AGE, drop a broken or expired one.

    Celery's Django fixup would close the connection around every task (settings.CELERY_DB_REUSE_MAX turns that
    into every few hundred tasks); a fresh PostgreSQL backend per article, with its cold catalogue caches,
    cost more than all of the article's queries (bench/bench_ingest.py). In-process (eager) tasks run inside
    the caller's connection and transaction, which are not ours to close.
    """
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


def dispatch(task, *args) -> bool:
    """Send a task to the workers or, with tasks always eager (no broker), run it here as a worker would.

    False when the broker cannot be reached (after Celery's own publish retries): logged, not raised, so the
    request or poll that sent it carries on; what it sent waits for the sweep.

    A worker never hands a task's exception back to whoever enqueued it: it logs it and takes the next message.
    An eager task, under CELERY_TASK_EAGER_PROPAGATES, raises into its caller instead: out of the on_commit
    callback that enqueued it, which drops the callbacks after it (the rest of a feed's articles stayed queued
    with nothing to run them), and out of the request or command (a traceback, the other feeds still claimed).
    So it is applied with throw=False and a failure is logged with its traceback, as a worker logs it.
    """
    if not task.app.conf.task_always_eager:
        try:
            task.delay(*args)
        except OperationalError as exc:
            log.warning("task %s%r not sent, the broker is unreachable: %s", task.name, args, exc)
            return False
        return True
    result = task.apply(args=args, throw=False)
    if result.failed():
        log.error("task %s%r failed in-process: %r\n%s", task.name, args, result.result, result.traceback)
    return True


def enqueue_after_commit(task, *args, unsent: Callable[[], None] | None = None) -> None:
    """Dispatch the task once the current transaction commits: a rolled-back request enqueues nothing.
    `unsent` runs when the broker refused it (to tell the editor it waits)."""

    def send() -> None:
        if not dispatch(task, *args) and unsent is not None:
            unsent()

    transaction.on_commit(send)


def retry_delay(retries: int) -> float:
    return backoff_seconds(base=settings.INGEST_RETRY_BACKOFF, attempt=retries, cap=settings.INGEST_RETRY_BACKOFF_MAX)


@shared_task(name="claims_tracker.ingest.tasks.poll_due_feeds", ignore_result=True)
def poll_due_feeds() -> int:
    """Beat's fan-out: one fetch_feed per due feed; safe to run from two beats at once."""
    return len(polling.feeds_enqueue_due())


@shared_task(name="claims_tracker.ingest.tasks.requeue_stalled_articles", ignore_result=True)
def requeue_stalled_articles() -> int:
    """Beat's safety net: articles whose message was lost (broker down) or whose worker died, sent again."""
    return len(services.articles_requeue_stalled())


@shared_task(name="claims_tracker.ingest.tasks.fetch_feed", ignore_result=True)
def fetch_feed(feed_id: int) -> str:
    # Feed failures are not retried here: the feed's own backoff schedules the next attempt.
    return polling.feed_poll(feed_id).status


@shared_task(name="claims_tracker.ingest.tasks.subscribe_websub", ignore_result=True)
def subscribe_websub(feed_id: int, hub: str, topic: str) -> str:
    """Ask a feed's WebSub hub to push it to us (ingest/websub.py); the hub verifies with our callback."""
    sub = websub.websub_subscribe(feed_id=feed_id, hub=hub, topic=topic)
    return sub.state if sub is not None else "gone"


@shared_task(bind=True, name="claims_tracker.ingest.tasks.fetch_article", ignore_result=True)
def fetch_article(self, article_id: int) -> None:
    """Fetch, extract and dedupe, then find candidates: one delivery carries one article all the way.

    The page is handed from fetch to extraction in memory (storing it in between cost more than extracting
    it); each step is idempotent, so a redelivery after a crash redoes the work without doubling anything.

    Run eagerly (no broker), there is no one to deliver a retry later, and Celery's eager retry raises out of
    the caller (CELERY_TASK_EAGER_PROPAGATES): a transient error is tried again here at once instead, within
    the same cap, and the article fails with the last reason when the attempts are spent.
    """
    try:
        if _fetch_and_process(self, article_id):
            enqueue_after_commit(relate_candidates, article_id)
    except Retry:
        raise
    except Exception as exc:
        # A bug or an outage mid-article: fail it where editors see it (they can queue it again), and let the
        # worker log the traceback. Left as it was, it would show "fetching" or "extracting" for good.
        services.article_fail(article_id, f"Processing stopped on an unexpected error ({type(exc).__name__}).")
        raise


def _fetch_and_process(task, article_id: int) -> bool:
    """True when the article was processed (and may have candidates to relate)."""
    attempt = task.request.retries
    while True:
        try:
            page = services.article_fetch(article_id, holder=task.request.id or "")
            break
        except FetchError as exc:
            if not exc.transient or attempt >= settings.INGEST_MAX_RETRIES:
                services.article_fail(article_id, exc.message)
                return False
            if task.request.is_eager:
                log.info("article %s: %s Trying again now (attempt %d).", article_id, exc.message, attempt + 2)
                services.article_note_retry(article_id, exc.message, attempt, 0)  # queued again, to be claimed
                attempt += 1
                continue
            delay = retry_delay(attempt)
            services.article_note_retry(article_id, exc.message, attempt, delay)
            raise task.retry(countdown=delay, max_retries=settings.INGEST_MAX_RETRIES) from None
    if page is None:
        return False
    archive_services.article_archive(article_id=article_id, result=page)  # the bytes in hand; never raises
    kept = services.article_process_page(
        article_id, body=page.body, content_type=page.content_type, encoding=page.encoding, url=page.url
    )
    return kept is not None


@shared_task(bind=True, name="claims_tracker.ingest.tasks.find_candidates", ignore_result=True)
def find_candidates(self, article_id: int) -> int:
    found = services.article_find_candidates(article_id, holder=self.request.id or "")
    if found:
        enqueue_after_commit(relate_candidates, article_id)
    return found


@shared_task(name="claims_tracker.ingest.tasks.relate_candidates", ignore_result=True)
def relate_candidates(article_id: int) -> None:
    """After an article's candidates are stored: their bearing on existing claims, and their groups across
    outlets (ingest.bearing.article_relate). A task of its own, so the pipeline's per-article queries stay
    as they are; an article gone (merged) has no candidates and nothing happens."""
    made, grouped = bearing.article_relate(article_id)
    log.info("article %s: %d bearing suggestions, %d candidates grouped", article_id, made, grouped)
