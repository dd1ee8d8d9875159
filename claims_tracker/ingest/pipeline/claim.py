"""An article's ingest state: claiming it for a step, the progress markers editors watch, failure with a reason.

Every write here is one conditional UPDATE that commits on its own (autocommit in a worker), so an editor's
page sees the new state at once, and a state an article has already left is never written back: a step
claims its article only while it is queued, or in progress under a deadline that has passed (its worker died);
the extracting marker only follows fetching, and a failure or a retry note never touches a done article.

The claim sets the deadline INGEST_STALL_AFTER ahead, above the task's hard time limit, and records the delivery
that holds the article, so no other message takes an article a live worker holds: a duplicate (the sweep's, sent
for an article whose message was only slow) does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState

from ..models import ArticleRedirect

log = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000  # what an editor reads of a failure; Article.last_error is a TextField
QUEUE_DOWN_NOTE = "Queued; it will start when the queue is back."
IN_PROGRESS = (IngestState.FETCHING, IngestState.EXTRACTING)


def requeue_deadline(delay: float = 0) -> datetime:
    """When a queued article's message counts as lost: INGEST_REQUEUE_AFTER after it is due to run."""
    return timezone.now() + timedelta(seconds=delay + settings.INGEST_REQUEUE_AFTER)


def article_resolve(article_id: int) -> Article | None:
    """The article with this id, following a merge into its duplicate."""
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        return article
    redirect = ArticleRedirect.objects.filter(from_article_id=article_id).select_related("article").first()
    return redirect.article if redirect else None


def article_claim(article_id: int, *, to: str = IngestState.FETCHING, holder: str = "") -> bool:
    """Take the article for a step (fetching, or extracting for pasted text); False when it is not free.

    Free: queued; in progress past its deadline (its worker died); or in progress under this same delivery
    (`holder`, the task id: the broker gave the message back because its worker died). Not free: done, failed,
    merged away, or held by another delivery that may still be running; that message then does nothing. The UPDATE
    clears an earlier attempt's error.
    """
    now = timezone.now()
    expired = Q(ingest_deadline__isnull=True) | Q(ingest_deadline__lt=now)
    if holder:
        expired |= Q(ingest_holder=holder)
    free = Q(ingest_state=IngestState.QUEUED) | Q(expired, ingest_state__in=IN_PROGRESS)
    deadline = now + timedelta(seconds=settings.INGEST_STALL_AFTER)
    fields = {"ingest_state": to, "last_error": "", "ingest_deadline": deadline, "ingest_holder": holder}
    claimed = Article.objects.filter(free, pk=article_id).update(**fields)
    return bool(claimed)


def article_mark_extracting(article_id: int) -> None:
    """Progress marker: fetched, now extracting. Only an article being fetched moves on."""
    Article.objects.filter(pk=article_id, ingest_state=IngestState.FETCHING).update(ingest_state=IngestState.EXTRACTING)


def article_fail(article_id: int, message: str) -> None:
    log.info("article %s failed: %s", article_id, message)
    Article.objects.filter(pk=article_id).exclude(ingest_state=IngestState.DONE).update(
        ingest_state=IngestState.FAILED, last_error=message[:ERROR_MAX_CHARS]
    )


def article_note_retry(article_id: int, message: str, attempt: int, delay: float) -> None:
    """Queued again until the retry is due; the retried delivery claims it as any other."""
    note = f"{message} Retrying in {delay:.0f} s (attempt {attempt + 1})."
    Article.objects.filter(pk=article_id, ingest_state__in=IN_PROGRESS).update(
        ingest_state=IngestState.QUEUED, last_error=note, ingest_deadline=requeue_deadline(delay)
    )


def article_note_unsent(article_id: int) -> None:
    """The broker refused the article's message: say so where editors look; the sweep sends it later."""
    Article.objects.filter(pk=article_id, ingest_state=IngestState.QUEUED).update(last_error=QUEUE_DOWN_NOTE)
