"""Writes of the ingestion flow that start it: an editor's URL or text, a feed entry's link; progress; the sweep.

Everything enqueues after commit (a rolled-back request enqueues nothing). A message the broker refuses (Redis
down) is not an error for whoever submitted: the article waits, queued with a note, and the sweep sends it again
once its deadline has passed (`articles_requeue_stalled`). The steps an article then goes through (fetch,
extract, dedupe, candidates) are in the pipeline package and re-exported here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from claims_tracker.claims.models import Article, IngestState, Outlet
from claims_tracker.claims.services import ServiceError
from claims_tracker.lib.text import content_hash

from . import fetching
from .models import Candidate, FetchedPage

# The pipeline steps live in the pipeline package; re-exported so callers have one module of ingestion writes.
from .pipeline import (  # noqa: F401
    article_extract,
    article_fail,
    article_fetch,
    article_find_candidates,
    article_note_retry,
    article_process_page,
    article_resolve,
    article_run_inline,
    reset_matcher_cache,
)
from .pipeline.claim import IN_PROGRESS, article_note_unsent, requeue_deadline
from .pipeline.copies import article_original, copy_fields

log = logging.getLogger(__name__)

TEXT_MAX_CHARS = 2_000_000


class IngestError(ServiceError):
    """Bad input to ingestion, with the form field at fault (`url`, `text`)."""

    code = "ingest_invalid"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)


def _enqueue(task_name: str, article_id: int) -> None:
    # Imported here: tasks import this module.
    from . import tasks

    tasks.enqueue_after_commit(getattr(tasks, task_name), article_id, unsent=lambda: article_note_unsent(article_id))


# Entry points ------------------------------------------------------------------------------------------------


def article_for_url(
    *,
    url: str,
    requested_by=None,
    feed=None,
    title: str = "",
    published_at: datetime | None = None,
    enqueue: bool = True,
) -> tuple[Article, bool]:
    """The article for this address, created queued if new. The canonical-URL constraint decides races."""
    canonical = fetching.normalize_url(url)
    existing = _article_by_canonical(canonical)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                url=url,
                canonical_url=canonical,
                title=title[:500],
                published_at=published_at,
                outlet=feed.outlet if feed is not None else None,
                source_feed=feed,
                requested_by=requested_by,
                ingest_state=IngestState.QUEUED,
                ingest_deadline=requeue_deadline(),
            )
    except IntegrityError:
        # Someone else inserted the same canonical URL between our read and our insert.
        existing = _article_by_canonical(canonical)
        if existing is None:
            raise
        return existing, False
    if enqueue:
        _enqueue("fetch_article", article.pk)
    return article, True


def _article_by_canonical(canonical: str) -> Article | None:
    return Article.objects.filter(canonical_url=canonical).first()


def validate_url_for_ingest(url: str) -> str:
    try:
        return fetching.validate_url(url)
    except fetching.FetchError as exc:
        raise IngestError(exc.message, "url") from None


def article_submit_url(*, url: str, requested_by=None) -> tuple[Article, bool]:
    """An editor's pasted URL: validated, then queued; or (the existing article, False), re-queued if failed."""
    url = validate_url_for_ingest(url)
    with transaction.atomic():
        article, created = article_for_url(url=url, requested_by=requested_by)
        if not created and article.ingest_state == IngestState.FAILED:
            # Asking again is how an editor retries a failed fetch.
            Article.objects.filter(pk=article.pk).update(
                ingest_state=IngestState.QUEUED, last_error="", ingest_deadline=requeue_deadline()
            )
            article.ingest_state, article.last_error = IngestState.QUEUED, ""
            _enqueue("fetch_article", article.pk)
        if not created and requested_by is not None and article.requested_by_id is None:
            Article.objects.filter(pk=article.pk).update(requested_by=requested_by)
    return article, created


def article_submit_text(
    *,
    text: str,
    title: str = "",
    outlet: Outlet | None = None,
    published_at: datetime | None = None,
    requested_by=None,
    enqueue: bool = True,
) -> tuple[Article, bool]:
    """Pasted text, stored unchanged (candidate offsets point into it), and True; or (the article it repeats,
    False): the same text, or a near copy of one already added (lib/neardup.py), is one article."""
    if not isinstance(text, str) or not text.strip():
        raise IngestError("Paste the text of the report.", "text")
    if len(text) > TEXT_MAX_CHARS:
        raise IngestError(f"The text is longer than {TEXT_MAX_CHARS:,} characters.", "text")
    digest = content_hash(text)
    title = (title or "").strip() or _title_from_text(text)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    signature = copy_fields(text)
    original = article_original(signature)
    if original is not None:
        return Article.objects.get(pk=original.pk), False
    try:
        with transaction.atomic():
            article = Article.objects.create(
                text=text,
                title=title[:500],
                outlet=outlet,
                published_at=published_at,
                content_hash=digest,
                requested_by=requested_by,
                ingest_state=IngestState.QUEUED,
                ingest_deadline=requeue_deadline(),
                **signature,
            )
            if enqueue:
                _enqueue("find_candidates", article.pk)
    except IntegrityError:
        existing = Article.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return existing, False
    return article, True


def _title_from_text(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:200] + ("…" if len(first) > 200 else "")


def article_progress(article: Article) -> dict:
    """State for a live progress view: polled by the page that submitted the article."""
    current = article_resolve(article.pk)
    if current is None:
        return {"id": article.pk, "state": "failed", "label": "Removed", "error": "The article was deleted."}
    state = current.ingest_state
    return {
        "id": current.pk,
        "state": state,
        "label": IngestState(state).label if state in IngestState.values else state,
        "error": current.last_error if state == IngestState.FAILED else "",
        "candidates": Candidate.objects.filter(article_id=current.pk).count(),
        "finished": state in (IngestState.DONE, IngestState.FAILED),
        "merged": current.pk != article.pk,
        "title": current.title,
        "url": current.get_absolute_url(),
    }


def article_from_html(*, html: bytes, url: str = "", requested_by=None) -> Article:
    """A saved page (ingest_file): stored with the article so the extract step reads it. Not enqueued.

    `url`, where it came from, is checked as every other entry's address is: http(s) with a host, or nothing.
    """
    url = validate_url_for_ingest(url) if url else ""
    with transaction.atomic():
        article = Article.objects.create(
            url=url,
            requested_by=requested_by,
            ingest_state=IngestState.EXTRACTING,
            fetched_at=timezone.now(),
            # Read at once by the command that saved it; the sweep leaves it alone meanwhile.
            ingest_deadline=timezone.now() + timedelta(seconds=settings.INGEST_STALL_AFTER),
        )
        FetchedPage.objects.create(article=article, final_url=url, content_type="text/html", body=html)
    return article


def articles_requeue_stalled(*, limit: int = 500) -> list[int]:
    """The beat's safety net: send again the articles whose message was lost or whose worker died; their ids.

    Due: queued past INGEST_REQUEUE_AFTER (the broker refused the message, or lost it), or fetching/extracting past
    INGEST_STALL_AFTER (the worker was killed; the broker would redeliver only after its visibility timeout). Each
    goes back to queued with a new deadline, in one transaction that takes the rows FOR UPDATE SKIP LOCKED, and is
    sent after commit: two sweeps at once send each article once. A pasted text is sent to find_candidates, a URL to
    fetch_article, whose claim takes the article once (pipeline/claim.py); a late copy of the lost message then
    finds it taken or done and does nothing. A saved page (ingest_file) is read by its command, not sent.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Article.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(ingest_state__in=(IngestState.QUEUED, *IN_PROGRESS), fetched_page__isnull=True)
            .filter(Q(ingest_deadline__isnull=True) | Q(ingest_deadline__lte=now))
            .order_by("ingest_deadline")
            .values_list("pk", "url")[:limit]
        )
        if not due:
            return []
        Article.objects.filter(pk__in=[pk for pk, _url in due]).update(
            ingest_state=IngestState.QUEUED, ingest_deadline=requeue_deadline()
        )
        for pk, url in due:
            _enqueue("fetch_article" if url else "find_candidates", pk)
    log.info("sent %d stalled article(s) again: %s", len(due), [pk for pk, _url in due])
    return [pk for pk, _url in due]
